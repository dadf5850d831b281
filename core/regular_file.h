/* Opening a file the user named (a descriptor, a .ulp, a library, a
 * key): only a regular file. open() of a FIFO blocks until a writer
 * comes, a device may block or never end, so the file is opened with
 * O_NONBLOCK (which changes nothing for a regular file), checked with
 * fstat, and only then read (issue 7, item 11). */
#ifndef PULP_CORE_REGULAR_FILE_H
#define PULP_CORE_REGULAR_FILE_H

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* The fd (O_CLOEXEC added), or -errno: -EINVAL for anything but a
 * regular file (say "not a regular file"). */
static inline int open_regular(const char *path, int flags)
{
  struct stat st;
  int fd = open(path, flags | O_NONBLOCK | O_CLOEXEC);

  if (fd < 0)
    return -errno;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return -EINVAL;
  }
  /* Back to blocking reads: O_NONBLOCK has no effect on a regular file,
   * but it must not leak to the libraries given the fd. */
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

#endif
