/* SPDX-License-Identifier: MIT */
/* The storage VSP (storvsp): the storvsc protocol on one VMBus channel. Control operations
 * (BEGIN/END_INITIALIZATION, QUERY_PROTOCOL_VERSION, QUERY_PROPERTIES) are answered at once;
 * EXECUTE_SRB goes through the SCSI target emulation (scsi_target.c) and, for READ, WRITE and
 * SYNCHRONIZE CACHE, through the disk image backend (disk_image.c) on the VSP's I/O threads, or
 * inline on the loop when a buffered read/write completes from the page cache without blocking
 * (RWF_NOWAIT). Guest data buffers (GPA-direct page lists) are read and written in place.
 *
 * Completions: an I/O thread writes a successful request's completion into the host->guest ring
 * itself (vmbus_channel_send_from_thread, under the channel's ring lock) and signals the guest
 * as the ring rules say: no hop through the loop. Everything else goes to the loop through the
 * done list: failed I/O (logged there), a full ring or one the loop already waits on (the loop
 * keeps the back-pressure: pending list, pending_send_sz, the writable callback), a corrupt
 * ring (the loop's send breaks the channel). The request itself goes back to the loop through
 * the recycled list, which the loop reclaims when it needs a slot; a stalled loop is woken.
 *
 * Bounds: at most max_inflight requests are held (then the VSP stops reading the ring until
 * one completes); a completion that finds the host->guest ring full waits in a list bounded by
 * the same number, and the VSP asks the guest for space (pending_send_sz). */
#include "vsp/storvsp.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storvsp_parse.h"
#include "vsp/disk_image.h"
#include "vmbus_wire/vstor.h"

#define STORVSP_MAX_THREADS 16

struct storvsp_req {
	struct storvsp_req *next;
	uint64_t trans_id;
	uint64_t gen;		/* sp->gen when received */
	uint64_t chan_gen;	/* the channel's ring generation when received (I/O threads) */
	struct vstor_packet vp; /* private copy of the request */
	struct scsi_result res;
	enum scsi_action action;
	uint32_t lun;
	uint64_t offset; /* bytes */
	int io_result;	 /* 0 or -errno */
	bool filled;	 /* I/O thread: the answer is in vp; the loop only sends it */
	int niov;
	struct iovec iov[STORVSP_MAX_PFNS];
};

struct storvsp {
	struct vmbus_server *server;
	struct vmbus_channel *ch;
	uint32_t ndisks;
	struct disk_image disks[SCSI_MAX_LUNS];
	struct scsi_disk_info info[SCSI_MAX_LUNS];
	struct scsi_lun_set luns;
	uint32_t max_inflight;
	bool inline_io;

	/* protocol state (loop thread) */
	uint16_t protocol;
	bool open;
	uint64_t gen;
	bool stalled;	   /* we returned STALL at max_inflight */
	uint32_t inflight; /* requests held: queued, running, done, pending */
	struct storvsp_req *pending, *pending_tail; /* completions waiting for ring space */
	struct storvsp_req *spare; /* finished requests for reuse (at most max_inflight) */

	/* I/O threads */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct storvsp_req *work, *work_tail;
	struct storvsp_req *batch, *batch_tail; /* loop thread: not yet handed over */
	struct storvsp_req *done;
	struct storvsp_req *recycled; /* completed by a thread: the loop reclaims their slots */
	uint32_t nrecycled;
	bool want_slots; /* the loop stalled at max_inflight: wake it when one is recycled */
	bool thread_handed_back; /* a thread put requests on done (under lock, per grab) */
	uint64_t direct_completions;
	bool stopping;
	uint32_t nthreads;
	pthread_t threads[STORVSP_MAX_THREADS];
	uv_async_t done_async;

	struct storvsp_stats stats;
};

static const uint16_t storvsp_protocols[] = { VSTOR_PROTO_WIN10, VSTOR_PROTO_WIN8_1,
					      VSTOR_PROTO_WIN8 };

/* ---- I/O threads ---- */

static int run_io(struct storvsp *sp, struct storvsp_req *r)
{
	struct disk_image *d = &sp->disks[r->lun];
	int ret = 0;

	if (r->action == SCSI_ACTION_READ || r->action == SCSI_ACTION_WRITE)
		ret = disk_image_rw(d, r->action == SCSI_ACTION_WRITE, r->iov, r->niov, r->offset,
				    false);
	if (ret == 0 && (r->action == SCSI_ACTION_FLUSH || r->res.io_fua))
		ret = disk_image_flush(d);
	return ret;
}

