/* SPDX-License-Identifier: MIT */
/* Unit tests of the channel-management messages: every type round-trips through encode and
 * decode with its fields at the wire offsets, and every constrained field is rejected when
 * malformed, in both directions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmbus/channel_msg.h"
#include "vmbus/status.h"

/* A valid example of each message type, and its wire length. */
static uint32_t example(uint32_t type, union vmbus_chmsg *m)
{
	memset(m, 0, sizeof(*m));
	m->h.type = type;
	switch (type) {
	case VMBUS_CHMSG_OFFERCHANNEL:
		m->offer.if_type = vmbus_guid_scsi;
		m->offer.if_instance =
			VMBUS_GUID(0x12345678, 0x9abc, 0xdef0, 1, 2, 3, 4, 5, 6, 7, 8);
		m->offer.chn_flags = 0x4;
		m->offer.mmio_megabytes = 0;
		m->offer.user_def[0] = 0xaa;
		m->offer.user_def[119] = 0xbb;
		m->offer.sub_channel_index = 0;
		m->offer.child_relid = 7;
		m->offer.monitor_id = 0xff;
		m->offer.flags = 0;
		m->offer.is_dedicated_interrupt = VMBUS_OFFER_DEDICATED_INTERRUPT;
		m->offer.connection_id = 0x2007;
		return sizeof(m->offer);
	case VMBUS_CHMSG_RESCIND_OFFER:
	case VMBUS_CHMSG_CLOSECHANNEL:
	case VMBUS_CHMSG_RELID_RELEASED:
		m->relid.child_relid = 2047;
		return sizeof(m->relid);
	case VMBUS_CHMSG_REQUESTOFFERS:
	case VMBUS_CHMSG_ALLOFFERS_DELIVERED:
	case VMBUS_CHMSG_UNLOAD:
	case VMBUS_CHMSG_UNLOAD_RESPONSE:
		return sizeof(m->h);
	case VMBUS_CHMSG_OPENCHANNEL:
		m->open.child_relid = 1;
		m->open.open_id = 1;
		m->open.ring_gpadl = 0xe1e10;
		m->open.target_vp = 3;
		m->open.downstream_page_offset = 32;
		m->open.user_data[5] = 9;
		return sizeof(m->open);
	case VMBUS_CHMSG_OPENCHANNEL_RESULT:
		m->open_result.child_relid = 1;
		m->open_result.open_id = 1;
		m->open_result.status = 0xc0000001;
		return sizeof(m->open_result);
	case VMBUS_CHMSG_GPADL_HEADER:
		m->gpadl_header.child_relid = 1;
		m->gpadl_header.gpadl = 0xe1e10;
		m->gpadl_header.range_buflen = 8 * 3;
		m->gpadl_header.range_count = 1;
		{
			uint64_t w[3] = { 8192, 0x100, 0x101 };

			memcpy(m->raw + VMBUS_GPADL_HEADER_FIXED, w, sizeof(w));
		}
		return VMBUS_GPADL_HEADER_FIXED + 24;
	case VMBUS_CHMSG_GPADL_BODY:
		m->gpadl_body.msg_number = 1;
		m->gpadl_body.gpadl = 0xe1e10;
		{
			uint64_t w[2] = { 0x102, 0x103 };

			memcpy(m->raw + VMBUS_GPADL_BODY_FIXED, w, sizeof(w));
		}
		return VMBUS_GPADL_BODY_FIXED + 16;
	case VMBUS_CHMSG_GPADL_CREATED:
		m->gpadl_created.child_relid = 1;
		m->gpadl_created.gpadl = 0xe1e10;
		m->gpadl_created.status = 0;
		return sizeof(m->gpadl_created);
	case VMBUS_CHMSG_GPADL_TEARDOWN:
		m->gpadl_teardown.child_relid = 1;
		m->gpadl_teardown.gpadl = 0xe1e10;
		return sizeof(m->gpadl_teardown);
	case VMBUS_CHMSG_GPADL_TORNDOWN:
		m->gpadl_torndown.gpadl = 0xe1e10;
		return sizeof(m->gpadl_torndown);
	case VMBUS_CHMSG_INITIATE_CONTACT:
		m->initiate.version = VMBUS_VERSION_WIN10_V5_3;
		m->initiate.target_vcpu = 0;
		m->initiate.msg_sint = 2;
		m->initiate.monitor_page1 = 0x7000;
		m->initiate.monitor_page2 = 0x8000;
		return sizeof(m->initiate);
	case VMBUS_CHMSG_VERSION_RESPONSE:
		m->version_response.version_supported = 1;
		m->version_response.connection_state = 0;
		m->version_response.msg_conn_id = 1;
		return sizeof(m->version_response);
	case VMBUS_CHMSG_MODIFYCHANNEL:
		m->modify.child_relid = 5;
		m->modify.target_vp = 1;
		return sizeof(m->modify);
	case VMBUS_CHMSG_MODIFYCHANNEL_RESPONSE:
		m->modify_response.child_relid = 5;
		m->modify_response.status = 0;
		return sizeof(m->modify_response);
	}
	fail_msg("no example for type %u", type);
	return 0;
}

