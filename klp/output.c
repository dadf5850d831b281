// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>

#include "output.h"

void klp_json_print(struct json_object *o)
{
  puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                             JSON_C_TO_STRING_SPACED |
                                             JSON_C_TO_STRING_NOSLASHESCAPE));
  fflush(stdout);
  json_object_put(o);
}

struct json_object *klp_json_str(const char *s)
{
  return s && *s ? json_object_new_string(s) : NULL;
}
