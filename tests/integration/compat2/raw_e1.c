/* A placeholder patch: an object and no function or data lines. */
int raw_placeholder(void)
{
  return 0;
}
