/* The patch store at run time (docs/patch-store.md): the store's patches
 * are applied to a library when it is loaded, at process start for the
 * images loaded then and after every dlopen() that loaded new images. */
#ifndef PULP_PRELOAD_STORE_H
#define PULP_PRELOAD_STORE_H

/* Applies the store's patches whose target is loaded and which are not yet
 * applied, when the loader has added images since the last look. Cheap
 * when nothing was added (one dl_iterate_phdr step). */
void store_on_load(void);

#endif
