/* A library the store app links: patched by sval_p1 (1 becomes 2). */
__attribute__((noipa)) int sval_get(void)
{
  return 1;
}
