/* SPDX-License-Identifier: MIT */
/* Memory for the server's large tables (the GPADL words: 64 KiB a slot): an anonymous mapping,
 * zeroed, of which only the pages a GPADL writes become resident, and never a transparent
 * huge page (one touch would make 2 MiB of it resident, and every VM's worker would carry the
 * whole table). Apart from the server's logic, which the proof analyses with a heap stand-in
 * for these two (tests/proof/stubs/table_mem.c). */
#include "server_internal.h"

#include <sys/mman.h>

void *server_table_alloc(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	(void)madvise(p, bytes, MADV_NOHUGEPAGE); /* advice: the table works without it */
	return p;
}

void server_table_free(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes);
}
