/* SPDX-License-Identifier: MIT */
/* Unit tests of GPADL building (guest side) and assembly (host side): round trips across the
 * header/body split, multi-range GPADLs, the limits and every malformed sequence or field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmbus/gpadl.h"
#include "vmbus/status.h"

#define CAP 8192u

/* Builds the messages for one range, encodes and decodes each (as the wire would), feeds the
 * assembler, and returns the last feed's status. */
static int send_gpadl(struct vmbus_gpadl_asm *a, uint32_t off, uint32_t bytes, const uint64_t *pfns,
		      uint32_t npfn)
{
	uint32_t n = vmbus_gpadl_msg_count(npfn);
	int rc = VMBUS_E_INVAL;

	for (uint32_t i = 0; i < n; i++) {
		union vmbus_chmsg m, d;
		uint8_t wire[VMBUS_CHMSG_MAX_SIZE];
		uint32_t len;
		const char *why = NULL;

		assert_int_equal(vmbus_gpadl_build_msg(3, 0xe1e10, off, bytes, pfns, npfn, i, &m,
						       &len),
				 VMBUS_OK);
		assert_true(len <= VMBUS_CHMSG_MAX_SIZE);
		assert_int_equal(vmbus_chmsg_encode(&m, len, wire, sizeof(wire), &why), (int)len);
		assert_int_equal(vmbus_chmsg_decode(wire, len, &d, &why),
				 i == 0 ? VMBUS_CHMSG_GPADL_HEADER : VMBUS_CHMSG_GPADL_BODY);
		rc = i == 0 ? vmbus_gpadl_asm_header(a, &d.gpadl_header, len)
			    : vmbus_gpadl_asm_body(a, &d.gpadl_body, len);
		if (i + 1 < n)
			assert_int_equal(rc, VMBUS_E_AGAIN);
	}
	return rc;
}

static void test_round_trip_sizes(void **state)
{
	static const uint32_t sizes[] = { 1, 2, 25, 26, 27, 54, 55, 56, 83, 84, 1000, 8190 };
	static uint64_t words[CAP], pfns[CAP];

	(void)state;
	for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint32_t npfn = sizes[s], off = s % 2 ? 0 : 123;
		uint32_t bytes = npfn * 4096 - off - (npfn > 1 ? 17 : 0);
		struct vmbus_gpadl_asm a;
		struct vmbus_gpadl_range r;

		if (bytes == 0)
			bytes = 1;
		for (uint32_t i = 0; i < npfn; i++)
			pfns[i] = 0x100000 + i * 7;
		vmbus_gpadl_asm_init(&a, words, CAP, 4, 1ull << 32);
		assert_int_equal(send_gpadl(&a, off, bytes, pfns, npfn), VMBUS_OK);
		assert_int_equal(a.state, VMBUS_GPADL_COMPLETE);
		assert_int_equal(a.child_relid, 3);
		assert_int_equal(a.gpadl, 0xe1e10);
		assert_int_equal(a.pfn_count, npfn);
		assert_int_equal(a.total_bytes, bytes);
		assert_int_equal(a.body_count, vmbus_gpadl_msg_count(npfn) - 1);
		assert_int_equal(vmbus_gpadl_asm_range(&a, 0, &r), VMBUS_OK);
		assert_int_equal(r.byte_offset, off);
		assert_int_equal(r.byte_count, bytes);
		assert_int_equal(r.pfn_count, npfn);
		assert_memory_equal(r.pfns, pfns, npfn * 8);
		assert_int_equal(vmbus_gpadl_asm_range(&a, 1, &r), VMBUS_E_INVAL);
	}
	assert_int_equal(vmbus_gpadl_msg_count(26), 1);
	assert_int_equal(vmbus_gpadl_msg_count(27), 2);
	assert_int_equal(vmbus_gpadl_msg_count(54), 2);
	assert_int_equal(vmbus_gpadl_msg_count(55), 3);
}

