int sval_get_v2(void)
{
  return 2;
}