static void fill_completion(struct storvsp_req *r, uint8_t srb_status);

/* Each thread takes up to this many requests per visit to the queue: few lock round trips,
 * yet several threads share a deep queue; and their completions go out together. */
#define STORVSP_GRAB 8

/* Under sp->lock: r's slot back to the loop, as a slot to reclaim (given: its completion went
 * out, or the channel closed since) or as a request to finish (r->filled says whether its
 * answer is already in r->vp: the ring was full or the loop waits for space; else its I/O
 * failed, and the loop logs it). */
static void hand_back(struct storvsp *sp, struct storvsp_req *r, bool given)
{
	if (given) {
		r->next = sp->recycled;
		sp->recycled = r;
		sp->nrecycled++;
		sp->direct_completions++;
	} else {
		r->next = sp->done;
		sp->done = r;
		sp->thread_handed_back = true;
	}
}

/*
 * Run a grabbed list: every I/O first, then the completions of those that succeeded written
 * into the ring in one publish per channel generation (at most one signal for the lot, where
 * one each made the guest drain, unmask and take an interrupt per I/O), all under sp->lock so
 * that a slot goes back before anyone who saw its completion can look at the counts. The guest
 * is signalled after the lock is dropped.
 */
static void io_run_grab(struct storvsp *sp, struct storvsp_req *grab)
{
	struct storvsp_req *r, *next, *ok[STORVSP_GRAB];
	struct vmbus_iov iov[STORVSP_GRAB];
	uint64_t ids[STORVSP_GRAB];
	unsigned n = 0, first, end, sent;
	bool signal = false, sig;
	int st;

	for (r = grab; r; r = r->next)
		r->io_result = run_io(sp, r);
	pthread_mutex_lock(&sp->lock);
	sp->thread_handed_back = false;
	for (r = grab; r; r = next) {
		next = r->next;
		r->filled = false;
		if (r->io_result != 0 || r->res.status == SCSI_STATUS_CHECK_CONDITION) {
			hand_back(sp, r, false);
			continue;
		}
		if (r->action == SCSI_ACTION_READ || r->action == SCSI_ACTION_WRITE)
			r->vp.srb.data_transfer_length =
				r->res.io_blocks * sp->info[r->lun].block_size;
		fill_completion(r, SRB_STATUS_SUCCESS);
		r->filled = true;
		if (n == STORVSP_GRAB) { /* a grab is never longer; the loop would send it */
			hand_back(sp, r, false);
			continue;
		}
		ok[n] = r;
		iov[n] = (struct vmbus_iov){ &r->vp, sizeof(r->vp) };
		ids[n] = r->trans_id;
		n++;
	}
	for (first = 0; first < n; first = end) {
		for (end = first + 1; end < n && ok[end]->chan_gen == ok[first]->chan_gen; end++)
			;
		sent = vmbus_channel_send_batch_from_thread(sp->ch, ok[first]->chan_gen,
							    VMBUS_PKT_COMPLETION, 0, ids + first,
							    iov + first, end - first, &st, &sig);
		signal |= sig;
		for (unsigned i = first; i < end; i++)
			hand_back(sp, ok[i], i < first + sent || st == VMBUS_E_BROKEN);
	}
	if (sp->thread_handed_back || sp->want_slots) {
		sp->want_slots = false;
		uv_async_send(&sp->done_async); /* coalesced by libuv */
	}
	pthread_mutex_unlock(&sp->lock);
	if (signal)
		vmbus_channel_signal_guest(sp->ch);
}

static void *io_thread(void *arg)
{
	struct storvsp *sp = arg;
	struct storvsp_req *grab, *last;

	pthread_mutex_lock(&sp->lock);
	for (;;) {
		while (!sp->work && !sp->stopping)
			pthread_cond_wait(&sp->cond, &sp->lock);
		if (sp->stopping)
			break;
		grab = last = sp->work;
		for (int i = 1; i < STORVSP_GRAB && last->next; i++)
			last = last->next;
		sp->work = last->next;
		if (!sp->work)
			sp->work_tail = NULL;
		else
			pthread_cond_signal(&sp->cond); /* more left: wake a sibling */
		last->next = NULL;
		pthread_mutex_unlock(&sp->lock);
		io_run_grab(sp, grab);
		pthread_mutex_lock(&sp->lock);
	}
	pthread_mutex_unlock(&sp->lock);
	return NULL;
}

