/* Patch object of the cross-packaging test: replaces cp_value and
 * cp_tls_value; reaches the target's static cp_counter and its TLS cp_tls
 * through references the runtime fills (cp_p1.dsc). */
#include "tls_ref.h"

int *counter_ref;  /* := &cp_counter (a local symbol of the target) */
tls_index tls_ref; /* := cp_tls's TLS slot */

int cp_value_v2(int x)
{
  return x * 100 + *counter_ref;
}

int cp_tls_value_v2(void)
{
  return *(int *)pulp_tls_addr(&tls_ref) * 1000;
}
