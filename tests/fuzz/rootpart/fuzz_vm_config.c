/* SPDX-License-Identifier: MIT */
/* libFuzzer: VM config parsing on arbitrary text. Beyond not crashing: a config that parses
 * normalises to a text that parses again (without file checks) to the same normal form, and
 * every error line has the "FILE:LINE:COL: key: problem" (or "FILE: key: problem", when no
 * position applies) shape. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt/vm_config.h"

#include "fuzz_entry.h"

#define FILE_NAME "/fuzz/vm.json"

/* "FILE: " or "FILE:LINE:COL: " with LINE and COL at least 1. */
static int line_shape_ok(const char *line)
{
	size_t n = strlen(FILE_NAME);
	if (strncmp(line, FILE_NAME, n) != 0)
		return 0;
	const char *p = line + n;
	if (p[0] == ':' && p[1] == ' ')
		return 1;
	for (int part = 0; part < 2; part++) {
		if (*p++ != ':' || *p < '1' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p[0] == ':' && p[1] == ' ';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vm_config cfg;
	char *errors = NULL;
	int rc = vm_config_parse(FILE_NAME, (const char *)data, size, &cfg, &errors);
	if (rc == 0) {
		char *norm = vm_config_to_json(&cfg);
		struct vm_config again;
		char *errors2 = NULL;
		if (!norm || vm_config_parse_ex(FILE_NAME, norm, strlen(norm),
						VM_CONFIG_NO_FILE_CHECKS, &again, &errors2) != 0)
			__builtin_trap();
		char *norm2 = vm_config_to_json(&again);
		if (!norm2 || strcmp(norm, norm2) != 0)
			__builtin_trap();
		free(norm);
		free(norm2);
		vm_config_free(&again);
	} else if (rc == -1) {
		for (char *line = errors; line && *line;) {
			if (!line_shape_ok(line))
				__builtin_trap();
			char *nl = strchr(line, '\n');
			line = nl ? nl + 1 : NULL;
		}
	}
	free(errors);
	vm_config_free(&cfg);
	return 0;
}
