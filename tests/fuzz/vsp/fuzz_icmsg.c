/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the IC message parsers on both sides: the host's reply parser (every
 * expected type) and the guest's Linux-style answer logic (negotiation included), on
 * arbitrary packets. */
#include <stdint.h>
#include <string.h>

#include "vsc/ic_client.h"
#include "vsp/icmsg.h"

#include "fuzz_entry.h"

static const uint32_t fw[] = { IC_VERSION(3, 0), IC_VERSION(1, 0) };
static const uint32_t msg[] = { IC_VERSION(4, 0), IC_VERSION(3, 0), IC_VERSION(1, 0) };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[IC_MAX_PACKET];
	static struct ic_client ic;
	struct icmsg_offer offer = { fw, 2, msg, 3 };
	struct icmsg_reply rep;
	const char *why;
	uint32_t len = size > sizeof(buf) ? sizeof(buf) : (uint32_t)size;

	for (uint16_t t = 0; t <= 5; t++)
		icmsg_parse_reply(data, len, t, &offer, &rep, &why);
	for (int kind = 0; kind < 3; kind++) {
		memset(&ic, 0, sizeof(ic));
		ic.kind = (enum ic_client_kind)kind;
		ic.message = size ? IC_VERSION(data[0] & 7, 0) : 0;
		memcpy(buf, data, len);
		ic_client_answer(&ic, buf, len);
	}
	{
		uint32_t a, b;
		memcpy(buf, data, len);
		ic_negotiate_answer(buf, len, fw, 2, msg, 3, &a, &b);
	}
	return 0;
}