static const uint32_t all_types[] = { 1,  2,  3,  4,  5,  6,  7,  8,  9, 10,
				      11, 12, 13, 14, 15, 16, 17, 22, 24 };
#define NTYPES (sizeof(all_types) / sizeof(all_types[0]))

static void test_sizes_match_linux(void **state)
{
	(void)state;
	assert_int_equal(vmbus_chmsg_min_size(VMBUS_CHMSG_OFFERCHANNEL), 196);
	assert_int_equal(vmbus_chmsg_min_size(VMBUS_CHMSG_RESCIND_OFFER), 12);
	assert_int_equal(vmbus_chmsg_min_size(VMBUS_CHMSG_OPENCHANNEL), 148);
	assert_int_equal(vmbus_chmsg_min_size(VMBUS_CHMSG_OPENCHANNEL_RESULT), 20);
	assert_int_equal(vmbus_chmsg_min_size(VMBUS_CHMSG_GPADL_CREATED), 20);
	assert_int_equal(vmbus_chmsg_min_size(VMBUS_CHMSG_GPADL_TORNDOWN), 12);
	assert_int_equal(vmbus_chmsg_min_size(VMBUS_CHMSG_INITIATE_CONTACT), 40);
	assert_int_equal(vmbus_chmsg_min_size(VMBUS_CHMSG_VERSION_RESPONSE), 16);
	assert_int_equal(vmbus_chmsg_min_size(VMBUS_CHMSG_MODIFYCHANNEL_RESPONSE), 16);
	assert_int_equal(vmbus_chmsg_min_size(0), 0);
	assert_int_equal(vmbus_chmsg_min_size(18), 0);
	assert_string_equal(vmbus_chmsg_type_name(VMBUS_CHMSG_GPADL_BODY), "GPADL_BODY");
	assert_string_equal(vmbus_chmsg_type_name(99), "?");
}

static void test_every_type_round_trips(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NTYPES; i++) {
		union vmbus_chmsg m, back;
		uint8_t wire[VMBUS_CHMSG_MAX_SIZE];
		const char *why = NULL;
		uint32_t len = example(all_types[i], &m);

		assert_int_equal(vmbus_chmsg_encode(&m, len, wire, sizeof(wire), &why), (int)len);
		assert_memory_equal(wire, m.raw, len);
		assert_int_equal(vmbus_chmsg_decode(wire, len, &back, &why), (int)all_types[i]);
		assert_memory_equal(back.raw, m.raw, len);
		/* the decoder zero-fills past the message */
		for (uint32_t k = len; k < VMBUS_CHMSG_MAX_SIZE; k++)
			assert_int_equal(back.raw[k], 0);
		/* the output buffer must hold it */
		assert_int_equal(vmbus_chmsg_encode(&m, len, wire, len - 1, &why), VMBUS_E_NOSPC);
	}
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void test_wire_offsets(void **state)
{
	union vmbus_chmsg m;
	uint8_t w[VMBUS_CHMSG_MAX_SIZE];

	(void)state;
	vmbus_chmsg_encode(&m, example(VMBUS_CHMSG_OFFERCHANNEL, &m), w, sizeof(w), NULL);
	assert_int_equal(rd32(w), 1);
	assert_memory_equal(w + 8, vmbus_guid_scsi.b, 16);
	assert_int_equal(w[60], 0xaa);
	assert_int_equal(rd32(w + 184), 7);
	assert_int_equal(w[188], 0xff);
	assert_int_equal(w[190], 1);
	assert_int_equal(rd32(w + 192), 0x2007);

	vmbus_chmsg_encode(&m, example(VMBUS_CHMSG_OPENCHANNEL, &m), w, sizeof(w), NULL);
	assert_int_equal(rd32(w + 16), 0xe1e10);
	assert_int_equal(rd32(w + 20), 3);
	assert_int_equal(rd32(w + 24), 32);
	assert_int_equal(w[28 + 5], 9);

	vmbus_chmsg_encode(&m, example(VMBUS_CHMSG_INITIATE_CONTACT, &m), w, sizeof(w), NULL);
	assert_int_equal(rd32(w + 8), 0x50003);
	assert_int_equal(w[16], 2);
	assert_int_equal(rd32(w + 24), 0x7000);
	assert_int_equal(rd32(w + 32), 0x8000);

	vmbus_chmsg_encode(&m, example(VMBUS_CHMSG_VERSION_RESPONSE, &m), w, sizeof(w), NULL);
	assert_int_equal(w[8], 1);
	assert_int_equal(rd32(w + 12), 1);

	vmbus_chmsg_encode(&m, example(VMBUS_CHMSG_GPADL_HEADER, &m), w, sizeof(w), NULL);
	assert_int_equal(rd32(w + 12), 0xe1e10);
	assert_int_equal(w[16], 24); /* range_buflen */
	assert_int_equal(w[18], 1);  /* range_count */
	assert_int_equal(rd32(w + 20), 8192);
}