static void test_builder_rejects_bad_descriptions(void **state)
{
	uint64_t pfns[2] = { 1, 2 };
	union vmbus_chmsg m;
	uint32_t len;
	static uint64_t many[8191];

	(void)state;
	assert_int_equal(vmbus_gpadl_build_msg(3, 0, 0, 4096, pfns, 1, 0, &m, &len), VMBUS_E_INVAL);
	assert_int_equal(vmbus_gpadl_build_msg(3, 1, 0, 0, pfns, 1, 0, &m, &len), VMBUS_E_INVAL);
	assert_int_equal(vmbus_gpadl_build_msg(3, 1, 4096, 1, pfns, 1, 0, &m, &len), VMBUS_E_INVAL);
	assert_int_equal(vmbus_gpadl_build_msg(3, 1, 0, 4097, pfns, 1, 0, &m, &len), VMBUS_E_INVAL);
	assert_int_equal(vmbus_gpadl_build_msg(3, 1, 0, 4096, pfns, 1, 1, &m, &len), VMBUS_E_INVAL);
	/* range_buflen is 16 bits: 8190 PFNs at most */
	assert_int_equal(vmbus_gpadl_build_msg(3, 1, 0, 8191u * 4096, many, 8191, 0, &m, &len),
			 VMBUS_E_INVAL);
	assert_int_equal(vmbus_gpadl_build_msg(3, 1, 0, 8190u * 4096, many, 8190, 0, &m, &len),
			 VMBUS_OK);
}

/* Header with hand-made range words. */
static uint32_t header_msg(union vmbus_chmsg *m, uint16_t range_count, uint16_t buflen,
			   const uint64_t *w, uint32_t nw)
{
	memset(m, 0, sizeof(*m));
	m->h.type = VMBUS_CHMSG_GPADL_HEADER;
	m->gpadl_header.child_relid = 1;
	m->gpadl_header.gpadl = 77;
	m->gpadl_header.range_count = range_count;
	m->gpadl_header.range_buflen = buflen;
	memcpy(m->raw + VMBUS_GPADL_HEADER_FIXED, w, nw * 8);
	return VMBUS_GPADL_HEADER_FIXED + nw * 8;
}

static uint32_t body_msg(union vmbus_chmsg *m, uint32_t gpadl, const uint64_t *w, uint32_t nw)
{
	memset(m, 0, sizeof(*m));
	m->h.type = VMBUS_CHMSG_GPADL_BODY;
	m->gpadl_body.gpadl = gpadl;
	memcpy(m->raw + VMBUS_GPADL_BODY_FIXED, w, nw * 8);
	return VMBUS_GPADL_BODY_FIXED + nw * 8;
}

#define RANGE(off, count) ((uint64_t)(off) << 32 | (uint32_t)(count))

static void test_multi_range(void **state)
{
	uint64_t words[16];
	struct vmbus_gpadl_asm a;
	struct vmbus_gpadl_range r;
	union vmbus_chmsg m;
	/* range 0: 2 pages; range 1: 100 bytes at 4000 -> 2 pages; range 2: 1 page */
	uint64_t w[] = { RANGE(0, 8192), 10, 11, RANGE(4000, 100), 20, 21, RANGE(5, 6), 30 };
	uint32_t len;

	(void)state;
	vmbus_gpadl_asm_init(&a, words, 16, 3, 1 << 20);
	len = header_msg(&m, 3, sizeof(w), w, 5);
	assert_int_equal(vmbus_gpadl_asm_header(&a, &m.gpadl_header, len), VMBUS_E_AGAIN);
	len = body_msg(&m, 77, w + 5, 3);
	assert_int_equal(vmbus_gpadl_asm_body(&a, &m.gpadl_body, len), VMBUS_OK);
	assert_int_equal(a.pfn_count, 5);
	assert_int_equal(a.total_bytes, 8192 + 100 + 6);
	assert_int_equal(vmbus_gpadl_asm_range(&a, 1, &r), VMBUS_OK);
	assert_int_equal(r.byte_offset, 4000);
	assert_int_equal(r.pfn_count, 2);
	assert_int_equal(r.pfns[1], 21);
	assert_int_equal(vmbus_gpadl_asm_range(&a, 2, &r), VMBUS_OK);
	assert_int_equal(r.pfns[0], 30);
	/* complete is final */
	assert_int_equal(vmbus_gpadl_asm_body(&a, &m.gpadl_body, len), VMBUS_E_PROTO);
	assert_non_null(strstr(a.why, "after the GPADL was complete"));
}

