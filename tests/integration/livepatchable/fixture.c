/* A small library with the kinds of functions whose pads differ: exported,
 * static (no endbr64 unless its address is taken), address-taken, cold
 * (.text.unlikely, 1-byte aligned), and one using a global (ppc64le: TOC
 * setup at the global entry). */
int counter;

static int __attribute__((noinline)) twice(int x)
{
  return 2 * x;
}

static int __attribute__((noinline)) thrice(int x)
{
  return 3 * x;
}

int (*volatile pick)(int) = thrice;

int __attribute__((noinline, cold)) rarely(int x)
{
  return x - 1;
}

int fixture_leaf(int x)
{
  return x * 3 + 1;
}

int fixture_caller(int x)
{
  counter++;
  return twice(x) + pick(x) + fixture_leaf(x) + (x < 0 ? rarely(x) : 0);
}
