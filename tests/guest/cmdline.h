/* SPDX-License-Identifier: MIT */
/* The guest's pure logic, built both freestanding (testguest.elf) and hosted (its cmocka tests
 * in tests/unit/guest/): the boot-info check, command-line parsing, the memory-scan pattern
 * and the ranges the scan covers. No I/O, no globals. */
#ifndef TESTGUEST_CMDLINE_H
#define TESTGUEST_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "testguest/boot.h"

/* NULL if the worker's boot-info page is usable, else why not. */
const char *tg_boot_info_problem(const struct tg_boot_info *bi);

/* The value of `key=value` in a space-separated command line, copied NUL-terminated into
 * val[len]. A bare `key` gives "". False when the key is absent or the value does not fit.
 * The last occurrence wins (as in Linux's command line). */
bool tg_cmdline_get(const char *cmdline, const char *key, char *val, size_t len);

/* The value of `key=<number>` (tg_parse_u64); false, with *v unchanged, if absent or not a
 * number. */
bool tg_cmdline_u64(const char *cmdline, const char *key, uint64_t *v);

/* A decimal or 0x-prefixed hexadecimal number with an optional K, M, G or T suffix (binary
 * units); false on anything else or on overflow. */
bool tg_parse_u64(const char *s, uint64_t *out);

/* The memory-scan pattern of the 8-byte word at `addr`: differs from word to word and from
 * page to page, is never 0 and never the address itself, so stale, aliased or zeroed memory
 * all show up. `pass` changes every word, so a second pass proves the first one's values are
 * not simply left over. */
uint64_t tg_pattern(uint64_t addr, uint32_t pass);

struct tg_range {
	uint64_t base;
	uint64_t end; /* exclusive */
};

/* The RAM a memory scan may overwrite: the free low window and everything from the end of the
 * guest's image (rounded up to a page) to the end of RAM. Returns how many ranges were written
 * (at most 2), 0 if ram_bytes or image_end make no sense. */
size_t tg_scan_ranges(uint64_t ram_bytes, uint64_t image_end, struct tg_range *out, size_t max);

#endif /* TESTGUEST_CMDLINE_H */
