/* SPDX-License-Identifier: MIT */
/* SCSI target emulation: every command the storage VSP answers itself, the I/O orders it hands
 * out, and the sense data of every refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vsp/scsi_target.h"

static struct scsi_disk_info disk(bool ro)
{
	struct scsi_disk_info d = { .blocks = 2048,
				    .block_size = 512,
				    .readonly = ro,
				    .lun = 0,
				    .max_transfer_bytes = 0x40000 };
	strcpy(d.serial, "SER123");
	d.naa_id[0] = 0x60;
	d.naa_id[15] = 0x42;
	return d;
}

static uint8_t resp[SCSI_RESPONSE_MAX];

static void expect_sense(const struct scsi_result *r, uint8_t key, uint16_t asc)
{
	assert_int_equal(r->status, SCSI_STATUS_CHECK_CONDITION);
	assert_int_equal(r->sense_len, 18);
	assert_int_equal(r->sense[0], 0x70);
	assert_int_equal(r->sense[2], key);
	assert_int_equal(r->sense[7], 10);
	assert_int_equal(r->sense[12], asc >> 8);
	assert_int_equal(r->sense[13], asc & 0xff);
}

static void test_inquiry_standard(void **s)
{
	(void)s;
	struct scsi_disk_info d = disk(false);
	uint8_t cdb[6] = { SCSI_INQUIRY, 0, 0, 0, 36, 0 };
	struct scsi_result r;

	assert_true(scsi_target_execute(&d, NULL, cdb, 6, 255, resp, &r));
	assert_int_equal(r.action, SCSI_ACTION_RESPOND);
	assert_int_equal(r.status, SCSI_STATUS_GOOD);
	assert_int_equal(r.data_len, 36);
	assert_int_equal(resp[0], 0);
	assert_int_equal(resp[4], 31);
	assert_memory_equal(resp + 8, "Msft    ", 8);
	/* allocation length cuts the answer */
	cdb[4] = 5;
	assert_true(scsi_target_execute(&d, NULL, cdb, 6, 255, resp, &r));
	assert_int_equal(r.data_len, 5);
	/* so does the guest's buffer */
	cdb[4] = 36;
	assert_true(scsi_target_execute(&d, NULL, cdb, 6, 8, resp, &r));
	assert_int_equal(r.data_len, 8);
	/* page code without EVPD is invalid */
	cdb[2] = 0x80;
	assert_false(scsi_target_execute(&d, NULL, cdb, 6, 255, resp, &r));
	expect_sense(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_IN_CDB);
}

static void test_inquiry_vpd(void **s)
{
	(void)s;
	struct scsi_disk_info d = disk(false);
	uint8_t cdb[6] = { SCSI_INQUIRY, 1, 0x00, 0, 255, 0 };
	struct scsi_result r;

	assert_true(scsi_target_execute(&d, NULL, cdb, 6, 255, resp, &r));
	assert_int_equal(resp[1], 0x00);
	assert_int_equal(resp[3], 5);
	assert_int_equal(resp[4], 0x00);
	assert_int_equal(resp[5], 0x80);
	assert_int_equal(resp[6], 0x83);
	assert_int_equal(resp[7], 0xB0);
	assert_int_equal(resp[8], 0xB1);
	assert_int_equal(r.data_len, 9);

	cdb[2] = 0x80;
	assert_true(scsi_target_execute(&d, NULL, cdb, 6, 255, resp, &r));
	assert_int_equal(resp[3], 6);
	assert_memory_equal(resp + 4, "SER123", 6);

	cdb[2] = 0x83;
	assert_true(scsi_target_execute(&d, NULL, cdb, 6, 255, resp, &r));
	assert_int_equal(resp[4], 0x01); /* binary */
	assert_int_equal(resp[5], 0x03); /* NAA, LU */
	assert_int_equal(resp[7], 16);
	assert_int_equal(resp[8], 0x60);
	assert_int_equal(resp[24], 0x02); /* ASCII */
	assert_int_equal(resp[25], 0x01); /* T10 vendor id */
	assert_int_equal(r.data_len, (resp[2] << 8 | resp[3]) + 4);

	cdb[2] = 0xB0;
	assert_true(scsi_target_execute(&d, NULL, cdb, 6, 255, resp, &r));
	assert_int_equal(resp[3], 0x3C);
	assert_int_equal(resp[8] << 24 | resp[9] << 16 | resp[10] << 8 | resp[11], 0x40000 / 512);

	cdb[2] = 0xB1;
	assert_true(scsi_target_execute(&d, NULL, cdb, 6, 255, resp, &r));
	assert_int_equal(resp[5], 1); /* non-rotating */

	cdb[2] = 0xB2; /* not supported */
	assert_false(scsi_target_execute(&d, NULL, cdb, 6, 255, resp, &r));
	expect_sense(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_IN_CDB);
}

