/* raw_value returns 2. */
int raw_value_v2(void)
{
  return 2;
}
