/* libFuzzer target: the .ulp reader (core/ulp_format.c) and the patch
 * container reader (core/libpulp_container.c: libpulp's .ulp/.ulp.rev
 * sections and Pulp's .pulp section in an ELF patch object), both halves.
 * A decoded patch must survive an encode/decode round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/libpulp_container.h"
#include "core/ulp_format.h"
#include "fuzz_common.h"

static void need_msg(int rc, const struct pulp_err *e)
{
  if (rc && !e->msg[0])
    abort(); /* every refusal names its reason */
}

static void roundtrip(const struct ulp_patch *p)
{
  struct pulp_err e = {0};
  struct ulp_patch q;
  uint8_t *buf;
  size_t len;
  char hex[2 * ULP_BUILD_ID_MAX + 1];

  ulp_hex(p->patch_build_id, p->patch_build_id_len, hex);
  ulp_hex(p->target_build_id, p->target_build_id_len, hex);
  if (ulp_encode(p, &buf, &len, &e) != 0)
    return;
  if (ulp_decode(buf, len, &q, &e) != 0)
    abort(); /* what the encoder writes, the decoder reads */
  if (q.nfuncs != p->nfuncs || q.nrefs != p->nrefs || q.kind != p->kind ||
      strcmp(q.name, p->name) || strcmp(q.target, p->target))
    abort();
  ulp_free(&q);
  free(buf);
}

static void decode(const uint8_t *data, size_t size)
{
  struct pulp_err e = {0};
  struct ulp_patch p;
  int rc = ulp_decode(data, size, &p, &e);

  need_msg(rc, &e);
  if (rc == 0) {
    roundtrip(&p);
    ulp_free(&p);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t *fixed;

  decode(data, size); /* as given: checksum and length checks */
  if ((fixed = fuzz_fix_ulp(data, size))) {
    decode(fixed, size); /* past the checksum: the records */
    free(fixed);
  }
  if (ulp_is_elf(data, size))
    for (uint32_t want = 0; want <= ULP_KIND_REVERT; want += ULP_KIND_REVERT) {
      struct pulp_err e = {0};
      struct ulp_patch p;
      enum ulp_container type;
      int rc = ulp_container_decode(data, size, "/fuzz/libfuzz_p1.so", want, &p,
                                    &type, &e);
      need_msg(rc, &e);
      if (rc == 0) {
        roundtrip(&p);
        ulp_free(&p);
      }
    }
  return 0;
}
