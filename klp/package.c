// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "package.h"
#include "root.h"

extern char **environ;

static bool list_has(const char *list, const char *path)
{
  char line[KLP_PATH_MAX];
  bool found = false;
  FILE *f = fopen(list, "re");

  if (!f)
    return false;
  while (!found && fgets(line, sizeof(line), f)) {
    line[strcspn(line, "\n")] = '\0';
    found = !strcmp(line, path);
  }
  fclose(f);
  return found;
}

/* Version of pkg ("name" or "name:arch") from dpkg's status file. */
static void dpkg_version(const struct klp_ctx *ctx, const char *pkg, char *ver,
                         size_t n)
{
  char path[KLP_PATH_MAX], line[1024], name[256];
  bool in = false;
  FILE *f;

  snprintf(name, sizeof(name), "%s", pkg);
  name[strcspn(name, ":")] = '\0';
  ver[0] = '\0';
  if (klp_path(ctx, path, sizeof(path), "/var/lib/dpkg/status") < 0 ||
      !(f = fopen(path, "re")))
    return;
  while (fgets(line, sizeof(line), f)) {
    line[strcspn(line, "\n")] = '\0';
    if (!strncmp(line, "Package: ", 9))
      in = !strcmp(line + 9, name);
    else if (in && !strncmp(line, "Version: ", 9)) {
      klp_copy(ver, n, line + 9);
      break;
    }
  }
  fclose(f);
}

static int dpkg_owner(const struct klp_ctx *ctx, const char *path, char *buf,
                      size_t n)
{
  char **names, list[KLP_PATH_MAX], ver[128];
  struct klp_err ignored;
  size_t count;
  int r = -ENOENT;

  if (klp_list_dir(ctx, &ignored, &names, &count, "/var/lib/dpkg/info") < 0)
    return -ENOENT;
  for (size_t i = 0; i < count && r < 0; i++) {
    size_t len = strlen(names[i]);

    if (len < 6 || strcmp(names[i] + len - 5, ".list"))
      continue;
    if (klp_path(ctx, list, sizeof(list), "/var/lib/dpkg/info/%s", names[i]) <
            0 ||
        !list_has(list, path))
      continue;
    names[i][len - 5] = '\0';
    dpkg_version(ctx, names[i], ver, sizeof(ver));
    snprintf(buf, n, "%s%s%s", names[i], ver[0] ? " " : "", ver);
    r = 0;
  }
  klp_free_names(names, count);
  return r;
}

static int rpm_owner(const struct klp_ctx *ctx, const char *path, char *buf,
                     size_t n)
{
  const char *root = ctx->root[0] ? ctx->root : "/";
  char *argv[] = {"rpm",        "--root", (char *)root,
                  "-qf",        "--qf",   "%{NAME} %{VERSION}-%{RELEASE}",
                  (char *)path, NULL};
  posix_spawn_file_actions_t fa;
  int fds[2], status;
  ssize_t len = 0, r;
  pid_t pid;

  if (!klp_exists(ctx, "/var/lib/rpm") &&
      !klp_exists(ctx, "/usr/lib/sysimage/rpm"))
    return -ENOENT;
  if (pipe(fds) < 0)
    return -errno;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY,
                                   0);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  r = posix_spawnp(&pid, "rpm", &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  if (r != 0) {
    close(fds[0]);
    return -ENOENT;
  }
  while (len + 1 < (ssize_t)n &&
         (r = read(fds[0], buf + len, n - 1 - (size_t)len)) > 0)
    len += r;
  close(fds[0]);
  buf[len] = '\0';
  buf[strcspn(buf, "\n")] = '\0';
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0 || !buf[0])
    return -ENOENT;
  return 0;
}

int klp_package_owner(const struct klp_ctx *ctx, const char *path, char *buf,
                      size_t n)
{
  if (dpkg_owner(ctx, path, buf, n) == 0)
    return 0;
  return rpm_owner(ctx, path, buf, n);
}
