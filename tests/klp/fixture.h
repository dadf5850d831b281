/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Prepared trees for klp's unit tests: a temporary directory laid out like
 * the parts of /sys, /proc and /lib/modules klp reads, module files made up
 * on the spot (ELF32/64, either byte order), and a runner for the klp
 * binary with --root pointing at the tree.
 */
#ifndef KLP_TEST_FIXTURE_H
#define KLP_TEST_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

/* A new empty tree (mode 0755); tree_free removes it. */
char *tree_new(void);
void tree_free(char *root);

/* Create parents as needed; content is written as is. */
void tree_write(const char *root, const char *rel, const char *content);
void tree_write_bin(const char *root, const char *rel, const void *data,
                    size_t len);
void tree_mkdir(const char *root, const char *rel);
void tree_symlink(const char *root, const char *rel, const char *target);
void tree_chmod(const char *root, const char *rel, unsigned mode);
char *tree_path(const char *root, const char *rel); /* malloc'd */

/* /sys/kernel/livepatch (present: the kernel supports live patching). */
void tree_livepatch(const char *root);
void tree_patch(const char *root, const char *name, int enabled,
                int transition);
void tree_object(const char *root, const char *patch, const char *obj,
                 int patched);
void tree_func(const char *root, const char *patch, const char *obj,
               const char *func, int sympos);

/* A task: /proc/PID/task/TID/{patch_state,comm}. */
void tree_task(const char *root, int pid, int tid, int state, const char *comm);

/*
 * A module file image. modinfo: "key=value" strings separated by '\n' (the
 * builder turns them into NULs); build_id: hex or NULL.
 */
struct ko_spec {
  bool big_endian;
  bool elf32;
  const char *modinfo;
  const char *build_id;
};
size_t ko_image(const struct ko_spec *s, unsigned char *buf, size_t n);
void tree_ko(const char *root, const char *rel, const struct ko_spec *s);

/* The build-id note as /sys/module/NAME/notes shows it (host order). */
void tree_build_id_note(const char *root, const char *module, const char *hex);

/* Run klp with argv (NULL-terminated); stdin is /dev/null. */
struct klp_run {
  int status;
  char out[65536];
  char err[8192];
};
void klp_run(struct klp_run *r, const char *const *argv);
/* Same, as user nobody when running as root (for permission tests). */
void klp_run_as_nobody(struct klp_run *r, const char *const *argv);

#define KLP(r, ...) klp_run((r), (const char *const[]){__VA_ARGS__, NULL})

#endif
