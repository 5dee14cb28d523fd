/* SPDX-License-Identifier: MIT */
/* Where things are in a JSON text: a second, small pass over a text that json-c has already
 * accepted, which json-c cannot do itself. It gives the line and column of every key and
 * value by path ("boot.guest", "disks[1].path"), so that each config problem can be reported
 * as FILE:LINE:COL, and it finds keys given twice in one object (json-c silently keeps the
 * last, so "readonly": true, "readonly": false would read as writable). */
#ifndef MGMT_JSON_LOCATE_H
#define MGMT_JSON_LOCATE_H

#include <stdbool.h>
#include <stddef.h>

#define MGMT_JSON_PATH_MAX 256

struct mgmt_json_pos {
	int line, col; /* 1-based; 0 when unknown */
};

struct mgmt_json_entry {
	char path[MGMT_JSON_PATH_MAX]; /* "" is the document's root value */
	struct mgmt_json_pos key;      /* the key's opening quote (root, elements: the value) */
	struct mgmt_json_pos value;    /* the value's first character */
	struct mgmt_json_pos first;    /* a duplicate: where the same key came first */
	bool duplicate;
};

struct mgmt_json_index {
	struct mgmt_json_entry *entries;
	size_t n, cap;
};

/* Indexes text[0..len). Returns 0, -EINVAL if the text is not JSON after all (the caller
 * reports json-c's error instead), or -ENOMEM. Free with mgmt_json_index_free. */
int mgmt_json_index_build(struct mgmt_json_index *ix, const char *text, size_t len);
void mgmt_json_index_free(struct mgmt_json_index *ix);

/* The entry for path (the first one when the key was duplicated), or NULL. */
const struct mgmt_json_entry *mgmt_json_index_find(const struct mgmt_json_index *ix,
						   const char *path);
/* The position to report for path: its value; for a path not in the text (a missing key)
 * the nearest enclosing value that is. */
struct mgmt_json_pos mgmt_json_index_value_pos(const struct mgmt_json_index *ix, const char *path);

#endif
