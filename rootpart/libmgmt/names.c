/* SPDX-License-Identifier: MIT */
/* VM name rule and path joining: see names.h. */
#include "mgmt/names.h"

#include <stdio.h>
#include <string.h>

bool mgmt_vm_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > MGMT_VM_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');
		if (i == 0 && !alnum)
			return false;
		if (!alnum && c != '.' && c != '_' && c != '-')
			return false;
	}
	return true;
}

bool mgmt_path_join(char *buf, size_t size, const char *dir, const char *name, const char *suffix)
{
	int n = snprintf(buf, size, "%s/%s%s", dir, name, suffix ? suffix : "");
	return n > 0 && (size_t)n < size;
}
