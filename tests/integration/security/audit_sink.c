/* A syslog receiver for the audit tests: binds a unix datagram socket at
 * argv[1] (what PULP_AUDIT_SOCKET names) and appends each message it
 * receives as one line to argv[2], until killed. The tests cannot take
 * /dev/log from the system's logger. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  char buf[8192];
  FILE *out;
  int fd;

  if (argc != 3 || strlen(argv[1]) >= sizeof(a.sun_path)) {
    fprintf(stderr, "usage: audit_sink SOCKET LOG\n");
    return 2;
  }
  strcpy(a.sun_path, argv[1]);
  unlink(argv[1]);
  fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a))) {
    perror(argv[1]);
    return 1;
  }
  if (!(out = fopen(argv[2], "a"))) {
    perror(argv[2]);
    return 1;
  }
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
    if (n < 0)
      continue;
    buf[n] = '\0';
    fprintf(out, "%s\n", buf);
    fflush(out);
  }
}
