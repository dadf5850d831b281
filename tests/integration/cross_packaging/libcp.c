/* Target library of the cross-packaging test: a function the patch
 * replaces, and data the patch reaches through a static and a TLS
 * reference (cp_p1.dsc). */
#include "cp.h"

/* Defined first (built with -fno-toplevel-reorder) so that cp_tls is not
 * at offset 0 of the TLS block: a zero offset would prove nothing. */
static __thread int cp_tls_first[4] = {1, 2, 3, 4};
static int cp_counter = 7; /* local symbol: #cp_counter:counter_ref */
__thread int cp_tls = 5;   /* #%cp_tls:tls_ref */

int cp_value(int x)
{
  return x + cp_counter;
}

int cp_tls_value(void)
{
  return cp_tls;
}

int cp_bump(void)
{
  return ++cp_counter + cp_tls_first[cp_tls & 3] * 0;
}