/* Requests wait in a loop-private batch until the drain pass ends, then go over at once. */
static void queue_io(struct storvsp *sp, struct storvsp_req *r)
{
	sp->stats.thread_io++;
	r->next = NULL;
	if (sp->batch_tail)
		sp->batch_tail->next = r;
	else
		sp->batch = r;
	sp->batch_tail = r;
}

static void submit_batch(struct storvsp *sp)
{
	if (!sp->batch)
		return;
	pthread_mutex_lock(&sp->lock);
	if (sp->work_tail)
		sp->work_tail->next = sp->batch;
	else
		sp->work = sp->batch;
	sp->work_tail = sp->batch_tail;
	pthread_cond_signal(&sp->cond);
	pthread_mutex_unlock(&sp->lock);
	sp->batch = sp->batch_tail = NULL;
}

static void on_drained(struct vmbus_channel *ch)
{
	submit_batch(vmbus_channel_ctx(ch));
}

/* ---- completions ---- */

static void release(struct storvsp *sp, struct storvsp_req *r)
{
	r->next = sp->spare;
	sp->spare = r;
	sp->inflight--;
	if (sp->stalled && sp->open && sp->inflight < sp->max_inflight) {
		sp->stalled = false;
		vmbus_channel_kick(sp->ch);
	}
}

/* Take back the slots of requests the I/O threads completed themselves. */
static void reclaim(struct storvsp *sp)
{
	struct storvsp_req *list, *last;
	uint32_t n;

	pthread_mutex_lock(&sp->lock);
	list = sp->recycled;
	n = sp->nrecycled;
	sp->recycled = NULL;
	sp->nrecycled = 0;
	pthread_mutex_unlock(&sp->lock);
	if (!list)
		return;
	for (last = list; last->next; last = last->next)
		;
	last->next = sp->spare;
	sp->spare = list;
	sp->inflight -= n;
}

/* At max_inflight: true if a thread recycled a slot meanwhile (reclaimed now), else stall until
 * one does. want_slots is set under the lock the threads recycle under, so a thread that
 * recycles after our look wakes us (done_cb kicks). */
static bool slot_or_stall(struct storvsp *sp)
{
	bool got;

	pthread_mutex_lock(&sp->lock);
	got = sp->recycled != NULL;
	if (!got)
		sp->want_slots = true;
	pthread_mutex_unlock(&sp->lock);
	if (got) {
		reclaim(sp);
		return true;
	}
	sp->stalled = true;
	sp->stats.stalls++;
	return false;
}

/* Write the 64-byte completion; false if the ring is full (the caller keeps r). */
static bool send_completion(struct storvsp *sp, struct storvsp_req *r)
{
	struct vmbus_iov iov = { &r->vp, sizeof(r->vp) };
	int ret = vmbus_channel_send(sp->ch, VMBUS_PKT_COMPLETION, 0, r->trans_id, &iov, 1);

	return ret != VMBUS_E_AGAIN; /* other errors: the channel is gone, drop it */
}

static void flush_pending(struct storvsp *sp)
{
	while (sp->pending) {
		struct storvsp_req *r = sp->pending;
		uint64_t gen = sp->gen;
		bool sent = send_completion(sp, r);

		if (sp->gen != gen)
			return; /* the send broke the channel: on_close released every pending one */
		if (!sent) {
			int ret = vmbus_channel_request_space(
				sp->ch, (uint32_t)vmbus_ring_packet_bytes(0, sizeof(r->vp)));
			if (ret == VMBUS_OK)
				continue; /* space appeared meanwhile */
			/* writable callback resumes; or the ring was corrupt and the channel broke
			 * inside the call (on_close released r with every pending one) */
			return;
		}
		sp->pending = r->next;
		if (!sp->pending)
			sp->pending_tail = NULL;
		release(sp, r);
	}
}

