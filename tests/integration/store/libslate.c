/* A library the store app loads late, by dlopen: patched by slate_p1 (10
 * becomes 20). */
__attribute__((noipa)) int slate_get(void)
{
  return 10;
}
