/* SPDX-License-Identifier: MIT */
/* A tiny freestanding program that links the freestanding VMBus library (vmbus_freestanding), so that
 * the guest-side build cannot rot: no libc, its own _start, raw Linux syscalls for output and
 * exit, so it also runs on the build host as a unit test. It provides memcpy and memset, which
 * is the environment's duty for every freestanding user of the library (a guest kernel has its
 * own). Exercises: ring write/peek/consume/commit across the wrap, a GPA-direct parse, the
 * channel-message codec, a GPADL build + assembly and the GUID formatter. Exit 0 = pass. */
#include <stddef.h>
#include <stdint.h>

#include "vmbus/channel_msg.h"
#include "vmbus/gpadl.h"
#include "vmbus/guid.h"
#include "vmbus/freestanding_libc.h"
#include "vmbus/ring.h"

/* Kept as loops: gcc must not turn them back into calls to themselves. */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void *
memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

__attribute__((optimize("no-tree-loop-distribute-patterns"))) void *memset(void *dst, int c,
									   size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static size_t slen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static void say(const char *s)
{
	sys3(1 /* write */, 1, (long)s, (long)slen(s));
}

static __attribute__((noreturn)) void quit(int code)
{
	for (;;)
		sys3(60 /* exit */, code, 0, 0);
}

#define CHECK(cond)                                                       \
	do {                                                              \
		if (!(cond)) {                                            \
			say("vmbus_freestanding_test: FAIL " #cond "\n"); \
			quit(1);                                          \
		}                                                         \
	} while (0)

static struct vmbus_ring_control ctrl __attribute__((aligned(4096)));
static uint8_t data[4096] __attribute__((aligned(4096)));

static void test_ring(void)
{
	struct vmbus_ring_mem mem = { &ctrl, data, sizeof(data) };
	struct vmbus_ring_writer w;
	struct vmbus_ring_reader r;
	struct vmbus_pkt p;
	uint8_t payload[300], out[300];
	uint64_t pfns[2] = { 0x1234, 0x1235 };
	struct vmbus_gpa_range_info ri;
	uint64_t got[2];
	bool sig;

	vmbus_ring_control_init(&ctrl);
	CHECK(vmbus_ring_writer_attach(&w, &mem) == VMBUS_OK);
	CHECK(vmbus_ring_reader_attach(&r, &mem) == VMBUS_OK);
	for (uint32_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 1);
	for (int round = 0; round < 40; round++) { /* ~13 laps of the ring */
		struct vmbus_iov iov = { payload, sizeof(payload) };

		CHECK(vmbus_ring_write_inband(&w, (uint64_t)round, 0, &iov, 1, &sig) == VMBUS_OK);
		CHECK(vmbus_ring_write_gpa_direct(&w, 1000 + (uint64_t)round, 0, 10, 5000, pfns, 2,
						  &iov, 1, &sig) == VMBUS_OK);
		CHECK(vmbus_ring_peek(&r, &p) == VMBUS_OK);
		CHECK(p.desc.trans_id == (uint64_t)round && p.desc.type == VMBUS_PKT_DATA_INBAND);
		CHECK(vmbus_pkt_copy(&p, p.data_off, out, sizeof(out)) == VMBUS_OK);
		for (uint32_t i = 0; i < sizeof(out); i++)
			CHECK(out[i] == payload[i]);
		CHECK(vmbus_ring_consume(&r, &p) == VMBUS_OK);
		CHECK(vmbus_ring_peek(&r, &p) == VMBUS_OK);
		CHECK(vmbus_pkt_parse_gpa_direct(&p, &ri, 1, got, 2, NULL) == 1);
		CHECK(ri.byte_offset == 10 && ri.byte_count == 5000 && got[1] == 0x1235);
		CHECK(vmbus_ring_consume(&r, &p) == VMBUS_OK);
		CHECK(vmbus_ring_commit(&r, &sig) == VMBUS_OK);
	}
	CHECK(vmbus_ring_peek(&r, &p) == VMBUS_E_AGAIN);
}

static void test_messages(void)
{
	union vmbus_chmsg m, d;
	uint8_t wire[VMBUS_CHMSG_MAX_SIZE];
	uint64_t pfns[40], words[64];
	struct vmbus_gpadl_asm a;
	uint32_t len;
	int rc = 0;
	char text[VMBUS_GUID_STR_LEN];
	const char *want = "ba6163d9-04a1-4d29-b605-72e2ffb1dc7f";

	memset(&m, 0, sizeof(m));
	m.offer.h.type = VMBUS_CHMSG_OFFERCHANNEL;
	m.offer.if_type = vmbus_guid_scsi;
	m.offer.child_relid = 1;
	m.offer.connection_id = 0x2001;
	CHECK(vmbus_chmsg_encode(&m, sizeof(m.offer), wire, sizeof(wire), NULL) == 196);
	CHECK(vmbus_chmsg_decode(wire, 196, &d, NULL) == VMBUS_CHMSG_OFFERCHANNEL);
	CHECK(vmbus_guid_equal(&d.offer.if_type, &vmbus_guid_scsi));
	vmbus_guid_format(&d.offer.if_type, text);
	for (int i = 0; i < VMBUS_GUID_STR_LEN; i++)
		CHECK(text[i] == want[i]);

	for (int i = 0; i < 40; i++)
		pfns[i] = 0x5000 + (uint64_t)i;
	vmbus_gpadl_asm_init(&a, words, 64, 1, 1u << 20);
	for (uint32_t i = 0; i < vmbus_gpadl_msg_count(40); i++) {
		CHECK(vmbus_gpadl_build_msg(1, 0xe1e10, 0, 40 * 4096, pfns, 40, i, &m, &len) ==
		      VMBUS_OK);
		CHECK(vmbus_chmsg_decode(m.raw, len, &d, NULL) > 0);
		rc = i == 0 ? vmbus_gpadl_asm_header(&a, &d.gpadl_header, len)
			    : vmbus_gpadl_asm_body(&a, &d.gpadl_body, len);
	}
	CHECK(rc == VMBUS_OK && a.pfn_count == 40 && a.total_bytes == 40 * 4096);
}

__attribute__((noreturn)) void _start(void);
__attribute__((noreturn)) void _start(void)
{
	test_ring();
	test_messages();
	say("vmbus_freestanding_test: PASS\n");
	quit(0);
}
