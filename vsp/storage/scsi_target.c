/* SPDX-License-Identifier: MIT */
/* SCSI target emulation of one disk: CDB decoding, the in-memory answers (INQUIRY and VPD
 * pages, capacities, mode pages, LUN list, sense) and the READ/WRITE/SYNCHRONIZE CACHE orders
 * the storage VSP executes. See include/vsp/scsi_target.h. */
#include "vsp/scsi_target.h"

#include <string.h>

static const char scsi_vendor[8] = { 'M', 's', 'f', 't', ' ', ' ', ' ', ' ' };
static const char scsi_product[16] = { 'V', 'i', 'r', 't', 'u', 'a', 'l', ' ',
				       'D', 'i', 's', 'k', ' ', ' ', ' ', ' ' };
static const char scsi_revision[4] = { '1', '.', '0', ' ' };

static const uint8_t scsi_vpd_pages[] = { 0x00, 0x80, 0x83, 0xB0, 0xB1 };

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}
static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = (uint8_t)v;
}
static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}
static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, v >> 32);
	put_be32(p + 4, (uint32_t)v);
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

void scsi_result_check_condition(struct scsi_result *res, uint8_t key, uint16_t asc_ascq)
{
	res->action = SCSI_ACTION_RESPOND;
	res->status = SCSI_STATUS_CHECK_CONDITION;
	res->data_len = 0;
	memset(res->sense, 0, sizeof(res->sense));
	res->sense[0] = 0x70; /* current error, fixed format */
	res->sense[2] = key & 0x0f;
	res->sense[7] = SCSI_SENSE_FIXED_LEN - 8; /* additional sense length */
	res->sense[12] = (uint8_t)(asc_ascq >> 8);
	res->sense[13] = (uint8_t)asc_ascq;
	res->sense_len = SCSI_SENSE_FIXED_LEN;
}

static bool invalid_field(struct scsi_result *res)
{
	scsi_result_check_condition(res, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_IN_CDB);
	return false;
}

/* A GOOD answer of natural length n, cut to the allocation length and the guest's buffer. */
static bool respond(struct scsi_result *res, uint32_t n, uint32_t alloc, uint32_t xfer_len)
{
	res->action = SCSI_ACTION_RESPOND;
	res->status = SCSI_STATUS_GOOD;
	res->data_len = min_u32(min_u32(n, alloc), min_u32(xfer_len, SCSI_RESPONSE_MAX));
	return true;
}

/* CDB size from the opcode's group code (SPC-4 4.2.5.1); 0 for vendor-specific groups. */
static uint32_t cdb_size(uint8_t opcode)
{
	switch (opcode >> 5) {
	case 0:
		return 6;
	case 1:
	case 2:
		return 10;
	case 4:
		return 16;
	case 5:
		return 12;
	default:
		return 0;
	}
}

static uint32_t inquiry_standard(const struct scsi_disk_info *disk, uint8_t *r)
{
	memset(r, 0, 36);
	r[0] = disk ? 0x00 : 0x7F; /* qualifier 0 type 0 (disk) / qualifier 3 type 1F */
	r[2] = 0x06;		   /* SPC-4 */
	r[3] = 0x02;		   /* response data format 2 */
	r[4] = 36 - 5;
	r[7] = 0x02; /* CMDQUE: tagged queueing */
	memcpy(r + 8, scsi_vendor, 8);
	memcpy(r + 16, scsi_product, 16);
	memcpy(r + 32, scsi_revision, 4);
	return 36;
}

static uint32_t vpd_device_id(const struct scsi_disk_info *disk, uint8_t *r)
{
	uint32_t n = 4;
	size_t slen = strnlen(disk->serial, sizeof(disk->serial) - 1);

	/* NAA designator, binary, associated with the LU. */
	r[n + 0] = 0x01;
	r[n + 1] = 0x03;
	r[n + 2] = 0;
	r[n + 3] = 16;
	memcpy(r + n + 4, disk->naa_id, 16);
	n += 20;
	/* T10 vendor identification, ASCII: vendor + serial. */
	r[n + 0] = 0x02;
	r[n + 1] = 0x01;
	r[n + 2] = 0;
	r[n + 3] = (uint8_t)(8 + slen);
	memcpy(r + n + 4, scsi_vendor, 8);
	memcpy(r + n + 12, disk->serial, slen);
	n += 4 + 8 + (uint32_t)slen;
	put_be16(r + 2, (uint16_t)(n - 4));
	return n;
}

