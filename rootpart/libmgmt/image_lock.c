/* SPDX-License-Identifier: MIT */
/* Disk image locks: see image_lock.h. */
#include "mgmt/image_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int mgmt_image_lock(const char *path, bool readonly, char *why, size_t n)
{
	int fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(why, n, "cannot open %s %s: %s", path,
			 readonly ? "for reading" : "for reading and writing", strerror(errno));
		return -1;
	}
	struct flock fl = {
		.l_type = readonly ? F_RDLCK : F_WRLCK,
		.l_whence = SEEK_SET,
		.l_start = 0,
		.l_len = 0, /* the whole file */
	};
	if (fcntl(fd, F_OFD_SETLK, &fl) != 0) {
		int e = errno;
		close(fd);
		if (e == EAGAIN || e == EACCES)
			snprintf(why, n,
				 "%s is in use (locked %s by another VM's worker or another "
				 "program); stop that user first, or give this VM its own image",
				 path, readonly ? "for writing" : "for reading or writing");
		else
			snprintf(why, n, "cannot lock %s: %s", path, strerror(e));
		return -1;
	}
	return fd;
}
