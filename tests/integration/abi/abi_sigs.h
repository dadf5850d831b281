/* Functions of many signatures for the libffi scenario (e). Included with
 * SIG(name) and W defined: by libabi (W 1), the patch (W 3) and the driver
 * (both, as references). Any argument in the wrong place changes the
 * result; every value is exact in binary floating point. No guard. */
#include <stdarg.h>

#include "abi_types.h"

int SIG(ints)(int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8,
              int a9, int a10)
{
  return W * (1 * a1 + 2 * a2 + 3 * a3 + 4 * a4 + 5 * a5 + 6 * a6 + 7 * a7 +
              8 * a8 + 9 * a9 + 10 * a10) +
         W;
}

float SIG(floats)(float f1, float f2, float f3, float f4, float f5, float f6,
                  float f7, float f8, float f9, float f10, float f11, float f12,
                  float f13, float f14)
{
  return W * (1 * f1 + 2 * f2 + 3 * f3 + 4 * f4 + 5 * f5 + 6 * f6 + 7 * f7 +
              8 * f8 + 9 * f9 + 10 * f10 + 11 * f11 + 12 * f12 + 13 * f13 +
              14 * f14) +
         0.5f * W;
}

double SIG(doubles)(double d1, double d2, double d3, double d4, double d5,
                    double d6, double d7, double d8, double d9, double d10,
                    double d11, double d12, double d13, double d14)
{
  return W * (1 * d1 + 2 * d2 + 3 * d3 + 4 * d4 + 5 * d5 + 6 * d6 + 7 * d7 +
              8 * d8 + 9 * d9 + 10 * d10 + 11 * d11 + 12 * d12 + 13 * d13 +
              14 * d14) +
         0.25 * W;
}

struct abi_small SIG(small)(struct abi_small x, struct abi_small y)
{
  struct abi_small r = {W * (x.a + 2 * y.a), W * (x.b + 3 * y.b) + 1};
  return r;
}

struct abi_big SIG(big)(struct abi_big x, long k)
{
  struct abi_big r = {W * x.a + k, W * x.b + 2 * k, W * x.c + 3 * k,
                      W * x.d + 4 * k, W * x.e + 5 * k};
  return r;
}

struct abi_hfa SIG(hfa)(struct abi_hfa x, double s)
{
  struct abi_hfa r = {W * x.a + s, W * x.b + 2 * s, W * x.c + 3 * s,
                      W * x.d + 4 * s};
  return r;
}

long SIG(mixed)(signed char c, short s, int i, long l, float f, double d,
                struct abi_small sm, unsigned char uc, double d2, long l2,
                float f2)
{
  return W * (1 * c + 2 * s + 3 * i + 4 * l + (long)(5 * f) + (long)(6 * d) +
              7 * sm.a + 8 * sm.b + 9 * uc + (long)(10 * d2) + 11 * l2 +
              (long)(12 * f2));
}

/* Past the registers of both kinds, and a large struct on the stack. */
double SIG(stack)(long x1, long x2, long x3, long x4, long x5, long x6, long x7,
                  long x8, double d1, double d2, double d3, double d4,
                  double d5, double d6, double d7, double d8, double d9,
                  double d10, double d11, double d12, double d13, long y1,
                  long y2, double d14, struct abi_big b)
{
  return W * (x1 + 2 * x2 + 3 * x3 + 4 * x4 + 5 * x5 + 6 * x6 + 7 * x7 +
              8 * x8 + 9 * d1 + 10 * d2 + 11 * d3 + 12 * d4 + 13 * d5 +
              14 * d6 + 15 * d7 + 16 * d8 + 17 * d9 + 18 * d10 + 19 * d11 +
              20 * d12 + 21 * d13 + 22 * y1 + 23 * y2 + 24 * d14 + 25 * b.a +
              26 * b.b + 27 * b.c + 28 * b.d + 29 * b.e);
}

/* Variadic: n pairs (long, double). */
double SIG(var)(int n, ...)
{
  double sum = 0;
  va_list ap;

  va_start(ap, n);
  for (int k = 1; k <= n; k++) {
    long x = va_arg(ap, long);
    double y = va_arg(ap, double);
    sum += k * x + (k + 100) * y;
  }
  va_end(ap);
  return W * sum + n;
}
