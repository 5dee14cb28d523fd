/* SPDX-License-Identifier: MIT */
/* The AML emitter (aml.h). Encodings from the ACPI specification's AML grammar: opcodes,
 * PkgLength (a lead byte whose top two bits count the bytes that follow), NameString (root
 * prefix, one segment, DualNamePrefix or MultiNamePrefix) and integer prefixes. */
#include "aml.h"

#include <string.h>

#define AML_ZERO_OP	  0x00
#define AML_ONE_OP	  0x01
#define AML_NAME_OP	  0x08
#define AML_BYTE_PREFIX	  0x0a
#define AML_WORD_PREFIX	  0x0b
#define AML_DWORD_PREFIX  0x0c
#define AML_STRING_PREFIX 0x0d
#define AML_QWORD_PREFIX  0x0e
#define AML_SCOPE_OP	  0x10
#define AML_BUFFER_OP	  0x11
#define AML_PACKAGE_OP	  0x12
#define AML_DUAL_PREFIX	  0x2e
#define AML_MULTI_PREFIX  0x2f
#define AML_EXT_PREFIX	  0x5b
#define AML_DEVICE_OP	  0x82 /* after AML_EXT_PREFIX */
#define AML_ROOT_CHAR	  '\\'
#define AML_SEGS_MAX	  8
#define AML_PKGLEN_MAX	  ((1u << 28) - 1) /* 4 bytes: 4 + 3 * 8 bits */

void aml_init(struct aml *a, uint8_t *buf, size_t cap)
{
	memset(a, 0, sizeof(*a));
	a->buf = buf;
	a->cap = cap;
}

