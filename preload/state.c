/* The seqlocked state block that `ulp patches` and `ulp messages` read from
 * outside the process, and the message log. */
#include "state.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine.h"

__attribute__((visibility("default"))) struct pulp_state __pulp_state = {
    .magic = PULP_STATE_MAGIC,
    .abi_version = PULP_STATE_ABI,
};

static void write_begin(void)
{
  __atomic_add_fetch(&__pulp_state.generation, 1, __ATOMIC_SEQ_CST);
}

static void write_end(void)
{
  __atomic_add_fetch(&__pulp_state.generation, 1, __ATOMIC_SEQ_CST);
}

void state_publish(const struct pulp_state_patch *v, size_t n)
{
  write_begin();
  memcpy(__pulp_state.patches, v, n * sizeof(*v));
  __pulp_state.npatches = (uint32_t)n;
  write_end();
}

void rt_log(const char *fmt, ...)
{
  char line[512];
  struct timespec ts;
  struct tm tm;
  va_list ap;
  int n;

  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  n = (int)strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ ", &tm);
  va_start(ap, fmt);
  n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
  va_end(ap);
  if (n > (int)sizeof(line) - 2)
    n = (int)sizeof(line) - 2;
  line[n++] = '\n';
  write_begin();
  for (int i = 0; i < n; i++)
    __pulp_state.log[(__pulp_state.log_head + (uint32_t)i) % PULP_LOG_SIZE] =
        line[i];
  __pulp_state.log_head += (uint32_t)n;
  write_end();
}
