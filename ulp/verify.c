/* Signature manifests and their verification under the signature policy
 * (verify.h, docs/security.md). */
#define _GNU_SOURCE
#include "verify.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/regular_file.h"
#include "core/sha256.h"

#define SIG_MAGIC "pulp-signature 1\n"
#define SIG_FILE_MAX 4096
#define HEX_SHA (2 * SHA256_LEN)

int sig_file_sha256(const char *path, uint8_t out[32], struct pulp_err *e)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  struct stat st;
  void *m;

  if (fd < 0)
    return err_sys(e, -errno, "%s", path);
  if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
    close(fd);
    return err_set(e, -EINVAL, "%s: not a regular file", path);
  }
  if (st.st_size == 0) {
    close(fd);
    sha256("", 0, out);
    return 0;
  }
  m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (m == MAP_FAILED)
    return err_sys(e, -errno, "%s", path);
  sha256(m, (size_t)st.st_size, out);
  munmap(m, (size_t)st.st_size);
  return 0;
}

static int hex_sha256(const char *path, char hex[HEX_SHA + 1],
                      struct pulp_err *e)
{
  uint8_t d[SHA256_LEN];
  int rc = sig_file_sha256(path, d, e);

  if (!rc)
    ulp_hex(d, sizeof(d), hex);
  return rc;
}

/* An apply names the object the runtime will load; a revert loads
 * nothing, so its signature does not depend on the object still being on
 * disk. */
static int object_hex(const struct ulp_patch *u, char hex[HEX_SHA + 1],
                      struct pulp_err *e)
{
  if (u->kind != ULP_KIND_APPLY) {
    strcpy(hex, "-");
    return 0;
  }
  int rc = hex_sha256(u->patch_path, hex, e);
  return rc ? err_ctx(e, "patch object") : 0;
}

int sig_manifest(const char *file, const struct ulp_patch *u,
                 const uint8_t fpr[ED25519_FPR_LEN], char **text,
                 struct pulp_err *e)
{
  char fhex[HEX_SHA + 1], ohex[HEX_SHA + 1], khex[HEX_SHA + 1];
  int rc;

  if ((rc = hex_sha256(file, fhex, e)) || (rc = object_hex(u, ohex, e)))
    return rc;
  ulp_hex(fpr, ED25519_FPR_LEN, khex);
  if (asprintf(text, SIG_MAGIC "sha256 %s\nobject-sha256 %s\nkey %s\n", fhex,
               ohex, khex) < 0)
    return err_set(e, -ENOMEM, "out of memory");
  return 0;
}

/* --- the policy --- */

static int parse_policy(const char *v, const char *where, enum sig_policy *p,
                        struct pulp_err *e)
{
  if (!strcmp(v, "off"))
    *p = SIG_OFF;
  else if (!strcmp(v, "warn"))
    *p = SIG_WARN;
  else if (!strcmp(v, "require"))
    *p = SIG_REQUIRE;
  else
    return err_set(e, -EINVAL, "%s: '%s' is not require, warn or off", where,
                   v);
  return 0;
}

/* The policy file: "signature = require|warn|off" and "keys = DIR" lines,
 * '#' comments. A missing file is the default (off). */
static int read_policy_file(enum sig_policy *p, char *keys, size_t keys_size,
                            struct pulp_err *e)
{
  const char *path = getenv("PULP_POLICY_FILE");
  char line[PATH_MAX + 64], k[32], v[PATH_MAX];
  FILE *f;
  int rc = 0;

  if (!path || !*path)
    path = SIG_POLICY_FILE;
  {
    int fd = open_regular(path, O_RDONLY);
    if (fd == -EINVAL)
      return err_set(e, -EINVAL, "%s: not a regular file", path);
    if (fd < 0)
      return fd == -ENOENT ? 0 : (errno = -fd, err_sys(e, fd, "%s", path));
    if (!(f = fdopen(fd, "r"))) {
      close(fd);
      return err_sys(e, -errno, "%s", path);
    }
  }
  while (!rc && fgets(line, sizeof(line), f)) {
    char *hash = strchr(line, '#');
    if (hash)
      *hash = '\0';
    if (sscanf(line, " %31[a-z] = %4095s", k, v) != 2)
      continue;
    if (!strcmp(k, "signature"))
      rc = parse_policy(v, path, p, e);
    else if (!strcmp(k, "keys"))
      snprintf(keys, keys_size, "%s", v);
  }
  fclose(f);
  return rc;
}

