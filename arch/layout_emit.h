/* Helpers shared by the layout halves (arch/<name>/layout.c): fixed byte
 * order access to instruction words, and appending writes and guards to a
 * plan. Header-only and libc-only, like the layouts themselves: the runtime
 * links them too (DESIGN.md section 2). */
#ifndef PULP_ARCH_LAYOUT_EMIT_H
#define PULP_ARCH_LAYOUT_EMIT_H

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "core/err.h"
#include "core/plan.h"

static inline uint32_t get_le32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t get_le64(const uint8_t *p)
{
  return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
  put_le32(p, (uint32_t)v);
  put_le32(p + 4, (uint32_t)(v >> 32));
}

static inline uint16_t get_be16(const uint8_t *p)
{
  return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static inline uint32_t get_be32(const uint8_t *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         (uint32_t)p[3];
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static inline uint64_t get_be64(const uint8_t *p)
{
  return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
  put_be32(p, (uint32_t)(v >> 32));
  put_be32(p + 4, (uint32_t)v);
}

/* Appends one write of len bytes at addr (old: the bytes there now). */
static inline int emit_write(struct pulp_plan *plan, uint64_t addr,
                             const uint8_t *old, const uint8_t *bytes,
                             uint32_t len, uint32_t flags, struct pulp_err *e)
{
  struct pulp_plan_write *w;

  if (len == 0 || len > PULP_PLAN_WRITE_MAX)
    return err_set(e, -EINVAL, "write of %u bytes at 0x%llx", len,
                   (unsigned long long)addr);
  if (plan->nwrites >= PULP_PLAN_MAX)
    return err_set(e, -ENOSPC, "plan full (%d writes)", PULP_PLAN_MAX);
  w = &plan->writes[plan->nwrites++];
  memset(w, 0, sizeof(*w));
  w->addr = addr;
  w->len = len;
  w->flags = flags;
  memcpy(w->old, old, len);
  memcpy(w->bytes, bytes, len);
  return 0;
}

/* Appends the guard range [start, end): no thread's PC may lie there at
 * commit. */
static inline int emit_guard(struct pulp_plan *plan, uint64_t start,
                             uint64_t end, struct pulp_err *e)
{
  if (plan->nguards >= PULP_PLAN_MAX)
    return err_set(e, -ENOSPC, "plan full (%d guards)", PULP_PLAN_MAX);
  plan->guards[plan->nguards].start = start;
  plan->guards[plan->nguards].end = end;
  plan->nguards++;
  return 0;
}

/* Appends the writes that turn old[0..len) at addr into new[0..len), in
 * chunks of at most PULP_PLAN_WRITE_MAX bytes, skipping unchanged chunks;
 * flags (PULP_PW_*) go on every chunk. */
static inline int emit_range(struct pulp_plan *plan, uint64_t addr,
                             const uint8_t *old, const uint8_t *new_bytes,
                             size_t len, uint32_t flags, struct pulp_err *e)
{
  for (size_t off = 0; off < len; off += PULP_PLAN_WRITE_MAX) {
    size_t n =
        len - off < PULP_PLAN_WRITE_MAX ? len - off : PULP_PLAN_WRITE_MAX;
    int r;

    if (!memcmp(old + off, new_bytes + off, n))
      continue;
    r = emit_write(plan, addr + off, old + off, new_bytes + off, (uint32_t)n,
                   flags, e);
    if (r < 0)
      return r;
  }
  return 0;
}

#endif
