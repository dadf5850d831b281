/* A static binary: no loader, so no preloaded runtime. Answers every word
 * read with "static" so the test knows it runs. */
#include <stdio.h>
#include <string.h>

int main(void)
{
  char word[64];

  while (scanf("%63s", word) == 1 && strcmp(word, "quit"))
    printf("static\n"), fflush(stdout);
  return 0;
}
