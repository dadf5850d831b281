/* The table of layout backends, chosen by ELF machine. */
#include <elf.h>
#include <stddef.h>

#include "core/arch.h"

extern const struct pulp_arch_layout pulp_layout_x86_64;
extern const struct pulp_arch_layout pulp_layout_ppc64le;
extern const struct pulp_arch_layout pulp_layout_s390x;

static const struct pulp_arch_layout *const layouts[] = {
    &pulp_layout_x86_64,
    &pulp_layout_ppc64le,
    &pulp_layout_s390x,
};

const struct pulp_arch_layout *arch_layout(uint16_t machine)
{
  for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
    if (layouts[i]->machine == machine)
      return layouts[i];
  return NULL;
}

const struct pulp_arch_layout *arch_layout_native(void)
{
#if defined(PULP_NATIVE_ARCH_x86_64)
  return &pulp_layout_x86_64;
#elif defined(PULP_NATIVE_ARCH_ppc64le)
  return &pulp_layout_ppc64le;
#elif defined(PULP_NATIVE_ARCH_s390x)
  return &pulp_layout_s390x;
#endif
}