static void put(struct aml *a, const void *p, size_t n)
{
	if (a->error)
		return;
	if (n > a->cap - a->len) {
		a->error = 1;
		return;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void put8(struct aml *a, uint8_t b)
{
	put(a, &b, 1);
}

static void put_le(struct aml *a, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		put8(a, (uint8_t)(v >> (8 * i)));
}

static int is_lead_char(char c)
{
	return (c >= 'A' && c <= 'Z') || c == '_';
}

/* One NameSeg from s[0..len): 1-4 characters, padded with '_'. */
static void put_seg(struct aml *a, const char *s, size_t len)
{
	uint8_t seg[4] = { '_', '_', '_', '_' };
	if (len == 0 || len > 4 || !is_lead_char(s[0])) {
		a->error = 1;
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (!is_lead_char(s[i]) && !(s[i] >= '0' && s[i] <= '9')) {
			a->error = 1;
			return;
		}
		seg[i] = (uint8_t)s[i];
	}
	put(a, seg, 4);
}

static void put_namestring(struct aml *a, const char *path)
{
	const char *segs[AML_SEGS_MAX];
	size_t lens[AML_SEGS_MAX];
	unsigned count = 0;
	if (*path == AML_ROOT_CHAR) {
		put8(a, AML_ROOT_CHAR);
		path++;
	}
	for (const char *p = path;; p++) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		if (count == AML_SEGS_MAX) {
			a->error = 1;
			return;
		}
		segs[count] = p;
		lens[count++] = len;
		if (!dot)
			break;
		p = dot;
	}
	if (count == 2)
		put8(a, AML_DUAL_PREFIX);
	else if (count > 2) {
		put8(a, AML_MULTI_PREFIX);
		put8(a, (uint8_t)count);
	}
	for (unsigned i = 0; i < count; i++)
		put_seg(a, segs[i], lens[i]);
}

/* Remembers where the PkgLength of the object being opened goes. */
static void open_pkg(struct aml *a)
{
	if (a->error)
		return;
	if (a->depth == AML_DEPTH_MAX) {
		a->error = 1;
		return;
	}
	a->open[a->depth++] = a->len;
}

void aml_close(struct aml *a)
{
	if (a->error)
		return;
	if (a->depth == 0) {
		a->error = 1;
		return;
	}
	size_t at = a->open[--a->depth];
	size_t body = a->len - at;
	/* PkgLength counts its own bytes: one byte holds up to 63, then 4 bits + 8 per byte. */
	unsigned extra = body + 1 <= 63		 ? 0
			 : body + 2 < (1u << 12) ? 1
			 : body + 3 < (1u << 20) ? 2
						 : 3;
	size_t total = body + 1 + extra;
	if (total > AML_PKGLEN_MAX || extra + 1 > a->cap - a->len) {
		a->error = 1;
		return;
	}
	memmove(a->buf + at + 1 + extra, a->buf + at, body);
	if (extra == 0) {
		a->buf[at] = (uint8_t)total;
	} else {
		a->buf[at] = (uint8_t)(extra << 6 | (total & 0xf));
		for (unsigned i = 0; i < extra; i++)
			a->buf[at + 1 + i] = (uint8_t)(total >> (4 + 8 * i));
	}
	a->len += 1 + extra;
}

void aml_scope(struct aml *a, const char *path)
{
	put8(a, AML_SCOPE_OP);
	open_pkg(a);
	put_namestring(a, path);
}

void aml_device(struct aml *a, const char *path)
{
	put8(a, AML_EXT_PREFIX);
	put8(a, AML_DEVICE_OP);
	open_pkg(a);
	put_namestring(a, path);
}

void aml_package(struct aml *a, uint8_t count)
{
	put8(a, AML_PACKAGE_OP);
	open_pkg(a);
	put8(a, count);
}

void aml_name(struct aml *a, const char *path)
{
	put8(a, AML_NAME_OP);
	put_namestring(a, path);
}

void aml_integer(struct aml *a, uint64_t v)
{
	if (v <= 1) {
		put8(a, v ? AML_ONE_OP : AML_ZERO_OP);
	} else if (v <= 0xff) {
		put8(a, AML_BYTE_PREFIX);
		put_le(a, v, 1);
	} else if (v <= 0xffff) {
		put8(a, AML_WORD_PREFIX);
		put_le(a, v, 2);
	} else if (v <= 0xffffffff) {
		put8(a, AML_DWORD_PREFIX);
		put_le(a, v, 4);
	} else {
		put8(a, AML_QWORD_PREFIX);
		put_le(a, v, 8);
	}
}

void aml_string(struct aml *a, const char *s)
{
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p > 0x7f)
			a->error = 1; /* AsciiCharList: 0x01-0x7f */
	}
	put8(a, AML_STRING_PREFIX);
	put(a, s, strlen(s) + 1);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "PNP0501": three letters in 5 bits each (A = 1), then four hex digits; stored big-endian,
 * so the DWord's bytes read 0x41 0xd0 0x05 0x01. */
void aml_eisa_id(struct aml *a, const char *id)
{
	if (strlen(id) != 7) {
		a->error = 1;
		return;
	}
	uint32_t v = 0;
	for (int i = 0; i < 3; i++) {
		if (id[i] < 'A' || id[i] > 'Z') {
			a->error = 1;
			return;
		}
		v = v << 5 | (uint32_t)(id[i] - 'A' + 1);
	}
	for (int i = 3; i < 7; i++) {
		int d = hex_digit(id[i]);
		if (d < 0) {
			a->error = 1;
			return;
		}
		v = v << 4 | (uint32_t)d;
	}
	/* v is the big-endian id; AML stores the integer little-endian. */
	put8(a, AML_DWORD_PREFIX);
	for (int i = 3; i >= 0; i--)
		put8(a, (uint8_t)(v >> (8 * i)));
}

void aml_buffer(struct aml *a, const uint8_t *bytes, size_t len)
{
	put8(a, AML_BUFFER_OP);
	open_pkg(a);
	aml_integer(a, len);
	put(a, bytes, len);
	aml_close(a);
}

long aml_finish(const struct aml *a)
{
	if (a->error || a->depth)
		return -1;
	return (long)a->len;
}
