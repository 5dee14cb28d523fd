/* SPDX-License-Identifier: MIT */
/*
 * hypercalls: a hostile child. It enables the hypercall page as Linux does (guest OS id, then
 * HYPERCALL = GPA | enable), then makes calls that must all fail without harm:
 *   - every root-only code 0x8100-0x81ff: HV_STATUS_ACCESS_DENIED (6), exactly;
 *   - codes no partition has: HV_STATUS_INVALID_HYPERCALL_CODE (2), exactly;
 *   - garbage control words (rep count/start, variable header size, reserved bits, the fast
 *     flag on a memory-form call), bad input GPAs (unaligned, outside its RAM, at and above
 *     1 TiB, beyond the physical width) for HvPostMessage 0x5c and HvSignalEvent 0x5d, and
 *     nonsense messages and events: any status but success;
 *   - VMMCALL at CPL 3: #UD (part=ring3 runs only this one).
 * Every register but RAX and R8-R11 must come back unchanged (docs/hypercalls.md).
 * Each call prints one line "testguest: hc <what> control 0x.. in 0x.. out 0x.. -> <status>
 * ok|BAD"; a success, a wrong exact status or any fault makes the check fail.
 */
#include "testguest.h"
#include "hv/abi.h"
#include "cmdline.h"

#define MSR_GUEST_OS_ID 0x40000000u
#define MSR_HYPERCALL	0x40000001u
#define GUEST_OS_ID	0x8000000074657374ull /* open source (bit 63), "test" */
#define ANY_ERROR	0xffffffffu	      /* any status but success */

#define HC_REP(n)      ((uint64_t)(n) << 32)
#define HC_REPSTART(n) ((uint64_t)(n) << 48)
#define HC_VARHDR(n)   ((uint64_t)(n) << 17)
#define HC_FAST	       (1ull << 16)

static uint8_t hc_page[4096] __attribute__((aligned(4096)));
static uint8_t in_page[4096] __attribute__((aligned(4096)));
static uint8_t out_page[4096] __attribute__((aligned(4096)));
static uint8_t user_stack[4096] __attribute__((aligned(4096)));

static unsigned calls, bad;
static char first_bad[96];

static void note_bad(const char *what)
{
	if (bad++ == 0)
		for (size_t i = 0; i + 1 < sizeof(first_bad) && what[i]; i++)
			first_bad[i] = what[i];
}

static void call(const char *what, uint64_t control, uint64_t in, uint64_t out, uint32_t want)
{
	uint64_t rax = 0;
	uint32_t fault = safe_hypercall((uint64_t)hc_page, control, in, out, &rax);
	uint32_t status = (uint32_t)(rax & 0xffff);
	bool ok = fault == TG_NO_FAULT && status != HV_STATUS_SUCCESS &&
		  (want == ANY_ERROR || status == want) && !tg_hc_clobbered;

	calls++;
	if (fault == TG_NO_FAULT && tg_hc_clobbered)
		con_printf("testguest: hc %s control 0x%lx -> %u, clobbered registers 0x%x "
			   "(0 RBX, 1 RBP, 2 RSI, 3 RDI, 4-7 R12-R15, 8 RCX, 9 RDX) BAD\n",
			   what, control, status, tg_hc_clobbered);
	else if (fault != TG_NO_FAULT)
		con_printf(
			"testguest: hc %s control 0x%lx in 0x%lx out 0x%lx -> exception %u BAD\n",
			what, control, in, out, fault);
	else
		con_printf("testguest: hc %s control 0x%lx in 0x%lx out 0x%lx -> %u %s\n", what,
			   control, in, out, status, ok ? "ok" : "BAD");
	if (!ok)
		note_bad(what);
}

/* fakepage=1 (a test aid for bare QEMU, tests/guest/run-bare.sh): no hypervisor fills the page,
 * the guest writes a stub that answers as the contract says (6 for 0x8100-0x81ff, else 2) and
 * clobbers R8-R11 as a hypervisor may, so the calling code is tested without one. */
