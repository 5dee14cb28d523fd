/* SPDX-License-Identifier: MIT */
/* COM1 (a polled 16550 at TG_COM1_BASE: THR and LSR are all the worker emulates) and the
 * small printf the checks report with; tg_whyf formats a failure reason with the same code. */
#include <stdarg.h>
#include "testguest.h"

void con_putc(char c)
{
	/* Bounded: a worker whose LSR never says "empty" still gets the byte, late. */
	for (int i = 0; i < 100000; i++)
		if (inb(TG_COM1_BASE + TG_COM1_LSR) & TG_COM1_LSR_THRE)
			break;
	outb(TG_COM1_BASE + TG_COM1_THR, (uint8_t)c);
}

void con_puts(const char *s)
{
	while (*s)
		con_putc(*s++);
}

struct sink {
	char *buf; /* NULL: the console */
	size_t len, pos;
};

static void sink_put(struct sink *k, char c)
{
	if (!k->buf) {
		con_putc(c);
		return;
	}
	if (k->pos + 1 < k->len)
		k->buf[k->pos++] = c;
}

static void put_num(struct sink *k, uint64_t v, unsigned base, int width, char pad, bool neg)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		digits[n++] = '-';
	while (width-- > n)
		sink_put(k, pad);
	while (n)
		sink_put(k, digits[--n]);
}

/* One conversion starting after '%'; returns the character after it. */
static const char *put_conv(struct sink *k, const char *f, va_list *ap)
{
	char pad = ' ';
	int width = 0, longs = 0;

	if (*f == '0')
		pad = '0';
	while (*f >= '0' && *f <= '9')
		width = width * 10 + (*f++ - '0');
	while (*f == 'l')
		longs++, f++;
	switch (*f) {
	case 's': {
		const char *s = va_arg(*ap, const char *);
		for (s = s ? s : "(null)"; *s; s++)
			sink_put(k, *s);
		break;
	}
	case 'c':
		sink_put(k, (char)va_arg(*ap, int));
		break;
	case 'd': {
		int64_t v = longs ? va_arg(*ap, int64_t) : va_arg(*ap, int);
		put_num(k, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, width, pad, v < 0);
		break;
	}
	case 'u':
	case 'x': {
		uint64_t v = longs ? va_arg(*ap, uint64_t) : va_arg(*ap, unsigned);
		put_num(k, v, *f == 'x' ? 16 : 10, width, pad, false);
		break;
	}
	case '%':
		sink_put(k, '%');
		break;
	default:
		sink_put(k, '?');
		return *f ? f + 1 : f;
	}
	return f + 1;
}

static void format(struct sink *k, const char *f, va_list ap)
{
	va_list aq;

	va_copy(aq, ap);
	while (*f) {
		if (*f != '%') {
			sink_put(k, *f++);
			continue;
		}
		f = put_conv(k, f + 1, &aq);
	}
	va_end(aq);
	if (k->buf)
		k->buf[k->pos] = 0;
}

void con_printf(const char *fmt, ...)
{
	struct sink k = { 0 };
	va_list ap;

	va_start(ap, fmt);
	format(&k, fmt, ap);
	va_end(ap);
}

const char *tg_snprintf(char *buf, size_t len, const char *fmt, ...)
{
	struct sink k = { buf, len, 0 };
	va_list ap;

	va_start(ap, fmt);
	format(&k, fmt, ap);
	va_end(ap);
	return buf;
}

char tg_why[160];

const char *tg_whyf(const char *fmt, ...)
{
	struct sink k = { tg_why, sizeof(tg_why), 0 };
	va_list ap;

	va_start(ap, fmt);
	format(&k, fmt, ap);
	va_end(ap);
	return tg_why;
}
