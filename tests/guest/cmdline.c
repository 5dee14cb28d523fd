/* SPDX-License-Identifier: MIT */
/* The guest's pure logic (see cmdline.h): everything here is a function of its arguments, so
 * that the host tests can run it under ASan and the guest runs exactly the same code. */
#include "cmdline.h"

const char *tg_boot_info_problem(const struct tg_boot_info *bi)
{
	if (bi->magic != TG_BOOT_MAGIC)
		return "bad boot-info magic";
	if (bi->version != TG_BOOT_VERSION)
		return "unknown boot-info version";
	if (bi->size != sizeof(*bi))
		return "boot-info size does not match";
	if (bi->ram_bytes < TG_RAM_MIN || bi->ram_bytes > TG_RAM_MAX ||
	    bi->ram_bytes % TG_RAM_ALIGN)
		return "ram_bytes outside 8 MiB..64 GiB or not a multiple of 2 MiB";
	if (bi->vp_count == 0)
		return "vp_count is 0";
	for (size_t i = 0; i < TG_CMDLINE_MAX; i++) {
		unsigned char c = (unsigned char)bi->cmdline[i];
		if (c == 0)
			return NULL;
		if (c < 0x20 || c > 0x7e)
			return "command line holds a non-printable byte";
	}
	return "command line is not NUL-terminated";
}

static bool token_is(const char *tok, size_t toklen, const char *key, size_t *keylen)
{
	size_t n = 0;
	while (key[n] && n < toklen && tok[n] == key[n])
		n++;
	if (key[n] || (n < toklen && tok[n] != '='))
		return false;
	*keylen = n;
	return true;
}

bool tg_cmdline_get(const char *cmdline, const char *key, char *val, size_t len)
{
	bool found = false;
	const char *p = cmdline;

	if (!key[0] || len == 0)
		return false;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *tok = p;
		while (*p && *p != ' ')
			p++;
		size_t toklen = (size_t)(p - tok), keylen;
		if (toklen == 0 || !token_is(tok, toklen, key, &keylen))
			continue;
		const char *v = tok + keylen + (keylen < toklen); /* skip the '=' */
		size_t vlen = toklen - (size_t)(v - tok);
		if (vlen >= len)
			return false;
		for (size_t i = 0; i < vlen; i++)
			val[i] = v[i];
		val[vlen] = 0;
		found = true;
	}
	return found;
}

static int digit_value(char c, unsigned base)
{
	int d = -1;
	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	return d >= 0 && (unsigned)d < base ? d : -1;
}

bool tg_parse_u64(const char *s, uint64_t *out)
{
	unsigned base = 10, shift = 0;
	uint64_t v = 0;
	size_t digits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++, digits++) {
		int d = digit_value(*s, base);
		if (d < 0)
			break;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return false;
		v = v * base + (uint64_t)d;
	}
	if (digits == 0)
		return false;
	switch (*s) {
	case 0:
		break;
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	case 'T':
		shift = 40;
		break;
	default:
		return false;
	}
	if (*s && s[1])
		return false;
	if (shift && v > (UINT64_MAX >> shift))
		return false;
	*out = v << shift;
	return true;
}

bool tg_cmdline_u64(const char *cmdline, const char *key, uint64_t *v)
{
	char buf[32];
	uint64_t n;

	if (!tg_cmdline_get(cmdline, key, buf, sizeof(buf)) || !tg_parse_u64(buf, &n))
		return false;
	*v = n;
	return true;
}

uint64_t tg_pattern(uint64_t addr, uint32_t pass)
{
	/* splitmix64's finaliser: a bijection, so distinct words get distinct values */
	uint64_t z = addr + 0x9e3779b97f4a7c15ull * ((uint64_t)pass + 1);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	if (z == 0 || z == addr)
		z = ~addr;
	return z;
}

size_t tg_scan_ranges(uint64_t ram_bytes, uint64_t image_end, struct tg_range *out, size_t max)
{
	uint64_t high = (image_end + 0xfff) & ~0xfffull;

	if (max < 2 || ram_bytes < TG_RAM_MIN || ram_bytes > TG_RAM_MAX || ram_bytes % 4096 ||
	    image_end < TG_IMAGE_BASE || image_end > TG_IMAGE_LIMIT)
		return 0;
	out[0] = (struct tg_range){ TG_LOW_FREE_BASE, TG_LOW_FREE_END };
	out[1] = (struct tg_range){ high, ram_bytes };
	return 2;
}