static bool do_inquiry(const struct scsi_disk_info *disk, const uint8_t *cdb, uint32_t xfer_len,
		       uint8_t *r, struct scsi_result *res)
{
	uint32_t alloc = get_be16(cdb + 3);
	uint8_t page = cdb[2];
	uint32_t n;

	memset(r, 0, SCSI_RESPONSE_MAX);
	if (cdb[1] & 0x02) /* obsolete CMDDT */
		return invalid_field(res);
	if (!(cdb[1] & 0x01)) {
		if (page != 0)
			return invalid_field(res);
		return respond(res, inquiry_standard(disk, r), alloc, xfer_len);
	}
	r[0] = disk ? 0x00 : 0x7F;
	r[1] = page;
	if (!disk)
		return respond(res, 4, alloc, xfer_len);
	switch (page) {
	case 0x00:
		memcpy(r + 4, scsi_vpd_pages, sizeof(scsi_vpd_pages));
		put_be16(r + 2, sizeof(scsi_vpd_pages));
		n = 4 + sizeof(scsi_vpd_pages);
		break;
	case 0x80: {
		size_t slen = strnlen(disk->serial, sizeof(disk->serial) - 1);
		memcpy(r + 4, disk->serial, slen);
		put_be16(r + 2, (uint16_t)slen);
		n = 4 + (uint32_t)slen;
		break;
	}
	case 0x83:
		n = vpd_device_id(disk, r);
		break;
	case 0xB0: { /* block limits */
		uint32_t max_blocks = disk->max_transfer_bytes / disk->block_size;
		put_be16(r + 2, 0x3C);
		put_be16(r + 6, (uint16_t)(disk->block_size >= 4096 ? 1 : 4096 / disk->block_size));
		put_be32(r + 8, max_blocks);  /* maximum transfer length */
		put_be32(r + 12, max_blocks); /* optimal transfer length */
		n = 4 + 0x3C;
		break;
	}
	case 0xB1: /* block device characteristics */
		put_be16(r + 2, 0x3C);
		put_be16(r + 4, 1); /* non-rotating medium */
		n = 4 + 0x3C;
		break;
	default:
		return invalid_field(res);
	}
	return respond(res, n, alloc, xfer_len);
}

/* Mode pages for MODE SENSE: page 0x08 (caching) and 0x0A (control); pc 1 = changeable. */
static uint32_t mode_pages(uint8_t page, uint8_t pc, uint8_t *p, bool *ok)
{
	uint32_t n = 0;

	*ok = true;
	if (page == 0x08 || page == 0x3F) {
		memset(p + n, 0, 20);
		p[n] = 0x08;
		p[n + 1] = 0x12;
		if (pc != 1)
			p[n + 2] = 0x04; /* WCE: writes are cached until SYNCHRONIZE CACHE */
		n += 20;
	}
	if (page == 0x0A || page == 0x3F) {
		memset(p + n, 0, 12);
		p[n] = 0x0A;
		p[n + 1] = 0x0A;
		n += 12;
	}
	if (n == 0)
		*ok = false;
	return n;
}

static bool do_mode_sense(const struct scsi_disk_info *disk, const uint8_t *cdb, bool ten,
			  uint32_t xfer_len, uint8_t *r, struct scsi_result *res)
{
	bool dbd = cdb[1] & 0x08;
	uint8_t pc = cdb[2] >> 6, page = cdb[2] & 0x3F, subpage = cdb[3];
	uint32_t alloc = ten ? get_be16(cdb + 7) : cdb[4];
	uint32_t hdr = ten ? 8 : 4, n, bdlen = dbd ? 0 : 8;
	bool ok;

	memset(r, 0, SCSI_RESPONSE_MAX);
	if (pc == 3) {
		scsi_result_check_condition(res, SCSI_SENSE_ILLEGAL_REQUEST, 0x3900);
		return false;
	}
	if (subpage != 0 && subpage != 0xFF)
		return invalid_field(res);
	n = hdr;
	if (bdlen) {
		uint64_t nb = disk->blocks > 0xFFFFFF ? 0xFFFFFF : disk->blocks;
		r[n + 1] = (uint8_t)(nb >> 16);
		r[n + 2] = (uint8_t)(nb >> 8);
		r[n + 3] = (uint8_t)nb;
		r[n + 5] = (uint8_t)(disk->block_size >> 16);
		r[n + 6] = (uint8_t)(disk->block_size >> 8);
		r[n + 7] = (uint8_t)disk->block_size;
		n += 8;
	}
	n += mode_pages(page, pc, r + n, &ok);
	if (!ok)
		return invalid_field(res);
	if (ten) {
		put_be16(r, (uint16_t)(n - 2));
		r[3] = (disk->readonly ? 0x80 : 0) | 0x10; /* WP, DPOFUA */
		put_be16(r + 6, (uint16_t)bdlen);
	} else {
		r[0] = (uint8_t)(n - 1);
		r[2] = (disk->readonly ? 0x80 : 0) | 0x10;
		r[3] = (uint8_t)bdlen;
	}
	return respond(res, n, alloc, xfer_len);
}