static void test_framing_rejected(void **state)
{
	union vmbus_chmsg m, out;
	uint8_t w[VMBUS_CHMSG_MAX_SIZE + 8] = { 0 };
	const char *why;
	uint32_t len;

	(void)state;
	assert_int_equal(vmbus_chmsg_decode(w, 7, &out, &why), VMBUS_E_PROTO);
	assert_non_null(strstr(why, "header"));
	w[0] = 0; /* type 0 */
	assert_int_equal(vmbus_chmsg_decode(w, 8, &out, &why), VMBUS_E_PROTO);
	assert_non_null(strstr(why, "unknown"));
	w[0] = 18;
	assert_int_equal(vmbus_chmsg_decode(w, 8, &out, &why), VMBUS_E_PROTO);
	w[0] = 0xff;
	w[3] = 0xff;
	assert_int_equal(vmbus_chmsg_decode(w, 8, &out, &why), VMBUS_E_PROTO);
	assert_int_equal(vmbus_chmsg_decode(w, 241, &out, &why), VMBUS_E_PROTO);
	assert_non_null(strstr(why, "240"));
	assert_int_equal(vmbus_chmsg_decode(NULL, 8, &out, &why), VMBUS_E_INVAL);

	/* every type: one byte short is refused; a longer fixed-size message is accepted with
	 * the tail ignored (newer peers append fields), but never encoded */
	for (unsigned i = 0; i < NTYPES; i++) {
		len = example(all_types[i], &m);
		memcpy(w, m.raw, len);
		assert_int_equal(vmbus_chmsg_decode(w, len - 1, &out, &why), VMBUS_E_PROTO);
		if (all_types[i] == VMBUS_CHMSG_GPADL_HEADER ||
		    all_types[i] == VMBUS_CHMSG_GPADL_BODY)
			continue;
		assert_int_equal(vmbus_chmsg_decode(w, len + 4, &out, &why), (int)all_types[i]);
		assert_int_equal(vmbus_chmsg_encode(&m, len + 4, w, sizeof(w), &why),
				 VMBUS_E_MSGSIZE);
	}
	len = example(VMBUS_CHMSG_OFFERCHANNEL, &m);
	assert_int_equal(vmbus_chmsg_encode(&m, 241, w, sizeof(w), &why), VMBUS_E_MSGSIZE);
}

/* One malformed field: the example of type, changed by mutate, must be refused by the decoder
 * and by the encoder with a reason containing why_part. */
struct bad_case {
	uint32_t type;
	void (*mutate)(union vmbus_chmsg *m, uint32_t *len);
	const char *why_part;
};

