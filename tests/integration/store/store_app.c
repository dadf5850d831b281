/* For every word read, prints "value=N late=M": N from libsval (linked),
 * M from libslate once the word "load" made it dlopen the library by its
 * bare soname, found through this program's RUNPATH (0 before; -1 when the
 * dlopen failed, with the loader's message). */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int sval_get(void);

int main(void)
{
  int (*late)(void) = NULL;
  char word[64];
  int failed = 0;

  while (scanf("%63s", word) == 1) {
    if (!strcmp(word, "quit"))
      break;
    if (!strcmp(word, "load") && !late) {
      void *h = dlopen("libslate.so.1", RTLD_NOW);
      if (h)
        late = (int (*)(void))dlsym(h, "slate_get");
      failed = !late;
      if (failed)
        fprintf(stderr, "dlopen: %s\n", dlerror());
    }
    printf("value=%d late=%d\n", sval_get(), late ? late() : failed ? -1 : 0);
    fflush(stdout);
  }
  return 0;
}
