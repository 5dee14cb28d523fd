/* SPDX-License-Identifier: MIT */
/* VMBus server units with a recording transport: relid allocation (lowest free, reused only
 * after release), offers before/after contact (hot add), removal of a channel the guest never
 * saw, UNLOAD resets, msg SINT/VP capture for 5.x, stats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "vmbus/channel_msg.h"
#include "vmbus_server/server.h"

static struct {
	uint32_t types[64];
	uint32_t vp[64], sint[64];
	uint32_t n;
} rec;
static uint8_t ram[16 * 4096];

static int post(void *ctx, uint32_t vp, uint32_t sint, const void *msg, uint32_t len)
{
	const struct vmbus_chmsg_header *h = msg;
	(void)ctx;
	(void)len;
	if (rec.n < 64) {
		rec.types[rec.n] = h->type;
		rec.vp[rec.n] = vp;
		rec.sint[rec.n] = sint;
		rec.n++;
	}
	return 0;
}
static void sig(void *c, uint32_t v, uint32_t r)
{
	(void)c;
	(void)v;
	(void)r;
}
static void *map(void *c, const uint64_t *p, uint32_t n)
{
	(void)c;
	(void)n;
	return p[0] < 16 ? ram + p[0] * 4096 : NULL;
}
static void unmap(void *c, void *w, uint32_t n)
{
	(void)c;
	(void)w;
	(void)n;
}
static uint8_t *page(void *c, uint64_t p)
{
	(void)c;
	return p < 16 ? ram + p * 4096 : NULL;
}
static uint64_t now(void *c)
{
	(void)c;
	return 0;
}
static const struct vmbus_transport_ops tops = { post, sig, map, unmap, page, now };

static int destroyed;
static enum vmbus_vsp_verdict pkt(struct vmbus_channel *ch, const struct vmbus_pkt *p)
{
	(void)ch;
	(void)p;
	return VMBUS_VSP_CONSUMED;
}
static void destroy(struct vmbus_channel *ch)
{
	(void)ch;
	destroyed++;
}
static const struct vmbus_vsp_ops vops = { .packet = pkt, .destroy = destroy };

static void count_open(void *ctx, struct vmbus_channel *ch)
{
	uint32_t *n = ctx;
	if (vmbus_channel_state(ch) == VMBUS_CHANNEL_OFFERED &&
	    strcmp(vmbus_channel_name(ch), "t") == 0)
		(*n)++;
}

static struct vmbus_server *make(uv_loop_t *loop)
{
	struct vmbus_server_config c = { .loop = loop, .transport = { &tops, NULL } };
	memset(&rec, 0, sizeof(rec));
	destroyed = 0;
	return vmbus_server_create(&c);
}

static void contact(struct vmbus_server *s, uint32_t vp)
{
	struct vmbus_chmsg_initiate_contact m = { .h.type = VMBUS_CHMSG_INITIATE_CONTACT,
						  .version = VMBUS_VERSION_WIN10_V5_3,
						  .target_vcpu = vp,
						  .msg_sint = 5 };
	struct vmbus_chmsg_header ro = { .type = VMBUS_CHMSG_REQUESTOFFERS };
	assert_int_equal(vmbus_server_post_message(s, 4, &m, sizeof(m)), 0);
	assert_int_equal(vmbus_server_post_message(s, 1, &ro, sizeof(ro)), 0);
}

static void test_relids_and_offers(void **st)
{
	(void)st;
	uv_loop_t loop;
	struct vmbus_channel_desc d = { .name = "t", .if_type = vmbus_guid_scsi, .ops = &vops };
	struct vmbus_server *s;
	struct vmbus_channel *a, *b, *c;
	struct vmbus_server_stats ss;

	uv_loop_init(&loop);
	s = make(&loop);
	a = vmbus_server_add_channel(s, &d);
	b = vmbus_server_add_channel(s, &d);
	assert_int_equal(vmbus_channel_relid(a), 1);
	assert_int_equal(vmbus_channel_relid(b), 2);
	assert_int_equal(rec.n, 0); /* nothing offered before contact */
	/* removal of a channel the guest never saw: freed at once, relid reusable */
	vmbus_server_remove_channel(a);
	assert_int_equal(destroyed, 1);
	c = vmbus_server_add_channel(s, &d);
	assert_int_equal(vmbus_channel_relid(c), 1);
	contact(s, 3);
	/* VERSION_RESPONSE, 2 offers, ALLOFFERS_DELIVERED, on the VP and SINT the guest named */
	assert_int_equal(rec.n, 4);
	assert_int_equal(rec.types[0], VMBUS_CHMSG_VERSION_RESPONSE);
	assert_int_equal(rec.types[1], VMBUS_CHMSG_OFFERCHANNEL);
	assert_int_equal(rec.types[3], VMBUS_CHMSG_ALLOFFERS_DELIVERED);
	assert_int_equal(rec.vp[3], 3);
	assert_int_equal(rec.sint[3], 5);
	/* hot add: offered at once */
	a = vmbus_server_add_channel(s, &d);
	assert_int_equal(vmbus_channel_relid(a), 3);
	assert_int_equal(rec.types[4], VMBUS_CHMSG_OFFERCHANNEL);
	/* removal after the guest saw it: rescind, relid held until released */
	vmbus_server_remove_channel(b);
	assert_int_equal(rec.types[5], VMBUS_CHMSG_RESCIND_OFFER);
	assert_int_equal(vmbus_channel_state(b), VMBUS_CHANNEL_RESCINDED);
	c = vmbus_server_add_channel(s, &d);
	assert_int_equal(vmbus_channel_relid(c), 4); /* 2 is still held */
	vmbus_server_get_stats(s, &ss);
	assert_int_equal(ss.channels, 4);
	{
		uint32_t n = 0;
		vmbus_server_foreach_channel(s, count_open, &n);
		assert_int_equal(n, 3); /* the rescinded one is not "offered" */
	}
	/* UNLOAD frees the rescinded channel (the guest will never release it) */
	struct vmbus_chmsg_header ul = { .type = VMBUS_CHMSG_UNLOAD };
	vmbus_server_post_message(s, 1, &ul, sizeof(ul));
	assert_int_equal(rec.types[rec.n - 1], VMBUS_CHMSG_UNLOAD_RESPONSE);
	vmbus_server_get_stats(s, &ss);
	assert_int_equal(ss.channels, 3);
	assert_int_equal(vmbus_server_version(s), 0);
	destroyed = 0;
	vmbus_server_destroy(s);
	assert_int_equal(destroyed, 3);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}

static void test_messages_before_contact(void **st)
{
	(void)st;
	uv_loop_t loop;
	struct vmbus_server *s;
	struct vmbus_chmsg_header ro = { .type = VMBUS_CHMSG_REQUESTOFFERS };
	struct vmbus_chmsg_open_channel op = { .h.type = VMBUS_CHMSG_OPENCHANNEL,
					       .child_relid = 1,
					       .ring_gpadl = 1,
					       .downstream_page_offset = 2 };

	uv_loop_init(&loop);
	s = make(&loop);
	assert_int_equal(vmbus_server_post_message(s, 1, &ro, sizeof(ro)), 0);
	assert_int_equal(vmbus_server_post_message(s, 1, &op, sizeof(op)), 0);
	assert_int_equal(rec.n, 0); /* ignored: nobody is connected to answer */
	assert_int_equal(vmbus_server_post_message(s, 2, &ro, sizeof(ro)), 18);
	assert_int_equal(vmbus_server_signal(s, 5), 18);
	vmbus_server_destroy(s);
	uv_loop_close(&loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relids_and_offers),
		cmocka_unit_test(test_messages_before_contact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
