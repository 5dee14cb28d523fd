/* SPDX-License-Identifier: MIT */
/* Guest-side storage VSC, following Linux 6.1 drivers/scsi/storvsc_drv.c: the init sequence
 * of storvsc_channel_init, SRBs as storvsc_queuecommand builds them, completions matched by
 * transaction id as storvsc_on_channel_callback does. */
#include "vsc/storvsc.h"

#include "vmbus/freestanding_libc.h"

/* Linux's vmstor_protocols[], newest first. */
static const uint16_t storvsc_protocols[] = { VSTOR_PROTO_WIN10, VSTOR_PROTO_WIN8_1,
					      VSTOR_PROTO_WIN8 };

/* storvsc_execute_vstor_op(): one control request, wait for its completion. */
static int vstor_op(struct storvsc *sv, struct vstor_packet *vp)
{
	struct vmbus_iov iov = { vp, VSTOR_PACKET_SIZE - sv->size_delta };
	uint8_t buf[VSTOR_PACKET_SIZE + 64];
	uint64_t id;
	uint16_t type;
	int r;

	vp->flags = VSTOR_FLAG_REQUEST_COMPLETION;
	r = vsc_channel_send(&sv->ch, VMBUS_PKT_DATA_INBAND, VMBUS_PKT_FLAG_COMPLETION_REQUESTED,
			     STORVSC_RQST_INIT, &iov, 1);
	if (r)
		return VSC_E_PROTO;
	for (;;) {
		r = vsc_channel_recv(&sv->ch, buf, sizeof(buf), &id, &type);
		if (r < 0)
			return r;
		if (r == 0) {
			r = vsc_channel_wait(&sv->ch);
			if (r)
				return r;
			continue;
		}
		if (id != STORVSC_RQST_INIT || (uint32_t)r < VSTOR_PACKET_SIZE - sv->size_delta) {
			sv->bad_completions++;
			continue;
		}
		memcpy(vp, buf, VSTOR_PACKET_SIZE);
		if (vp->operation != VSTOR_OP_COMPLETE_IO || vp->status != 0)
			return VSC_E_REFUSED;
		return VSC_OK;
	}
}

int storvsc_init(struct storvsc *sv, struct vmbus_client *c, uint32_t relid)
{
	struct vstor_packet vp;
	int r;

	memset(sv, 0, sizeof(*sv));
	sv->client = c;
	/* Before a version is agreed, requests lack the 16-byte win8 extension. */
	sv->size_delta = sizeof(struct vmscsi_request) - 36;
	r = vmbus_client_open(c, &sv->ch, relid, VSTOR_RING_BYTES, 0);
	if (r)
		return r;
	memset(&vp, 0, sizeof(vp));
	vp.operation = VSTOR_OP_BEGIN_INITIALIZATION;
	r = vstor_op(sv, &vp);
	if (r)
		return r;
	for (uint32_t i = 0; i < sizeof(storvsc_protocols) / sizeof(storvsc_protocols[0]); i++) {
		memset(&vp, 0, sizeof(vp));
		vp.operation = VSTOR_OP_QUERY_PROTOCOL_VERSION;
		vp.version.major_minor = storvsc_protocols[i];
		vp.version.revision = 0;
		r = vstor_op(sv, &vp);
		if (r == VSC_E_REFUSED)
			continue;
		if (r)
			return r;
		sv->protocol = storvsc_protocols[i];
		sv->size_delta = 0; /* every protocol we offer has the win8 extension */
		break;
	}
	if (!sv->protocol)
		return VSC_E_REFUSED;
	memset(&vp, 0, sizeof(vp));
	vp.operation = VSTOR_OP_QUERY_PROPERTIES;
	r = vstor_op(sv, &vp);
	if (r)
		return r;
	sv->max_channels = vp.props.max_channel_cnt;
	sv->prop_flags = vp.props.flags;
	sv->max_transfer = vp.props.max_transfer_bytes;
	if (!sv->max_transfer)
		return VSC_E_PROTO; /* Linux would compute max_sectors = 0 */
	memset(&vp, 0, sizeof(vp));
	vp.operation = VSTOR_OP_END_INITIALIZATION;
	return vstor_op(sv, &vp);
}

int storvsc_close(struct storvsc *sv)
{
	return vmbus_client_close(sv->client, &sv->ch);
}

int storvsc_submit(struct storvsc *sv, struct storvsc_req *r)
{
	struct vstor_packet vp;
	uint32_t slot;
	int ret;

	if (sv->inflight >= STORVSC_SLOTS)
		return VMBUS_E_AGAIN;
	for (slot = 0; sv->slots[slot]; slot++)
		;
	memset(&vp, 0, sizeof(vp));
	vp.operation = VSTOR_OP_EXECUTE_SRB;
	vp.flags = VSTOR_FLAG_REQUEST_COMPLETION;
	vp.srb.length = sizeof(struct vmscsi_request);
	vp.srb.lun = r->lun;
	vp.srb.cdb_length = r->cdb_len;
	vp.srb.sense_info_length = VSTOR_SENSE_MAX;
	vp.srb.data_in = r->data_in;
	vp.srb.data_transfer_length = r->len;
	vp.srb.time_out_value = 60;
	vp.srb.srb_flags = r->len == 0 ? 0x00010000u /* SRB_FLAGS_NO_DATA_TRANSFER */
			   : r->data_in == VSTOR_DATA_READ ? 0x40u
							   : 0x80u;
	vp.srb.srb_flags |= 0x8u; /* DISABLE_SYNCH_TRANSFER */
	memcpy(vp.srb.cdb, r->cdb, r->cdb_len <= VSTOR_CDB_MAX ? r->cdb_len : VSTOR_CDB_MAX);
	if (r->len) {
		ret = vsc_channel_send_gpa(&sv->ch, slot + 1, r->byte_offset, r->len, r->pfns,
					   r->npfn, &vp, sizeof(vp));
	} else {
		struct vmbus_iov iov = { &vp, sizeof(vp) };
		ret = vsc_channel_send(&sv->ch, VMBUS_PKT_DATA_INBAND,
				       VMBUS_PKT_FLAG_COMPLETION_REQUESTED, slot + 1, &iov, 1);
	}
	if (ret)
		return ret;
	r->done = false;
	sv->slots[slot] = r;
	sv->inflight++;
	return VSC_OK;
}