/* The strictest setting wins: an option or the environment can tighten
 * the system's policy but never loosen it. */
static int policy(const struct verify_opts *o, enum sig_policy *p, char *keys,
                  size_t keys_size, struct pulp_err *e)
{
  enum sig_policy f = SIG_OFF, env = SIG_OFF;
  const char *v = getenv("PULP_SIGNATURE_POLICY");
  int rc;

  snprintf(keys, keys_size, "%s", SIG_KEYS_DIR);
  if ((rc = read_policy_file(&f, keys, keys_size, e)))
    return rc;
  if (v && *v && (rc = parse_policy(v, "PULP_SIGNATURE_POLICY", &env, e)))
    return rc;
  *p = o->require ? SIG_REQUIRE : f > env ? f : env;
  if ((v = getenv("PULP_KEYS_DIR")) && *v)
    snprintf(keys, keys_size, "%s", v);
  if (o->keys_dir)
    snprintf(keys, keys_size, "%s", o->keys_dir);
  return 0;
}

/* --- trusted keys --- */

struct trusted {
  char name[NAME_MAX + 1];
  uint8_t fpr[ED25519_FPR_LEN];
  struct ed_key *key;
};

struct keyring {
  char dir[PATH_MAX];
  struct trusted *k;
  size_t n;
  int loaded, err; /* err: -errno of opening dir, or of libcrypto */
  char why[PULP_ERR_MSG_MAX];
};

/* Every *.pub and *.pem of dir that holds an Ed25519 public key; other
 * files (a private key left there by mistake) are not trusted. */
static void load_keys(struct keyring *r)
{
  DIR *d = opendir(r->dir);
  struct dirent *de;

  r->loaded = 1;
  if (!d) {
    r->err = -errno;
    return;
  }
  while ((de = readdir(d))) {
    size_t len = strlen(de->d_name);
    char path[PATH_MAX * 2];
    struct trusted t = {0};
    struct pulp_err ignored = {0};
    if (len < 5 || (strcmp(de->d_name + len - 4, ".pub") &&
                    strcmp(de->d_name + len - 4, ".pem")))
      continue;
    snprintf(path, sizeof(path), "%s/%s", r->dir, de->d_name);
    if (ed_read_key(path, 0, &t.key, t.fpr, &ignored)) {
      if (ignored.code == -ENOSYS) { /* no libcrypto: no key can load */
        r->err = -ENOSYS;
        snprintf(r->why, sizeof(r->why), "%s", ignored.msg);
        break;
      }
      continue;
    }
    struct trusted *v = realloc(r->k, (r->n + 1) * sizeof(*v));
    if (!v) {
      ed_free(t.key);
      break;
    }
    snprintf(t.name, sizeof(t.name), "%s", de->d_name);
    r->k = v;
    r->k[r->n++] = t;
  }
  closedir(d);
}

static void free_keys(struct keyring *r)
{
  for (size_t i = 0; i < r->n; i++)
    ed_free(r->k[i].key);
  free(r->k);
}

/* --- one file --- */

static int parse_hex(const char *s, uint8_t *out, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    unsigned v;
    if (sscanf(s + 2 * i, "%2x", &v) != 1)
      return -1;
    out[i] = (uint8_t)v;
  }
  return 0;
}

/* The manifest's line "KEY VALUE" (VALUE: 64 hex digits or "-"). */
static int field(const char *m, const char *key, char out[HEX_SHA + 1])
{
  char pat[40];
  const char *p;

  snprintf(pat, sizeof(pat), "\n%s ", key);
  if (!(p = strstr(m, pat)))
    return -1;
  p += strlen(pat);
  size_t len = strcspn(p, "\n");
  if (len > HEX_SHA || (len != HEX_SHA && strncmp(p, "-", len)) || !len)
    return -1;
  memcpy(out, p, len);
  out[len] = '\0';
  return 0;
}