static void relid0(union vmbus_chmsg *m, uint32_t *l)
{
	(void)l;
	memset(m->raw + 8, 0, 4);
}
static void relid2048(union vmbus_chmsg *m, uint32_t *l)
{
	uint32_t v = 2048;

	(void)l;
	memcpy(m->raw + 8, &v, 4);
}
static void offer_relid0(union vmbus_chmsg *m, uint32_t *l)
{
	(void)l;
	m->offer.child_relid = 0;
}
static void offer_relid_big(union vmbus_chmsg *m, uint32_t *l)
{
	(void)l;
	m->offer.child_relid = 0x10000;
}
static void offer_connid(union vmbus_chmsg *m, uint32_t *l)
{
	(void)l;
	m->offer.connection_id = 0x1000000;
}
static void open_gpadl0(union vmbus_chmsg *m, uint32_t *l)
{
	(void)l;
	m->open.ring_gpadl = 0;
}
static void open_offset1(union vmbus_chmsg *m, uint32_t *l)
{
	(void)l;
	m->open.downstream_page_offset = 1;
}
static void gh_gpadl0(union vmbus_chmsg *m, uint32_t *l)
{
	(void)l;
	m->gpadl_header.gpadl = 0;
}
static void gh_count0(union vmbus_chmsg *m, uint32_t *l)
{
	(void)l;
	m->gpadl_header.range_count = 0;
}
static void gh_buflen_odd(union vmbus_chmsg *m, uint32_t *l)
{
	(void)l;
	m->gpadl_header.range_buflen = 28;
}
static void gh_buflen_small(union vmbus_chmsg *m, uint32_t *l)
{
	(void)l;
	m->gpadl_header.range_count = 2; /* two ranges need 32 bytes at least */
}
static void gh_carries_more(union vmbus_chmsg *m, uint32_t *l)
{
	(void)l;
	m->gpadl_header.range_buflen = 16; /* but 24 bytes follow */
}
static void gh_len_odd(union vmbus_chmsg *m, uint32_t *l)
{
	(void)m;
	*l -= 4;
}
static void gb_gpadl0(union vmbus_chmsg *m, uint32_t *l)
{
	(void)l;
	m->gpadl_body.gpadl = 0;
}
static void gb_len_odd(union vmbus_chmsg *m, uint32_t *l)
{
	(void)m;
	*l += 4;
}
static void gb_empty(union vmbus_chmsg *m, uint32_t *l)
{
	(void)m;
	*l = VMBUS_GPADL_BODY_FIXED;
}
static void gc_gpadl0(union vmbus_chmsg *m, uint32_t *l)
{
	(void)l;
	m->gpadl_created.gpadl = 0;
}
static void gt_gpadl0(union vmbus_chmsg *m, uint32_t *l)
{
	(void)l;
	m->gpadl_teardown.gpadl = 0;
}
static void gd_gpadl0(union vmbus_chmsg *m, uint32_t *l)
{
	(void)l;
	m->gpadl_torndown.gpadl = 0;
}
static void ic_version0(union vmbus_chmsg *m, uint32_t *l)
{
	(void)l;
	m->initiate.version = 0;
}
static void ic_sint(union vmbus_chmsg *m, uint32_t *l)
{
	(void)l;
	m->initiate.msg_sint = 16;
}
static void ic_monitor(union vmbus_chmsg *m, uint32_t *l)
{
	(void)l;
	m->initiate.monitor_page2 = 0x8008;
}
static void vr_supported(union vmbus_chmsg *m, uint32_t *l)
{
	(void)l;
	m->version_response.version_supported = 2;
}

