/* ABI of a redirected call (tests/integration/abi): arguments, return
 * values, the caller's TOC and return address, exceptions, longjmp,
 * threads and deep recursion through patched functions. In-process API
 * (pulp.h), so it runs natively and under qemu-user.
 * Usage: abi_test SCENARIO DIR */
#define _GNU_SOURCE
#include <ffi.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi_types.h"
#include "inproc_harness.h"

#if defined(__powerpc64__)
#include "arch/ppc64le/call_tramp.h"
#endif

/* References: the old (W 1) and new (W 3) bodies of the ffi functions. */
#define W 1
#define SIG(name) ref1_##name
#include "abi_sigs.h"
#undef W
#undef SIG
#define W 3
#define SIG(name) ref3_##name
#include "abi_sigs.h"
#undef W
#undef SIG

/* libabi's, declared here only (abi_sigs.h defines them in libabi). */
int abi_ints(int, int, int, int, int, int, int, int, int, int);
float abi_floats(float, float, float, float, float, float, float, float, float,
                 float, float, float, float, float);
double abi_doubles(double, double, double, double, double, double, double,
                   double, double, double, double, double, double, double);
struct abi_small abi_small(struct abi_small, struct abi_small);
struct abi_big abi_big(struct abi_big, long);
struct abi_hfa abi_hfa(struct abi_hfa, double);
long abi_mixed(signed char, short, int, long, float, double, struct abi_small,
               unsigned char, double, long, float);
double abi_stack(long, long, long, long, long, long, long, long, double, double,
                 double, double, double, double, double, double, double, double,
                 double, double, double, long, long, double, struct abi_big);
double abi_var(int, ...);

/* (a) A caller in the same library calls the patched function locally
 * (no TOC restore after its bl) and then reads its own global through the
 * TOC. The replacement has its own TOC, calls back into the library and
 * reads globals of both objects. A redirect that returned with the patch's
 * r2 makes the caller read the wrong word. */
static void toc_local_caller_reads_its_global(void)
{
  CHECK(abi_local_caller(5) == 5 + 1 + 11);
  CHECK(run("abi_p1.ulp") == 0);
  /* abi_callee_v2(5) = abi_helper(5) + abi_global_b + 1000 = 21+22+1000 */
  CHECK(abi_callee(5) == 1043);
  for (int i = 0; i < 1000; i++)
    CHECK(abi_local_caller(i) == 2 * i + 11 + 22 + 1000 + 11);
  CHECK(run("abi_p1.rev") == 0);
  CHECK(abi_local_caller(5) == 5 + 1 + 11);
}

/* (b) An exception thrown by the replacement unwinds through the call
 * trampoline into catchers in the old library, many more times than the
 * shadow stack has entries (an abandoned entry is dropped at the next
 * call from the same frame). */
static void cxx_exception_through_patched_function(void)
{
  int n = 2000;

  CHECK(abi_cxx_catch(-5) == -4);
  CHECK(run("abi_cxx_p1.ulp") == 0);
  for (int i = 0; i < n; i++) {
    CHECK(abi_cxx_catch(-i - 1) == -1);
    CHECK(abi_cxx_catch(i) == i + 2);
    CHECK(abi_cxx_catch_local(-1) == -1);
    CHECK(abi_cxx_catch_local(i) == 2 * (i + 2));
  }
  CHECK(abi_cxx_caught() == 2 * n);
  CHECK(run("abi_cxx_p1.rev") == 0);
  CHECK(abi_cxx_catch(-5) == -4);
}

/* (c) longjmp out of the replacement, from frames at several depths, many
 * more times than the shadow stack has entries; every later call still
 * runs the new code. */
static __attribute__((noipa)) int jump_from(int depth, jmp_buf *jb)
{
  volatile char pad[64];

  pad[0] = (char)depth;
  if (depth > 0)
    return jump_from(depth - 1, jb) + pad[0] * 0;
  return abi_jumper(jb, -1);
}

static void longjmp_out_of_patched_function(void)
{
  CHECK(run("abi_p1.ulp") == 0);
  for (int i = 0; i < 3000; i++) {
    jmp_buf jb;
    int v = setjmp(jb);
    if (v == 0) {
      jump_from(i % 7, &jb);
      CHECK(!"abi_jumper returned instead of jumping");
    } else {
      CHECK(v == 7);
    }
  }
  for (int i = 0; i < 3000; i++)
    CHECK(abi_jumper(NULL, i) == i + 1000);
  CHECK(abi_depth(100) == 100 * 1000);
  CHECK(run("abi_p1.rev") == 0);
  CHECK(abi_jumper(NULL, 1) == 2);
}

