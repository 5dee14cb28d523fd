/* SPDX-License-Identifier: MIT */
/* The hv.cfg parser: one `key = value` per line, blank lines and `#` comments ignored,
 * unknown keys and malformed values rejected with the line number. */
#include "cfg.h"

/* a[0..n) equals the NUL-terminated b (b is never read past its end). */
static int seq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!b[i] || a[i] != b[i])
			return 0;
	return b[n] == 0;
}

static void put_err(char *err, size_t errlen, const char *msg)
{
	size_t i = 0;
	for (; errlen && i + 1 < errlen && msg[i]; i++)
		err[i] = msg[i];
	if (errlen)
		err[i] = 0;
}

static int set_str(char *dst, size_t cap, const char *v, size_t n)
{
	if (n + 1 > cap)
		return -1;
	for (size_t i = 0; i < n; i++)
		dst[i] = v[i];
	dst[n] = 0;
	return 0;
}

static int parse_port(const char *v, size_t n, int *out)
{
	if (seq(v, "none", n)) {
		*out = 0;
		return 0;
	}
	unsigned long x = 0;
	size_t i = 0;
	int base = 10;
	if (n > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == n)
		return -1;
	for (; i < n; i++) {
		int d;
		char c = v[i];
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		x = x * (unsigned long)base + (unsigned long)d;
		if (x > 0xfff8)
			return -1;
	}
	if (x == 0)
		return -1;
	*out = (int)x;
	return 0;
}

void hv_cfg_defaults(struct hv_cfg *cfg)
{
	static const struct hv_cfg d = {
		.hypervisor = "\\hv.efi",
		.kernel = "\\vmlinuz",
		.initrd = "",
		.cmdline = "",
		.log_port = 0x2f8,
		.on_failure = HV_ON_FAILURE_STOP,
		.on_panic = HV_ON_PANIC_HALT,
		.on_root_triple_fault = HV_ON_ROOT_TRIPLE_FAULT_RESET,
	};
	*cfg = d;
}

int hv_cfg_parse(struct hv_cfg *cfg, const char *text, size_t len, char *err, size_t errlen)
{
	size_t pos = 0;
	int line = 0;
	hv_cfg_defaults(cfg);
	put_err(err, errlen, "");
	while (pos < len) {
		line++;
		size_t end = pos;
		while (end < len && text[end] != '\n')
			end++;
		size_t a = pos, b = end;
		pos = end + 1;
		while (a < b && (text[a] == ' ' || text[a] == '\t'))
			a++;
		while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r'))
			b--;
		if (a == b || text[a] == '#')
			continue;
		size_t eq = a;
		while (eq < b && text[eq] != '=')
			eq++;
		if (eq == b) {
			put_err(err, errlen, "expected key = value");
			return line;
		}
		size_t kb = a, ke = eq, vb = eq + 1, ve = b;
		while (ke > kb && (text[ke - 1] == ' ' || text[ke - 1] == '\t'))
			ke--;
		while (vb < ve && (text[vb] == ' ' || text[vb] == '\t'))
			vb++;
		const char *k = text + kb, *v = text + vb;
		size_t kn = ke - kb, vn = ve - vb;
		int rc = 0;
		if (seq(k, "hypervisor", kn))
			rc = vn ? set_str(cfg->hypervisor, sizeof(cfg->hypervisor), v, vn) : -1;
		else if (seq(k, "kernel", kn))
			rc = vn ? set_str(cfg->kernel, sizeof(cfg->kernel), v, vn) : -1;
		else if (seq(k, "initrd", kn))
			rc = set_str(cfg->initrd, sizeof(cfg->initrd), v, vn);
		else if (seq(k, "cmdline", kn))
			rc = set_str(cfg->cmdline, sizeof(cfg->cmdline), v, vn);
		else if (seq(k, "log_port", kn))
			rc = parse_port(v, vn, &cfg->log_port);
		else if (seq(k, "on_failure", kn)) {
			if (seq(v, "boot", vn))
				cfg->on_failure = HV_ON_FAILURE_BOOT;
			else if (seq(v, "stop", vn))
				cfg->on_failure = HV_ON_FAILURE_STOP;
			else
				rc = -1;
		} else if (seq(k, "on_panic", kn)) {
			if (seq(v, "halt", vn))
				cfg->on_panic = HV_ON_PANIC_HALT;
			else if (seq(v, "reset", vn))
				cfg->on_panic = HV_ON_PANIC_RESET;
			else
				rc = -1;
		} else if (seq(k, "on_root_triple_fault", kn)) {
			if (seq(v, "reset", vn))
				cfg->on_root_triple_fault = HV_ON_ROOT_TRIPLE_FAULT_RESET;
			else if (seq(v, "halt", vn))
				cfg->on_root_triple_fault = HV_ON_ROOT_TRIPLE_FAULT_HALT;
			else
				rc = -1;
		} else {
			put_err(err, errlen, "unknown key");
			return line;
		}
		if (rc) {
			put_err(err, errlen, "bad or too long value");
			return line;
		}
	}
	return 0;
}
