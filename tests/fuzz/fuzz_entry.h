/* SPDX-License-Identifier: MIT */
/* The libFuzzer entry point every fuzz target defines (declared once, so that the targets
 * build with -Wmissing-prototypes). */
#ifndef TESTS_FUZZ_ENTRY_H
#define TESTS_FUZZ_ENTRY_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
