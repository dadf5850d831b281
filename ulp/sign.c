/* ulp sign: writes FILE.sig, the detached Ed25519 signature of a .ulp,
 * .rev or patch container and of the patch object it names; ulp keygen:
 * makes a key pair. The format and what it proves: verify.h,
 * docs/security.md. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "verify.h"

/* FILE.sig written whole or not at all (a reader never sees half). */
static int write_sig(const char *file, const char *manifest,
                     const uint8_t sig[ED25519_SIG_LEN], struct pulp_err *e)
{
  char path[PATH_MAX], tmp[PATH_MAX + 16], hex[2 * ED25519_SIG_LEN + 1];
  FILE *f;
  int fd, ok;

  if (snprintf(path, sizeof(path), "%s" SIG_SUFFIX, file) >= (int)sizeof(path))
    return err_set(e, -ENAMETOOLONG, "%s: name too long", file);
  snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
  if ((fd = mkstemp(tmp)) < 0)
    return err_sys(e, -errno, "%s", tmp);
  fchmod(fd, 0644);
  if (!(f = fdopen(fd, "w"))) {
    close(fd);
    unlink(tmp);
    return err_sys(e, -errno, "%s", tmp);
  }
  ulp_hex(sig, ED25519_SIG_LEN, hex);
  ok = fprintf(f, "%ssignature %s\n", manifest, hex) > 0;
  if (fclose(f) || !ok || rename(tmp, path)) {
    int err = errno ? errno : EIO;
    unlink(tmp);
    return err_sys(e, -err, "%s", path);
  }
  return 0;
}

static int sign_one(const char *file, struct ed_key *k,
                    const uint8_t fpr[ED25519_FPR_LEN], struct pulp_err *e)
{
  struct ulp_patch u = {0};
  char *manifest = NULL;
  uint8_t sig[ED25519_SIG_LEN];
  int rc = ulp_read_file(file, &u, e);

  if (!rc)
    rc = sig_manifest(file, &u, fpr, &manifest, e);
  if (!rc)
    rc = ed_sign(k, manifest, strlen(manifest), sig, e);
  if (!rc)
    rc = write_sig(file, manifest, sig, e);
  free(manifest);
  ulp_free(&u);
  return rc;
}

static void sign_usage(FILE *f)
{
  fprintf(f, "Usage: ulp sign --key PRIVATE.pem FILE.ulp|FILE.rev|PATCH.so...\n"
             "Writes FILE.sig: the Ed25519 signature of FILE's bytes and of "
             "the\npatch object it names, for `ulp trigger` under a "
             "signature policy.\nThe key: `ulp keygen NAME` or `openssl "
             "genpkey -algorithm ed25519`.\nSee ulp(1) and "
             "docs/security.md.\n");
}

int cmd_sign(int argc, char **argv)
{
  static const struct option opts[] = {{"key", required_argument, 0, 'k'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *keyfile = NULL;
  struct ed_key *k = NULL;
  uint8_t fpr[ED25519_FPR_LEN];
  struct pulp_err e = {0};
  int c, status = ULP_EXIT_OK;

  optind = 1;
  while ((c = getopt_long(argc, argv, "k:h", opts, NULL)) != -1) {
    switch (c) {
    case 'k':
      keyfile = optarg;
      break;
    case 'h':
      sign_usage(stdout);
      return ULP_EXIT_OK;
    default:
      sign_usage(stderr);
      return ULP_EXIT_USAGE;
    }
  }
  if (!keyfile || optind >= argc) {
    sign_usage(stderr);
    return ULP_EXIT_USAGE;
  }
  if (ed_read_key(keyfile, 1, &k, fpr, &e)) {
    ulp_error("sign", "%s", e.msg);
    return ULP_EXIT_USAGE;
  }
  for (int i = optind; i < argc; i++)
    if (sign_one(argv[i], k, fpr, &e)) {
      ulp_error("sign", "%s", e.msg);
      status = ULP_EXIT_FAILED;
    }
  ed_free(k);
  return status;
}

int cmd_keygen(int argc, char **argv)
{
  char priv[PATH_MAX], pub[PATH_MAX], hex[2 * ED25519_FPR_LEN + 1];
  uint8_t fpr[ED25519_FPR_LEN];
  struct pulp_err e = {0};

  if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
    printf("Usage: ulp keygen NAME\nWrites NAME.pem (the private key, mode "
           "0600) and NAME.pub (the public\nkey, for /etc/pulp/keys) of a "
           "new Ed25519 key pair.\n");
    return ULP_EXIT_OK;
  }
  if (argc != 2 || argv[1][0] == '-') {
    fprintf(stderr, "Usage: ulp keygen NAME\n");
    return ULP_EXIT_USAGE;
  }
  snprintf(priv, sizeof(priv), "%s.pem", argv[1]);
  snprintf(pub, sizeof(pub), "%s.pub", argv[1]);
  if (ed_generate(priv, pub, fpr, &e)) {
    ulp_error("keygen", "%s", e.msg);
    return ULP_EXIT_FAILED;
  }
  ulp_hex(fpr, sizeof(fpr), hex);
  printf("%s: private key\n%s: public key sha256:%s\n", priv, pub, hex);
  return ULP_EXIT_OK;
}