/* Fill the SRB's answer into r->vp (any thread: touches only r). */
static void fill_completion(struct storvsp_req *r, uint8_t srb_status)
{
	struct vmscsi_request *srb = &r->vp.srb;
	uint8_t want_sense = srb->sense_info_length;

	r->vp.operation = VSTOR_OP_COMPLETE_IO;
	r->vp.flags = 0;
	r->vp.status = VSTOR_STATUS_SUCCESS;
	srb->scsi_status = r->res.status;
	srb->srb_status = srb_status;
	memset(srb->sense_data, 0, sizeof(srb->sense_data));
	srb->sense_info_length = 0;
	if (r->res.status == SCSI_STATUS_CHECK_CONDITION) {
		uint8_t n = r->res.sense_len < want_sense ? r->res.sense_len : want_sense;
		if (n > VSTOR_SENSE_MAX)
			n = VSTOR_SENSE_MAX;
		memcpy(srb->sense_data, r->res.sense, n);
		srb->sense_info_length = n;
		srb->srb_status = SRB_STATUS_ERROR | (n ? SRB_STATUS_AUTOSENSE_VALID : 0);
		srb->data_transfer_length = 0;
	} else if (srb_status != SRB_STATUS_SUCCESS) {
		srb->data_transfer_length = 0;
	}
}

/* Send r's filled completion from the loop (or queue it behind those waiting for space). */
static void send_filled(struct storvsp *sp, struct storvsp_req *r)
{
	if (!sp->open || r->gen != sp->gen) {
		release(sp, r); /* the channel closed meanwhile: nobody to tell */
		return;
	}
	if (sp->pending || !send_completion(sp, r)) {
		r->next = NULL;
		if (sp->pending_tail)
			sp->pending_tail->next = r;
		else
			sp->pending = r;
		sp->pending_tail = r;
		flush_pending(sp);
		return;
	}
	release(sp, r);
}

/* Complete r on the loop: fill its answer and send it now, or after ring space frees up. */
static void complete_srb(struct storvsp *sp, struct storvsp_req *r, uint8_t srb_status)
{
	fill_completion(r, srb_status);
	if (r->res.status == SCSI_STATUS_CHECK_CONDITION || srb_status != SRB_STATUS_SUCCESS)
		sp->stats.errors++;
	send_filled(sp, r);
}

/* An I/O finished (inline or on a thread). */
static void finish_io(struct storvsp *sp, struct storvsp_req *r)
{
	if (r->io_result != 0) {
		vmbus_server_log(sp->server, VMBUS_LOG_ERROR, "storvsp", "LUN %u: %s at %llu: %s",
				 r->lun,
				 r->action == SCSI_ACTION_WRITE	 ? "write"
				 : r->action == SCSI_ACTION_READ ? "read"
								 : "flush",
				 (unsigned long long)r->offset, strerror(-r->io_result));
		scsi_result_check_condition(&r->res, SCSI_SENSE_MEDIUM_ERROR,
					    r->action == SCSI_ACTION_READ
						    ? SCSI_ASC_UNRECOVERED_READ
						    : SCSI_ASC_WRITE_ERROR);
	} else if (r->action == SCSI_ACTION_READ || r->action == SCSI_ACTION_WRITE) {
		r->vp.srb.data_transfer_length = r->res.io_blocks * sp->info[r->lun].block_size;
	}
	complete_srb(sp, r, SRB_STATUS_SUCCESS);
}

static void done_cb(uv_async_t *h)
{
	struct storvsp *sp = h->data;
	struct storvsp_req *list, *next;

	pthread_mutex_lock(&sp->lock);
	list = sp->done;
	sp->done = NULL;
	pthread_mutex_unlock(&sp->lock);
	for (; list; list = next) {
		next = list->next;
		if (list->filled)
			send_filled(sp, list); /* the thread found the ring busy */
		else
			finish_io(sp, list);
	}
	reclaim(sp);
	if (sp->stalled && sp->open && sp->inflight < sp->max_inflight) { /* as release() */
		sp->stalled = false;
		vmbus_channel_kick(sp->ch);
	}
}

/* ---- requests ---- */

/* Copy n bytes of in-memory answer into the guest's buffer. */
static void copy_to_guest(struct storvsp_req *r, const uint8_t *src, uint32_t n)
{
	for (int i = 0; i < r->niov && n; i++) {
		uint32_t c = r->iov[i].iov_len < n ? (uint32_t)r->iov[i].iov_len : n;
		memcpy(r->iov[i].iov_base, src, c);
		src += c;
		n -= c;
	}
}

/* Cut the iovec list to len bytes. */
static void trim_iov(struct storvsp_req *r, uint64_t len)
{
	int i;

	for (i = 0; i < r->niov && len; i++) {
		if (r->iov[i].iov_len > len)
			r->iov[i].iov_len = (size_t)len;
		len -= r->iov[i].iov_len;
	}
	r->niov = i;
}