/* Reads FILE.sig: *manifest is its text up to the signature line. */
static int read_sig(const char *sigpath, char *buf, size_t size, size_t *mlen,
                    uint8_t sig[ED25519_SIG_LEN], struct pulp_err *e)
{
  int fd = open(sigpath, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  ssize_t n;
  char *s;

  if (fd < 0)
    return errno == ENOENT ? err_set(e, -ENOENT, "not signed (no %s)", sigpath)
                           : err_sys(e, -errno, "%s", sigpath);
  n = read(fd, buf, size - 1);
  close(fd);
  if (n < 0)
    return err_sys(e, -errno, "%s", sigpath);
  buf[n] = '\0';
  if (strncmp(buf, SIG_MAGIC, strlen(SIG_MAGIC)) ||
      !(s = strstr(buf, "\nsignature ")) ||
      parse_hex(s + 11, sig, ED25519_SIG_LEN) ||
      strcmp(s + 11 + 2 * ED25519_SIG_LEN, "\n"))
    return err_set(e, -EBADMSG, "%s: not a Pulp signature file", sigpath);
  *mlen = (size_t)(s + 1 - buf);
  s[1] = '\0';
  return 0;
}

/* A verified file is opened again by path, by the runtime: only root and
 * the user running the tool (who may patch anyway) may be able to replace
 * it in between. Every directory from / down, and the file, must be owned
 * by one of them and not writable by group or others; a sticky directory
 * (/tmp) is fine, since nobody else may rename or unlink in it what is
 * not theirs (docs/security.md, "Between the check and the load"). */
static int safe_from_others(const char *path, struct pulp_err *e)
{
  struct stat st;

  if (stat(path, &st))
    return err_sys(e, -errno, "%s", path);
  if ((st.st_uid == 0 || st.st_uid == getuid()) &&
      (!(st.st_mode & (S_IWGRP | S_IWOTH)) ||
       (S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX))))
    return 0;
  return err_set(e, -EPERM,
                 "%s can be replaced by others than root and you (owner uid "
                 "%u, mode %04o): it could change after it is verified",
                 path, (unsigned)st.st_uid, (unsigned)st.st_mode & 07777);
}

static int only_trusted_can_replace(const char *path, struct pulp_err *e)
{
  char real[PATH_MAX];
  size_t len;
  int rc;

  if (!realpath(path, real))
    return err_sys(e, -errno, "%s", path);
  if ((rc = safe_from_others("/", e)))
    return rc;
  len = strlen(real);
  for (size_t i = 1; i <= len; i++) {
    char c = real[i];
    if (c && c != '/')
      continue;
    real[i] = '\0';
    rc = safe_from_others(real, e);
    real[i] = c;
    if (rc)
      return rc;
  }
  return 0;
}

static int verify_one(const char *file, const struct ulp_patch *u,
                      struct keyring *r, struct audit_patch *a,
                      struct pulp_err *e)
{
  char buf[SIG_FILE_MAX], sigpath[PATH_MAX + 8], want[HEX_SHA + 1],
      have[HEX_SHA + 1], khex[HEX_SHA + 1];
  uint8_t sig[ED25519_SIG_LEN], fpr[ED25519_FPR_LEN];
  const struct trusted *t = NULL;
  size_t mlen = 0;
  int rc;

