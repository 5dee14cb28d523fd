/* SPDX-License-Identifier: MIT */
/* libFuzzer: vmms's API input path on arbitrary bytes from a client: frame reassembly (with
 * the 1 MiB limit), Request decoding and vmms_request_valid, exactly as vmms_handle_frame
 * runs them before any handler; the same for the worker channel's reports. Input bytes are
 * split at a fuzzer-chosen point to exercise partial reads. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mgmt/frame.h"
#include "vmms.h"

#include "fuzz_entry.h"

static int on_frame(void *ctx, const uint8_t *msg, size_t len)
{
	(void)ctx;
	Hv__Mgmt__Request *req = hv__mgmt__request__unpack(NULL, len, msg);
	if (req) {
		char why[512];
		if (vmms_request_valid(req, why, sizeof(why))) {
			/* What handlers then rely on: a valid name is a safe file name. */
			const char *name = NULL;
			if (req->op_case == HV__MGMT__REQUEST__OP_START)
				name = req->start->name;
			if (name && (strchr(name, '/') || name[0] == '.'))
				__builtin_trap();
		}
		hv__mgmt__request__free_unpacked(req, NULL);
	}
	Hv__Worker__WorkerReport *r = hv__worker__worker_report__unpack(NULL, len, msg);
	if (r)
		hv__worker__worker_report__free_unpacked(r, NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t cut = data[0] % (size);
	data++;
	size--;
	if (cut > size)
		cut = size;
	struct mgmt_frame_reader r;
	mgmt_frame_reader_init(&r, MGMT_FRAME_MAX);
	if (mgmt_frame_feed(&r, data, cut, on_frame, NULL) == 0)
		mgmt_frame_feed(&r, data + cut, size - cut, on_frame, NULL);
	mgmt_frame_reader_free(&r);
	/* The same bytes as one unframed message, as the decoder sees them after framing. */
	on_frame(NULL, data, size);
	return 0;
}
