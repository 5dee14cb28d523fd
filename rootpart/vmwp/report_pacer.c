/* SPDX-License-Identifier: MIT */
/* Extra reports on a device state change, rate-limited: see report_pacer.h. */
#include "report_pacer.h"

#include <string.h>

void report_pacer_sent(struct report_pacer *p, const uint8_t *key, size_t len, uint64_t now_ms)
{
	if (len > REPORT_PACER_MAX_KEY)
		len = REPORT_PACER_MAX_KEY;
	memcpy(p->key, key, len);
	p->len = len;
	p->last_ms = now_ms;
	p->sent = true;
}

int64_t report_pacer_due(const struct report_pacer *p, const uint8_t *key, size_t len,
			 uint64_t now_ms)
{
	if (len > REPORT_PACER_MAX_KEY)
		len = REPORT_PACER_MAX_KEY;
	if (!p->sent || (len == p->len && memcmp(key, p->key, len) == 0))
		return -1;
	/* A clock that went back (it should not) waits at most the full interval. */
	uint64_t since = now_ms >= p->last_ms ? now_ms - p->last_ms : 0;
	return since >= REPORT_PACER_MIN_MS ? 0 : (int64_t)(REPORT_PACER_MIN_MS - since);
}