/* Build the iovec list from a GPA-direct packet's range (storvsp_parse.c). Returns the buffer
 * length, or -1 if a page is outside guest RAM, -2 if the packet is malformed. */
static int64_t map_buffer(struct storvsp *sp, const struct vmbus_pkt *p, struct storvsp_req *r)
{
	const char *why = NULL;
	int64_t len =
		storvsp_map_buffer(vmbus_server_transport(sp->server), p, r->iov, &r->niov, &why);

	if (len == -2)
		vmbus_server_log(sp->server, VMBUS_LOG_WARN, "storvsp", "bad GPA-direct packet: %s",
				 why ? why : "?");
	return len;
}

static enum vmbus_vsp_verdict execute_srb(struct storvsp *sp, const struct vmbus_pkt *p,
					  const struct vstor_packet *vp)
{
	static uint8_t response[SCSI_RESPONSE_MAX]; /* loop thread only */
	struct storvsp_req *r;
	const struct scsi_disk_info *disk = NULL;
	int64_t buflen = 0;
	uint32_t xfer;

	if (sp->inflight >= sp->max_inflight || !sp->spare)
		reclaim(sp);
	if (sp->inflight >= sp->max_inflight && !slot_or_stall(sp))
		return VMBUS_VSP_STALL;
	r = sp->spare;
	if (r) {
		sp->spare = r->next;
		r->lun = 0;
		r->niov = 0;
		r->offset = 0;
		r->io_result = 0;
		memset(&r->res, 0, sizeof(r->res)); /* a refused buffer completes before the
							 * CDB is decoded into it */
	} else {
		r = calloc(1, sizeof(*r));
		if (!r)
			return VMBUS_VSP_STALL; /* retried when something completes */
	}
	sp->inflight++;
	sp->stats.requests++;
	r->trans_id = p->desc.trans_id;
	r->gen = sp->gen;
	r->chan_gen = vmbus_channel_generation(sp->ch);
	r->vp = *vp;
	if (p->desc.type == VMBUS_PKT_DATA_GPA_DIRECT) {
		buflen = map_buffer(sp, p, r);
		if (buflen == -2) {
			release(sp, r);
			return VMBUS_VSP_BAD;
		}
		if (buflen == -1) {
			vmbus_server_log(sp->server, VMBUS_LOG_WARN, "storvsp",
					 "SRB buffer outside guest RAM refused");
			complete_srb(sp, r, SRB_STATUS_INVALID_REQUEST);
			return VMBUS_VSP_CONSUMED;
		}
	}
	if (r->vp.srb.path_id == 0 && r->vp.srb.target_id == 0 && r->vp.srb.lun < sp->ndisks) {
		r->lun = r->vp.srb.lun;
		disk = &sp->info[r->lun];
	}
	xfer = r->vp.srb.data_transfer_length < buflen ? r->vp.srb.data_transfer_length
						       : (uint32_t)buflen;
	scsi_target_execute(disk, &sp->luns, r->vp.srb.cdb, r->vp.srb.cdb_length, xfer, response,
			    &r->res);
	r->action = r->res.action;
	if (!disk && r->vp.srb.cdb[0] != SCSI_INQUIRY && r->vp.srb.cdb[0] != SCSI_REPORT_LUNS) {
		r->res.status = SCSI_STATUS_GOOD; /* say it the storvsc way: no such LUN */
		complete_srb(sp, r, SRB_STATUS_INVALID_LUN);
		return VMBUS_VSP_CONSUMED;
	}
	switch (r->action) {
	case SCSI_ACTION_RESPOND:
		copy_to_guest(r, response, r->res.data_len);
		r->vp.srb.data_transfer_length = r->res.data_len;
		complete_srb(sp, r, SRB_STATUS_SUCCESS);
		break;
	case SCSI_ACTION_READ:
	case SCSI_ACTION_WRITE:
		r->offset = r->res.io_lba * disk->block_size;
		trim_iov(r, (uint64_t)r->res.io_blocks * disk->block_size);
		if (r->action == SCSI_ACTION_READ) {
			sp->stats.reads++;
			sp->stats.read_bytes += (uint64_t)r->res.io_blocks * disk->block_size;
		} else {
			sp->stats.writes++;
			sp->stats.write_bytes += (uint64_t)r->res.io_blocks * disk->block_size;
		}
		if (sp->inline_io && !r->res.io_fua) {
			int ret = disk_image_rw(&sp->disks[r->lun], r->action == SCSI_ACTION_WRITE,
						r->iov, r->niov, r->offset, true);
			if (ret != -EAGAIN) {
				sp->stats.inline_io++;
				r->io_result = ret;
				finish_io(sp, r);
				break;
			}
		}
		queue_io(sp, r);
		break;
	case SCSI_ACTION_FLUSH:
		queue_io(sp, r);
		break;
	}
	return VMBUS_VSP_CONSUMED;
}

