/* SPDX-License-Identifier: MIT */
/* EVA harness of the IC message framework (vsp/ic/icmsg.c): the reply parser over a guest's
 * reply of any length and any bytes, and the request builders with any arguments into buffers
 * of exactly the stated capacity. The reply's bytes are any value (the parser copies each field
 * out once with memcpy, so EVA never narrows them). Lengths up to 64 bytes (every threshold the parser tests) are
 * analysed one by one, with a buffer of exactly that length; longer ones together. */
#include <stdlib.h>

#include "__fc_builtin.h"
#include "vsp/icmsg.h"

static volatile uint8_t guest_bytes[IC_MAX_PACKET + 1];
static uint32_t fw_offer[IC_NEGOTIATE_MAX_VERSIONS + 1], msg_offer[IC_NEGOTIATE_MAX_VERSIONS + 1];

static void parse(uint32_t len, const struct icmsg_offer *offer)
{
	struct icmsg_reply out;
	const char *why;
	uint8_t *reply = malloc(len ? len : 1); /* exactly len bytes of the guest's */

	if (!reply)
		return;
	/* The guest's bytes (the parser reads none past offset 44: a longer reply's tail is
	 * left as allocated, which EVA also takes as unknown). */
	Frama_C_make_unknown((char *)reply, len < 64 ? (len ? len : 1) : 64);
	icmsg_parse_reply(reply, len, (uint16_t)Frama_C_interval(0, 0xffff),
			  Frama_C_nondet(0, 1) ? offer : NULL, &out, &why);
	free(reply);
}

static void prove_parser(const struct icmsg_offer *offer)
{
	uint32_t len = (uint32_t)Frama_C_interval(0, 64);

	/*@ split len; */
	parse(len, offer);
	parse((uint32_t)Frama_C_interval(65, IC_MAX_PACKET), offer);
	/* Longer than an IC packet: refused before any read. */
	icmsg_parse_reply((const void *)guest_bytes,
			  Frama_C_unsigned_int_interval(IC_MAX_PACKET + 1, 0xffffffffu), 0, offer,
			  &(struct icmsg_reply){ 0 }, NULL);
}

static void prove_builders(struct icmsg_offer *offer)
{
	uint32_t cap = (uint32_t)Frama_C_interval(0, 64);
	uint8_t *buf;

	/*@ split cap; */
	buf = malloc(cap ? cap : 1); /* exactly cap bytes */
	if (!buf)
		return;
	icmsg_build_heartbeat(buf, cap, Frama_C_unsigned_int_interval(0, 0xffffffffu),
			      Frama_C_unsigned_int_interval(0, 0xffffffffu),
			      (uint8_t)Frama_C_interval(0, 255), 7);
	icmsg_build_shutdown(buf, cap, Frama_C_unsigned_int_interval(0, 0xffffffffu),
			     Frama_C_unsigned_int_interval(0, 0xffffffffu), 1,
			     Frama_C_unsigned_int_interval(0, 0xffffffffu),
			     Frama_C_unsigned_int_interval(0, 0xffffffffu),
			     Frama_C_unsigned_int_interval(0, 0xffffffffu),
			     Frama_C_nondet(0, 1) ? "shutting down" : NULL);
	icmsg_build_timesync(buf, cap, Frama_C_unsigned_int_interval(0, 0xffffffffu),
			     Frama_C_unsigned_int_interval(0, 0xffffffffu), 1, 1, 2,
			     (uint8_t)Frama_C_interval(0, 255));
	icmsg_build_negotiate(buf, cap, offer, 1);
	free(buf);
}

int main(void)
{
	struct icmsg_offer offer = { fw_offer, (uint32_t)Frama_C_interval(0, 2), msg_offer,
				     (uint32_t)Frama_C_interval(0, 2) };

	Frama_C_make_unknown((char *)fw_offer, sizeof(fw_offer));
	Frama_C_make_unknown((char *)msg_offer, sizeof(msg_offer));
	/*@ split offer.framework_count; */
	/*@ split offer.message_count; */
	prove_parser(&offer);
	prove_builders(&offer);
	/* Too many versions: refused before anything is written. */
	offer.framework_count =
		Frama_C_unsigned_int_interval(IC_NEGOTIATE_MAX_VERSIONS + 1, 0xffffffffu);
	icmsg_build_negotiate((void *)0x1000, 0, &offer, 1);
	return 0;
}
