/* A library installed the usual way: the file libvalue.so.1.0.0, its soname
 * libvalue.so.1 on a symlink. */
__attribute__((noipa)) int value_get(void)
{
  return 1;
}