static void test_absent_lun(void **s)
{
	(void)s;
	uint8_t inq[6] = { SCSI_INQUIRY, 0, 0, 0, 36, 0 };
	uint8_t tur[6] = { SCSI_TEST_UNIT_READY };
	struct scsi_result r;

	assert_true(scsi_target_execute(NULL, NULL, inq, 6, 36, resp, &r));
	assert_int_equal(resp[0], 0x7F);
	assert_false(scsi_target_execute(NULL, NULL, tur, 6, 0, resp, &r));
	expect_sense(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LUN_NOT_SUPPORTED);
}

static void test_read_capacity(void **s)
{
	(void)s;
	struct scsi_disk_info d = disk(false);
	uint8_t c10[10] = { SCSI_READ_CAPACITY_10 };
	uint8_t c16[16] = { SCSI_SERVICE_ACTION_IN_16, 0x10, [13] = 32 };
	struct scsi_result r;

	assert_true(scsi_target_execute(&d, NULL, c10, 10, 8, resp, &r));
	assert_int_equal(r.data_len, 8);
	assert_int_equal(resp[2] << 8 | resp[3], 2047);
	assert_int_equal(resp[6] << 8 | resp[7], 512);
	assert_true(scsi_target_execute(&d, NULL, c16, 16, 32, resp, &r));
	assert_int_equal(r.data_len, 32);
	assert_int_equal(resp[6] << 8 | resp[7], 2047);
	assert_int_equal(resp[10] << 8 | resp[11], 512);
	/* huge disks saturate READ CAPACITY(10) */
	d.blocks = 1ull << 33;
	assert_true(scsi_target_execute(&d, NULL, c10, 10, 8, resp, &r));
	assert_int_equal(resp[0] & resp[1] & resp[2] & resp[3], 0xFF);
	c16[1] = 0x11; /* other service action */
	assert_false(scsi_target_execute(&d, NULL, c16, 16, 32, resp, &r));
	expect_sense(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_IN_CDB);
}

static void test_read_write(void **s)
{
	(void)s;
	struct scsi_disk_info d = disk(false);
	uint8_t r10[10] = { SCSI_READ_10, 0, 0, 0, 0x01, 0x00, 0, 0, 8, 0 };
	uint8_t w16[16] = { SCSI_WRITE_16, 0x08, [9] = 0x10, [13] = 4 };
	struct scsi_result r;

	assert_true(scsi_target_execute(&d, NULL, r10, 10, 4096, resp, &r));
	assert_int_equal(r.action, SCSI_ACTION_READ);
	assert_int_equal(r.io_lba, 256);
	assert_int_equal(r.io_blocks, 8);
	assert_true(scsi_target_execute(&d, NULL, w16, 16, 2048, resp, &r));
	assert_int_equal(r.action, SCSI_ACTION_WRITE);
	assert_int_equal(r.io_lba, 16);
	assert_int_equal(r.io_blocks, 4);
	assert_true(r.io_fua);
	/* buffer shorter than the transfer */
	assert_false(scsi_target_execute(&d, NULL, r10, 10, 4095, resp, &r));
	expect_sense(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_IN_CDB);
	/* last block ok, one past it out of range */
	r10[2] = 0;
	r10[3] = 0;
	r10[4] = 0x07;
	r10[5] = 0xFF;
	r10[8] = 1;
	assert_true(scsi_target_execute(&d, NULL, r10, 10, 512, resp, &r));
	r10[8] = 2;
	assert_false(scsi_target_execute(&d, NULL, r10, 10, 1024, resp, &r));
	expect_sense(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE);
	/* LBA + count overflowing 64 bits */
	uint8_t r16[16] = { SCSI_READ_16, 0,	0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
			    0xFF,	  0xFF, 0xF0, 0,    0,	  0,	0x20 };
	assert_false(scsi_target_execute(&d, NULL, r16, 16, 1 << 20, resp, &r));
	expect_sense(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE);
	/* zero blocks: nothing to do, GOOD */
	r10[4] = 0;
	r10[5] = 0;
	r10[8] = 0;
	assert_true(scsi_target_execute(&d, NULL, r10, 10, 0, resp, &r));
	assert_int_equal(r.action, SCSI_ACTION_RESPOND);
	/* protection information is refused */
	r10[1] = 0x20;
	r10[8] = 1;
	assert_false(scsi_target_execute(&d, NULL, r10, 10, 512, resp, &r));
	expect_sense(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_IN_CDB);
}

