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

/* Exit statuses shared by the commands (ulp(1)). */
enum {
  ULP_EXIT_OK = 0,
  ULP_EXIT_FAILED = 1, /* trigger: a process failed; livepatchable: no */
  ULP_EXIT_USAGE = 2,  /* usage error or bad input */
  ULP_EXIT_NOT_APPLICABLE = 3,
};

/* Prints "ulp CMD: msg" to stderr. */
void ulp_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
