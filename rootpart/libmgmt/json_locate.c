/* SPDX-License-Identifier: MIT */
/* A minimal JSON walker for positions and duplicate keys: see json_locate.h. The text has
 * been accepted by json-c's strict parser before, so this walker only needs to follow valid
 * JSON; anything else stops it with -EINVAL. Depth is bounded like json-c's (64). */
#include "mgmt/json_locate.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

struct walker {
	const char *s;
	size_t len, i;
	int line, col;
	struct mgmt_json_index *ix;
};

static int peek(const struct walker *w)
{
	return w->i < w->len ? (unsigned char)w->s[w->i] : -1;
}

static void advance(struct walker *w)
{
	if (w->s[w->i] == '\n') {
		w->line++;
		w->col = 1;
	} else if (((unsigned char)w->s[w->i] & 0xc0) != 0x80) {
		w->col++; /* columns count characters, not UTF-8 continuation bytes */
	}
	w->i++;
}

static void skip_ws(struct walker *w)
{
	while (w->i < w->len && strchr(" \t\r\n", w->s[w->i]) && w->s[w->i])
		advance(w);
}

static struct mgmt_json_pos here(const struct walker *w)
{
	return (struct mgmt_json_pos){ w->line, w->col };
}

static void put_utf8(char *out, size_t *o, size_t size, uint32_t cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	for (size_t k = 0; k < n && *o + 1 < size; k++)
		out[(*o)++] = b[k];
}

static int hex4(struct walker *w, uint32_t *v)
{
	*v = 0;
	for (int k = 0; k < 4; k++) {
		int c = peek(w);
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return -EINVAL;
		*v = *v << 4 | (uint32_t)d;
		advance(w);
	}
	return 0;
}

static int escape(struct walker *w, char *out, size_t *o, size_t size)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	int c = peek(w);
	const char *p = c > 0 ? strchr(from, c) : NULL;
	if (p) {
		advance(w);
		put_utf8(out, o, size, (unsigned char)to[p - from]);
		return 0;
	}
	uint32_t cp, lo;
	if (c != 'u')
		return -EINVAL;
	advance(w);
	if (hex4(w, &cp))
		return -EINVAL;
	if (cp >= 0xd800 && cp < 0xdc00 && peek(w) == '\\') {
		advance(w);
		if (peek(w) != 'u')
			return -EINVAL;
		advance(w);
		if (hex4(w, &lo))
			return -EINVAL;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	put_utf8(out, o, size, cp);
	return 0;
}

