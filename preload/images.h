/* Loaded images of this process, through dl_iterate_phdr (no libelf in the
 * runtime). */
#ifndef PULP_PRELOAD_IMAGES_H
#define PULP_PRELOAD_IMAGES_H

#include <stddef.h>
#include <stdint.h>

struct rt_image {
  uintptr_t base;     /* load bias */
  const char *name;   /* link-map name; "" for the main executable */
  const char *soname; /* DT_SONAME, in the image; "" if none */
  size_t tls_modid;
  uint8_t build_id[64];
  size_t build_id_len;
};

/* Finds the loaded image with this build-id. Returns 0 or -ENOENT. */
int images_find_by_build_id(const uint8_t *id, size_t len,
                            struct rt_image *out);

/* Finds a loaded image that name designates (core/libname.h: path, file
 * name or soname; the main executable matches its /proc/self/exe). */
int images_find_by_name(const char *name, struct rt_image *out);

/* Does name designate the loaded image img (core/libname.h)? Besides its
 * link-map name and soname, the file it resolves to counts
 * (libz.so.1.2.13 behind libz.so.1). */
int images_matches(const struct rt_image *img, const char *name);

#endif