static bool do_report_luns(const struct scsi_disk_info *disk, const struct scsi_lun_set *luns,
			   const uint8_t *cdb, uint32_t xfer_len, uint8_t *r,
			   struct scsi_result *res)
{
	uint32_t alloc = get_be32(cdb + 6), count, n = 8;
	const uint8_t *list;
	uint8_t one;

	if (alloc < 16)
		return invalid_field(res);
	if (luns) {
		count = luns->count > SCSI_MAX_LUNS ? SCSI_MAX_LUNS : luns->count;
		list = luns->luns;
	} else {
		one = disk ? disk->lun : 0;
		count = disk ? 1 : 0;
		list = &one;
	}
	memset(r, 0, SCSI_RESPONSE_MAX);
	for (uint32_t i = 0; i < count; i++, n += 8)
		r[n + 1] = list[i]; /* peripheral device addressing, bus 0 */
	put_be32(r, count * 8);
	return respond(res, n, alloc, xfer_len);
}

/* READ/WRITE/VERIFY/SYNCHRONIZE CACHE range: [lba, lba + blocks) inside the disk. */
static bool lba_range_ok(const struct scsi_disk_info *disk, uint64_t lba, uint64_t blocks)
{
	return lba <= disk->blocks && blocks <= disk->blocks - lba;
}

static bool do_rw(const struct scsi_disk_info *disk, const uint8_t *cdb, uint32_t xfer_len,
		  bool write, bool sixteen, struct scsi_result *res)
{
	uint64_t lba = sixteen ? get_be64(cdb + 2) : get_be32(cdb + 2);
	uint32_t blocks = sixteen ? get_be32(cdb + 10) : get_be16(cdb + 7);

	if (write && disk->readonly) {
		scsi_result_check_condition(res, SCSI_SENSE_DATA_PROTECT, SCSI_ASC_WRITE_PROTECTED);
		return false;
	}
	if (cdb[1] & 0xE0) /* RDPROTECT/WRPROTECT: no protection information */
		return invalid_field(res);
	if (!lba_range_ok(disk, lba, blocks)) {
		scsi_result_check_condition(res, SCSI_SENSE_ILLEGAL_REQUEST,
					    SCSI_ASC_LBA_OUT_OF_RANGE);
		return false;
	}
	if ((uint64_t)blocks * disk->block_size > xfer_len)
		return invalid_field(res); /* the guest's buffer is shorter than the transfer */
	if (blocks == 0)
		return respond(res, 0, 0, 0);
	res->action = write ? SCSI_ACTION_WRITE : SCSI_ACTION_READ;
	res->status = SCSI_STATUS_GOOD;
	res->io_lba = lba;
	res->io_blocks = blocks;
	res->io_fua = write && (cdb[1] & 0x08);
	return true;
}

static bool do_sync_cache(const struct scsi_disk_info *disk, const uint8_t *cdb, bool sixteen,
			  struct scsi_result *res)
{
	uint64_t lba = sixteen ? get_be64(cdb + 2) : get_be32(cdb + 2);
	uint32_t blocks = sixteen ? get_be32(cdb + 10) : get_be16(cdb + 7);

	if (!lba_range_ok(disk, lba, blocks)) {
		scsi_result_check_condition(res, SCSI_SENSE_ILLEGAL_REQUEST,
					    SCSI_ASC_LBA_OUT_OF_RANGE);
		return false;
	}
	res->action = SCSI_ACTION_FLUSH;
	res->status = SCSI_STATUS_GOOD;
	return true;
}

static bool do_read_capacity(const struct scsi_disk_info *disk, const uint8_t *cdb, bool sixteen,
			     uint32_t xfer_len, uint8_t *r, struct scsi_result *res)
{
	uint64_t last = disk->blocks - 1;

	memset(r, 0, SCSI_RESPONSE_MAX);
	if (!sixteen) {
		put_be32(r, last > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)last);
		put_be32(r + 4, disk->block_size);
		return respond(res, 8, 8, xfer_len);
	}
	put_be64(r, last);
	put_be32(r + 8, disk->block_size);
	return respond(res, 32, get_be32(cdb + 10), xfer_len);
}