static const uint8_t fake_stub[] = {
	0x89, 0xc8,		      /* mov %ecx, %eax */
	0x25, 0x00, 0xff, 0x00, 0x00, /* and $0xff00, %eax */
	0x4d, 0x31, 0xc0,	      /* xor %r8, %r8 */
	0x4d, 0x31, 0xdb,	      /* xor %r11, %r11 */
	0x3d, 0x00, 0x81, 0x00, 0x00, /* cmp $0x8100, %eax */
	0xb8, 0x02, 0x00, 0x00, 0x00, /* mov $2, %eax (flags kept) */
	0x75, 0x05,		      /* jne 1f */
	0xb8, 0x06, 0x00, 0x00, 0x00, /* mov $6, %eax */
	0xc3,			      /* 1: ret */
};

static const char *enable_hypercall_page(bool fake)
{
	if (fake) {
		memcpy(hc_page, fake_stub, sizeof(fake_stub));
		con_puts(
			"testguest: fakepage=1: the guest's own stub stands in for the hypervisor\n");
		return NULL;
	}

	uint64_t v = 0;
	uint32_t f;

	if ((f = safe_wrmsr(MSR_GUEST_OS_ID, GUEST_OS_ID)) != TG_NO_FAULT)
		return tg_whyf("writing the guest OS id MSR raised exception %u", f);
	if ((f = safe_wrmsr(MSR_HYPERCALL, (uint64_t)hc_page | 1)) != TG_NO_FAULT)
		return tg_whyf("writing the hypercall MSR raised exception %u", f);
	if ((f = safe_rdmsr(MSR_HYPERCALL, &v)) != TG_NO_FAULT)
		return tg_whyf("reading the hypercall MSR raised exception %u", f);
	if (v != ((uint64_t)hc_page | 1))
		return tg_whyf("hypercall MSR reads 0x%lx, wrote 0x%lx", v, (uint64_t)hc_page | 1);
	for (int i = 0; i + 2 < 16; i++)
		if (hc_page[i] == 0x0f && hc_page[i + 1] == 0x01 && hc_page[i + 2] == 0xd9)
			return NULL;
	return "no VMMCALL (0f 01 d9) in the first 16 bytes of the hypercall page";
}

static void fixed_codes(uint64_t in, uint64_t out)
{
	static const uint16_t unknown[] = { 0x0000, 0x7fff, 0x8000, 0x8001,
					    0x80ff, 0x8200, 0xfffe, 0xffff };
	char what[32];

	for (uint32_t code = HV_CALL_PRIVATE_BASE; code <= 0x81ff; code++) {
		tg_snprintf(what, sizeof(what), "root-only 0x%x", code);
		call(what, code, in, out, HV_STATUS_ACCESS_DENIED);
	}
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		tg_snprintf(what, sizeof(what), "unknown 0x%x", unknown[i]);
		call(what, unknown[i], in, out, HV_STATUS_INVALID_HYPERCALL_CODE);
	}
}

static void garbage_controls(uint64_t in, uint64_t out)
{
	static const struct {
		const char *what;
		uint64_t bits;
	} g[] = {
		{ "rep count 1", HC_REP(1) },	      { "rep count 0xfff", HC_REP(0xfff) },
		{ "rep start 1", HC_REPSTART(1) },    { "varhdr 1", HC_VARHDR(1) },
		{ "varhdr 0x3ff", HC_VARHDR(0x3ff) }, { "reserved bit 27", 1ull << 27 },
		{ "reserved bit 31", 1ull << 31 },    { "reserved bit 44", 1ull << 44 },
		{ "reserved bit 63", 1ull << 63 },    { "all ones", ~0xffffull },
	};
	static const uint16_t codes[] = { 0x5c, 0x5d, 0x8100 };
	char what[48];

	for (size_t c = 0; c < sizeof(codes) / sizeof(codes[0]); c++)
		for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
			tg_snprintf(what, sizeof(what), "0x%x %s", codes[c], g[i].what);
			call(what, codes[c] | g[i].bits, in, out, ANY_ERROR);
		}
	call("0x5c fast flag (memory-form call)", 0x5c | HC_FAST, in, out, ANY_ERROR);
}

