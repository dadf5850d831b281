/* The new version of CLI_GET: returns CLI_VALUE. */
int CLI_NEW(void)
{
  return CLI_VALUE;
}
