/* SPDX-License-Identifier: MIT */
/* A small AML emitter (ACPI 6.x, "ACPI Machine Language Specification"): the handful of terms a
 * child's DSDT needs — scopes, devices, names, integers, strings, EISA ids, packages and
 * buffers — written into a caller's fixed buffer. Objects that hold others are opened and
 * closed; their PkgLength is written at the close, when the size is known. Any mistake (no
 * room, a bad name, unbalanced opens) is remembered and reported once by aml_finish(), so the
 * table builder reads as the ASL it stands for. */
#ifndef HV_VMWP_AML_H
#define HV_VMWP_AML_H

#include <stddef.h>
#include <stdint.h>

#define AML_DEPTH_MAX 8

struct aml {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int error; /* set by the first failure; every later call does nothing */
	unsigned depth;
	size_t open[AML_DEPTH_MAX]; /* where each open object's PkgLength goes */
};

void aml_init(struct aml *a, uint8_t *buf, size_t cap);

/* Scope (path) { ... }, Device (path) { ... }, Package (count) { ... }: closed by aml_close.
 * Paths are ASL names: "\\_SB", "VMBS", "\\_SB.COM1" (segments padded with '_'). */
void aml_scope(struct aml *a, const char *path);
void aml_device(struct aml *a, const char *path);
void aml_package(struct aml *a, uint8_t count);
void aml_close(struct aml *a);

/* Name (path, <the value emitted next>). */
void aml_name(struct aml *a, const char *path);

/* Data: the shortest integer encoding (Zero, One, Byte, Word, DWord, QWord prefixes), a
 * NUL-terminated ASCII string, a compressed EISA id ("PNP0501") and a buffer of bytes. */
void aml_integer(struct aml *a, uint64_t v);
void aml_string(struct aml *a, const char *s);
void aml_eisa_id(struct aml *a, const char *id);
void aml_buffer(struct aml *a, const uint8_t *bytes, size_t len);

/* The length written, or -1 if anything failed or an object is still open. */
long aml_finish(const struct aml *a);

#endif
