int slate_get_v2(void)
{
  return 20;
}
