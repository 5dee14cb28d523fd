/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the GPADL assembler fed a sequence of messages. Input: records of
 * [length byte][that many bytes], each decoded as a channel message; the first is offered as
 * the GPADL_HEADER, the rest as GPADL_BODY. The assembler must never write past its storage
 * (an exact-size heap block), and a complete GPADL's ranges must tile its PFN list. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmbus/channel_msg.h"
#include "vmbus/gpadl.h"
#include "vmbus/status.h"

#include "fuzz_entry.h"

#define CAP_WORDS 96u

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	uint64_t *words = malloc(CAP_WORDS * 8);
	struct vmbus_gpadl_asm a;
	size_t pos = 0;
	int rc = VMBUS_E_AGAIN, msgs = 0;

	vmbus_gpadl_asm_init(&a, words, CAP_WORDS, 6, 64u * 4096);
	while (pos < len && msgs < 64) {
		union vmbus_chmsg m;
		uint32_t n = in[pos++];

		if (n > len - pos)
			n = (uint32_t)(len - pos);
		int type = vmbus_chmsg_decode(in + pos, n, &m, NULL);

		pos += n;
		msgs++;
		if (type == VMBUS_CHMSG_GPADL_HEADER)
			rc = vmbus_gpadl_asm_header(&a, &m.gpadl_header, n);
		else if (type == VMBUS_CHMSG_GPADL_BODY)
			rc = vmbus_gpadl_asm_body(&a, &m.gpadl_body, n);
		else
			continue;
		if (rc != VMBUS_E_AGAIN)
			break;
	}
	if (rc == VMBUS_OK) {
		uint32_t pfns = 0;
		uint64_t bytes = 0;

		if (a.state != VMBUS_GPADL_COMPLETE)
			abort();
		for (uint32_t i = 0; i < a.range_count; i++) {
			struct vmbus_gpadl_range r;

			if (vmbus_gpadl_asm_range(&a, i, &r) != VMBUS_OK || r.pfn_count == 0 ||
			    r.byte_offset >= 4096 || r.pfns < words ||
			    r.pfns + r.pfn_count > words + a.total_words)
				abort();
			pfns += r.pfn_count;
			bytes += r.byte_count;
		}
		if (pfns != a.pfn_count || bytes != a.total_bytes ||
		    pfns + a.range_count != a.total_words)
			abort();
	} else if (rc != VMBUS_E_AGAIN && (a.state != VMBUS_GPADL_FAILED || !a.why)) {
		abort();
	}
	free(words);
	return 0;
}
