/* The ulp subcommands, one file each. Each returns the process exit status
 * and prints its own errors as one line "ulp CMD: what: why". */
#ifndef PULP_ULP_COMMANDS_H
#define PULP_ULP_COMMANDS_H

int cmd_livepatchable(int argc, char **argv);
int cmd_packer(int argc, char **argv);
int cmd_trigger(int argc, char **argv);
int cmd_patches(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_messages(int argc, char **argv);
int cmd_post(int argc, char **argv);
int cmd_install(int argc, char **argv);   /* install.c */
int cmd_uninstall(int argc, char **argv); /* install.c */
int cmd_processes(int argc, char **argv);
int cmd_sign(int argc, char **argv);   /* sign.c */
int cmd_keygen(int argc, char **argv); /* sign.c */
int cmd_extract(int argc, char **argv);
int cmd_set_patchable(int argc, char **argv);

/* Exit statuses shared by the commands (ulp(1)). */
enum {
  ULP_EXIT_OK = 0,
  ULP_EXIT_FAILED = 1, /* trigger: a process failed; livepatchable: no */
  ULP_EXIT_USAGE = 2,  /* usage error or bad input */
  ULP_EXIT_NOT_APPLICABLE = 3,
};

struct target;
struct pulp_state;

/* Opens process pid and reads its runtime's published state (*s,
 * malloc'd). On failure prints one line and returns the exit status:
 * ULP_EXIT_FAILED when the process cannot be opened, ULP_EXIT_NOT_APPLICABLE
 * when it has no (readable) runtime. Returns 0 on success. */
int ulp_open_state(const char *cmd, int pid, struct target *tg,
                   struct pulp_state **s);

/* Prints "ulp CMD: msg" to stderr. */
void ulp_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
