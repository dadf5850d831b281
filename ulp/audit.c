/* The audit log (audit.h). A message reads, on one line:
 *   apply patch=foo_p1 file="/p/foo_p1.ulp" sha256=HEX signer="ops.pub
 *   sha256:FPR16" pid=123 comm="app" uid=1000 user=alice auid=1000
 *   result=failed reason="..."
 * key=value pairs so that a log pipeline splits them without a grammar;
 * quoted values have '"', '\\' and control characters replaced by '?'
 * (a comm or a path is chosen by whoever named the file or the process). */
#define _GNU_SOURCE
#include "audit.h"

#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define AUDIT_MSG_MAX 2048

static void put(char *buf, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void put(char *buf, size_t *off, const char *fmt, ...)
{
  va_list ap;
  int n;

  if (*off >= AUDIT_MSG_MAX - 1)
    return;
  va_start(ap, fmt);
  n = vsnprintf(buf + *off, AUDIT_MSG_MAX - *off, fmt, ap);
  va_end(ap);
  if (n > 0)
    *off +=
        (size_t)n < AUDIT_MSG_MAX - *off ? (size_t)n : AUDIT_MSG_MAX - 1 - *off;
}

static void put_quoted(char *buf, size_t *off, const char *key, const char *v)
{
  size_t start;

  put(buf, off, " %s=\"", key);
  start = *off;
  put(buf, off, "%s", v ? v : "");
  for (size_t i = start; i < *off; i++)
    if (buf[i] == '"' || buf[i] == '\\' || (unsigned char)buf[i] < 0x20 ||
        buf[i] == 0x7f)
      buf[i] = '?';
  put(buf, off, "\"");
}

/* Who runs the tool: the same for every message of the run, looked up once
 * (a fleet trigger logs one message per process). */
static struct {
  pthread_once_t once;
  uid_t uid;
  long auid; /* -1: unset */
  char name[256];
} who = {.once = PTHREAD_ONCE_INIT};

/* The login uid survives su and sudo: the person behind a root tool. */
static long login_uid(void)
{
  FILE *f = fopen("/proc/self/loginuid", "re");
  long v = -1;

  if (f) {
    if (fscanf(f, "%ld", &v) != 1 || v == 4294967295L)
      v = -1;
    fclose(f);
  }
  return v;
}

static void who_init(void)
{
  struct passwd pw, *res = NULL;
  char tmp[1024];

  who.uid = getuid();
  who.auid = login_uid();
  getpwuid_r(who.uid, &pw, tmp, sizeof(tmp), &res);
  snprintf(who.name, sizeof(who.name), "%s", res ? res->pw_name : "?");
}

static void user(char *buf, size_t *off)
{
  pthread_once(&who.once, who_init);
  put(buf, off, " uid=%u", (unsigned)who.uid);
  put_quoted(buf, off, "user", who.name);
  if (who.auid >= 0)
    put(buf, off, " auid=%ld", who.auid);
  else
    put(buf, off, " auid=-");
}

static void warn_once(const char *sink, int err)
{
  static int warned;

  if (!__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED))
    fprintf(stderr, "ulp: warning: audit log %s: %s\n", sink, strerror(err));
}

/* Like syslog(3) would write it: "<PRI>Mmm dd hh:mm:ss ulp[PID]: msg". */
static void send_to(const char *path, int prio, const char *msg)
{
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  char line[AUDIT_MSG_MAX + 64], stamp[32];
  time_t now = time(NULL);
  struct tm tm;
  int fd, n;

  if (strlen(path) >= sizeof(a.sun_path)) {
    warn_once(path, ENAMETOOLONG);
    return;
  }
  strcpy(a.sun_path, path);
  strftime(stamp, sizeof(stamp), "%b %e %T", localtime_r(&now, &tm));
  n = snprintf(line, sizeof(line), "<%d>%s ulp[%d]: %s", prio, stamp,
               (int)getpid(), msg);
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 ||
      sendto(fd, line, (size_t)n, 0, (struct sockaddr *)&a, sizeof(a)) != n)
    warn_once(path, errno);
  if (fd >= 0)
    close(fd);
}

static void open_log(void)
{
  openlog("ulp", LOG_PID, LOG_AUTHPRIV);
}

static void emit(int prio, const char *msg)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  const char *sock = getenv("PULP_AUDIT_SOCKET");

  if (sock && *sock) {
    send_to(sock, LOG_AUTHPRIV | prio, msg);
    return;
  }
  pthread_once(&once, open_log);
  syslog(LOG_AUTHPRIV | prio, "%s", msg);
}

void audit_set_log(const struct audit_set *s, pid_t pid, const char *comm,
                   const char *result, const char *why)
{
  int prio = strcmp(result, "succeeded") ? LOG_WARNING : LOG_NOTICE;

  for (size_t i = 0; s && i < s->n; i++) {
    const struct audit_patch *p = &s->p[i];
    char msg[AUDIT_MSG_MAX];
    size_t off = 0;

    put(msg, &off, "%s", p->op);
    put_quoted(msg, &off, "patch", p->name);
    put_quoted(msg, &off, "file", p->path ? p->path : "-");
    put(msg, &off, " sha256=%s", p->sha256[0] ? p->sha256 : "-");
    put_quoted(msg, &off, "signer", p->signer[0] ? p->signer : "-");
    if (pid > 0) {
      put(msg, &off, " pid=%d", (int)pid);
      put_quoted(msg, &off, "comm", comm ? comm : "?");
    } else {
      put(msg, &off, " pid=- comm=-");
    }
    user(msg, &off);
    put(msg, &off, " result=%s", result);
    if (why)
      put_quoted(msg, &off, "reason", why);
    emit(prio, msg);
  }
}

void audit_set_free(struct audit_set *s)
{
  free(s->p);
  s->p = NULL;
  s->n = 0;
}
