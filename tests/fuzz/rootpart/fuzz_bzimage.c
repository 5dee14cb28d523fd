/* SPDX-License-Identifier: MIT */
/* libFuzzer: a Linux child's bzImage header check (rootpart/vmwp/bzimage.c) on arbitrary
 * bytes as the image's start, and the zero page built from whatever it accepts
 * (linux_zero_page.c). Beyond not crashing: an accepted header's sizes lie within the file,
 * its header within the setup code and boot_params' header area, and the zero page copies no
 * byte past the header (the sentinel and the e820 area stay as the loader writes them). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bzimage.h"
#include "linux_zero_page.h"

#include "fuzz_entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bzimage_info bz;
	char why[256];
	size_t head_len = size < BZ_SETUP_BYTES_MAX ? size : BZ_SETUP_BYTES_MAX;
	if (bzimage_parse(data, head_len, size, &bz, why, sizeof(why)) != 0) {
		if (!why[0])
			abort(); /* a refusal always says why */
		return 0;
	}
	if ((uint64_t)bz.setup_bytes + bz.kernel_bytes > size || bz.kernel_bytes == 0 ||
	    bz.header_end > bz.setup_bytes || bz.header_end > BZ_HEADER_END_MAX ||
	    bz.init_size < bz.kernel_bytes || bz.version < BZ_VERSION_MIN)
		abort();
	if (bz.relocatable && (bz.kernel_alignment & (bz.kernel_alignment - 1)))
		abort();
	if (bzimage_run_base(&bz, LB_KERNEL_GPA) < bz.pref_address)
		abort();
	static uint8_t zp[4096];
	struct linux_boot_layout l = { 0 };
	memset(zp, 0xcc, sizeof(zp));
	linux_zero_page_build(zp, data, &bz, LB_RAM_MIN, &l);
	if (zp[LB_ZP_SENTINEL] != 0 || zp[BZ_TYPE_OF_LOADER] != LB_TYPE_OF_LOADER ||
	    l.e820_entries != zp[LB_ZP_E820_ENTRIES])
		abort();
	for (size_t i = bz.header_end; i < LB_ZP_E820_TABLE; i++)
		if (zp[i] != 0)
			abort();
	return 0;
}