int storvsc_poll(struct storvsc *sv)
{
	uint8_t buf[VSTOR_PACKET_SIZE + 64];
	struct vstor_packet vp;
	uint64_t id;
	uint16_t type;
	int n = 0, r;

	while ((r = vsc_channel_recv(&sv->ch, buf, sizeof(buf), &id, &type)) > 0) {
		struct storvsc_req *q;
		if ((uint32_t)r < VSTOR_PACKET_SIZE || id == 0 || id > STORVSC_SLOTS ||
		    !sv->slots[id - 1]) {
			sv->bad_completions++;
			continue;
		}
		memcpy(&vp, buf, sizeof(vp));
		q = sv->slots[id - 1];
		sv->slots[id - 1] = 0;
		sv->inflight--;
		q->vstor_status = vp.status;
		q->srb_status = vp.srb.srb_status;
		q->scsi_status = vp.srb.scsi_status;
		q->xfer = vp.srb.data_transfer_length;
		q->sense_len = vp.srb.sense_info_length <= VSTOR_SENSE_MAX
				       ? vp.srb.sense_info_length
				       : VSTOR_SENSE_MAX;
		memcpy(q->sense, vp.srb.sense_data, q->sense_len);
		q->done = true;
		n++;
	}
	return r < 0 ? r : n;
}

int storvsc_execute(struct storvsc *sv, struct storvsc_req *r)
{
	int ret;

	do {
		ret = storvsc_submit(sv, r);
		if (ret == VMBUS_E_AGAIN) {
			ret = storvsc_poll(sv);
			if (ret < 0)
				return ret;
			if (ret == 0 && (ret = vsc_channel_wait(&sv->ch)) != VSC_OK)
				return ret;
			ret = VMBUS_E_AGAIN;
		} else if (ret) {
			return VSC_E_PROTO;
		}
	} while (ret == VMBUS_E_AGAIN);
	while (!r->done) {
		ret = storvsc_poll(sv);
		if (ret < 0)
			return ret;
		if (!r->done && (ret = vsc_channel_wait(&sv->ch)) != VSC_OK)
			return ret;
	}
	if (r->vstor_status != 0)
		return VSC_E_REFUSED;
	return r->srb_status == SRB_STATUS_SUCCESS ? VSC_OK : VSC_E_IO;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int storvsc_rw(struct storvsc *sv, uint8_t lun, bool write, uint64_t lba, uint32_t blocks,
	       uint32_t block_size, const uint64_t *pfns, uint32_t npfn, struct storvsc_req *r)
{
	memset(r, 0, sizeof(*r));
	r->lun = lun;
	r->cdb[0] = write ? 0x8A : 0x88; /* WRITE(16) / READ(16) */
	put_be32(r->cdb + 2, (uint32_t)(lba >> 32));
	put_be32(r->cdb + 6, (uint32_t)lba);
	put_be32(r->cdb + 10, blocks);
	r->cdb_len = 16;
	r->data_in = write ? VSTOR_DATA_WRITE : VSTOR_DATA_READ;
	r->len = blocks * block_size;
	r->pfns = pfns;
	r->npfn = npfn;
	return storvsc_execute(sv, r);
}

int storvsc_flush(struct storvsc *sv, uint8_t lun, struct storvsc_req *r)
{
	memset(r, 0, sizeof(*r));
	r->lun = lun;
	r->cdb[0] = 0x35; /* SYNCHRONIZE CACHE(10) */
	r->cdb_len = 10;
	r->data_in = VSTOR_DATA_UNKNOWN;
	return storvsc_execute(sv, r);
}

int storvsc_read_capacity(struct storvsc *sv, uint8_t lun, const uint64_t *pfn_scratch,
			  const uint8_t *scratch, uint64_t *blocks, uint32_t *block_size)
{
	struct storvsc_req r;
	int ret;

	memset(&r, 0, sizeof(r));
	r.lun = lun;
	r.cdb[0] = 0x9E; /* SERVICE ACTION IN(16) */
	r.cdb[1] = 0x10; /* READ CAPACITY(16) */
	r.cdb[13] = 32;
	r.cdb_len = 16;
	r.data_in = VSTOR_DATA_READ;
	r.len = 32;
	r.pfns = pfn_scratch;
	r.npfn = 1;
	ret = storvsc_execute(sv, &r);
	if (ret)
		return ret;
	*blocks = 0;
	for (int i = 0; i < 8; i++)
		*blocks = *blocks << 8 | scratch[i];
	*blocks += 1;
	*block_size = (uint32_t)scratch[8] << 24 | (uint32_t)scratch[9] << 16 |
		      (uint32_t)scratch[10] << 8 | scratch[11];
	return VSC_OK;
}
