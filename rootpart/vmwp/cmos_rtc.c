/* SPDX-License-Identifier: MIT */
/* The child's CMOS RTC (cmos_rtc.h): the MC146818 register layout as Linux's mc146818 code
 * reads it (seconds, minutes, hours at 0/2/4, weekday, day, month, year at 6-9, status A-D at
 * 0x0A-0x0D, the century at 0x32 as PCs keep it). */
#include "cmos_rtc.h"

#include <string.h>

enum {
	RTC_SECONDS = 0x00,
	RTC_MINUTES = 0x02,
	RTC_HOURS = 0x04,
	RTC_WEEKDAY = 0x06,
	RTC_DAY = 0x07,
	RTC_MONTH = 0x08,
	RTC_YEAR = 0x09,
	RTC_REG_A = 0x0a,
	RTC_REG_B = 0x0b,
	RTC_REG_C = 0x0c,
	RTC_REG_D = 0x0d,
	RTC_CENTURY = 0x32,
};
#define REG_A_DIVIDER 0x26 /* 32.768 kHz time base, 1024 Hz rate; UIP (bit 7) never set */
#define REG_B_SET     0x80 /* the guest is setting the time (updates stop: nothing to stop) */
#define REG_B_BINARY  0x04 /* DM: binary, else BCD */
#define REG_B_24H     0x02
#define REG_B_WRITABLE (REG_B_SET | REG_B_BINARY | REG_B_24H)
#define REG_D_VALID   0x80 /* VRT: RAM and time are valid */

void cmos_rtc_init(struct cmos_rtc *c)
{
	memset(c, 0, sizeof(*c));
	c->reg_b = REG_B_24H; /* BCD, 24-hour: what a PC firmware leaves */
}

bool cmos_rtc_port(uint16_t port)
{
	return port == CMOS_INDEX_PORT || port == CMOS_DATA_PORT;
}

static uint8_t encode(const struct cmos_rtc *c, unsigned v)
{
	return (uint8_t)((c->reg_b & REG_B_BINARY) ? v : (v / 10) << 4 | v % 10);
}

static uint8_t hours(const struct cmos_rtc *c, unsigned h)
{
	if (c->reg_b & REG_B_24H)
		return encode(c, h);
	/* 12-hour: 12, 1..11, bit 7 for PM */
	return (uint8_t)(encode(c, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0));
}

static bool is_time_register(uint8_t reg)
{
	return reg <= RTC_YEAR ? reg % 2 == 0 || reg >= RTC_WEEKDAY : reg == RTC_CENTURY;
}

static uint8_t time_register(const struct cmos_rtc *c, uint8_t reg, time_t now)
{
	struct tm tm;

	if (!gmtime_r(&now, &tm))
		memset(&tm, 0, sizeof(tm));
	switch (reg) {
	case RTC_SECONDS:
		return encode(c, (unsigned)tm.tm_sec % 60); /* no leap second on a PC RTC */
	case RTC_MINUTES:
		return encode(c, (unsigned)tm.tm_min);
	case RTC_HOURS:
		return hours(c, (unsigned)tm.tm_hour);
	case RTC_WEEKDAY:
		return encode(c, (unsigned)tm.tm_wday + 1); /* Sunday = 1 */
	case RTC_DAY:
		return encode(c, (unsigned)tm.tm_mday);
	case RTC_MONTH:
		return encode(c, (unsigned)tm.tm_mon + 1);
	case RTC_YEAR:
		return encode(c, (unsigned)(tm.tm_year + 1900) % 100);
	default: /* RTC_CENTURY */
		return encode(c, (unsigned)(tm.tm_year + 1900) / 100);
	}
}

uint8_t cmos_rtc_read(struct cmos_rtc *c, uint16_t port, time_t now)
{
	if (port == CMOS_INDEX_PORT)
		return 0xff; /* write-only on a PC */
	if (is_time_register(c->index))
		return time_register(c, c->index, now);
	switch (c->index) {
	case RTC_REG_A:
		return REG_A_DIVIDER;
	case RTC_REG_B:
		return c->reg_b;
	case RTC_REG_C:
		return 0; /* no interrupt flags: no alarm, no periodic or update interrupt */
	case RTC_REG_D:
		return REG_D_VALID;
	}
	return c->ram[c->index];
}

void cmos_rtc_write(struct cmos_rtc *c, uint16_t port, uint8_t value)
{
	if (port == CMOS_INDEX_PORT) {
		c->index = value & 0x7f; /* bit 7 masks NMIs on a PC: there are none here */
		return;
	}
	if (is_time_register(c->index))
		return; /* the time follows the root's clock */
	switch (c->index) {
	case RTC_REG_A:
	case RTC_REG_C:
	case RTC_REG_D:
		return; /* fixed */
	case RTC_REG_B:
		c->reg_b = value & REG_B_WRITABLE; /* no interrupt enables: none are raised */
		return;
	}
	c->ram[c->index] = value;
}
