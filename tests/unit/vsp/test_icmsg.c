/* SPDX-License-Identifier: MIT */
/* IC message framework, host side: request layouts byte by byte (as Linux's hv_utils reads
 * them) and the reply parser's acceptance and refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "vsp/icmsg.h"

static const uint32_t fw[] = { IC_VERSION(3, 0), IC_VERSION(1, 0) };
static const uint32_t hb[] = { IC_VERSION(3, 0), IC_VERSION(1, 0) };
static const struct icmsg_offer offer = { fw, 2, hb, 2 };

static uint16_t u16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}
static uint32_t u32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static void test_negotiate_layout(void **s)
{
	(void)s;
	uint8_t b[256];
	uint32_t n = icmsg_build_negotiate(b, sizeof(b), &offer, 7);

	assert_int_equal(n, 28 + 8 + 4 * 4);
	assert_int_equal(u32(b + 4), n - 8); /* pipe msgsize */
	assert_int_equal(u16(b + 8 + 4), IC_MSGTYPE_NEGOTIATE);
	assert_int_equal(u16(b + 8 + 10), 8 + 16); /* icmsgsize */
	assert_int_equal(b[8 + 16], 7);		   /* transaction id */
	assert_int_equal(b[8 + 17], IC_FLAG_TRANSACTION | IC_FLAG_REQUEST);
	assert_int_equal(u16(b + 28), 2); /* framework count */
	assert_int_equal(u16(b + 30), 2); /* message count */
	assert_int_equal(u16(b + 36), 3); /* first framework: 3.0 */
	assert_int_equal(u16(b + 38), 0);
	assert_int_equal(u16(b + 44), 3);			      /* first message: 3.0 */
	assert_int_equal(icmsg_build_negotiate(b, 40, &offer, 7), 0); /* does not fit */
}

static void test_negotiate_reply(void **s)
{
	(void)s;
	uint8_t b[256];
	struct icmsg_reply r;
	const char *why;
	uint32_t n = icmsg_build_negotiate(b, sizeof(b), &offer, 1);

	/* as Linux answers: counts 1/1, picks in versions[0] and [1], RESPONSE flag */
	b[8 + 17] = IC_FLAG_TRANSACTION | IC_FLAG_RESPONSE;
	b[28] = 1;
	b[30] = 1;
	b[40] = 3;
	b[41] = 0;
	b[42] = 0;
	b[43] = 0; /* versions[1] = message pick 3.0 */
	assert_int_equal(icmsg_parse_reply(b, n, IC_MSGTYPE_NEGOTIATE, &offer, &r, &why), 0);
	assert_true(r.negotiated);
	assert_int_equal(r.framework, IC_VERSION(3, 0));
	assert_int_equal(r.message, IC_VERSION(3, 0));
	/* a pick that was not offered */
	b[40] = 9;
	assert_int_equal(icmsg_parse_reply(b, n, IC_MSGTYPE_NEGOTIATE, &offer, &r, &why), -1);
	/* no common version: 0/0 is a valid "no" */
	b[28] = 0;
	b[30] = 0;
	assert_int_equal(icmsg_parse_reply(b, n, IC_MSGTYPE_NEGOTIATE, &offer, &r, &why), 0);
	assert_false(r.negotiated);
	/* not a response, wrong type, truncated */
	b[8 + 17] = IC_FLAG_REQUEST;
	assert_int_equal(icmsg_parse_reply(b, n, IC_MSGTYPE_NEGOTIATE, &offer, &r, &why), -1);
	b[8 + 17] = IC_FLAG_RESPONSE;
	assert_int_equal(icmsg_parse_reply(b, n, IC_MSGTYPE_HEARTBEAT, &offer, &r, &why), -1);
	assert_int_equal(icmsg_parse_reply(b, 27, IC_MSGTYPE_NEGOTIATE, &offer, &r, &why), -1);
	b[28] = 1;
	b[30] = 1;
	assert_int_equal(icmsg_parse_reply(b, 28 + 8 + 4, IC_MSGTYPE_NEGOTIATE, &offer, &r, &why),
			 -1);
	b[28] = 2;
	assert_int_equal(icmsg_parse_reply(b, n, IC_MSGTYPE_NEGOTIATE, &offer, &r, &why), -1);
}

static void test_service_messages(void **s)
{
	(void)s;
	uint8_t b[4096];
	struct icmsg_reply r;
	uint64_t seq;
	uint32_t n;

	n = icmsg_build_heartbeat(b, sizeof(b), IC_VERSION(3, 0), IC_VERSION(3, 0), 2, 41);
	assert_int_equal(n, 28 + 40);
	seq = 42;
	memcpy(b + 28, &seq, 8);
	b[8 + 17] = IC_FLAG_TRANSACTION | IC_FLAG_RESPONSE;
	assert_int_equal(icmsg_parse_reply(b, n, IC_MSGTYPE_HEARTBEAT, NULL, &r, NULL), 0);
	assert_int_equal(r.heartbeat_seq, 42);
	assert_int_equal(icmsg_parse_reply(b, n - 1, IC_MSGTYPE_HEARTBEAT, NULL, &r, NULL), -1);

	n = icmsg_build_shutdown(b, sizeof(b), IC_VERSION(3, 0), IC_VERSION(3, 2), 3, 0, 0x80000000,
				 30, "bye");
	assert_int_equal(n, 28 + 2060);	      /* Linux rejects anything shorter */
	assert_int_equal(u32(b + 28 + 8), 0); /* flags: power off */
	assert_memory_equal(b + 28 + 12, "bye", 4);
	assert_int_equal(icmsg_build_shutdown(b, 1000, 0, 0, 0, 0, 0, 0, NULL), 0);

	n = icmsg_build_timesync(b, sizeof(b), IC_VERSION(3, 0), IC_VERSION(4, 0), 4, 111, 222,
				 IC_TIMESYNC_FLAG_SYNC);
	assert_int_equal(n, 28 + 22);
	assert_int_equal(u32(b + 28), 111);
	assert_int_equal(u32(b + 36), 222);
	assert_int_equal(b[44], IC_TIMESYNC_FLAG_SYNC);
	n = icmsg_build_timesync(b, sizeof(b), IC_VERSION(3, 0), IC_VERSION(3, 0), 4, 111, 222,
				 IC_TIMESYNC_FLAG_SAMPLE);
	assert_int_equal(n, 28 + 25);
	assert_int_equal(b[28 + 24], IC_TIMESYNC_FLAG_SAMPLE);
	assert_int_equal(u32(b + 36), 0); /* child time: the guest fills it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negotiate_layout),
		cmocka_unit_test(test_negotiate_reply),
		cmocka_unit_test(test_service_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
