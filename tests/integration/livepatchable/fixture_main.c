/* Calls the fixture library: it must still compute the same after ulp post.
 * fixture_caller(5) = 10 + 15 + 16 = 41. */
#include <stdio.h>

int fixture_caller(int x);

int main(void)
{
  printf("%d\n", fixture_caller(5));
  return fixture_caller(5) == 41 ? 0 : 1;
}
