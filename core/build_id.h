/* The GNU build-id in the bytes of an ELF note segment, as they lie in a
 * file or in a process's memory: one parser for the runtime (preload/
 * images.c, images in memory and files by fd) and the tool's reads of a
 * process's images (ulp/proc.c). libc only. */
#ifndef PULP_CORE_BUILD_ID_H
#define PULP_CORE_BUILD_ID_H

#include <stddef.h>
#include <stdint.h>

/* Copies at most max bytes of the NT_GNU_BUILD_ID note found in
 * notes[0..len) (fields in big-endian order when big_endian) to id and
 * returns how many; 0 when there is none. A note that runs past len ends
 * the search. */
size_t pulp_notes_build_id(const uint8_t *notes, size_t len, int big_endian,
                           uint8_t *id, size_t max);

/* The byte order of this machine, for notes read from memory. */
int pulp_host_big_endian(void);

#endif
