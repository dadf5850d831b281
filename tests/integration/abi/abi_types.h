/* Types and declarations shared by the ABI fixtures (libabi, the patches)
 * and the driver (abi_test.c). */
#ifndef PULP_TEST_ABI_TYPES_H
#define PULP_TEST_ABI_TYPES_H

#include <setjmp.h>

struct abi_small {
  int a, b;
};
struct abi_big { /* returned through a hidden pointer on every ABI */
  long a, b, c, d, e;
};
struct abi_hfa { /* homogeneous float aggregate: FP registers on ppc64le */
  double a, b, c, d;
};

/* (a) TOC: abi_callee is called locally from abi_local_caller. */
int abi_callee(int x);
int abi_local_caller(int x);
int abi_helper(int x);
extern int abi_global_b;

/* (c) longjmp out of a patched function (the patch jumps when x < 0). */
int abi_jumper(jmp_buf *jb, int x);

/* (d) the value a second thread reads in a loop: old 1, new 2. */
int abi_value(void);

/* (f) recursion: old adds 1 per level, new 1000. */
long abi_depth(long n);
long abi_depth_local(long n);

/* (b) C++ (libabicxx): throws when x < 0 once patched. Returns x + 1 (old)
 * or x + 2 (new); abi_cxx_catch returns -1 when it caught. */
int abi_cxx_thrower(int x);
int abi_cxx_catch(int x);
int abi_cxx_catch_local(int x);
int abi_cxx_caught(void); /* catches so far */

#endif
