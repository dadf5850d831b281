/* ulp messages: the runtime's own log of what it did in a process. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "target.h"

#define CMD "messages"

int cmd_messages(int argc, char **argv)
{
  static const struct option opts[] = {{"process", required_argument, 0, 'p'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  struct target tg;
  struct pulp_state *s;
  pid_t pid = 0;
  uint32_t start, n;
  int c, status;

  optind = 1;
  while ((c = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
    if (c == 'p') {
      pid = (pid_t)atoi(optarg);
    } else if (c == 'h') {
      printf("Usage: ulp messages -p PID\n");
      return ULP_EXIT_OK;
    } else {
      return ULP_EXIT_USAGE;
    }
  }
  if (pid <= 0 || optind != argc) {
    fprintf(stderr, "Usage: ulp messages -p PID\n");
    return ULP_EXIT_USAGE;
  }
  if ((status = ulp_open_state(CMD, pid, &tg, &s)))
    return status;
  n = s->log_head < PULP_LOG_SIZE ? s->log_head : PULP_LOG_SIZE;
  start = s->log_head - n;
  if (s->log_head > PULP_LOG_SIZE) { /* skip the partial first line */
    while (n && s->log[start % PULP_LOG_SIZE] != '\n')
      start++, n--;
    start++, n--;
  }
  for (uint32_t i = 0; i < n; i++)
    putchar(s->log[(start + i) % PULP_LOG_SIZE]);
  free(s);
  target_close(&tg);
  return ULP_EXIT_OK;
}
