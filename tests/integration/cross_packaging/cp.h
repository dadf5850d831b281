/* Interface of libcp.so.1, the cross-packaging test's target library. */
#ifndef PULP_CP_H
#define PULP_CP_H

int cp_value(int x);
int cp_tls_value(void);
int cp_bump(void);

#endif
