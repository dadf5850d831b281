/* Ed25519 keys and signatures through OpenSSL's libcrypto, loaded with
 * dlopen("libcrypto.so.3") by the first call: only `ulp sign`, `ulp
 * keygen` and a trigger under a signature policy load it, and a cross
 * build needs neither the target's libcrypto nor its headers
 * (docs/security.md). */
#ifndef PULP_ULP_ED25519_H
#define PULP_ULP_ED25519_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define ED25519_SIG_LEN 64
#define ED25519_FPR_LEN 32 /* SHA-256 of the raw 32-byte public key */

struct ed_key; /* an EVP_PKEY */

/* Reads a PEM public key (SubjectPublicKeyInfo, `openssl pkey -pubout`) or,
 * with private set, a PEM private key (PKCS#8, `openssl genpkey -algorithm
 * ed25519`). Refuses any other algorithm. fpr receives the fingerprint. */
int ed_read_key(const char *path, int private, struct ed_key **k,
                uint8_t fpr[ED25519_FPR_LEN], struct pulp_err *e);

int ed_sign(struct ed_key *k, const void *msg, size_t len,
            uint8_t sig[ED25519_SIG_LEN], struct pulp_err *e);

/* 0 when sig is k's signature of msg, -EBADMSG when not. */
int ed_verify(struct ed_key *k, const void *msg, size_t len,
              const uint8_t sig[ED25519_SIG_LEN]);

/* Writes a new key pair: priv (mode 0600) and pub; neither may exist. */
int ed_generate(const char *priv, const char *pub, uint8_t fpr[ED25519_FPR_LEN],
                struct pulp_err *e);

void ed_free(struct ed_key *k);

#endif
