/* A one-function patch of libfoo without any constructor: a plan with
 * one switch point, committed by the runtime itself. */
const char *foo_name_one(void)
{
  return "one";
}