/* A string; its decoded text (cut at size) into out when out is not NULL. */
static int string(struct walker *w, char *out, size_t size)
{
	size_t o = 0;
	char scratch[8];
	if (!out) {
		out = scratch;
		size = sizeof(scratch);
	}
	advance(w); /* the opening quote */
	for (;;) {
		int c = peek(w);
		if (c < 0)
			return -EINVAL;
		advance(w);
		if (c == '"')
			break;
		if (c == '\\') {
			if (escape(w, out, &o, size))
				return -EINVAL;
		} else if (o + 1 < size) {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return 0;
}

static int add(struct walker *w, const char *path, struct mgmt_json_pos key,
	       struct mgmt_json_pos value, struct mgmt_json_entry **out)
{
	struct mgmt_json_index *ix = w->ix;
	if (ix->n == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 32;
		struct mgmt_json_entry *e = realloc(ix->entries, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		ix->entries = e;
		ix->cap = cap;
	}
	struct mgmt_json_entry *e = &ix->entries[ix->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->path, sizeof(e->path), "%s", path);
	e->key = key;
	e->value = value;
	*out = e;
	return 0;
}

static int value(struct walker *w, const char *path, struct mgmt_json_pos key, int depth);

/* Is there an earlier key of this object (entries from `first` on) with this path? */
static const struct mgmt_json_entry *earlier(const struct walker *w, size_t first, const char *path)
{
	for (size_t k = first; k < w->ix->n; k++)
		if (strcmp(w->ix->entries[k].path, path) == 0)
			return &w->ix->entries[k];
	return NULL;
}

static int object(struct walker *w, const char *path, int depth)
{
	size_t first = w->ix->n;
	advance(w); /* { */
	skip_ws(w);
	if (peek(w) == '}') {
		advance(w);
		return 0;
	}
	for (;;) {
		char name[MGMT_JSON_PATH_MAX], sub[MGMT_JSON_PATH_MAX * 2];
		skip_ws(w);
		if (peek(w) != '"')
			return -EINVAL;
		struct mgmt_json_pos kpos = here(w);
		if (string(w, name, sizeof(name)))
			return -EINVAL;
		snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", name);
		sub[MGMT_JSON_PATH_MAX - 1] = '\0';
		skip_ws(w);
		if (peek(w) != ':')
			return -EINVAL;
		advance(w);
		const struct mgmt_json_entry *prev = earlier(w, first, sub);
		struct mgmt_json_pos prev_pos = prev ? prev->key : (struct mgmt_json_pos){ 0, 0 };
		size_t at = w->ix->n;
		int rc = value(w, sub, kpos, depth + 1);
		if (rc)
			return rc;
		if (prev) {
			w->ix->entries[at].duplicate = true;
			w->ix->entries[at].first = prev_pos;
		}
		skip_ws(w);
		int c = peek(w);
		advance(w);
		if (c == '}')
			return 0;
		if (c != ',')
			return -EINVAL;
	}
}

static int array(struct walker *w, const char *path, int depth)
{
	advance(w); /* [ */
	skip_ws(w);
	if (peek(w) == ']') {
		advance(w);
		return 0;
	}
	for (size_t i = 0;; i++) {
		char sub[MGMT_JSON_PATH_MAX + 32];
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		sub[MGMT_JSON_PATH_MAX - 1] = '\0';
		skip_ws(w);
		int rc = value(w, sub, here(w), depth + 1);
		if (rc)
			return rc;
		skip_ws(w);
		int c = peek(w);
		advance(w);
		if (c == ']')
			return 0;
		if (c != ',')
			return -EINVAL;
	}
}

static int value(struct walker *w, const char *path, struct mgmt_json_pos key, int depth)
{
	if (depth > MAX_DEPTH)
		return -EINVAL;
	skip_ws(w);
	struct mgmt_json_entry *e;
	int rc = add(w, path, key, here(w), &e);
	if (rc)
		return rc;
	int c = peek(w);
	if (c == '{')
		return object(w, path, depth);
	if (c == '[')
		return array(w, path, depth);
	if (c == '"')
		return string(w, NULL, 0);
	if (c < 0)
		return -EINVAL;
	/* A number or a literal: up to the next delimiter. */
	while (w->i < w->len && !strchr(",]} \t\r\n", w->s[w->i]))
		advance(w);
	return 0;
}

int mgmt_json_index_build(struct mgmt_json_index *ix, const char *text, size_t len)
{
	memset(ix, 0, sizeof(*ix));
	struct walker w = { .s = text, .len = len, .line = 1, .col = 1, .ix = ix };
	skip_ws(&w);
	int rc = value(&w, "", here(&w), 0);
	if (rc)
		mgmt_json_index_free(ix);
	return rc;
}

void mgmt_json_index_free(struct mgmt_json_index *ix)
{
	free(ix->entries);
	memset(ix, 0, sizeof(*ix));
}

const struct mgmt_json_entry *mgmt_json_index_find(const struct mgmt_json_index *ix,
						   const char *path)
{
	for (size_t k = 0; k < ix->n; k++)
		if (strcmp(ix->entries[k].path, path) == 0)
			return &ix->entries[k];
	return NULL;
}

struct mgmt_json_pos mgmt_json_index_value_pos(const struct mgmt_json_index *ix, const char *path)
{
	char p[MGMT_JSON_PATH_MAX];
	snprintf(p, sizeof(p), "%s", path);
	for (;;) {
		const struct mgmt_json_entry *e = mgmt_json_index_find(ix, p);
		if (e)
			return e->value;
		if (!p[0])
			return (struct mgmt_json_pos){ 0, 0 };
		char *dot = strrchr(p, '.'), *br = strrchr(p, '[');
		char *cut = dot > br ? dot : br;
		if (cut)
			*cut = '\0';
		else
			p[0] = '\0';
	}
}
