/* SPDX-License-Identifier: MIT */
/* The hypervisor's log: a ring in resident memory (read by the root with HV_CALL_READ_LOG)
 * and, when configured, the hypervisor's own serial port (arch_console_*: COM2 by default),
 * which the root cannot reach. */
#include "core.h"

#define LOG_RING_SIZE (64u << 10) /* power of two */

static char ring[LOG_RING_SIZE];
static u64 ring_total; /* bytes ever written */
static bool serial;

void hv_log_init(u16 port)
{
	serial = port != 0;
	if (serial)
		arch_console_init(port);
}

static void serial_putc(char c)
{
	if (serial)
		arch_console_putc(c);
}

static void emit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ring[ring_total++ & (LOG_RING_SIZE - 1)] = s[i];
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

void hv_log(const char *fmt, ...)
{
	char line[256];
	u64 ns = hv_uptime_ns();
	int n = hv_snprintf(line, sizeof(line), "[%5u.%06u] hv: ", (u32)(ns / 1000000000u),
			    (u32)(ns / 1000u % 1000000u));
	va_list ap;
	va_start(ap, fmt);
	int m = hv_vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + ((size_t)m < sizeof(line) - (size_t)n - 1
					  ? (size_t)m
					  : sizeof(line) - (size_t)n - 2);
	line[len++] = '\n';
	emit(line, len);
}

u64 hv_log_total(void)
{
	return ring_total;
}

/* Copies log bytes from absolute position `offset` (clamped to what the ring still holds)
 * into out; returns the end position. */
u64 hv_log_read(u64 offset, char *out, u32 max, u64 *start, u32 *len)
{
	u64 oldest = ring_total > LOG_RING_SIZE ? ring_total - LOG_RING_SIZE : 0;
	if (offset < oldest)
		offset = oldest;
	if (offset > ring_total)
		offset = ring_total;
	u64 n = ring_total - offset;
	if (n > max)
		n = max;
	for (u64 i = 0; i < n; i++)
		out[i] = ring[(offset + i) & (LOG_RING_SIZE - 1)];
	*start = offset;
	*len = (u32)n;
	return ring_total;
}
