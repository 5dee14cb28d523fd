/* SPDX-License-Identifier: MIT */
/* When to send vmms an extra report because a device's state changed (a channel the guest
 * opened, an integration service it negotiated): at once, so that `hvctl show` does not lag
 * by the 2 s heartbeat, but never more than one extra report per REPORT_PACER_MIN_MS, so that
 * a guest that flaps a channel cannot flood vmms. Pure logic on a caller's clock (control.c
 * drives it from the worker's loop; the unit test from its own). */
#ifndef HV_VMWP_REPORT_PACER_H
#define HV_VMWP_REPORT_PACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REPORT_PACER_MIN_MS  100
#define REPORT_PACER_MAX_KEY 32 /* bytes of device state (one per device) compared */

struct report_pacer {
	uint8_t key[REPORT_PACER_MAX_KEY]; /* the device states the last report carried */
	size_t len;
	uint64_t last_ms; /* when the last report (of any kind) went */
	bool sent;	  /* a report went at all */
};

/* A report went at now_ms carrying these device states (a heartbeat, an answer, or one the
 * pacer asked for). */
void report_pacer_sent(struct report_pacer *p, const uint8_t *key, size_t len, uint64_t now_ms);

/* The device states now: -1 when they are what the last report said (or no report went yet:
 * the first one carries them anyway); 0 to report now; else how many ms to wait first. */
int64_t report_pacer_due(const struct report_pacer *p, const uint8_t *key, size_t len,
			 uint64_t now_ms);

#endif
