/* SPDX-License-Identifier: MIT */
/* The ACPI sleep guard: the root may power the machine off (S5) but not put it to sleep
 * (S1-S4), because the firmware's wake path would resume the root outside the hypervisor,
 * seeing all memory. Writes of SLP_EN with another SLP_TYP to the PM1 control registers are
 * dropped and WAK_STS reads as set until the root clears it, so Linux's sleep code sees an
 * immediate wake and carries on. Every other access passes through to the hardware. */
#include "svm.h"
#include "x86.h"

#define SLP_EN	(1u << 13)
#define WAK_STS (1u << 15)

static struct {
	bool on;
	bool fake_wake;
	/* PM1a/PM1b control and status ports (0 = absent); [i][1] is the FADT's other field
	 * for the same register when its 32-bit and X_ fields disagree. */
	u16 cnt[2][2], sts[2][2];
	u8 s5[2]; /* SLP_TYP of S5 for PM1a/PM1b */
} guard;

static u32 port_in(u16 port, u8 size)
{
	return size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
}

static void port_out(u16 port, u8 size, u32 v)
{
	if (size == 1)
		outb(port, (u8)v);
	else if (size == 2)
		outw(port, (u16)v);
	else
		outl(port, v);
}

void sleep_guard_init(const struct hv_boot_info *bi)
{
	if (!bi->sleep_guard) {
		hv_log("ACPI sleep guard off (no usable PM1 I/O block or no \\_S5: see hv.efi's "
		       "console warning)");
		return;
	}
	guard.s5[0] = bi->s5_typ_a;
	guard.s5[1] = bi->s5_typ_b;
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++) {
			guard.cnt[i][j] = bi->pm1_cnt[i][j];
			guard.sts[i][j] = bi->pm1_sts[i][j];
			for (u16 off = 0; off < 2; off++) {
				if (guard.cnt[i][j])
					iopm_intercept((u16)(guard.cnt[i][j] + off));
				if (guard.sts[i][j])
					iopm_intercept((u16)(guard.sts[i][j] + off));
			}
		}
	guard.on = true;
	hv_log("ACPI sleep guard: PM1a_CNT %x PM1b_CNT %x PM1a_STS %x, S5 SLP_TYP %u/%u",
	       guard.cnt[0][0], guard.cnt[1][0], guard.sts[0][0], guard.s5[0], guard.s5[1]);
	if (guard.cnt[0][1] || guard.cnt[1][1] || guard.sts[0][1] || guard.sts[1][1])
		hv_log("ACPI sleep guard: the FADT's 32-bit PM1 fields differ from X_, also "
		       "guarding PM1a_CNT %x PM1b_CNT %x PM1a_STS %x PM1b_STS %x",
		       guard.cnt[0][1], guard.cnt[1][1], guard.sts[0][1], guard.sts[1][1]);
}

bool sleep_guard_io(struct io_access *io)
{
	if (!guard.on)
		return false;
	for (int k = 0; k < 4; k++) {
		int i = k >> 1, j = k & 1; /* PM1a/PM1b, FADT field */
		if (guard.cnt[i][j] && (u32)(io->port - guard.cnt[i][j]) < 2u) {
			u32 off = (u32)(io->port - guard.cnt[i][j]);
			if (io->in) {
				io->value = port_in(io->port, io->size);
				return true;
			}
			u32 reg = (io->value << (8 * off)) & 0xffff;
			u32 typ = (reg >> 10) & 7;
			if ((reg & SLP_EN) && typ != guard.s5[i]) {
				hv_log("root requested sleep (PM1%c SLP_TYP %u): refused, reporting an "
				       "immediate wake",
				       'a' + i, typ);
				guard.fake_wake = true;
				return true;
			}
			if (reg & SLP_EN)
				hv_stats_log_summary("root powers the machine off (S5)");
			port_out(io->port, io->size, io->value);
			return true;
		}
		if (guard.sts[i][j] && (u32)(io->port - guard.sts[i][j]) < 2u) {
			u32 off = (u32)(io->port - guard.sts[i][j]);
			u32 wak = (WAK_STS >> (8 * off)) & (io->size == 1 ? 0xff : 0xffffffff);
			if (io->in) {
				io->value = port_in(io->port, io->size);
				if (guard.fake_wake)
					io->value |= wak;
			} else {
				if (io->value & wak) /* write 1 to clear */
					guard.fake_wake = false;
				port_out(io->port, io->size, io->value);
			}
			return true;
		}
	}
	return false;
}
