/* SPDX-License-Identifier: MIT */
/* The child's CMOS real-time clock at the PC's 0x70 (index) / 0x71 (data): the time of day of
 * the root's clock in UTC, never "update in progress", valid, no alarm and no interrupt, and
 * the rest of the 128 bytes as plain RAM. Without it, Linux's boot spins on the update flag a
 * floating bus reads as set (mc146818_get_time waits up to a second a read: tens of thousands
 * of port exits); with it, the child's wall clock is right from its first instruction. Writes
 * of the time are ignored: the root's clock stays the truth (hv_utils' time sync follows it). */
#ifndef HV_VMWP_CMOS_RTC_H
#define HV_VMWP_CMOS_RTC_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define CMOS_INDEX_PORT 0x70u
#define CMOS_DATA_PORT	0x71u

struct cmos_rtc {
	uint8_t index;	  /* the register the data port reaches (NMI-mask bit dropped) */
	uint8_t reg_b;	  /* format: binary or BCD, 24- or 12-hour */
	uint8_t ram[128]; /* registers that are plain storage */
};

void cmos_rtc_init(struct cmos_rtc *c);
/* True if port is one of the RTC's; a one-byte access, at time now (the root's clock). */
bool cmos_rtc_port(uint16_t port);
uint8_t cmos_rtc_read(struct cmos_rtc *c, uint16_t port, time_t now);
void cmos_rtc_write(struct cmos_rtc *c, uint16_t port, uint8_t value);

#endif
