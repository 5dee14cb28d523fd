/* SPDX-License-Identifier: MIT */
/* EVA harness of the storage VSP's packet parser (vsp/storage/storvsp_parse.c: the vstor
 * packet, an SRB's GPA-direct buffer) and the SCSI target's CDB decoder
 * (vsp/storage/scsi_target.c), compiled from the product sources with the packet access and
 * GPA-direct parser they call (vmbus/src/packet.c).
 *
 * What the guest controls is unknown:
 * - a packet as the ring reader hands it to the VSP (vmbus/packet.h; that a peek returns only
 *   such packets is the vmbus_ring_reader target's): any descriptor, len and data_off any
 *   multiples of 8 with 16 <= data_off <= len <= PKT_MAX, split by the ring's wrap at any
 *   8-byte boundary, every byte in the ring volatile (any value at every read). Every shape
 *   is analysed on its own (split): the bounds are relations between len, data_off and the
 *   wrap, which EVA sees only for exact values. PKT_MAX bounds the PFN lists analysed (up to
 *   (PKT_MAX - 32 - 48) / 8 PFNs of one range);
 * - the SRB then goes where on_packet/execute_srb send it: the buffer through
 *   storvsp_map_buffer, the CDB (vstor's 16-byte field, the guest's cdb_length) through
 *   scsi_target_execute, with the guest's data_transfer_length cut to the buffer, as
 *   execute_srb does (that glue, a few lines, is restated here, not analysed);
 * - CDBs of every length 0..VSTOR_CDB_MAX + 1, each in a buffer of exactly that many bytes of
 *   any value, and any longer length (refused before a byte is read), against any disk.
 * What the host configures is taken as storvsp_create sets it: a disk has at least one block
 * of 512 or 4096 bytes (any count, serial, identifier, limit, LUN, read-only or not), or is
 * absent (NULL: a LUN without a disk); the LUN list any contents and count (NULL or not);
 * page_ptr maps any PFN to NULL (outside guest RAM) or into a guest RAM of RAM_PAGES pages
 * (consecutive PFNs to adjacent pages but for the wrap, so that merged iovecs are reached). */
#include <stddef.h>

#include "__fc_builtin.h"
#include "storvsp_parse.h"
#include "vsp/scsi_target.h"

#ifndef PKT_MAX
#define PKT_MAX 112u
#endif

static volatile uint8_t ring[PKT_MAX];
/* Guest RAM is one mapping, as the worker's is: page_ptr hands out its first RAM_PAGES pages,
 * and the rest is there so that the end of a merged iovec (page + offset + length, which EVA
 * bounds without the relation between the three) still points into the mapping. */
#define RAM_PAGES 4
static uint8_t guest_ram[4 * RAM_PAGES * VMBUS_PAGE_SIZE];
static uint8_t response[SCSI_RESPONSE_MAX];
static struct iovec iov[STORVSP_MAX_PFNS];

static uint8_t *tp_page_ptr(void *ctx, uint64_t pfn)
{
	(void)ctx;
	if (Frama_C_nondet(0, 1))
		return NULL;
	return guest_ram + (pfn % RAM_PAGES) * VMBUS_PAGE_SIZE;
}

static const struct vmbus_transport_ops tp_ops = { .page_ptr = tp_page_ptr };
static const struct vmbus_transport tp = { &tp_ops, NULL };

/* A disk as the host configures it; NULL for a LUN without one. */
static const struct scsi_disk_info *any_disk(struct scsi_disk_info *d)
{
	Frama_C_make_unknown((char *)d, sizeof(*d));
	d->blocks = Frama_C_unsigned_long_interval(1, 0xffffffffffffffffu);
	d->block_size = Frama_C_nondet(0, 1) ? 512 : 4096;
	d->readonly = Frama_C_nondet(0, 1);
	return Frama_C_nondet(0, 1) ? d : NULL;
}

