/* SPDX-License-Identifier: MIT */
/* The real partition backend. Until the child-partition issue brings libvid (open /dev/vid,
 * create the partition, map memory, run VPs in threads), it only establishes whether a
 * hypervisor is there at all and says exactly what is missing. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "partition.h"
#include "vmwp.h"

#define VID_DEVICE "/dev/vid"

static int vid_create(struct vmwp *w, struct partition **out, char *why, size_t n)
{
	(void)w;
	*out = NULL;
	struct stat st;
	if (stat(VID_DEVICE, &st) != 0) {
		if (errno == ENOENT)
			snprintf(why, n, "no hypervisor: /dev/vid missing — is hv.efi loaded?");
		else
			snprintf(why, n, "cannot use /dev/vid: %s", strerror(errno));
		return -1;
	}
	snprintf(why, n,
		 "/dev/vid is present but this vmwp was built without libvid: rebuild "
		 "with the child-partition support");
	return -1;
}

static int vid_run(struct partition *p, char *why, size_t n)
{
	(void)p;
	snprintf(why, n, "no partition");
	return -1;
}

static int vid_request_shutdown(struct partition *p, char *why, size_t n)
{
	(void)p;
	snprintf(why, n,
		 "graceful stop needs the guest's shutdown integration service, which "
		 "the guest has not negotiated; use --force");
	return -1;
}

static void vid_destroy(struct partition *p)
{
	(void)p;
}

const struct partition_ops partition_backend = {
	.name = "vid",
	.create = vid_create,
	.run = vid_run,
	.request_shutdown = vid_request_shutdown,
	.transport = NULL, /* SynIC messages and events through vid.ko: child-partition work */
	.destroy = vid_destroy,
};