bool scsi_target_execute(const struct scsi_disk_info *disk, const struct scsi_lun_set *luns,
			 const uint8_t *guest_cdb, uint32_t cdb_len, uint32_t xfer_len, uint8_t *r,
			 struct scsi_result *res)
{
	/* The decoders below read the CDB at fixed offsets of their opcode's size: they read a
	 * zero-padded 16-byte copy, so that none can read past the caller's cdb_len bytes
	 * whatever the opcode (the size check below refuses short CDBs all the same). */
	uint8_t cdb[16] = { 0 };
	uint8_t op;

	memset(res, 0, sizeof(*res));
	if (cdb_len == 0 || cdb_len > sizeof(cdb))
		return invalid_field(res);
	memcpy(cdb, guest_cdb, cdb_len);
	op = cdb[0];
	if (cdb_size(op) == 0 || cdb_len < cdb_size(op)) {
		scsi_result_check_condition(res, SCSI_SENSE_ILLEGAL_REQUEST,
					    SCSI_ASC_INVALID_OPCODE);
		return false;
	}
	if (op == SCSI_INQUIRY)
		return do_inquiry(disk, cdb, xfer_len, r, res);
	if (op == SCSI_REPORT_LUNS)
		return do_report_luns(disk, luns, cdb, xfer_len, r, res);
	if (!disk) {
		scsi_result_check_condition(res, SCSI_SENSE_ILLEGAL_REQUEST,
					    SCSI_ASC_LUN_NOT_SUPPORTED);
		return false;
	}
	switch (op) {
	case SCSI_TEST_UNIT_READY:
	case SCSI_START_STOP_UNIT:
	case SCSI_PREVENT_ALLOW_REMOVAL:
		return respond(res, 0, 0, 0);
	case SCSI_REQUEST_SENSE:
		/* Sense is always returned with the failing command (autosense), so nothing is
		 * pending here: NO SENSE, fixed format. */
		memset(r, 0, SCSI_RESPONSE_MAX);
		r[0] = 0x70;
		r[7] = SCSI_SENSE_FIXED_LEN - 8;
		return respond(res, SCSI_SENSE_FIXED_LEN, cdb[4], xfer_len);
	case SCSI_MODE_SENSE_6:
		return do_mode_sense(disk, cdb, false, xfer_len, r, res);
	case SCSI_MODE_SENSE_10:
		return do_mode_sense(disk, cdb, true, xfer_len, r, res);
	case SCSI_READ_CAPACITY_10:
		return do_read_capacity(disk, cdb, false, xfer_len, r, res);
	case SCSI_SERVICE_ACTION_IN_16:
		if ((cdb[1] & 0x1F) != 0x10)
			return invalid_field(res);
		return do_read_capacity(disk, cdb, true, xfer_len, r, res);
	case SCSI_READ_10:
		return do_rw(disk, cdb, xfer_len, false, false, res);
	case SCSI_READ_16:
		return do_rw(disk, cdb, xfer_len, false, true, res);
	case SCSI_WRITE_10:
		return do_rw(disk, cdb, xfer_len, true, false, res);
	case SCSI_WRITE_16:
		return do_rw(disk, cdb, xfer_len, true, true, res);
	case SCSI_VERIFY_10: {
		uint64_t lba = get_be32(cdb + 2);
		if (cdb[1] & 0x06) /* BYTCHK: comparing data is not offered */
			return invalid_field(res);
		if (!lba_range_ok(disk, lba, get_be16(cdb + 7))) {
			scsi_result_check_condition(res, SCSI_SENSE_ILLEGAL_REQUEST,
						    SCSI_ASC_LBA_OUT_OF_RANGE);
			return false;
		}
		return respond(res, 0, 0, 0);
	}
	case SCSI_SYNCHRONIZE_CACHE_10:
		return do_sync_cache(disk, cdb, false, res);
	case SCSI_SYNCHRONIZE_CACHE_16:
		return do_sync_cache(disk, cdb, true, res);
	default:
		scsi_result_check_condition(res, SCSI_SENSE_ILLEGAL_REQUEST,
					    SCSI_ASC_INVALID_OPCODE);
		return false;
	}
}