/* Feeds a header (and optional body) and expects refusal with status and a reason. */
static void expect_refused(uint16_t range_count, const uint64_t *w, uint32_t nw, uint32_t in_hdr,
			   int status, const char *why_part, uint32_t cap, uint32_t max_ranges,
			   uint64_t max_bytes)
{
	uint64_t words[64];
	struct vmbus_gpadl_asm a;
	union vmbus_chmsg m;
	uint32_t len;
	int rc;

	vmbus_gpadl_asm_init(&a, words, cap, max_ranges, max_bytes);
	len = header_msg(&m, range_count, (uint16_t)(nw * 8), w, in_hdr);
	rc = vmbus_gpadl_asm_header(&a, &m.gpadl_header, len);
	if (rc == VMBUS_E_AGAIN) {
		len = body_msg(&m, 77, w + in_hdr, nw - in_hdr);
		rc = vmbus_gpadl_asm_body(&a, &m.gpadl_body, len);
	}
	assert_int_equal(rc, status);
	assert_int_equal(a.state, VMBUS_GPADL_FAILED);
	if (!strstr(a.why, why_part))
		fail_msg("why '%s' lacks '%s'", a.why, why_part);
	/* failure is sticky */
	assert_int_equal(vmbus_gpadl_asm_body(&a, &m.gpadl_body, len), status);
}

static void test_malformed_ranges(void **state)
{
	(void)state;
	{
		uint64_t w[] = { RANGE(0, 0), 1 };

		expect_refused(1, w, 2, 2, VMBUS_E_PROTO, "byte_count is 0", 64, 4, 1 << 20);
	}
	{
		uint64_t w[] = { RANGE(4096, 1), 1 };

		expect_refused(1, w, 2, 2, VMBUS_E_PROTO, "byte_offset", 64, 4, 1 << 20);
	}
	{
		uint64_t w[] = { RANGE(4095, 2), 1, 2, 3 }; /* spans 2 pages, 3 PFNs given */

		expect_refused(1, w, 4, 4, VMBUS_E_PROTO, "do not fill", 64, 4, 1 << 20);
	}
	{
		uint64_t w[] = { RANGE(0, 3 * 4096), 1, 2 }; /* 3 pages, 2 PFNs */

		expect_refused(1, w, 3, 3, VMBUS_E_PROTO, "past range_buflen", 64, 4, 1 << 20);
	}
	{
		uint64_t w[] = { RANGE(0, 4096), 1, RANGE(0, 8192), 2 }; /* 2nd runs out */

		expect_refused(2, w, 4, 4, VMBUS_E_PROTO, "past range_buflen", 64, 4, 1 << 20);
	}
	{
		uint64_t w[] = { RANGE(0, 4096), 1ull << 40 };

		expect_refused(1, w, 2, 2, VMBUS_E_PROTO, "52-bit", 64, 4, 1 << 20);
	}
	{
		uint64_t w[] = { RANGE(0, 8192), 1, 2 }; /* over the byte limit */

		expect_refused(1, w, 3, 3, VMBUS_E_NOSPC, "byte limit", 64, 4, 8191);
	}
	{
		uint64_t w[] = { RANGE(0, 8192), 1, 2 }; /* over the PFN storage */

		expect_refused(1, w, 3, 3, VMBUS_E_NOSPC, "PFN limit", 2, 4, 1 << 20);
	}
	{
		uint64_t w[] = { RANGE(0, 1), 1, RANGE(0, 1), 2 }; /* over the range limit */

		expect_refused(2, w, 4, 4, VMBUS_E_NOSPC, "range_count over", 64, 1, 1 << 20);
	}
	{
		uint64_t w[] = { RANGE(0, 8192), 1, 2 }; /* body PFN invalid */

		w[2] = ~0ull;
		expect_refused(1, w, 3, 2, VMBUS_E_PROTO, "52-bit", 64, 4, 1 << 20);
	}
}