/* (d) A thread calls the function in a tight loop while it is patched and
 * reverted: every call returns the old or the new value. Another thread,
 * created while the patch is applied, does the same. */
static atomic_int stop;
static atomic_long calls, bad, saw_old, saw_new;

static void *spin(void *arg)
{
  (void)arg;
  while (!atomic_load(&stop)) {
    int v = abi_value();
    atomic_fetch_add(&calls, 1);
    if (v == 1)
      atomic_fetch_add(&saw_old, 1);
    else if (v == 2)
      atomic_fetch_add(&saw_new, 1);
    else
      atomic_fetch_add(&bad, 1);
  }
  return NULL;
}

/* Waits until the spinners have seen the value v once more. */
static void wait_seen(atomic_long *counter)
{
  long start = atomic_load(counter);

  for (unsigned long n = 1; atomic_load(counter) == start; n++) {
    sched_yield();
    if (n % 10000000 == 0) /* a hang shows where it is (ctest's timeout) */
      fprintf(stderr, "waiting: %ld calls, %ld old, %ld new, %ld other\n",
              atomic_load(&calls), atomic_load(&saw_old), atomic_load(&saw_new),
              atomic_load(&bad));
  }
}

static void thread_sees_old_or_new_while_patching(void)
{
  pthread_t t1, t2;
  int cycles = 100;

  CHECK(pthread_create(&t1, NULL, spin, NULL) == 0);
  wait_seen(&saw_old);
  for (int i = 0; i < cycles; i++) {
    CHECK(run("abi_p2.ulp") == 0);
    if (i == cycles / 2)
      CHECK(pthread_create(&t2, NULL, spin, NULL) == 0);
    CHECK(abi_value() == 2);
    wait_seen(&saw_new); /* a spinner ran under the patch */
    CHECK(run("abi_p2.rev") == 0);
    CHECK(abi_value() == 1);
    wait_seen(&saw_old);
  }
  atomic_store(&stop, 1);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  fprintf(stderr, "%ld calls: %ld old, %ld new, %ld other\n",
          atomic_load(&calls), atomic_load(&saw_old), atomic_load(&saw_new),
          atomic_load(&bad));
  CHECK(atomic_load(&bad) == 0);
}

/* (e) libffi: every signature called through ffi_call, before and after
 * patching, against the reference bodies. */
static ffi_type *small_el[] = {&ffi_type_sint, &ffi_type_sint, NULL};
static ffi_type small_t = {0, 0, FFI_TYPE_STRUCT, small_el};
static ffi_type *big_el[] = {&ffi_type_slong, &ffi_type_slong, &ffi_type_slong,
                             &ffi_type_slong, &ffi_type_slong, NULL};
static ffi_type big_t = {0, 0, FFI_TYPE_STRUCT, big_el};
static ffi_type *hfa_el[] = {&ffi_type_double, &ffi_type_double,
                             &ffi_type_double, &ffi_type_double, NULL};
static ffi_type hfa_t = {0, 0, FFI_TYPE_STRUCT, hfa_el};

static void call(void (*fn)(void), ffi_type *rt, unsigned n, ffi_type **at,
                 void **av, void *ret, int nfixed)
{
  ffi_cif cif;
  ffi_status s = nfixed ? ffi_prep_cif_var(&cif, FFI_DEFAULT_ABI,
                                           (unsigned)nfixed, n, rt, at)
                        : ffi_prep_cif(&cif, FFI_DEFAULT_ABI, n, rt, at);

  CHECK(s == FFI_OK);
  if (s == FFI_OK)
    ffi_call(&cif, fn, ret, av);
}

static int small_eq(struct abi_small x, struct abi_small y)
{
  return x.a == y.a && x.b == y.b;
}

static int big_eq(struct abi_big x, struct abi_big y)
{
  return x.a == y.a && x.b == y.b && x.c == y.c && x.d == y.d && x.e == y.e;
}

static int hfa_eq(struct abi_hfa x, struct abi_hfa y)
{
  return x.a == y.a && x.b == y.b && x.c == y.c && x.d == y.d;
}

