/* Fixture libraries of the command-line tests, used by no other test: a
 * trigger over every process touches only this suite's processes. Built
 * twice: libcli.so.1 (CLI_GET=cli_get) and libcli2.so.1 (cli2_get). */
__attribute__((noipa)) int CLI_GET(void)
{
  return CLI_VALUE;
}
