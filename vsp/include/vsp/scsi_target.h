/* SPDX-License-Identifier: MIT */
/* SCSI target emulation of one disk (a direct-access block device, SPC-4/SBC-3 subset): decodes
 * a CDB, answers the commands that need no disk I/O from a small buffer (INQUIRY and its VPD
 * pages, READ CAPACITY, MODE SENSE, REPORT LUNS, REQUEST SENSE, ...), and turns READ, WRITE
 * and SYNCHRONIZE CACHE into an I/O order for the caller. Pure: no I/O, no allocation, no
 * globals; every field of the CDB is range-checked against the disk here. */
#ifndef VSP_SCSI_TARGET_H
#define VSP_SCSI_TARGET_H

#include <stdbool.h>
#include <stdint.h>

/* SAM status */
#define SCSI_STATUS_GOOD	    0x00
#define SCSI_STATUS_CHECK_CONDITION 0x02

/* Sense keys */
#define SCSI_SENSE_NO_SENSE	   0x0
#define SCSI_SENSE_NOT_READY	   0x2
#define SCSI_SENSE_MEDIUM_ERROR	   0x3
#define SCSI_SENSE_HARDWARE_ERROR  0x4
#define SCSI_SENSE_ILLEGAL_REQUEST 0x5
#define SCSI_SENSE_DATA_PROTECT	   0x7

/* Additional sense code << 8 | qualifier */
#define SCSI_ASC_NONE		      0x0000
#define SCSI_ASC_WRITE_ERROR	      0x0C00
#define SCSI_ASC_UNRECOVERED_READ     0x1100
#define SCSI_ASC_PARAM_LIST_LENGTH    0x1A00
#define SCSI_ASC_INVALID_OPCODE	      0x2000
#define SCSI_ASC_LBA_OUT_OF_RANGE     0x2100
#define SCSI_ASC_INVALID_FIELD_IN_CDB 0x2400
#define SCSI_ASC_LUN_NOT_SUPPORTED    0x2500
#define SCSI_ASC_WRITE_PROTECTED      0x2700
#define SCSI_ASC_INTERNAL_FAILURE     0x4400

#define SCSI_SENSE_FIXED_LEN 18 /* fixed-format sense data we produce */
#define SCSI_MAX_LUNS	     64
/* Largest in-memory answer: REPORT LUNS of SCSI_MAX_LUNS (8 + 8 per LUN) is the longest. */
#define SCSI_RESPONSE_MAX    (8 + 8 * SCSI_MAX_LUNS)

/* Opcodes handled. */
enum scsi_opcode {
	SCSI_TEST_UNIT_READY = 0x00,
	SCSI_REQUEST_SENSE = 0x03,
	SCSI_INQUIRY = 0x12,
	SCSI_MODE_SENSE_6 = 0x1A,
	SCSI_START_STOP_UNIT = 0x1B,
	SCSI_PREVENT_ALLOW_REMOVAL = 0x1E,
	SCSI_READ_CAPACITY_10 = 0x25,
	SCSI_READ_10 = 0x28,
	SCSI_WRITE_10 = 0x2A,
	SCSI_VERIFY_10 = 0x2F,
	SCSI_SYNCHRONIZE_CACHE_10 = 0x35,
	SCSI_MODE_SENSE_10 = 0x5A,
	SCSI_READ_16 = 0x88,
	SCSI_WRITE_16 = 0x8A,
	SCSI_SYNCHRONIZE_CACHE_16 = 0x91,
	SCSI_SERVICE_ACTION_IN_16 = 0x9E, /* service action 0x10: READ CAPACITY(16) */
	SCSI_REPORT_LUNS = 0xA0,
};

/* The disk as the target presents it. */
struct scsi_disk_info {
	uint64_t blocks;     /* capacity in logical blocks (>= 1) */
	uint32_t block_size; /* 512 or 4096 */
	bool readonly;
	uint8_t lun;		     /* this disk's LUN (for device identification) */
	uint32_t max_transfer_bytes; /* reported in the block-limits VPD page */
	char serial[21];	     /* ASCII, NUL-terminated, <= 20 characters */
	uint8_t naa_id[16];	     /* NAA IEEE registered extended identifier (type 6) */
};

enum scsi_action {
	SCSI_ACTION_RESPOND, /* the answer (if any) is in the response buffer; done */
	SCSI_ACTION_READ,    /* read io_blocks at io_lba into the guest's buffer */
	SCSI_ACTION_WRITE,   /* write io_blocks at io_lba from the guest's buffer */
	SCSI_ACTION_FLUSH,   /* make earlier writes durable (fdatasync) */
};

/* The outcome of decoding one CDB. */
struct scsi_result {
	enum scsi_action action;
	uint8_t status;	    /* SCSI_STATUS_*; CHECK CONDITION carries sense */
	uint32_t data_len;  /* RESPOND: bytes of response data to send */
	uint64_t io_lba;    /* READ/WRITE */
	uint32_t io_blocks; /* READ/WRITE: >= 1 (a zero-length transfer is RESPOND) */
	bool io_fua;	    /* WRITE: force unit access (flush after the write) */
	uint8_t sense[SCSI_SENSE_FIXED_LEN];
	uint8_t sense_len; /* 0 unless CHECK CONDITION */
};

/* The LUN set of a target, for REPORT LUNS. */
struct scsi_lun_set {
	uint8_t luns[SCSI_MAX_LUNS];
	uint32_t count;
};

/* Decode and execute cdb (cdb_len bytes, 1..16) against disk. disk NULL means the addressed
 * LUN does not exist: INQUIRY then answers peripheral qualifier 3 / type 0x1F (Linux forces
 * INQUIRY to succeed, so that is how "no LUN" is said), REPORT LUNS answers normally, anything
 * else gets CHECK CONDITION, LOGICAL UNIT NOT SUPPORTED. xfer_len is the guest's buffer size
 * (data_transfer_length): a READ/WRITE that moves more than that is refused. response
 * (SCSI_RESPONSE_MAX bytes) receives in-memory answers, already cut to the allocation length and
 * to xfer_len. luns may be NULL (REPORT LUNS then lists just disk->lun). Always fills *res;
 * returns true if the command succeeded or turned into an I/O action. */
bool scsi_target_execute(const struct scsi_disk_info *disk, const struct scsi_lun_set *luns,
			 const uint8_t *cdb, uint32_t cdb_len, uint32_t xfer_len, uint8_t *response,
			 struct scsi_result *res);

/* Fill res with CHECK CONDITION and fixed-format sense (key, asc << 8 | ascq). */
void scsi_result_check_condition(struct scsi_result *res, uint8_t key, uint16_t asc_ascq);

#endif
