/* The functions redirect_selftest.c patches, compiled with the
 * live-patchable flags of the architecture. victim uses a global so that
 * on ppc64le it has a TOC setup at its global entry. */
int calls;

int __attribute__((noinline)) victim(int x)
{
  calls++;
  return x + 1;
}

int __attribute__((noinline)) replacement(int x)
{
  calls++;
  return x * 100;
}

int __attribute__((noinline)) replacement2(int x)
{
  calls++;
  return x * 1000;
}

/* A same-file caller: reaches victim through its local entry. Returns
 * through the LR that the redirect sequence must have preserved. */
int __attribute__((noinline)) call_victim(int x)
{
  int r = victim(x);

  return r + calls - calls;
}