static void bad_gpas(uint64_t ram, uint64_t out)
{
	const uint64_t in = (uint64_t)in_page;
	const struct {
		const char *what;
		uint64_t gpa;
	} g[] = {
		{ "unaligned +8", in + 8 },
		{ "unaligned +0x800", in + 0x800 },
		{ "first page past RAM", ram },
		{ "2 MiB past RAM", ram + 0x200000 },
		{ "APIC page", 0xfee00000 },
		{ "1 TiB", 1ull << 40 },
		{ "1 TiB + 4 KiB", (1ull << 40) + 4096 },
		{ "2^52", 1ull << 52 },
		{ "top page", 0xfffffffffffff000ull },
	};
	char what[48];

	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		tg_snprintf(what, sizeof(what), "0x5c input %s", g[i].what);
		call(what, 0x5c, g[i].gpa, out, ANY_ERROR);
		tg_snprintf(what, sizeof(what), "0x5d memory-form input %s", g[i].what);
		call(what, 0x5d, g[i].gpa, out, ANY_ERROR);
	}
	call("0x5c output past RAM", 0x5c, in, ram, ANY_ERROR);
}

/* Well-formed calls that name nothing this child may use. */
static void nonsense_messages(uint64_t out)
{
	uint32_t *m = (uint32_t *)in_page;
	const uint64_t in = (uint64_t)in_page;

	memset(in_page, 0, sizeof(in_page));
	m[0] = 0x7fffffff, m[2] = 1, m[3] = 16; /* connection id, type, payload size */
	call("0x5c unknown connection 0x7fffffff", 0x5c, in, out, ANY_ERROR);
	m[0] = 1, m[3] = 241;
	call("0x5c payload size 241", 0x5c, in, out, ANY_ERROR);
	m[2] = 0, m[3] = 16;
	call("0x5c message type 0", 0x5c, in, out, ANY_ERROR);
	m[2] = 0x80000001;
	call("0x5c hypervisor message type", 0x5c, in, out, ANY_ERROR);
	call("0x5d fast connection 0xffffff", 0x5d | HC_FAST, 0xffffff, 0, ANY_ERROR);
	call("0x5d fast flag 0xffff", 0x5d | HC_FAST, 1 | 0xffffull << 32, 0, ANY_ERROR);
	call("0x5d fast reserved bits", 0x5d | HC_FAST, ~0ull, ~0ull, ANY_ERROR);
}

/* VMMCALL at CPL 3 must raise #UD (docs/hypercalls.md). The image's 2 MiB page is made user
 * accessible for the test (code and stack are in it) and made supervisor-only again after. */
static void ring3(void)
{
	uint32_t v;

	calls++;
	if (!map_2m(TG_IMAGE_BASE, TG_IMAGE_BASE, true)) {
		con_puts("testguest: hc VMMCALL at CPL 3: cannot map the image for ring 3 BAD\n");
		note_bad("ring 3 mapping");
		return;
	}
	v = ring3_vmmcall(HV_CALL_GET_STATS, (uint64_t)(user_stack + sizeof(user_stack)));
	map_2m(TG_IMAGE_BASE, TG_IMAGE_BASE, false);
	if (v == 6 && tg_last_fault.rip == (uint64_t)ring3_code) {
		con_puts("testguest: hc VMMCALL at CPL 3 -> #UD ok\n");
		return;
	}
	con_printf("testguest: hc VMMCALL at CPL 3 -> exception %u (rax 0x%lx at rip 0x%lx), "
		   "not #UD BAD\n",
		   v, tg_last_fault.rax, tg_last_fault.rip);
	note_bad("VMMCALL at CPL 3");
}

const char *check_hypercalls(const char *cmdline)
{
	const uint64_t in = (uint64_t)in_page, out = (uint64_t)out_page;
	const char *why;
	char part[16];

	if (tg_cmdline_get(cmdline, "part", part, sizeof(part)) && !strcmp(part, "ring3")) {
		ring3(); /* needs no hypercall page: also runs on a bare CPU */
		return bad ? tg_whyf("VMMCALL at CPL 3 did not raise #UD") : NULL;
	}
	if ((why = enable_hypercall_page(tg_cmdline_get(cmdline, "fakepage", part, sizeof(part)) &&
					 !strcmp(part, "1"))))
		return why;
	con_printf("testguest: hypercall page at 0x%lx\n", (uint64_t)hc_page);
	fixed_codes(in, out);
	garbage_controls(in, out);
	bad_gpas(tg_boot->ram_bytes, out);
	nonsense_messages(out);
	ring3();
	con_printf("testguest: hypercalls: %u calls, %u misbehaved\n", calls, bad);
	if (bad)
		return tg_whyf("%u of %u calls misbehaved (first: %s)", bad, calls, first_bad);
	return NULL;
}
