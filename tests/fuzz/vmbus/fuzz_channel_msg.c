/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the channel-message decoder. Any input either is refused or decodes into a
 * message that re-encodes to the same bytes and decodes again to the same type; GPADL headers
 * also go through the assembler. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmbus/channel_msg.h"
#include "vmbus/gpadl.h"
#include "vmbus/status.h"

#include "fuzz_entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	union vmbus_chmsg m, again;
	uint8_t wire[VMBUS_CHMSG_MAX_SIZE];
	const char *why = NULL;
	uint32_t n = len > 1024 ? 1024 : (uint32_t)len;
	uint32_t enc_len;
	int type, rc;

	type = vmbus_chmsg_decode(in, n, &m, &why);
	if (type < 0) {
		if (!why)
			abort(); /* every refusal says why */
		return 0;
	}
	/* fixed-size messages may arrive longer; they re-encode at their own size */
	enc_len = type == VMBUS_CHMSG_GPADL_HEADER || type == VMBUS_CHMSG_GPADL_BODY
			  ? n
			  : vmbus_chmsg_min_size((uint32_t)type);
	rc = vmbus_chmsg_encode(&m, enc_len, wire, sizeof(wire), &why);
	if (rc != (int)enc_len || memcmp(wire, in, enc_len) != 0)
		abort();
	if (vmbus_chmsg_decode(wire, enc_len, &again, &why) != type)
		abort();
	if (type == VMBUS_CHMSG_GPADL_HEADER) {
		uint64_t words[32];
		struct vmbus_gpadl_asm a;

		vmbus_gpadl_asm_init(&a, words, 32, 4, 1u << 20);
		rc = vmbus_gpadl_asm_header(&a, &m.gpadl_header, enc_len);
		if (rc == VMBUS_OK && a.state != VMBUS_GPADL_COMPLETE)
			abort();
	}
	return 0;
}
