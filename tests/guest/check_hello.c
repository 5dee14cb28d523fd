/* SPDX-License-Identifier: MIT */
/* hello: the greeting line with the boot info the worker gave (partition id, RAM, VPs). */
#include "testguest.h"

const char *check_hello(const char *cmdline)
{
	(void)cmdline;
	con_printf("testguest: hello from partition %lu: %lu MiB RAM (0x%lx bytes), %u VP(s), "
		   "image 0x%lx-0x%lx\n",
		   tg_boot->partition_id, tg_boot->ram_bytes >> 20, tg_boot->ram_bytes,
		   tg_boot->vp_count, (uint64_t)__image_start, (uint64_t)__image_end);
	return NULL;
}
