/* SPDX-License-Identifier: MIT */
/* vsnprintf and snprintf as the proof targets see them: Frama-C's libc specifies vsnprintf
 * only by what it may assign (not that the result is a string, nor what it reads), so the
 * targets that log link this model instead. It reads every argument as the format says --
 * each %s argument with strlen, whose precondition EVA checks: a %s that is not a
 * NUL-terminated string, an argument missing or of the wrong size for its conversion, or a
 * conversion this model does not know, is an alarm -- and writes a string of any content that
 * ends within n bytes (for n > 0), which is all callers may rely on. What it assumes of the C
 * library: that vsnprintf truncates to n bytes and terminates, and reads nothing else. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "__fc_builtin.h"

/* One conversion at *f (after the '%'): reads its argument; returns the next format char. */
static const char *convert(const char *f, va_list *ap)
{
	int longs = 0, size = 0;

	while (*f == '-' || *f == '+' || *f == ' ' || *f == '#' || *f == '0')
		f++;
	while (*f >= '0' && *f <= '9')
		f++;
	for (; *f == 'l' || *f == 'z'; f++) {
		if (*f == 'z')
			size = 1;
		else
			longs++;
	}
	switch (*f) {
	case 's':
		strlen(va_arg(*ap, const char *));
		break;
	case 'c':
	case 'd':
	case 'i':
		/*@ assert longs == 0 && size == 0; */
		va_arg(*ap, int);
		break;
	case 'u':
	case 'x':
	case 'X':
		if (size)
			va_arg(*ap, size_t);
		else if (longs == 1)
			va_arg(*ap, unsigned long);
		else if (longs == 2)
			va_arg(*ap, unsigned long long);
		else
			va_arg(*ap, unsigned int);
		break;
	case 'p':
		va_arg(*ap, void *);
		break;
	case '%':
		break;
	default:
		/*@ assert unknown_conversion: \false; */
		return f;
	}
	return f + 1;
}

int vsnprintf(char *restrict s, size_t n, const char *restrict fmt, va_list ap)
{
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt++ == '%')
			fmt = convert(fmt, &aq);
	}
	va_end(aq);
	if (n) {
		Frama_C_make_unknown(s, n - 1);
		s[n - 1] = '\0';
	}
	return Frama_C_interval(0, 0x7fffffff);
}

int snprintf(char *restrict s, size_t n, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(s, n, fmt, ap);
	va_end(ap);
	return r;
}