static const struct scsi_lun_set *any_luns(struct scsi_lun_set *l)
{
	Frama_C_make_unknown((char *)l, sizeof(*l));
	return Frama_C_nondet(0, 1) ? l : NULL;
}

static void execute(const struct vstor_packet *vp, int64_t buflen)
{
	struct scsi_disk_info d;
	struct scsi_lun_set l;
	struct scsi_result res;
	uint32_t xfer = vp->srb.data_transfer_length < buflen ? vp->srb.data_transfer_length
							      : (uint32_t)buflen;

	scsi_target_execute(any_disk(&d), any_luns(&l), vp->srb.cdb, vp->srb.cdb_length, xfer,
			    response, &res);
}

static void prove_packet(void)
{
	struct vmbus_pkt p;
	struct vstor_packet vp;
	const char *why = NULL;
	int niov;
	int64_t buflen = 0;
	uint32_t len = 8u * (uint32_t)Frama_C_interval(2, PKT_MAX / 8);
	uint32_t data_off = 8u * (uint32_t)Frama_C_interval(2, PKT_MAX / 8);
	uint32_t first = 8u * (uint32_t)Frama_C_interval(1, PKT_MAX / 8);

	/*@ split len; */
	/*@ split data_off; */
	/*@ split first; */
	if (data_off > len || first > len)
		return; /* after the split: EVA drops exactly the shapes a peek cannot return */
	Frama_C_make_unknown((char *)&p.desc, sizeof(p.desc));
	p.len = len;
	p.data_off = data_off;
	p.ring_off = PKT_MAX - first;
	p.part[0].p = (const uint8_t *)ring + PKT_MAX - first;
	p.part[0].len = first;
	p.part[1].p = (const uint8_t *)ring;
	p.part[1].len = len - first;
	if (storvsp_parse_packet(&p, &vp) != STORVSP_PARSE_OK ||
	    vp.operation != VSTOR_OP_EXECUTE_SRB)
		return;
	if (p.desc.type == VMBUS_PKT_DATA_GPA_DIRECT) {
		buflen = storvsp_map_buffer(&tp, &p, iov, &niov, &why);
		if (buflen < 0)
			return;
	}
	execute(&vp, buflen);
}

/* One buffer of exactly n bytes per CDB length n (none for the empty one). */
static uint8_t c1[1], c2[2], c3[3], c4[4], c5[5], c6[6], c7[7], c8[8], c9[9], c10[10], c11[11],
	c12[12], c13[13], c14[14], c15[15], c16[16], c17[17];
static uint8_t *const cdbs[VSTOR_CDB_MAX + 2] = {
	NULL, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17,
};

static void prove_cdb(void)
{
	struct scsi_disk_info d;
	struct scsi_lun_set l;
	struct scsi_result res;
	uint32_t len = (uint32_t)Frama_C_interval(0, VSTOR_CDB_MAX + 1);
	uint8_t *cdb;

	/*@ split len; */
	cdb = cdbs[len];
	if (cdb)
		Frama_C_make_unknown((char *)cdb, len);
	scsi_target_execute(any_disk(&d), any_luns(&l), cdb, len,
			    Frama_C_unsigned_int_interval(0, 0xffffffffu), response, &res);
}

static void prove_long_cdb(void)
{
	struct scsi_disk_info d;
	struct scsi_lun_set l;
	struct scsi_result res;
	uint8_t cdb[VSTOR_CDB_MAX];

	Frama_C_make_unknown((char *)cdb, sizeof(cdb));
	scsi_target_execute(any_disk(&d), any_luns(&l), cdb,
			    Frama_C_unsigned_int_interval(VSTOR_CDB_MAX + 2, 0xffffffffu),
			    Frama_C_unsigned_int_interval(0, 0xffffffffu), response, &res);
}

int main(void)
{
	prove_packet();
	prove_cdb();
	prove_long_cdb();
	return 0;
}
