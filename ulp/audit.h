/* The audit log of ulp trigger (docs/security.md): one syslog message per
 * patch file and process, whatever the outcome, with who ran it, on which
 * process, which file (path, SHA-256, signer) and the result. Facility
 * LOG_AUTHPRIV, ident "ulp"; journald receives it through /dev/log. */
#ifndef PULP_ULP_AUDIT_H
#define PULP_ULP_AUDIT_H

#include <stddef.h>
#include <sys/types.h>

struct audit_patch {
  const char *op;   /* "apply", "revert", "revert-all" */
  const char *name; /* the patch's name, or --revert-all's library */
  const char *path; /* the file as the tool read it; NULL for revert-all */
  char sha256[65];  /* of the file's bytes; "" when none */
  char signer[160]; /* "KEYFILE sha256:FPR16", "unsigned", "invalid",
                       "unchecked" (no signature policy) */
};

/* Everything one trigger operates with (verify_patch_files fills it). */
struct audit_set {
  size_t n;
  struct audit_patch *p;
};

/* Logs each patch of s for process pid (0: before any process, e.g. a
 * signature refused) with result "succeeded", "skipped", "failed" or
 * "refused" and, unless NULL, why. Never fails: a log that cannot be
 * written is reported once on stderr and the operation goes on. The
 * sink is syslog(3), or the unix datagram socket named by
 * PULP_AUDIT_SOCKET (tests). */
void audit_set_log(const struct audit_set *s, pid_t pid, const char *comm,
                   const char *result, const char *why);

void audit_set_free(struct audit_set *s);

#endif
