/* SPDX-License-Identifier: MIT */
/* Crash-safe file replacement for vmms's persistent state: write a temporary file in the same
 * folder, fsync it, rename it over the target, fsync the folder. A reader sees the old
 * contents or the new, never a half-written file. */
#ifndef MGMT_ATOMIC_FILE_H
#define MGMT_ATOMIC_FILE_H

#include <stddef.h>

/* Returns 0 or -errno. */
int mgmt_atomic_write(const char *path, const void *data, size_t len, unsigned mode);

/* Reads a whole regular file (at most max bytes) into a malloc'ed, NUL-terminated buffer.
 * Anything else (a FIFO, a device, a folder) is refused before it is read, so a FIFO cannot
 * make the reader wait. Returns 0, -EFBIG when larger than max, MGMT_READ_NOT_REGULAR, or
 * -errno. */
#define MGMT_READ_NOT_REGULAR (-1000)
int mgmt_read_file(const char *path, size_t max, char **data, size_t *len);
/* What a mgmt_read_file() failure means, for messages. */
const char *mgmt_read_strerror(int rc);

#endif
