/* SPDX-License-Identifier: MIT */
/* PM1 port selection from the FADT (see fadt_pm1.h). ACPICA, and so Linux, uses an X_ field
 * whenever its address is non-zero and falls back to the 32-bit field otherwise; when both
 * are set and differ it still takes X_. The guard intercepts both in that case, so that
 * neither a kernel preferring one nor the other can slip past it. */
#include "fadt_pm1.h"

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t get64(const uint8_t *b)
{
	return (uint64_t)get32(b) | (uint64_t)get32(b + 4) << 32;
}

/* One PM1 register: its 32-bit field at off32, its GAS at off_x. The register is 16 bits
 * wide, so both of its bytes must be real I/O ports (base <= 0xfffe). */
static const char *pick(const uint8_t *fadt, uint32_t len, uint32_t off32, uint32_t off_x,
			uint16_t out[2])
{
	uint32_t legacy = get32(fadt + off32);
	uint64_t x = 0;
	if (len >= off_x + FADT_GAS_SIZE && (x = get64(fadt + off_x + 4)) != 0 &&
	    fadt[off_x] != ACPI_SPACE_IO)
		return "an X_PM1 block is not in I/O space";
	if (x > 0xfffe || (!x && legacy > 0xfffe))
		return "a PM1 block lies beyond the I/O port range";
	out[0] = (uint16_t)(x ? x : legacy);
	/* A junk 32-bit value beside a valid X_ one is not a port anybody can use. */
	out[1] = (uint16_t)(x && legacy != x && legacy <= 0xfffe ? legacy : 0);
	return 0;
}

const char *hv_fadt_pm1(const uint8_t *fadt, uint32_t len, struct hv_pm1_ports *p)
{
	static const uint32_t field[4][2] = {
		{ FADT_PM1A_CNT, FADT_X_PM1A_CNT },
		{ FADT_PM1B_CNT, FADT_X_PM1B_CNT },
		{ FADT_PM1A_EVT, FADT_X_PM1A_EVT },
		{ FADT_PM1B_EVT, FADT_X_PM1B_EVT },
	};
	struct hv_pm1_ports r = { 0 };
	const char *why = 0;
	if (len < FADT_PM1B_CNT + 4)
		why = "FADT too short for the PM1 blocks";
	for (int i = 0; i < 4 && !why; i++)
		why = pick(fadt, len, field[i][0], field[i][1], i < 2 ? r.cnt[i] : r.sts[i - 2]);
	if (!why && !r.cnt[0][0])
		why = "no PM1a control block";
	if (why)
		r = (struct hv_pm1_ports){ 0 };
	*p = r;
	return why;
}
