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
  const void *phdr; /* its program headers (ElfW(Phdr)), in memory */
  size_t phnum;
};

/* Segment kinds for images_holds. */
enum rt_seg {
  RT_SEG_ANY,  /* any PT_LOAD */
  RT_SEG_EXEC, /* a PT_LOAD with PF_X */
  RT_SEG_DATA, /* writable now: PF_W, outside PT_GNU_RELRO */
};

/* Do the len bytes at offset off from img's load bias lie inside one
 * segment of that kind? Overflow-safe for any off and len: what the
 * runtime reads or writes at an offset taken from a .ulp is checked with
 * it first. */
int images_holds(const struct rt_image *img, uint64_t off, uint64_t len,
                 enum rt_seg kind);

/* The size of img's TLS block (PT_TLS p_memsz), 0 if it has none. */
uint64_t images_tls_size(const struct rt_image *img);

/* The GNU build-id in the ELF file open at fd, read from the file's bytes
 * (program headers, then PT_NOTE; ELF32 or ELF64, either byte order).
 * Returns its length, 0 if none or not ELF. */
size_t images_file_build_id(int fd, uint8_t *id, size_t max);

/* Finds the loaded image with this build-id. Returns 0 or -ENOENT. */
int images_find_by_build_id(const uint8_t *id, size_t len,
                            struct rt_image *out);

/* Finds the loaded image whose load bias is base. Returns 0 or -ENOENT. */
int images_find_by_base(uintptr_t base, struct rt_image *out);

/* Finds a loaded image that name designates (core/libname.h: path, file
 * name or soname; the main executable matches its /proc/self/exe). */
int images_find_by_name(const char *name, struct rt_image *out);

/* Does name designate the loaded image img (core/libname.h)? Besides its
 * link-map name and soname, the file it resolves to counts
 * (libz.so.1.2.13 behind libz.so.1). */
int images_matches(const struct rt_image *img, const char *name);

#endif
