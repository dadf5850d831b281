/* Signed patches (docs/security.md). A signature is a detached file
 * FILE.sig next to the .ulp, .rev or patch container: a short text
 * manifest that names the SHA-256 of the file's bytes, the SHA-256 of its
 * patch object (an apply; "-" for a revert, which loads nothing) and the
 * signing key's fingerprint, followed by the Ed25519 signature of the
 * manifest's bytes. */
#ifndef PULP_ULP_VERIFY_H
#define PULP_ULP_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "core/err.h"
#include "core/ulp_format.h"
#include "ed25519.h"

#define SIG_SUFFIX ".sig"
#define SIG_KEYS_DIR "/etc/pulp/keys"
#define SIG_POLICY_FILE "/etc/pulp/policy"

enum sig_policy { SIG_OFF, SIG_WARN, SIG_REQUIRE };

struct verify_opts {
  int require;          /* --require-signature */
  const char *keys_dir; /* --keys DIR; NULL: PULP_KEYS_DIR, the policy
                           file's "keys", /etc/pulp/keys */
};

/* SHA-256 of a file's bytes. */
int sig_file_sha256(const char *path, uint8_t out[32], struct pulp_err *e);

/* The manifest `ulp sign` signs for file (decoded in u) and key fpr:
 * malloc'd text in *text. */
int sig_manifest(const char *file, const struct ulp_patch *u,
                 const uint8_t fpr[ED25519_FPR_LEN], char **text,
                 struct pulp_err *e);

/* ulp trigger, before any process is touched: under the signature policy
 * (the strictest of --require-signature, PULP_SIGNATURE_POLICY and the
 * policy file, default off), checks the signature of every file (and
 * that the patch object of an apply is the signed one), and fills *a for
 * the audit log. A refusal is logged, returned (-EPERM, one line in e)
 * and must end the trigger; under "warn" it is printed as a warning.
 * -EINVAL for a policy setting that is not off, warn or require. */
int verify_patch_files(char *const *files, const struct ulp_patch *p, size_t n,
                       const char *revert_all, const struct verify_opts *o,
                       struct audit_set *a, struct pulp_err *e);

#endif