/* Answer a control operation with the whole 64-byte packet. */
static enum vmbus_vsp_verdict reply_control(struct storvsp *sp, const struct vmbus_pkt *p,
					    struct vstor_packet *vp, uint32_t status)
{
	struct vmbus_iov iov = { vp, sizeof(*vp) };
	int ret;

	vp->operation = VSTOR_OP_COMPLETE_IO;
	vp->flags = 0;
	vp->status = status;
	ret = vmbus_channel_send(sp->ch, VMBUS_PKT_COMPLETION, 0, p->desc.trans_id, &iov, 1);
	if (ret == VMBUS_E_AGAIN) {
		/* Leave the request in the ring; the writable callback kicks the channel. */
		if (vmbus_channel_request_space(
			    sp->ch, (uint32_t)vmbus_ring_packet_bytes(0, sizeof(*vp))) == VMBUS_OK)
			return reply_control(sp, p, vp, status);
		if (vmbus_channel_state(sp->ch) != VMBUS_CHANNEL_OPEN)
			return VMBUS_VSP_CONSUMED; /* broke inside (corrupt ring): on_close ran */
		sp->stalled = true;
		return VMBUS_VSP_STALL;
	}
	return VMBUS_VSP_CONSUMED;
}

static enum vmbus_vsp_verdict on_packet(struct vmbus_channel *ch, const struct vmbus_pkt *p)
{
	struct storvsp *sp = vmbus_channel_ctx(ch);
	struct vstor_packet vp;

	/* Read once into a private copy (storvsp_parse.c). */
	switch (storvsp_parse_packet(p, &vp)) {
	case STORVSP_PARSE_OK:
		break;
	case STORVSP_PARSE_BAD_TYPE:
		vmbus_server_log(sp->server, VMBUS_LOG_WARN, "storvsp", "packet type %u refused",
				 p->desc.type);
		return VMBUS_VSP_BAD;
	case STORVSP_PARSE_SHORT:
		vmbus_server_log(sp->server, VMBUS_LOG_WARN, "storvsp",
				 "vstor packet of %u bytes refused", vmbus_pkt_payload_len(p));
		return VMBUS_VSP_BAD;
	default:
		return VMBUS_VSP_BAD;
	}
	switch (vp.operation) {
	case VSTOR_OP_BEGIN_INITIALIZATION:
		sp->protocol = 0;
		return reply_control(sp, p, &vp, VSTOR_STATUS_SUCCESS);
	case VSTOR_OP_QUERY_PROTOCOL_VERSION:
		for (size_t i = 0; i < sizeof(storvsp_protocols) / sizeof(storvsp_protocols[0]);
		     i++)
			if (vp.version.major_minor == storvsp_protocols[i]) {
				sp->protocol = vp.version.major_minor;
				sp->stats.protocol = sp->protocol;
				return reply_control(sp, p, &vp, VSTOR_STATUS_SUCCESS);
			}
		return reply_control(sp, p, &vp, VSTOR_STATUS_REVISION_MISMATCH);
	case VSTOR_OP_QUERY_PROPERTIES:
		memset(vp.buffer, 0, sizeof(vp.buffer));
		vp.props.max_channel_cnt = 0; /* no sub-channels */
		vp.props.flags = 0;
		vp.props.max_transfer_bytes = STORVSP_MAX_TRANSFER;
		return reply_control(sp, p, &vp, VSTOR_STATUS_SUCCESS);
	case VSTOR_OP_END_INITIALIZATION:
		return reply_control(sp, p, &vp,
				     sp->protocol ? VSTOR_STATUS_SUCCESS
						  : VSTOR_STATUS_INVALID_DEVICE_STATE);
	case VSTOR_OP_EXECUTE_SRB:
		if (!sp->protocol)
			return reply_control(sp, p, &vp, VSTOR_STATUS_INVALID_DEVICE_STATE);
		return execute_srb(sp, p, &vp);
	case VSTOR_OP_RESET_LUN:
	case VSTOR_OP_RESET_ADAPTER:
	case VSTOR_OP_RESET_BUS:
		/* Nothing is lost on reset: in-flight requests still complete. */
		return reply_control(sp, p, &vp, VSTOR_STATUS_SUCCESS);
	default:
		/* sub-channels, FC, enumeration: not offered */
		return reply_control(sp, p, &vp, VSTOR_STATUS_INVALID_DEVICE_STATE);
	}
}

