/* The public in-process API (include/pulp.h) over the engine. */
#include "pulp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/control_abi.h"
#include "core/state_abi.h"
#include "engine.h"
#include "local_commit.h"

extern struct pulp_state __pulp_state;

#define API __attribute__((visibility("default")))

static int report(int rc, const struct pulp_err *e, char *err, size_t errlen)
{
  if (rc && err && errlen)
    snprintf(err, errlen, "%s", e->msg);
  return rc;
}

API int pulp_run(const char *revert_all_lib, const char *const *files, size_t n,
                 char *err, size_t errlen)
{
  struct pulp_err e = {0};
  struct pulp_plan *plan;
  size_t len = 0, off = 0;
  uint8_t *req;
  int rc;

  if (revert_all_lib)
    len += strlen(revert_all_lib) + 2;
  for (size_t i = 0; i < n; i++)
    len += strlen(files[i]) + 2;
  req = malloc(len ? len : 1);
  if (!req)
    return report(err_set(&e, -ENOMEM, "out of memory"), &e, err, errlen);
  if (revert_all_lib)
    off += (size_t)sprintf((char *)req + off, "%c%s", PULP_REQ_REVERT_ALL,
                           revert_all_lib) +
           1;
  for (size_t i = 0; i < n; i++)
    off +=
        (size_t)sprintf((char *)req + off, "%c%s", PULP_REQ_FILE, files[i]) + 1;
  rc = engine_prepare(PULP_OP_APPLY, req, off, &plan, &e);
  free(req);
  if (rc)
    return report(rc, &e, err, errlen);
  rc = local_commit(plan, &e);
  engine_finish(rc == 0);
  return report(rc, &e, err, errlen);
}

API int pulp_apply(const char *path, char *err, size_t errlen)
{
  return pulp_run(NULL, &path, 1, err, errlen);
}

API int pulp_revert_all(const char *lib, char *err, size_t errlen)
{
  return pulp_run(lib, NULL, 0, err, errlen);
}

API int pulp_patch_count(void)
{
  return (int)__pulp_state.npatches;
}

API const char *pulp_patch_name(int i)
{
  if (i < 0 || (uint32_t)i >= __pulp_state.npatches)
    return NULL;
  return __pulp_state.patches[i].name;
}
