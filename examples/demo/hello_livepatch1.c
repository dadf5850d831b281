/* The new version of hello_message, shipped as a live patch. */
const char *hello_message_v2(void)
{
  return "Hello from the live patch (version 2)";
}