static void test_readonly(void **s)
{
	(void)s;
	struct scsi_disk_info d = disk(true);
	uint8_t w10[10] = { SCSI_WRITE_10, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	uint8_t r10[10] = { SCSI_READ_10, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	uint8_t ms6[6] = { SCSI_MODE_SENSE_6, 0, 0x3F, 0, 192, 0 };
	struct scsi_result r;

	assert_false(scsi_target_execute(&d, NULL, w10, 10, 512, resp, &r));
	expect_sense(&r, SCSI_SENSE_DATA_PROTECT, SCSI_ASC_WRITE_PROTECTED);
	assert_true(scsi_target_execute(&d, NULL, r10, 10, 512, resp, &r));
	assert_int_equal(r.action, SCSI_ACTION_READ);
	assert_true(scsi_target_execute(&d, NULL, ms6, 6, 192, resp, &r));
	assert_int_equal(resp[2] & 0x80, 0x80); /* WP */
}

static void test_mode_sense(void **s)
{
	(void)s;
	struct scsi_disk_info d = disk(false);
	uint8_t ms6[6] = { SCSI_MODE_SENSE_6, 0, 0x08, 0, 255, 0 };
	uint8_t ms10[10] = { SCSI_MODE_SENSE_10, 0x08, 0x3F, 0, 0, 0, 0, 0, 255, 0 };
	struct scsi_result r;

	assert_true(scsi_target_execute(&d, NULL, ms6, 6, 255, resp, &r));
	assert_int_equal(r.data_len, 4 + 8 + 20);
	assert_int_equal(resp[0], r.data_len - 1);
	assert_int_equal(resp[2] & 0x80, 0);
	assert_int_equal(resp[3], 8);
	assert_int_equal(resp[12], 0x08);
	assert_int_equal(resp[14] & 0x04, 0x04); /* WCE */
	assert_true(scsi_target_execute(&d, NULL, ms10, 10, 255, resp, &r));
	assert_int_equal(r.data_len, 8 + 20 + 12); /* DBD: no block descriptor */
	assert_int_equal(resp[0] << 8 | resp[1], r.data_len - 2);
	assert_int_equal(resp[8], 0x08);
	assert_int_equal(resp[28], 0x0A);
	ms6[2] = 0x1C; /* unsupported page */
	assert_false(scsi_target_execute(&d, NULL, ms6, 6, 255, resp, &r));
	expect_sense(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_IN_CDB);
	ms6[2] = 0xC8; /* saved values */
	assert_false(scsi_target_execute(&d, NULL, ms6, 6, 255, resp, &r));
	assert_int_equal(r.sense[12], 0x39);
}

static void test_misc(void **s)
{
	(void)s;
	struct scsi_disk_info d = disk(false);
	struct scsi_lun_set set = { .luns = { 0, 1, 5 }, .count = 3 };
	uint8_t rl[12] = { SCSI_REPORT_LUNS, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	uint8_t rs[6] = { SCSI_REQUEST_SENSE, 0, 0, 0, 252, 0 };
	uint8_t sc[10] = { SCSI_SYNCHRONIZE_CACHE_10 };
	uint8_t tur[6] = { SCSI_TEST_UNIT_READY };
	uint8_t ssu[6] = { SCSI_START_STOP_UNIT, 0, 0, 0, 1, 0 };
	uint8_t bad[6] = { 0x04 /* FORMAT UNIT */ };
	struct scsi_result r;

	assert_true(scsi_target_execute(&d, &set, rl, 12, 256, resp, &r));
	assert_int_equal(r.data_len, 8 + 24);
	assert_int_equal(resp[3], 24);
	assert_int_equal(resp[8 + 8 + 1], 1);
	assert_int_equal(resp[8 + 16 + 1], 5);
	rl[8] = 0;
	rl[9] = 8; /* allocation length below 16 */
	assert_false(scsi_target_execute(&d, &set, rl, 12, 256, resp, &r));
	assert_true(scsi_target_execute(&d, NULL, rs, 6, 252, resp, &r));
	assert_int_equal(r.data_len, 18);
	assert_int_equal(resp[0], 0x70);
	assert_int_equal(resp[2], 0);
	assert_true(scsi_target_execute(&d, NULL, sc, 10, 0, resp, &r));
	assert_int_equal(r.action, SCSI_ACTION_FLUSH);
	assert_true(scsi_target_execute(&d, NULL, tur, 6, 0, resp, &r));
	assert_int_equal(r.data_len, 0);
	assert_true(scsi_target_execute(&d, NULL, ssu, 6, 0, resp, &r));
	assert_false(scsi_target_execute(&d, NULL, bad, 6, 0, resp, &r));
	expect_sense(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_OPCODE);
	/* CDB shorter than its opcode's group size, or absurd lengths */
	assert_false(scsi_target_execute(&d, NULL, sc, 6, 0, resp, &r));
	expect_sense(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_OPCODE);
	assert_false(scsi_target_execute(&d, NULL, sc, 0, 0, resp, &r));
	assert_false(scsi_target_execute(&d, NULL, sc, 17, 0, resp, &r));
	/* vendor-specific group */
	uint8_t vs[16] = { 0xC0 };
	assert_false(scsi_target_execute(&d, NULL, vs, 16, 0, resp, &r));
	expect_sense(&r, SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ASC_INVALID_OPCODE);
}

/* REPORT LUNS of a full controller (SCSI_MAX_LUNS): the whole list fits the response buffer. */
static void test_report_luns_full(void **s)
{
	(void)s;
	struct scsi_disk_info d = disk(false);
	struct scsi_lun_set set = { .count = SCSI_MAX_LUNS };
	uint8_t rl[12] = { SCSI_REPORT_LUNS, 0, 0, 0, 0, 0, 0, 0, 4, 0 }; /* 1 KiB */
	struct scsi_result r;

	for (uint32_t i = 0; i < SCSI_MAX_LUNS; i++)
		set.luns[i] = (uint8_t)i;
	assert_true(scsi_target_execute(&d, &set, rl, 12, 4096, resp, &r));
	assert_int_equal(r.data_len, 8 + 8 * SCSI_MAX_LUNS);
	assert_int_equal(resp[2], (8 * SCSI_MAX_LUNS) >> 8);
	assert_int_equal(resp[3], (8 * SCSI_MAX_LUNS) & 0xff);
	assert_int_equal(resp[8 + 8 * (SCSI_MAX_LUNS - 1) + 1], SCSI_MAX_LUNS - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inquiry_standard), cmocka_unit_test(test_inquiry_vpd),
		cmocka_unit_test(test_absent_lun),	 cmocka_unit_test(test_read_capacity),
		cmocka_unit_test(test_read_write),	 cmocka_unit_test(test_readonly),
		cmocka_unit_test(test_mode_sense),	 cmocka_unit_test(test_misc),
		cmocka_unit_test(test_report_luns_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