static int on_open(struct vmbus_channel *ch, const uint8_t *user_data)
{
	struct storvsp *sp = vmbus_channel_ctx(ch);

	(void)user_data;
	sp->open = true;
	sp->protocol = 0;
	sp->stalled = false;
	return 0;
}

static void on_writable(struct vmbus_channel *ch)
{
	struct storvsp *sp = vmbus_channel_ctx(ch);

	flush_pending(sp);
	if (!sp->pending && sp->stalled && sp->inflight < sp->max_inflight) {
		sp->stalled = false;
		vmbus_channel_kick(ch);
	}
}

static void on_close(struct vmbus_channel *ch)
{
	struct storvsp *sp = vmbus_channel_ctx(ch);

	sp->open = false;
	sp->gen++;	  /* requests still on the threads are dropped when they finish */
	submit_batch(sp); /* (they hold inflight slots until then) */
	sp->stalled = false;
	while (sp->pending) {
		struct storvsp_req *r = sp->pending;
		sp->pending = r->next;
		free(r);
		sp->inflight--;
	}
	sp->pending_tail = NULL;
}

static void free_sp(uv_handle_t *h)
{
	free(h->data);
}

static void close_disks(struct storvsp *sp)
{
	for (uint32_t i = 0; i < sp->ndisks; i++)
		disk_image_close(&sp->disks[i]);
}

static void stop_threads(struct storvsp *sp)
{
	struct storvsp_req *r, *next;

	for (r = sp->batch; r; r = next) { /* never handed over */
		next = r->next;
		free(r);
	}
	sp->batch = sp->batch_tail = NULL;
	pthread_mutex_lock(&sp->lock);
	for (r = sp->work; r; r = next) { /* queued, not started: drop */
		next = r->next;
		free(r);
	}
	sp->work = sp->work_tail = NULL;
	sp->stopping = true;
	pthread_cond_broadcast(&sp->cond);
	pthread_mutex_unlock(&sp->lock);
	for (uint32_t i = 0; i < sp->nthreads; i++)
		pthread_join(sp->threads[i], NULL);
	for (r = sp->done; r; r = next) {
		next = r->next;
		free(r);
	}
	sp->done = NULL;
	for (r = sp->recycled; r; r = next) {
		next = r->next;
		free(r);
	}
	sp->recycled = NULL;
	sp->nrecycled = 0;
}

static void on_destroy(struct vmbus_channel *ch)
{
	struct storvsp *sp = vmbus_channel_ctx(ch);

	on_close(ch);
	stop_threads(sp);
	while (sp->spare) {
		struct storvsp_req *r = sp->spare;
		sp->spare = r->next;
		free(r);
	}
	close_disks(sp);
	pthread_mutex_destroy(&sp->lock);
	pthread_cond_destroy(&sp->cond);
	/* freed once libuv has closed the async handle */
	uv_close((uv_handle_t *)&sp->done_async, free_sp);
}

static const struct vmbus_vsp_ops storvsp_ops = {
	.open = on_open,
	.packet = on_packet,
	.drained = on_drained,
	.writable = on_writable,
	.close = on_close,
	.destroy = on_destroy,
};

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static void describe_disk(struct storvsp *sp, uint32_t lun)
{
	struct scsi_disk_info *in = &sp->info[lun];
	struct disk_image *d = &sp->disks[lun];
	uint32_t h = fnv1a(d->path);

	in->blocks = d->size / d->block_size;
	in->block_size = d->block_size;
	in->readonly = d->readonly;
	in->lun = (uint8_t)lun;
	in->max_transfer_bytes = STORVSP_MAX_TRANSFER;
	snprintf(in->serial, sizeof(in->serial), "HV%08X%02X", h, lun);
	/* NAA 6 with a locally chosen identifier derived from the image path and LUN. */
	in->naa_id[0] = 0x60;
	in->naa_id[1] = 0x02;
	in->naa_id[2] = 0x24;
	in->naa_id[3] = 0x80;
	for (int i = 0; i < 4; i++)
		in->naa_id[12 + i] = (uint8_t)(h >> (24 - 8 * i));
	in->naa_id[11] = (uint8_t)lun;
	sp->luns.luns[lun] = (uint8_t)lun;
}