static void ffi_all(int patched)
{
  int iv[10];
  float fv[14];
  double dv[14];
  void *av[32];
  ffi_type *at[32];
  ffi_arg ir;

  /* ints */
  for (int i = 0; i < 10; i++) {
    iv[i] = 3 * i - 7;
    at[i] = &ffi_type_sint;
    av[i] = &iv[i];
  }
  call((void (*)(void))abi_ints, &ffi_type_sint, 10, at, av, &ir, 0);
  CHECK((int)ir == (patched ? ref3_ints : ref1_ints)(iv[0], iv[1], iv[2], iv[3],
                                                     iv[4], iv[5], iv[6], iv[7],
                                                     iv[8], iv[9]));
  /* floats */
  {
    float fr;
    for (int i = 0; i < 14; i++) {
      fv[i] = 0.5f * (float)i + 1;
      at[i] = &ffi_type_float;
      av[i] = &fv[i];
    }
    call((void (*)(void))abi_floats, &ffi_type_float, 14, at, av, &fr, 0);
    CHECK(fr == (patched ? ref3_floats : ref1_floats)(
                    fv[0], fv[1], fv[2], fv[3], fv[4], fv[5], fv[6], fv[7],
                    fv[8], fv[9], fv[10], fv[11], fv[12], fv[13]));
  }
  /* doubles */
  {
    double dr;
    for (int i = 0; i < 14; i++) {
      dv[i] = 0.25 * i - 2;
      at[i] = &ffi_type_double;
      av[i] = &dv[i];
    }
    call((void (*)(void))abi_doubles, &ffi_type_double, 14, at, av, &dr, 0);
    CHECK(dr == (patched ? ref3_doubles : ref1_doubles)(
                    dv[0], dv[1], dv[2], dv[3], dv[4], dv[5], dv[6], dv[7],
                    dv[8], dv[9], dv[10], dv[11], dv[12], dv[13]));
  }
  /* small structs by value */
  {
    struct abi_small x = {3, -4}, y = {50, 60}, r;
    at[0] = at[1] = &small_t;
    av[0] = &x;
    av[1] = &y;
    call((void (*)(void))abi_small, &small_t, 2, at, av, &r, 0);
    CHECK(small_eq(r, (patched ? ref3_small : ref1_small)(x, y)));
  }
  /* a large struct by value, and as the result */
  {
    struct abi_big x = {1, -2, 3, -4, 5}, r;
    long k = 1000;
    at[0] = &big_t;
    at[1] = &ffi_type_slong;
    av[0] = &x;
    av[1] = &k;
    call((void (*)(void))abi_big, &big_t, 2, at, av, &r, 0);
    CHECK(big_eq(r, (patched ? ref3_big : ref1_big)(x, k)));
  }
  /* homogeneous float aggregate */
  {
    struct abi_hfa x = {1.5, -2.5, 3.5, 4.5}, r;
    double s = 0.125;
    at[0] = &hfa_t;
    at[1] = &ffi_type_double;
    av[0] = &x;
    av[1] = &s;
    call((void (*)(void))abi_hfa, &hfa_t, 2, at, av, &r, 0);
    CHECK(hfa_eq(r, (patched ? ref3_hfa : ref1_hfa)(x, s)));
  }
  /* mixed widths */
  {
    signed char c = -3;
    short s = 300;
    int i = -70000;
    long l = 1L << 40;
    float f = 2.5f, f2 = -1.5f;
    double d = 8.25, d2 = -0.5;
    struct abi_small sm = {7, 9};
    unsigned char uc = 250;
    long l2 = -5, r;
    ffi_type *t[] = {&ffi_type_schar, &ffi_type_sshort, &ffi_type_sint,
                     &ffi_type_slong, &ffi_type_float,  &ffi_type_double,
                     &small_t,        &ffi_type_uchar,  &ffi_type_double,
                     &ffi_type_slong, &ffi_type_float};
    void *v[] = {&c, &s, &i, &l, &f, &d, &sm, &uc, &d2, &l2, &f2};
    call((void (*)(void))abi_mixed, &ffi_type_slong, 11, t, v, &r, 0);
    CHECK(r == (patched ? ref3_mixed : ref1_mixed)(c, s, i, l, f, d, sm, uc, d2,
                                                   l2, f2));
  }
  /* past every register, a large struct on the stack */
  {
    long x[10];
    double y[14], r;
    struct abi_big b = {10, 20, 30, 40, 50};
    int n = 0;
    for (int i = 0; i < 8; i++) {
      x[i] = i * 11 - 20;
      at[n] = &ffi_type_slong;
      av[n++] = &x[i];
    }
    for (int i = 0; i < 13; i++) {
      y[i] = i * 0.5 + 0.25;
      at[n] = &ffi_type_double;
      av[n++] = &y[i];
    }
    x[8] = 77;
    x[9] = -88;
    y[13] = 6.75;
    at[n] = &ffi_type_slong;
    av[n++] = &x[8];
    at[n] = &ffi_type_slong;
    av[n++] = &x[9];
    at[n] = &ffi_type_double;
    av[n++] = &y[13];
    at[n] = &big_t;
    av[n++] = &b;
    call((void (*)(void))abi_stack, &ffi_type_double, (unsigned)n, at, av, &r,
         0);
    CHECK(r == (patched ? ref3_stack : ref1_stack)(
                   x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], y[0], y[1],
                   y[2], y[3], y[4], y[5], y[6], y[7], y[8], y[9], y[10], y[11],
                   y[12], x[8], x[9], y[13], b));
  }
  /* variadic: 6 (long, double) pairs */
  {
    int cnt = 6;
    long lx[6];
    double dy[6], r;
    int n = 0;
    at[n] = &ffi_type_sint;
    av[n++] = &cnt;
    for (int i = 0; i < 6; i++) {
      lx[i] = 1000 * i - 3;
      dy[i] = i + 0.5;
      at[n] = &ffi_type_slong;
      av[n++] = &lx[i];
      at[n] = &ffi_type_double;
      av[n++] = &dy[i];
    }
    call((void (*)(void))abi_var, &ffi_type_double, (unsigned)n, at, av, &r, 1);
    CHECK(r == (patched ? ref3_var : ref1_var)(cnt, lx[0], dy[0], lx[1], dy[1],
                                               lx[2], dy[2], lx[3], dy[3],
                                               lx[4], dy[4], lx[5], dy[5]));
  }
}

