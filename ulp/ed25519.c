/* Ed25519 through libcrypto, bound at run time (ed25519.h says why). The
 * prototypes are OpenSSL 3's public API (openssl/evp.h, openssl/pem.h),
 * spelled here with opaque pointers so that no OpenSSL header is needed. */
#define _GNU_SOURCE
#include "ed25519.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/regular_file.h"
#include "core/sha256.h"

#define LIBCRYPTO "libcrypto.so.3"

static struct {
  void *(*pem_read_pubkey)(FILE *, void **, void *, void *);
  void *(*pem_read_private)(FILE *, void **, void *, void *);
  int (*pem_write_pubkey)(FILE *, const void *);
  int (*pem_write_private)(FILE *, const void *, const void *,
                           const unsigned char *, int, void *, void *);
  void *(*q_keygen)(void *, const char *, const char *, ...);
  int (*is_a)(const void *, const char *);
  int (*raw_public)(const void *, unsigned char *, size_t *);
  void (*pkey_free)(void *);
  void *(*ctx_new)(void);
  void (*ctx_free)(void *);
  int (*sign_init)(void *, void **, const void *, void *, void *);
  int (*sign)(void *, unsigned char *, size_t *, const unsigned char *, size_t);
  int (*verify_init)(void *, void **, const void *, void *, void *);
  int (*verify)(void *, const unsigned char *, size_t, const unsigned char *,
                size_t);
  unsigned long (*err_get)(void);
  void (*err_string)(unsigned long, char *, size_t);
  int loaded; /* 1 bound, -1 failed */
  char why[256];
} c;

static void bind(void)
{
  static const struct {
    const char *name;
    size_t off;
  } syms[] = {
#define S(field, name) {name, offsetof(__typeof__(c), field)}
      S(pem_read_pubkey, "PEM_read_PUBKEY"),
      S(pem_read_private, "PEM_read_PrivateKey"),
      S(pem_write_pubkey, "PEM_write_PUBKEY"),
      S(pem_write_private, "PEM_write_PrivateKey"),
      S(q_keygen, "EVP_PKEY_Q_keygen"),
      S(is_a, "EVP_PKEY_is_a"),
      S(raw_public, "EVP_PKEY_get_raw_public_key"),
      S(pkey_free, "EVP_PKEY_free"),
      S(ctx_new, "EVP_MD_CTX_new"),
      S(ctx_free, "EVP_MD_CTX_free"),
      S(sign_init, "EVP_DigestSignInit"),
      S(sign, "EVP_DigestSign"),
      S(verify_init, "EVP_DigestVerifyInit"),
      S(verify, "EVP_DigestVerify"),
      S(err_get, "ERR_get_error"),
      S(err_string, "ERR_error_string_n"),
#undef S
  };
  void *h = dlopen(LIBCRYPTO, RTLD_NOW | RTLD_LOCAL);

  c.loaded = -1;
  if (!h) {
    snprintf(c.why, sizeof(c.why), "%s (install libssl3)", dlerror());
    return;
  }
  for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
    void *f = dlsym(h, syms[i].name);
    if (!f) {
      snprintf(c.why, sizeof(c.why), "%s: no %s", LIBCRYPTO, syms[i].name);
      return;
    }
    memcpy((char *)&c + syms[i].off, &f, sizeof(f));
  }
  c.loaded = 1;
}

static int load(struct pulp_err *e)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;

  pthread_once(&once, bind);
  return c.loaded > 0 ? 0 : err_set(e, -ENOSYS, "%s", c.why);
}

/* "what: libcrypto's reason" */
static int crypto_err(struct pulp_err *e, int code, const char *what,
                      const char *path)
{
  char buf[200] = "";
  unsigned long first = c.err_get(); /* the oldest: the root cause */

  while (c.err_get()) /* drain the rest */
    ;
  if (first)
    c.err_string(first, buf, sizeof(buf));
  return err_set(e, code, "%s: %s%s%s", path, what, buf[0] ? ": " : "", buf);
}

static int fingerprint(void *pk, uint8_t fpr[ED25519_FPR_LEN],
                       struct pulp_err *e, const char *path)
{
  unsigned char raw[64];
  size_t len = sizeof(raw);