struct storvsp *storvsp_create(struct vmbus_server *s, const struct storvsp_config *cfg, char *err,
			       size_t errlen)
{
	struct storvsp *sp;
	struct vmbus_channel_desc d;
	uint32_t i;

	if (!cfg->ndisks || cfg->ndisks > SCSI_MAX_LUNS) {
		snprintf(err, errlen, "storvsp: %u disks (1..%u per controller)", cfg->ndisks,
			 SCSI_MAX_LUNS);
		return NULL;
	}
	sp = calloc(1, sizeof(*sp));
	if (!sp) {
		snprintf(err, errlen, "storvsp: out of memory");
		return NULL;
	}
	sp->server = s;
	sp->max_inflight = cfg->max_inflight ? cfg->max_inflight : 256;
	sp->inline_io = !cfg->no_inline_io;
	for (i = 0; i < cfg->ndisks; i++) {
		int ret = disk_image_open(&sp->disks[i], cfg->disks[i].path, cfg->disks[i].readonly,
					  !cfg->no_direct, err, errlen);
		if (ret < 0)
			goto err_disks;
		sp->ndisks = i + 1;
		describe_disk(sp, i);
	}
	sp->luns.count = sp->ndisks;
	pthread_mutex_init(&sp->lock, NULL);
	pthread_cond_init(&sp->cond, NULL);
	uv_async_init(vmbus_server_loop(s), &sp->done_async, done_cb);
	sp->done_async.data = sp;
	sp->nthreads = cfg->io_threads ? cfg->io_threads : 4;
	if (sp->nthreads > STORVSP_MAX_THREADS)
		sp->nthreads = STORVSP_MAX_THREADS;
	for (i = 0; i < sp->nthreads; i++)
		if (pthread_create(&sp->threads[i], NULL, io_thread, sp) != 0)
			break;
	sp->nthreads = i;
	if (!sp->nthreads) {
		snprintf(err, errlen, "storvsp: cannot start I/O threads");
		goto err_sync;
	}
	memset(&d, 0, sizeof(d));
	d.name = "storvsp";
	d.if_type = vmbus_guid_scsi;
	d.if_instance = cfg->instance;
	d.ops = &storvsp_ops;
	d.ctx = sp;
	sp->ch = vmbus_server_add_channel(s, &d);
	if (!sp->ch) {
		snprintf(err, errlen, "storvsp: no channel left");
		goto err_threads;
	}
	vmbus_server_log(s, VMBUS_LOG_INFO, "storvsp", "controller with %u disk(s) on relid %u",
			 sp->ndisks, vmbus_channel_relid(sp->ch));
	for (i = 0; i < sp->ndisks; i++)
		vmbus_server_log(s, VMBUS_LOG_INFO, "storvsp", "LUN %u: %s, %llu bytes%s%s", i,
				 sp->disks[i].path, (unsigned long long)sp->disks[i].size,
				 sp->disks[i].readonly ? ", read-only" : "",
				 sp->disks[i].direct ? ", O_DIRECT" : "");
	return sp;

	/* Released in the reverse order of acquisition. The async handle is the last step: sp is
	 * freed by free_sp once the loop has let go of it, so that tail returns on its own. */
err_threads:
	stop_threads(sp);
err_sync:
	close_disks(sp);
	pthread_mutex_destroy(&sp->lock);
	pthread_cond_destroy(&sp->cond);
	uv_close((uv_handle_t *)&sp->done_async, free_sp);
	return NULL;
err_disks:
	close_disks(sp);
	free(sp);
	return NULL;
}

void storvsp_remove(struct storvsp *sp)
{
	vmbus_server_remove_channel(sp->ch);
}

struct vmbus_channel *storvsp_channel(struct storvsp *sp)
{
	return sp->ch;
}

void storvsp_get_stats(struct storvsp *sp, struct storvsp_stats *st)
{
	*st = sp->stats;
	pthread_mutex_lock(&sp->lock);
	st->inflight = sp->inflight - sp->nrecycled;
	st->direct_completions = sp->direct_completions;
	pthread_mutex_unlock(&sp->lock);
}
