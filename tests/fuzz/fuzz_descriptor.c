/* libFuzzer target: the descriptor parser (core/descriptor.c) on any text.
 * The input is the descriptor's text; the parser must accept it or refuse it
 * with a message, never crash, leak or read out of bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/descriptor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct pulp_err e = {0};
  struct dsc d;
  char *text = malloc(size + 1);

  if (!text)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0'; /* the parser takes C text: an embedded NUL ends it */
  memset(&d, 0, sizeof(d));
  if (dsc_parse_text("fuzz.dsc", "/fuzz", text, &d, &e) == 0)
    dsc_free(&d);
  else if (!e.msg[0])
    abort(); /* every refusal names its reason */
  free(text);
  return 0;
}
