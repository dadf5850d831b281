int value_get_v2(void)
{
  return 2;
}
