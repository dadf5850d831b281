/* Patch containers: a patch object (.so) that carries its own metadata in
 * ELF sections, so one file is a complete patch (docs/ulp-format.md,
 * "Containers"). Two kinds are read:
 *  - libpulp 0.3.x's: sections .ulp (apply), .ulp.rev (revert) and
 *    .ulp.comments (the descriptor's ! lines), in libpulp's binary layout;
 *  - Pulp's single-file patch (`ulp packer --embed`): a .pulp section
 *    holding a complete .ulp (ulp_format.h).
 * libc only, over the file's bytes (a minimal ELF64 reader for both byte
 * orders): the runtime reads containers itself, as it reads .ulp files. */
#ifndef PULP_CORE_LIBPULP_CONTAINER_H
#define PULP_CORE_LIBPULP_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "ulp_format.h"

#define PULP_SECTION ".pulp"
#define LIBPULP_SECTION ".ulp"
#define LIBPULP_SECTION_REV ".ulp.rev"
#define LIBPULP_SECTION_COMMENTS ".ulp.comments"

enum ulp_container {
  ULP_CONTAINER_NONE = 0,    /* a plain .ulp/.rev file */
  ULP_CONTAINER_PULP = 1,    /* .pulp section */
  ULP_CONTAINER_LIBPULP = 2, /* .ulp / .ulp.rev sections */
};

/* Does buf start like an ELF file? */
int ulp_is_elf(const uint8_t *buf, size_t len);

/* Decodes the patch that the ELF file buf carries. path is the file's
 * absolute path: the container is its own patch object, so it becomes
 * patch_path and the patch build-id is the file's GNU build-id. want is 0
 * for the patch as the file states it (the apply half when it has one) or
 * ULP_KIND_REVERT for its revert half. *type (may be NULL) tells which kind
 * of container it was. -EBADMSG for a corrupt container or an ELF file
 * without patch metadata, -ENOTSUP for what Pulp cannot honour. */
int ulp_container_decode(const uint8_t *buf, size_t len, const char *path,
                         uint32_t want, struct ulp_patch *p,
                         enum ulp_container *type, struct pulp_err *e);

#endif
