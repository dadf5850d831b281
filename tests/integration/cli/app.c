/* Reads words; answers "value=N" with N from the fixture library. */
#include <stdio.h>
#include <string.h>

int CLI_GET(void);

int main(void)
{
  char word[64];

  while (scanf("%63s", word) == 1) {
    if (!strcmp(word, "quit"))
      break;
    printf("value=%d\n", CLI_GET());
    fflush(stdout);
  }
  return 0;
}