  if (c.raw_public(pk, raw, &len) != 1)
    return crypto_err(e, -EINVAL, "no raw public key", path);
  sha256(raw, len, fpr);
  return 0;
}

int ed_read_key(const char *path, int private, struct ed_key **k,
                uint8_t fpr[ED25519_FPR_LEN], struct pulp_err *e)
{
  FILE *f;
  void *pk;
  int rc;

  if ((rc = load(e)))
    return rc;
  {
    int fd = open_regular(path, O_RDONLY);
    if (fd == -EINVAL)
      return err_set(e, -EINVAL, "%s: not a regular file", path);
    if (fd >= 0 && !(f = fdopen(fd, "r")))
      close(fd);
    if (fd < 0)
      errno = -fd;
    if (fd < 0 || !f)
      return err_sys(e, -errno, "%s", path);
  }
  pk = private ? c.pem_read_private(f, NULL, NULL, NULL)
               : c.pem_read_pubkey(f, NULL, NULL, NULL);
  fclose(f);
  if (!pk)
    return crypto_err(
        e, -EINVAL, private ? "not a PEM private key" : "not a PEM public key",
        path);
  if (!c.is_a(pk, "ED25519")) {
    c.pkey_free(pk);
    return err_set(e, -EINVAL, "%s: not an Ed25519 key", path);
  }
  if ((rc = fingerprint(pk, fpr, e, path))) {
    c.pkey_free(pk);
    return rc;
  }
  *k = pk;
  return 0;
}

int ed_sign(struct ed_key *k, const void *msg, size_t len,
            uint8_t sig[ED25519_SIG_LEN], struct pulp_err *e)
{
  void *ctx = c.ctx_new();
  size_t siglen = ED25519_SIG_LEN;
  int ok = ctx && c.sign_init(ctx, NULL, NULL, NULL, k) == 1 &&
           c.sign(ctx, sig, &siglen, msg, len) == 1 &&
           siglen == ED25519_SIG_LEN;

  c.ctx_free(ctx);
  return ok ? 0 : crypto_err(e, -EIO, "signing failed", "Ed25519");
}

int ed_verify(struct ed_key *k, const void *msg, size_t len,
              const uint8_t sig[ED25519_SIG_LEN])
{
  void *ctx = c.ctx_new();
  int ok = ctx && c.verify_init(ctx, NULL, NULL, NULL, k) == 1 &&
           c.verify(ctx, sig, ED25519_SIG_LEN, msg, len) == 1;

  c.ctx_free(ctx);
  while (c.err_get()) /* a bad signature queues an error: not ours to keep */
    ;
  return ok ? 0 : -EBADMSG;
}

static FILE *create(const char *path, mode_t mode, struct pulp_err *e)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  FILE *f;

  if (fd < 0) {
    err_sys(e, -errno, "%s", path);
    return NULL;
  }
  if (!(f = fdopen(fd, "w"))) {
    err_sys(e, -errno, "%s", path);
    close(fd);
  }
  return f;
}

int ed_generate(const char *priv, const char *pub, uint8_t fpr[ED25519_FPR_LEN],
                struct pulp_err *e)
{
  void *pk;
  FILE *f;
  int rc, ok;

  if ((rc = load(e)))
    return rc;
  if (!(pk = c.q_keygen(NULL, NULL, "ED25519")))
    return crypto_err(e, -EIO, "key generation failed", "Ed25519");
  if ((rc = fingerprint(pk, fpr, e, priv)))
    goto out;
  if (!(f = create(priv, 0600, e))) {
    rc = e->code;
    goto out;
  }
  ok = c.pem_write_private(f, pk, NULL, NULL, 0, NULL, NULL) == 1;
  if (fclose(f) || !ok) {
    unlink(priv);
    rc = err_set(e, -EIO, "%s: cannot write the private key", priv);
    goto out;
  }
  if (!(f = create(pub, 0644, e))) {
    rc = e->code;
    unlink(priv);
    goto out;
  }
  ok = c.pem_write_pubkey(f, pk) == 1;
  if (fclose(f) || !ok) {
    unlink(priv);
    unlink(pub);
    rc = err_set(e, -EIO, "%s: cannot write the public key", pub);
  }
out:
  c.pkey_free(pk);
  return rc;
}

void ed_free(struct ed_key *k)
{
  if (k && c.loaded > 0)
    c.pkey_free(k);
}