static void ffi_signatures_preserved(void)
{
  ffi_all(0);
  CHECK(run("abi_p1.ulp") == 0);
  ffi_all(1);
  CHECK(run("abi_p1.rev") == 0);
  ffi_all(0);
}

/* (f) Recursion through the patched entry deeper than the shadow stack.
 * Defined behaviour on ppc64le: the first PPC_SHADOW_DEPTH nested calls run
 * the new code, deeper ones the old code (docs/pad-layouts.md); elsewhere
 * every level runs the new code. Checked in a thread created after the
 * patch (its shadow stack starts empty). */
static void *deep(void *arg)
{
  long d = (long)arg, expect_new = d;

#if defined(__powerpc64__)
  if (d > PPC_SHADOW_DEPTH)
    expect_new = PPC_SHADOW_DEPTH;
#endif
  CHECK(abi_depth(d) == 1000 * expect_new + (d - expect_new));
  CHECK(abi_depth_local(d) == 1000 * expect_new + (d - expect_new));
  /* The stack unwound completely: shallow recursion is all new again. */
  CHECK(abi_depth(50) == 50 * 1000);
  return NULL;
}

static void recursion_deeper_than_shadow_stack(void)
{
  long depths[] = {10, 300, 511, 512, 513, 700, 2000};

  CHECK(abi_depth(700) == 700);
  CHECK(run("abi_p1.ulp") == 0);
  for (size_t i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
    pthread_t t;
    CHECK(pthread_create(&t, NULL, deep, (void *)depths[i]) == 0);
    pthread_join(t, NULL);
  }
  CHECK(run("abi_p1.rev") == 0);
  CHECK(abi_depth(700) == 700);
}

static const struct scenario scenarios[] = {
    {"toc_local_caller_reads_its_global", toc_local_caller_reads_its_global},
    {"cxx_exception_through_patched_function",
     cxx_exception_through_patched_function},
    {"longjmp_out_of_patched_function", longjmp_out_of_patched_function},
    {"thread_sees_old_or_new_while_patching",
     thread_sees_old_or_new_while_patching},
    {"ffi_signatures_preserved", ffi_signatures_preserved},
    {"recursion_deeper_than_shadow_stack", recursion_deeper_than_shadow_stack},
};

int main(int argc, char **argv)
{
  return run_scenario(argc, argv, scenarios,
                      sizeof(scenarios) / sizeof(scenarios[0]));
}