  snprintf(sigpath, sizeof(sigpath), "%s" SIG_SUFFIX, file);
  if ((rc = read_sig(sigpath, buf, sizeof(buf), &mlen, sig, e))) {
    strcpy(a->signer, rc == -ENOENT ? "unsigned" : "invalid");
    return rc;
  }
  strcpy(a->signer, "invalid");
  if (field(buf, "key", khex) || parse_hex(khex, fpr, sizeof(fpr)))
    return err_set(e, -EBADMSG, "%s: not a Pulp signature file", sigpath);
  if (!r->loaded)
    load_keys(r);
  for (size_t i = 0; i < r->n && !t; i++)
    if (!memcmp(r->k[i].fpr, fpr, sizeof(fpr)))
      t = &r->k[i];
  if (!t && r->err == -ENOSYS)
    return err_set(e, r->err, "%s: %s", sigpath, r->why);
  if (!t && r->err)
    return err_sys(e, r->err, "%s: no trusted keys: %s", sigpath, r->dir);
  if (!t)
    return err_set(e, -EKEYREJECTED,
                   "%s: signed by key sha256:%.16s, which is not trusted "
                   "(not in %s)",
                   sigpath, khex, r->dir);
  snprintf(a->signer, sizeof(a->signer), "%.100s sha256:%.16s", t->name, khex);
  if (ed_verify(t->key, buf, mlen, sig)) {
    strcpy(a->signer, "invalid");
    return err_set(e, -EBADMSG, "%s: bad signature (key %s)", sigpath, t->name);
  }
  /* The manifest is authentic: do the files match it? */
  if (field(buf, "sha256", want) || field(buf, "object-sha256", have))
    return err_set(e, -EBADMSG, "%s: not a Pulp signature file", sigpath);
  if (strcmp(want, a->sha256))
    return err_set(e, -EBADMSG,
                   "%s: changed after signing (its SHA-256 is not the one "
                   "%s signs)",
                   file, sigpath);
  if ((rc = only_trusted_can_replace(file, e)))
    return rc;
  if (u->kind != ULP_KIND_APPLY)
    return 0;
  if (!strcmp(have, "-"))
    return err_set(e, -EBADMSG, "%s: does not cover the patch object", sigpath);
  strcpy(want, have);
  if ((rc = object_hex(u, have, e)))
    return rc;
  if (strcmp(want, have))
    return err_set(e, -EBADMSG,
                   "patch object %s changed after signing (its SHA-256 is "
                   "not the one %s signs)",
                   u->patch_path, sigpath);
  return only_trusted_can_replace(u->patch_path, e);
}

int verify_patch_files(char *const *files, const struct ulp_patch *p, size_t n,
                       const char *revert_all, const struct verify_opts *o,
                       struct audit_set *a, struct pulp_err *e)
{
  struct keyring r = {0};
  enum sig_policy pol;
  size_t k = 0;
  int rc;

  a->n = 0;
  if (!(a->p = calloc(n + 1, sizeof(*a->p))))
    return err_set(e, -ENOMEM, "out of memory");
  if (revert_all) {
    /* Loads nothing: allowed under every policy (docs/security.md). */
    a->p[k].op = "revert-all";
    a->p[k].name = revert_all;
    strcpy(a->p[k++].signer, "-");
  }
  for (size_t i = 0; i < n; i++, k++) {
    a->p[k].op = p[i].kind == ULP_KIND_APPLY ? "apply" : "revert";
    a->p[k].name = p[i].name;
    a->p[k].path = files[i];
    strcpy(a->p[k].signer, "unchecked");
  }
  a->n = k;
  if ((rc = policy(o, &pol, r.dir, sizeof(r.dir), e)))
    return rc;
  for (size_t i = 0, j = k - n; i < n; i++, j++) {
    struct pulp_err fe = {0};
    if (pol == SIG_OFF) { /* the checksum is for the log only */
      hex_sha256(files[i], a->p[j].sha256, &fe);
      continue;
    }
    if ((rc = hex_sha256(files[i], a->p[j].sha256, &fe)) ||
        (rc = verify_one(files[i], &p[i], &r, &a->p[j], &fe))) {
      if (pol != SIG_REQUIRE) {
        fprintf(stderr, "ulp trigger: warning: %s\n", fe.msg);
        continue;
      }
      free_keys(&r);
      err_set(e, -EPERM, "signature required: %s", fe.msg);
      audit_set_log(a, 0, NULL, "refused", e->msg);
      return -EPERM;
    }
  }
  free_keys(&r);
  return 0;
}
