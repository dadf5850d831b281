/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON output (json-c): every query prints one document on stdout. */
#ifndef KLP_OUTPUT_H
#define KLP_OUTPUT_H

#include <json-c/json.h>

/* Print o pretty-printed with a newline, then release it. */
void klp_json_print(struct json_object *o);

/* A string, or JSON null for NULL or "". */
struct json_object *klp_json_str(const char *s);

static inline void klp_json_set(struct json_object *o, const char *key,
                                struct json_object *v)
{
  json_object_object_add(o, key, v);
}

#endif
