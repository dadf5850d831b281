/* How a library is named by a user (a .ulp's target, --revert-all=LIB):
 * one rule for the tool and the runtime, so that what `ulp trigger` finds
 * in a process is what the runtime acts on. A loaded library is known by
 * the path it was found by (a link-map name such as /lib/libz.so.1, or the
 * resolved file /proc/PID/maps shows, /lib/libz.so.1.2.13) and by its
 * DT_SONAME (libz.so.1); the usual layout puts the soname on a symlink to
 * a versioned file. Header-only: the runtime links libc only. */
#ifndef PULP_CORE_LIBNAME_H
#define PULP_CORE_LIBNAME_H

#include <string.h>

static inline const char *pulp_lib_basename(const char *p)
{
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

/* Does name (a path, a file name or a soname) designate the library known
 * by path (may be NULL or "") and soname (may be NULL or "")? A path
 * matches by its file name, as a file name does: the same library is
 * often reached through different directories (/lib, /usr/lib). */
static inline int pulp_lib_matches(const char *name, const char *path,
                                   const char *soname)
{
  const char *n = pulp_lib_basename(name);

  if (!*n)
    return 0;
  if (path && *path && !strcmp(n, pulp_lib_basename(path)))
    return 1;
  return soname && *soname && !strcmp(n, soname);
}

#endif
