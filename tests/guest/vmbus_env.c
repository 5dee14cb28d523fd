/* SPDX-License-Identifier: MIT */
/* The test guest's vsc_env (vmbus_env.h): posts and signals as hypercalls, sleeps in
 * synic_wait(), allocates from a bitmap over the RAM above its image, reads the reference
 * counter; and the client's set-up shared by the VMBus checks. */
#include "vmbus_env.h"

#include "hv/abi.h"
#include "pages.h"
#include "synic.h"
#include "testguest.h"
#include "vmbus/status.h"

/* At most 1 GiB of RAM above the image is managed: more than any check needs, and the bitmap
 * (32 KiB) stays small in the image's .bss. */
#define PAGES_MAX	  (1u << 18)
#define POST_RETRIES	  100 /* as Linux's vmbus_post_msg */
#define MSG_TYPE_CHANNEL  1   /* HvPostMessage type of VMBus channel messages */
/* Linux's vmbus_post_msg pause: 1 us, doubled for the first 21 retries (to about 2 s), then
 * 2 s each: about 160 s in all before it gives up on a worker that does not read. */
#define BACKOFF_DOUBLINGS 21
#define SPIN_PER_US_GUESS 100 /* pause loops per microsecond without a reference counter */

struct vmbus_client tg_vmbus;
uint64_t tg_signal_errors;
static struct tg_pages pages;
static uint64_t page_bits[TG_PAGES_WORDS(PAGES_MAX)];

uint64_t tg_now_us(void)
{
	return synic_reference_time() / 10;
}

/* Spin (interrupts off) for about us microseconds, handing over what SynIC delivers. */
static void backoff(uint64_t us)
{
	uint64_t end = tg_now_us() + us;

	for (uint64_t n = 0; n < us * SPIN_PER_US_GUESS; n++) {
		synic_deliver();
		__asm__ volatile("pause");
		if (tg_now_us() >= end && end > us)
			break;
	}
}

/* HvPostMessage; INSUFFICIENT_MEMORY / _BUFFERS (the worker has not read its queue yet) are
 * retried with Linux's growing pause, so the client's own retry, which would sleep in wait()
 * with nothing bound to wake it, is left for a worker that stays stuck. (A 5 s budget was
 * too short under TCG: a worker still reading a message flood left the guest asleep.) */
static uint32_t env_post_message(void *ctx, uint32_t connection_id, const void *msg, uint32_t len)
{
	uint64_t us = 1;
	uint16_t st = 0;

	(void)ctx;
	for (uint32_t i = 0; i < POST_RETRIES; i++) {
		st = synic_post(connection_id, MSG_TYPE_CHANNEL, msg, len);
		if (st != HV_STATUS_INSUFFICIENT_MEMORY && st != HV_STATUS_INSUFFICIENT_BUFFERS)
			return st;
		backoff(us);
		if (i < BACKOFF_DOUBLINGS)
			us *= 2;
	}
	return st;
}

static void env_signal_event(void *ctx, uint32_t connection_id)
{
	(void)ctx;
	if (synic_signal(connection_id, 0) != HV_STATUS_SUCCESS)
		tg_signal_errors++;
}

static bool env_wait(void *ctx)
{
	(void)ctx;
	synic_wait();
	return true; /* a real guest never gives up (as Linux) */
}

void *tg_alloc_pages(uint32_t n, uint64_t *pfn)
{
	uint64_t first;

	if (!tg_pages_alloc(&pages, n, &first))
		return NULL;
	memset((void *)(first << 12), 0, (size_t)n << 12);
	*pfn = first;
	return (void *)(first << 12);
}

void tg_free_pages(void *p, uint32_t n)
{
	if (!tg_pages_free(&pages, (uint64_t)p >> 12, n))
		con_printf("testguest: vmbus: freeing %u pages at 0x%lx that were not allocated "
			   "(a guest bug)\n",
			   n, (uint64_t)p);
}

static void *env_alloc_pages(void *ctx, uint32_t n, uint64_t *pfn)
{
	(void)ctx;
	return tg_alloc_pages(n, pfn);
}

static void env_free_pages(void *ctx, void *p, uint32_t n)
{
	(void)ctx;
	tg_free_pages(p, n);
}

static uint64_t env_reference_time(void *ctx)
{
	(void)ctx;
	return synic_reference_time();
}

static const struct vsc_env_ops env_ops = {
	.post_message = env_post_message,
	.signal_event = env_signal_event,
	.wait = env_wait,
	.alloc_pages = env_alloc_pages,
	.free_pages = env_free_pages,
	.reference_time = env_reference_time,
};

static void on_message(void *ctx, const void *payload, uint32_t len)
{
	vmbus_client_on_message(ctx, payload, len);
}

static void on_event(void *ctx, uint32_t flag)
{
	vmbus_client_on_event(ctx, flag);
}

const char *tg_vmbus_init(void)
{
	const struct vsc_env env = { &env_ops, NULL };
	const struct tg_synic_ops sops = { on_message, on_event, &tg_vmbus };
	uint64_t first = ((uint64_t)__image_end + 0xfff) >> 12, simp, siefp;
	uint64_t n = (tg_boot->ram_bytes >> 12) - first;

	tg_pages_init(&pages, first, n > PAGES_MAX ? PAGES_MAX : (uint32_t)n, page_bits);
	if (!tg_alloc_pages(1, &simp) || !tg_alloc_pages(1, &siefp))
		return "no free RAM for the SynIC pages";
	vmbus_client_init(&tg_vmbus, &env);
	return synic_init(&sops, simp, siefp);
}

const char *tg_vmbus_connect(void)
{
	int r = vmbus_client_connect(&tg_vmbus, VMBUS_VERSION_WIN10_V5_3);

	if (r)
		return tg_whyf("VMBus connect (INITIATE_CONTACT from 5.3 down): %s",
			       tg_vsc_error(r));
	con_printf("testguest: vmbus: version %u.%u, message connection id %u\n",
		   tg_vmbus.version >> 16, tg_vmbus.version & 0xffff, tg_vmbus.msg_conn_id);
	r = vmbus_client_request_offers(&tg_vmbus);
	if (r)
		return tg_whyf("VMBus REQUESTOFFERS: %s", tg_vsc_error(r));
	for (uint32_t i = 0; i < tg_vmbus.noffers; i++) {
		const struct vmbus_chmsg_offer *o = &tg_vmbus.offers[i].msg;
		con_printf("testguest: vmbus: offer relid %u %s (connection id %u)\n",
			   o->child_relid, vmbus_guid_name(&o->if_type), o->connection_id);
	}
	return NULL;
}

uint32_t tg_vmbus_relid(const struct vmbus_guid *type)
{
	const struct vsc_offer *o = vmbus_client_find_offer(&tg_vmbus, type, 0);

	return o ? o->msg.child_relid : 0;
}

const char *tg_vsc_error(int status)
{
	switch (status) {
	case VSC_OK:
		return "ok";
	case VSC_E_REFUSED:
		return "refused by the host";
	case VSC_E_TIMEOUT:
		return "timed out";
	case VSC_E_NOMEM:
		return "out of guest memory";
	case VSC_E_PROTO:
		return "protocol error (the host sent something invalid, or the ring broke)";
	case VSC_E_NODEV:
		return "no such device";
	case VSC_E_HV:
		return "hypercall failed";
	case VSC_E_INVAL:
		return "invalid argument";
	case VSC_E_IO:
		return "SCSI command failed";
	default:
		return vmbus_status_name(status);
	}
}