static void test_malformed_sequences(void **state)
{
	uint64_t words[64];
	struct vmbus_gpadl_asm a;
	union vmbus_chmsg m, b;
	uint64_t w[] = { RANGE(0, 3 * 4096), 1, 2, 3 };
	uint32_t len, blen;

	(void)state;
	/* body before header */
	vmbus_gpadl_asm_init(&a, words, 64, 4, 1 << 20);
	blen = body_msg(&b, 77, w, 1);
	assert_int_equal(vmbus_gpadl_asm_body(&a, &b.gpadl_body, blen), VMBUS_E_PROTO);
	assert_non_null(strstr(a.why, "before GPADL_HEADER"));

	/* a second header */
	vmbus_gpadl_asm_init(&a, words, 64, 4, 1 << 20);
	len = header_msg(&m, 1, sizeof(w), w, 2);
	assert_int_equal(vmbus_gpadl_asm_header(&a, &m.gpadl_header, len), VMBUS_E_AGAIN);
	assert_int_equal(vmbus_gpadl_asm_header(&a, &m.gpadl_header, len), VMBUS_E_PROTO);
	assert_non_null(strstr(a.why, "already started"));

	/* body for another handle */
	vmbus_gpadl_asm_init(&a, words, 64, 4, 1 << 20);
	assert_int_equal(vmbus_gpadl_asm_header(&a, &m.gpadl_header, len), VMBUS_E_AGAIN);
	blen = body_msg(&b, 78, w + 2, 2);
	assert_int_equal(vmbus_gpadl_asm_body(&a, &b.gpadl_body, blen), VMBUS_E_PROTO);
	assert_non_null(strstr(a.why, "another gpadl"));

	/* body past range_buflen */
	vmbus_gpadl_asm_init(&a, words, 64, 4, 1 << 20);
	assert_int_equal(vmbus_gpadl_asm_header(&a, &m.gpadl_header, len), VMBUS_E_AGAIN);
	{
		uint64_t three[3] = { 2, 3, 4 };

		blen = body_msg(&b, 77, three, 3);
	}
	assert_int_equal(vmbus_gpadl_asm_body(&a, &b.gpadl_body, blen), VMBUS_E_PROTO);
	assert_non_null(strstr(a.why, "past range_buflen"));

	/* body of bad length, header of bad length and fields */
	vmbus_gpadl_asm_init(&a, words, 64, 4, 1 << 20);
	assert_int_equal(vmbus_gpadl_asm_header(&a, &m.gpadl_header, len), VMBUS_E_AGAIN);
	assert_int_equal(vmbus_gpadl_asm_body(&a, &b.gpadl_body, 20), VMBUS_E_PROTO);
	vmbus_gpadl_asm_init(&a, words, 64, 4, 1 << 20);
	assert_int_equal(vmbus_gpadl_asm_header(&a, &m.gpadl_header, 241), VMBUS_E_PROTO);
	vmbus_gpadl_asm_init(&a, words, 64, 4, 1 << 20);
	m.gpadl_header.gpadl = 0;
	assert_int_equal(vmbus_gpadl_asm_header(&a, &m.gpadl_header, len), VMBUS_E_PROTO);
	vmbus_gpadl_asm_init(&a, words, 64, 4, 1 << 20);
	m.gpadl_header.gpadl = 77;
	m.gpadl_header.range_buflen = 8; /* less than the header carries */
	assert_int_equal(vmbus_gpadl_asm_header(&a, &m.gpadl_header, len), VMBUS_E_PROTO);
	/* not complete: no ranges to read */
	assert_int_equal(vmbus_gpadl_asm_range(&a, 0, &(struct vmbus_gpadl_range){ 0 }),
			 VMBUS_E_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_sizes),
		cmocka_unit_test(test_builder_rejects_bad_descriptions),
		cmocka_unit_test(test_multi_range),
		cmocka_unit_test(test_malformed_ranges),
		cmocka_unit_test(test_malformed_sequences),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
