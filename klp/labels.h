/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CVE and bug labels of a patch module (docs/klp.md): every "cve=" and
 * "bug=" modinfo field (MODULE_INFO(cve, "CVE-2024-1 CVE-2024-2")), plus the
 * lines "cve ID" / "bug ID" of a metadata file FILE.labels installed beside
 * FILE.ko. Values are split on spaces and commas; duplicates dropped.
 */
#ifndef KLP_LABELS_H
#define KLP_LABELS_H

#include <stddef.h>

#include "klp.h"
#include "modinfo.h"

struct klp_labels {
  char **cve;
  size_t ncve;
  char **bug;
  size_t nbug;
};

/* ko_path: the module file as read (root included), for the sidecar file. */
int klp_labels_read(const struct klp_modinfo *mi, const char *ko_path,
                    struct klp_labels *out);
void klp_labels_free(struct klp_labels *l);

#endif
