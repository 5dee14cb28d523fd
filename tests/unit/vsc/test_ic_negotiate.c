/* SPDX-License-Identifier: MIT */
/* The guest side of IC negotiation, against the behaviour of Linux 6.1's
 * vmbus_prep_negotiate_resp: first of the guest's versions the host offers (framework, then
 * message), counts 1/1 or 0/0, icmsgsize 0x10, the version slots written, bad counts refused;
 * and the hv_utils answers (heartbeat seq + 1, shutdown status, size checks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "vsc/ic_client.h"

static const uint32_t fw[] = { IC_VERSION(3, 0), IC_VERSION(1, 0) };
static const uint32_t ts[] = { IC_VERSION(4, 0), IC_VERSION(3, 0), IC_VERSION(1, 0) };

static uint32_t build(uint8_t *b, uint16_t type, const uint16_t *vers, uint16_t nfw, uint16_t nmsg)
{
	struct ic_pipe_hdr p = { 1, 0 };
	struct ic_msg_hdr h;
	struct ic_negotiate n = { nfw, nmsg, 0 };
	uint32_t len = IC_HDR_SIZE + 8 + 4u * (nfw + nmsg);

	memset(b, 0, 512);
	memset(&h, 0, sizeof(h));
	h.type = type;
	h.flags = IC_FLAG_TRANSACTION | IC_FLAG_REQUEST;
	p.msgsize = len - 8;
	memcpy(b, &p, 8);
	memcpy(b + 8, &h, sizeof(h));
	memcpy(b + IC_HDR_SIZE, &n, 8);
	memcpy(b + IC_HDR_SIZE + 8, vers, 4u * (nfw + nmsg));
	return len;
}

static void test_picks_guest_order(void **st)
{
	(void)st;
	uint8_t b[512];
	/* host offers framework 1.0, 3.0 and message 3.0, 4.0: Linux picks 3.0 and 4.0 (its own
	 * order, newest first), not the host's first */
	const uint16_t v[] = { 1, 0, 3, 0, 3, 0, 4, 0 };
	uint32_t len = build(b, IC_MSGTYPE_NEGOTIATE, v, 2, 2), a = 0, m = 0;

	assert_true(ic_negotiate_answer(b, len, fw, 2, ts, 3, &a, &m));
	assert_int_equal(a, IC_VERSION(3, 0));
	assert_int_equal(m, IC_VERSION(4, 0));
	assert_int_equal(b[IC_HDR_SIZE], 1);	  /* framework count */
	assert_int_equal(b[IC_HDR_SIZE + 2], 1);  /* message count */
	assert_int_equal(b[IC_HDR_SIZE + 8], 3);  /* versions[0] = framework */
	assert_int_equal(b[IC_HDR_SIZE + 12], 4); /* versions[1] = message */
	assert_int_equal(b[8 + 10], 0x10);	  /* icmsgsize */
}

static void test_no_match_and_bad_counts(void **st)
{
	(void)st;
	uint8_t b[512];
	const uint16_t v[] = { 3, 0, 9, 9 };
	uint32_t len = build(b, IC_MSGTYPE_NEGOTIATE, v, 1, 1), a = 0, m = 0;

	assert_false(ic_negotiate_answer(b, len, fw, 2, ts, 3, &a, &m));
	assert_int_equal(b[IC_HDR_SIZE], 0);
	assert_int_equal(b[IC_HDR_SIZE + 2], 0);
	/* counts larger than the packet: refused without reading past it */
	len = build(b, IC_MSGTYPE_NEGOTIATE, v, 1, 1);
	b[IC_HDR_SIZE] = 50;
	assert_false(ic_negotiate_answer(b, len, fw, 2, ts, 3, &a, &m));
	/* more than 100 versions: refused */
	len = build(b, IC_MSGTYPE_NEGOTIATE, v, 1, 1);
	b[IC_HDR_SIZE] = 101;
	assert_false(ic_negotiate_answer(b, 512, fw, 2, ts, 3, &a, &m));
	/* too short for the counts */
	assert_false(ic_negotiate_answer(b, IC_HDR_SIZE + 2, fw, 2, ts, 3, &a, &m));
}

static void test_service_answers(void **st)
{
	(void)st;
	static uint8_t b[IC_MAX_PACKET];
	struct ic_client ic;
	struct ic_msg_hdr h;
	uint64_t seq = 41;

	memset(&ic, 0, sizeof(ic));
	ic.kind = IC_CLIENT_HEARTBEAT;
	memset(b, 0, sizeof(b));
	h = (struct ic_msg_hdr){ .type = IC_MSGTYPE_HEARTBEAT, .flags = IC_FLAG_REQUEST };
	memcpy(b + 8, &h, sizeof(h));
	memcpy(b + IC_HDR_SIZE, &seq, 8);
	assert_true(ic_client_answer(&ic, b, IC_HDR_SIZE + 40));
	memcpy(&seq, b + IC_HDR_SIZE, 8);
	assert_int_equal(seq, 42);
	assert_int_equal(b[8 + 17], IC_FLAG_TRANSACTION | IC_FLAG_RESPONSE);
	/* too short: Linux drops it (no answer) */
	assert_false(ic_client_answer(&ic, b, IC_HDR_SIZE + 39));
	assert_false(ic_client_answer(&ic, b, 10));

	memset(&ic, 0, sizeof(ic));
	ic.kind = IC_CLIENT_SHUTDOWN;
	h = (struct ic_msg_hdr){ .type = IC_MSGTYPE_SHUTDOWN };
	memcpy(b + 8, &h, sizeof(h));
	uint32_t flags = 4; /* hibernate: refused */
	memcpy(b + IC_HDR_SIZE + 8, &flags, 4);
	assert_false(ic_client_answer(&ic, b, IC_HDR_SIZE + 100)); /* shorter than 2060 */
	assert_true(ic_client_answer(&ic, b, IC_HDR_SIZE + 2060));
	memcpy(&h, b + 8, sizeof(h));
	assert_int_equal(h.status, IC_STATUS_FAIL);
	assert_false(ic.shutdown_requested);
	flags = 0;
	memcpy(b + IC_HDR_SIZE + 8, &flags, 4);
	assert_true(ic_client_answer(&ic, b, IC_HDR_SIZE + 2060));
	memcpy(&h, b + 8, sizeof(h));
	assert_int_equal(h.status, IC_STATUS_OK);
	assert_true(ic.shutdown_requested);
	/* an unknown message type is answered HV_E_FAIL */
	h = (struct ic_msg_hdr){ .type = 9 };
	memcpy(b + 8, &h, sizeof(h));
	assert_true(ic_client_answer(&ic, b, IC_HDR_SIZE));
	memcpy(&h, b + 8, sizeof(h));
	assert_int_equal(h.status, IC_STATUS_FAIL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_picks_guest_order),
		cmocka_unit_test(test_no_match_and_bad_counts),
		cmocka_unit_test(test_service_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
