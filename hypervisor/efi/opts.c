/* SPDX-License-Identifier: MIT */
/* hv.efi's option parser (see opts.h). Nothing is read past the option length the firmware
 * reported: a hand-written LoadOptions need not be NUL-terminated. */
#include "opts.h"

static int is_blank(uint16_t c)
{
	return c == ' ' || c == '\t';
}

/* Whether the n units at o begin with the ASCII word w. */
static int starts_with(const uint16_t *o, size_t n, const char *w)
{
	size_t i = 0;
	for (; w[i]; i++)
		if (i >= n || o[i] != (uint16_t)w[i])
			return 0;
	return 1;
}

static int hex_digit(uint16_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The value v (vn units, up to the next blank): "none", or hex with or without 0x. */
static int parse_value(const uint16_t *v, size_t vn, uint16_t *port)
{
	if (vn == 4 && starts_with(v, vn, "none")) {
		*port = 0;
		return 0;
	}
	if (vn >= 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		v += 2;
		vn -= 2;
	}
	uint32_t x = 0;
	if (vn == 0)
		return -1;
	for (size_t i = 0; i < vn; i++) {
		int d = hex_digit(v[i]);
		if (d < 0)
			return -1;
		x = x * 16 + (uint32_t)d;
		if (x > HV_MAX_LOG_PORT) /* checked per digit: no overflow on long input */
			return -1;
	}
	if (x == 0)
		return -1;
	*port = (uint16_t)x;
	return 0;
}

int hv_opt_log_port(const uint16_t *o, size_t n, uint16_t *port)
{
	static const char key[] = "log_port=";
	const size_t klen = sizeof(key) - 1;
	*port = HV_DEFAULT_LOG_PORT;
	if (!o)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!o[i]) {
			n = i;
			break;
		}
	for (size_t i = 0; i + klen <= n; i++) {
		if ((i && !is_blank(o[i - 1])) || !starts_with(o + i, n - i, key))
			continue;
		size_t vb = i + klen, ve = vb;
		while (ve < n && !is_blank(o[ve]))
			ve++;
		return parse_value(o + vb, ve - vb, port);
	}
	return 0;
}
