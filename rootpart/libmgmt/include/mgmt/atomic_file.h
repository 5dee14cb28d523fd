/* SPDX-License-Identifier: MIT */
/* Crash-safe file replacement for vmms's persistent state: write a temporary file in the same
 * folder, fsync it, rename it over the target, fsync the folder. A reader sees the old
 * contents or the new, never a half-written file. */
#ifndef MGMT_ATOMIC_FILE_H
#define MGMT_ATOMIC_FILE_H

#include <stddef.h>

/* Returns 0 or -errno. */
int mgmt_atomic_write(const char *path, const void *data, size_t len, unsigned mode);

/* Reads a whole file (at most max bytes) into a malloc'ed, NUL-terminated buffer.
 * Returns 0, -EFBIG when larger than max, or -errno. */
int mgmt_read_file(const char *path, size_t max, char **data, size_t *len);

#endif
