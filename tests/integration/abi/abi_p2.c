/* Patch of libabi applied and reverted under a running thread. */
int abi_value_v2(void)
{
  return 2;
}
