/* A library built elsewhere: compiled with -fpatchable-function-entry only,
 * never normalised by 'ulp post' (as SUSE builds glibc). On x86_64 each
 * entry is two 1-byte NOPs. */
int raw_data = 7;

__attribute__((noipa)) int raw_value(void)
{
  return 1;
}

__attribute__((noipa)) int raw_data_get(void)
{
  return raw_data;
}