static const struct bad_case bad_cases[] = {
	{ VMBUS_CHMSG_OFFERCHANNEL, offer_relid0, "child_relid" },
	{ VMBUS_CHMSG_OFFERCHANNEL, offer_relid_big, "child_relid" },
	{ VMBUS_CHMSG_OFFERCHANNEL, offer_connid, "connection_id" },
	{ VMBUS_CHMSG_RESCIND_OFFER, relid0, "child_relid" },
	{ VMBUS_CHMSG_RESCIND_OFFER, relid2048, "child_relid" },
	{ VMBUS_CHMSG_OPENCHANNEL, relid0, "child_relid" },
	{ VMBUS_CHMSG_OPENCHANNEL, relid2048, "child_relid" },
	{ VMBUS_CHMSG_OPENCHANNEL, open_gpadl0, "ring_gpadl" },
	{ VMBUS_CHMSG_OPENCHANNEL, open_offset1, "downstream_page_offset" },
	{ VMBUS_CHMSG_OPENCHANNEL_RESULT, relid0, "child_relid" },
	{ VMBUS_CHMSG_CLOSECHANNEL, relid0, "child_relid" },
	{ VMBUS_CHMSG_CLOSECHANNEL, relid2048, "child_relid" },
	{ VMBUS_CHMSG_GPADL_HEADER, relid0, "child_relid" },
	{ VMBUS_CHMSG_GPADL_HEADER, gh_gpadl0, "gpadl handle" },
	{ VMBUS_CHMSG_GPADL_HEADER, gh_count0, "range_count is 0" },
	{ VMBUS_CHMSG_GPADL_HEADER, gh_buflen_odd, "multiple of 8" },
	{ VMBUS_CHMSG_GPADL_HEADER, gh_buflen_small, "too small" },
	{ VMBUS_CHMSG_GPADL_HEADER, gh_carries_more, "more than range_buflen" },
	{ VMBUS_CHMSG_GPADL_HEADER, gh_len_odd, "length" },
	{ VMBUS_CHMSG_GPADL_BODY, gb_gpadl0, "gpadl handle" },
	{ VMBUS_CHMSG_GPADL_BODY, gb_len_odd, "length" },
	{ VMBUS_CHMSG_GPADL_BODY, gb_empty, "shorter" },
	{ VMBUS_CHMSG_GPADL_CREATED, relid0, "child_relid" },
	{ VMBUS_CHMSG_GPADL_CREATED, gc_gpadl0, "gpadl handle" },
	{ VMBUS_CHMSG_GPADL_TEARDOWN, relid2048, "child_relid" },
	{ VMBUS_CHMSG_GPADL_TEARDOWN, gt_gpadl0, "gpadl handle" },
	{ VMBUS_CHMSG_GPADL_TORNDOWN, gd_gpadl0, "gpadl handle" },
	{ VMBUS_CHMSG_RELID_RELEASED, relid0, "child_relid" },
	{ VMBUS_CHMSG_INITIATE_CONTACT, ic_version0, "version" },
	{ VMBUS_CHMSG_INITIATE_CONTACT, ic_sint, "msg_sint" },
	{ VMBUS_CHMSG_INITIATE_CONTACT, ic_monitor, "monitor page" },
	{ VMBUS_CHMSG_VERSION_RESPONSE, vr_supported, "version_supported" },
	{ VMBUS_CHMSG_MODIFYCHANNEL, relid0, "child_relid" },
	{ VMBUS_CHMSG_MODIFYCHANNEL_RESPONSE, relid2048, "child_relid" },
};

static void test_every_malformed_field_rejected(void **state)
{
	(void)state;
	for (unsigned i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		union vmbus_chmsg m, out;
		uint8_t w[VMBUS_CHMSG_MAX_SIZE];
		const char *why = NULL;
		uint32_t len = example(bad_cases[i].type, &m);

		bad_cases[i].mutate(&m, &len);
		assert_int_equal(vmbus_chmsg_decode(m.raw, len, &out, &why), VMBUS_E_PROTO);
		if (!strstr(why, bad_cases[i].why_part))
			fail_msg("case %u: why '%s' lacks '%s'", i, why, bad_cases[i].why_part);
		why = NULL;
		assert_true(vmbus_chmsg_encode(&m, len, w, sizeof(w), &why) < 0);
		assert_non_null(why);
	}
}

/* Before 5.0 the bytes at 16 are the interrupt page GPA, so msg_sint is not checked there. */
static void test_initiate_contact_old_version(void **state)
{
	union vmbus_chmsg m, out;
	const char *why;
	uint32_t len = example(VMBUS_CHMSG_INITIATE_CONTACT, &m);

	(void)state;
	m.initiate.version = VMBUS_VERSION_WIN10_V4_1;
	m.initiate.msg_sint = 0x40;
	assert_int_equal(vmbus_chmsg_decode(m.raw, len, &out, &why), VMBUS_CHMSG_INITIATE_CONTACT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes_match_linux),
		cmocka_unit_test(test_every_type_round_trips),
		cmocka_unit_test(test_wire_offsets),
		cmocka_unit_test(test_framing_rejected),
		cmocka_unit_test(test_every_malformed_field_rejected),
		cmocka_unit_test(test_initiate_contact_old_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
