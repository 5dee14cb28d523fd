/* SPDX-License-Identifier: MIT */
/* Disk image locks, as QEMU's image locking does: a worker holds a shared lock on every
 * read-only image and an exclusive one on every writable image for as long as it runs, so
 * that two VMs (two configs naming one file, or a hard link to it) never write one image at
 * once. Open file description locks (F_OFD_SETLK): tied to the descriptor the worker keeps,
 * not to the process, so the storage VSP opening and closing its own descriptors of the same
 * file cannot drop them; they go when the worker exits, however it exits. */
#ifndef MGMT_IMAGE_LOCK_H
#define MGMT_IMAGE_LOCK_H

#include <stdbool.h>
#include <stddef.h>

/* Opens path (read-only or read-write) and locks it. Returns the descriptor to keep, or -1
 * with the cause and the fix in why. */
int mgmt_image_lock(const char *path, bool readonly, char *why, size_t why_size);

#endif
