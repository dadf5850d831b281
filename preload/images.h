/* Loaded images of this process, through dl_iterate_phdr (no libelf in the
 * runtime). */
#ifndef PULP_PRELOAD_IMAGES_H
#define PULP_PRELOAD_IMAGES_H

#include <stddef.h>
#include <stdint.h>

struct rt_image {
  uintptr_t base;   /* load bias */
  const char *name; /* link-map name; "" for the main executable */
  size_t tls_modid;
  uint8_t build_id[64];
  size_t build_id_len;
};

/* Finds the loaded image with this build-id. Returns 0 or -ENOENT. */
int images_find_by_build_id(const uint8_t *id, size_t len,
                            struct rt_image *out);

/* Finds a loaded image whose basename or soname-like name equals name (the
 * main executable matches its /proc/self/exe basename). */
int images_find_by_name(const char *name, struct rt_image *out);

#endif
