/* LIBPULP_DISABLE_ON_* (switches.h) and the runtime's first log line, so
 * that `ulp messages` always shows that and how the runtime loaded. The
 * matching follows libpulp 0.3 (lib/ulp_interface / asunsafe): fnmatch with
 * FNM_EXTMATCH; a number matches the id itself; a name is looked up only
 * when some pattern is not a number (NSS may load modules). */
#define _GNU_SOURCE
#include "switches.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/state_abi.h"
#include "engine.h"

extern struct pulp_state __pulp_state;

static int is_number(const char *s)
{
  if (!*s)
    return 0;
  for (; *s; s++)
    if (!isdigit((unsigned char)*s))
      return 0;
  return 1;
}

/* Finds the first ':'-separated pattern of the variable var that matches:
 * a number equal to id (id >= 0), or a wildcard matching name() (called at
 * most once, may return NULL). Copies it into hit. */
static int match_list(const char *var, long id, const char *(*name)(long),
                      const char *fixed, char *hit, size_t max)
{
  const char *list = getenv(var), *p;
  const char *nm = fixed;
  int looked = fixed != NULL;

  if (!list)
    return 0;
  for (p = list; *p;) {
    size_t n = strcspn(p, ":");
    char pat[PATH_MAX];
    if (n > 0 && n < sizeof(pat)) {
      memcpy(pat, p, n);
      pat[n] = '\0';
      int yes = 0;
      if (id >= 0 && is_number(pat))
        yes = strtol(pat, NULL, 10) == id;
      else {
        if (!looked) {
          nm = name(id);
          looked = 1;
        }
        yes = nm && fnmatch(pat, nm, FNM_EXTMATCH) == 0;
      }
      if (yes) {
        snprintf(hit, max, "%s", pat);
        return 1;
      }
    }
    p += n;
    if (*p == ':')
      p++;
  }
  return 0;
}

static const char *user_name(long uid)
{
  struct passwd *pw = getpwuid((uid_t)uid);
  return pw ? pw->pw_name : NULL;
}

static const char *group_name(long gid)
{
  struct group *g = getgrgid((gid_t)gid);
  return g ? g->gr_name : NULL;
}

int switches_refuse(struct pulp_err *e)
{
  if (!__pulp_state.disabled[0])
    return 0;
  return err_set(e, -EPERM, "%s", __pulp_state.disabled);
}

__attribute__((constructor)) static void switches_init(void)
{
  char exe[PATH_MAX] = "?", hit[PATH_MAX];
  char *why = __pulp_state.disabled;
  size_t max = sizeof(__pulp_state.disabled);
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

  if (n > 0)
    exe[n] = '\0';
  /* An unreadable exe matches no path pattern. libpulp disables patching
   * then; a wildcard cannot have matched it, so Pulp does not. */
  if (n > 0 &&
      match_list("LIBPULP_DISABLE_ON_PATH", -1, NULL, exe, hit, sizeof(hit)))
    snprintf(why, max,
             "live patching disabled by the operator: "
             "LIBPULP_DISABLE_ON_PATH pattern '%.60s' matches %.100s",
             hit, exe);
  else if (match_list("LIBPULP_DISABLE_ON_USERS", (long)getuid(), user_name,
                      NULL, hit, sizeof(hit)))
    snprintf(why, max,
             "live patching disabled by the operator: "
             "LIBPULP_DISABLE_ON_USERS entry '%.60s' matches uid %ld",
             hit, (long)getuid());
  else if (match_list("LIBPULP_DISABLE_ON_GROUPS", (long)getgid(), group_name,
                      NULL, hit, sizeof(hit)))
    snprintf(why, max,
             "live patching disabled by the operator: "
             "LIBPULP_DISABLE_ON_GROUPS entry '%.60s' matches gid %ld",
             hit, (long)getgid());
  if (why[0])
    rt_log("runtime loaded in %s (pid %d): %s", exe, (int)getpid(), why);
  else
    rt_log("runtime loaded in %s (pid %d): live patching enabled", exe,
           (int)getpid());
}
