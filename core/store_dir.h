/* Where the patch store lives (docs/patch-store.md): shared by the tool
 * (ulp install/uninstall) and the runtime, which applies the store's
 * patches to libraries as they load. Libc only. */
#ifndef PULP_CORE_STORE_DIR_H
#define PULP_CORE_STORE_DIR_H

#include <stdlib.h>

/* The build's default (-DPULP_STORE_DIR=...). */
#ifndef PULP_STORE_DIR_DEFAULT
#define PULP_STORE_DIR_DEFAULT "/var/lib/pulp/patches"
#endif
#define PULP_STORE_ENV "PULP_STORE_DIR"

/* The store directory: $PULP_STORE_DIR, ignored in a secure-execution
 * (setuid/setgid) process so that its caller cannot choose its code. */
static inline const char *pulp_store_dir(void)
{
  const char *d = secure_getenv(PULP_STORE_ENV);
  return d && *d ? d : PULP_STORE_DIR_DEFAULT;
}

#endif
