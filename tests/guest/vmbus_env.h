/* SPDX-License-Identifier: MIT */
/* The test guest as the environment of the guest-side VMBus code (vsc/include/vsc/guest_env.h):
 * its one VMBus client, the page allocator over its free RAM, SynIC underneath (synic.h), and
 * the steps every VMBus check starts with. */
#ifndef TESTGUEST_VMBUS_ENV_H
#define TESTGUEST_VMBUS_ENV_H

#include <stdbool.h>
#include <stdint.h>

#include "vmbus/guid.h"
#include "vsc/vmbus_client.h"

extern struct vmbus_client tg_vmbus;

/* Page allocator over free RAM, SynIC pages, the client: NULL or why not ("no SynIC: ..."
 * on a machine without the hypervisor's SynIC). */
const char *tg_vmbus_init(void);

/* INITIATE_CONTACT from 5.3 down, REQUESTOFFERS until ALLOFFERS_DELIVERED; prints the version
 * and one line per offer. NULL or why not. */
const char *tg_vmbus_connect(void);

/* The relid of the first offer of that interface type, 0 if none. */
uint32_t tg_vmbus_relid(const struct vmbus_guid *type);

/* n zeroed contiguous pages (identity-mapped: the pointer is the GPA) or NULL. */
void *tg_alloc_pages(uint32_t n, uint64_t *pfn);
void tg_free_pages(void *p, uint32_t n);

/* The reference counter in microseconds (0 if the partition has none). */
uint64_t tg_now_us(void);

/* A vsc_status or vmbus_status as words. */
const char *tg_vsc_error(int status);

/* HvSignalEvent calls that returned an error (the env's signal has no way to say so). */
extern uint64_t tg_signal_errors;

#endif /* TESTGUEST_VMBUS_ENV_H */
