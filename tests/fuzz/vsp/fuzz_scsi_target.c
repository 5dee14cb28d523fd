/* SPDX-License-Identifier: MIT */
/* libFuzzer target: SCSI CDB decoding of the storage VSP's target emulation. Checks the
 * invariants the VSP relies on: answers never exceed the guest's buffer or the response
 * buffer, I/O orders stay inside the disk and the buffer, refusals carry sense. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vsp/scsi_target.h"

#include "fuzz_entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t resp[SCSI_RESPONSE_MAX];
	struct scsi_disk_info disk = { .blocks = 4096,
				       .block_size = 512,
				       .max_transfer_bytes = 0x40000 };
	struct scsi_lun_set luns = { .luns = { 0, 1 }, .count = 2 };
	struct scsi_result r;
	uint32_t xfer;

	if (size < 6)
		return 0;
	disk.readonly = data[0] & 1;
	disk.blocks = 1 + ((uint64_t)data[1] << 8 | data[2]) * (data[0] & 2 ? 1000003 : 1);
	xfer = (uint32_t)data[3] << 12 | (uint32_t)data[4] << 4;
	strcpy(disk.serial, "FUZZ");
	scsi_target_execute((data[0] & 4) ? NULL : &disk, &luns, data + 5,
			    (uint32_t)(size - 5) > 20 ? 20 : (uint32_t)(size - 5), xfer, resp, &r);
	if (r.action == SCSI_ACTION_RESPOND &&
	    (r.data_len > xfer || r.data_len > SCSI_RESPONSE_MAX))
		abort();
	if (r.action == SCSI_ACTION_READ || r.action == SCSI_ACTION_WRITE) {
		if (r.io_blocks == 0 || r.io_lba + r.io_blocks > disk.blocks ||
		    (uint64_t)r.io_blocks * disk.block_size > xfer)
			abort();
		if (r.action == SCSI_ACTION_WRITE && disk.readonly)
			abort();
	}
	if (r.status == SCSI_STATUS_CHECK_CONDITION && r.sense_len != SCSI_SENSE_FIXED_LEN)
		abort();
	return 0;
}
