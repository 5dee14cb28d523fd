/* SPDX-License-Identifier: MIT */
/* hvctl's machine formats: every reply that carries data is first a json-c value (the one
 * data model, field names with units: memory_mib, uptime_s), then printed as JSON, YAML or
 * CSV. YAML strings are JSON's double-quoted strings (valid YAML scalars), so any text stays
 * exact; CSV follows RFC 4180 (a header row unless --no-headers, fields with ',', '"' or a
 * line break quoted, nested values as JSON text). The table format is per verb (output.c). */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "hvctl.h"

static const char *json_text(json_object *o, int flags)
{
	return json_object_to_json_string_ext(o, flags | JSON_C_TO_STRING_NOSLASHESCAPE);
}

static bool is_container(json_object *o)
{
	return json_object_is_type(o, json_type_object) || json_object_is_type(o, json_type_array);
}

static bool is_empty(json_object *o)
{
	return json_object_is_type(o, json_type_object) ? json_object_object_length(o) == 0
							: json_object_array_length(o) == 0;
}

static void yaml_value(json_object *o, int indent);

static void yaml_object(json_object *o, int indent)
{
	bool first = true;
	json_object_object_foreach(o, k, v)
	{
		printf("%*s%s:", first && indent < 0 ? 0 : (indent < 0 ? -indent : indent), "", k);
		first = false;
		int child = indent < 0 ? -indent : indent;
		if (v && is_container(v) && !is_empty(v)) {
			printf("\n");
			yaml_value(v, child + 2);
		} else {
			printf(" ");
			yaml_value(v, child + 2);
		}
	}
}

/* indent < 0: the first line continues a "- " already printed at -indent. */
static void yaml_value(json_object *o, int indent)
{
	if (o && json_object_is_type(o, json_type_object) && !is_empty(o)) {
		yaml_object(o, indent);
		return;
	}
	if (o && json_object_is_type(o, json_type_array) && !is_empty(o)) {
		int at = indent < 0 ? -indent : indent;
		for (size_t i = 0; i < json_object_array_length(o); i++) {
			json_object *e = json_object_array_get_idx(o, i);
			printf("%*s- ", at, "");
			if (e && json_object_is_type(e, json_type_object) && !is_empty(e))
				yaml_object(e, -(at + 2));
			else
				yaml_value(e, at + 2);
		}
		return;
	}
	/* Scalars (and empty containers) as JSON text: valid YAML flow values. */
	printf("%s\n", o ? json_text(o, JSON_C_TO_STRING_PLAIN) : "null");
}

static void csv_field(json_object *v)
{
	const char *s;
	if (!v)
		s = "";
	else if (json_object_is_type(v, json_type_string))
		s = json_object_get_string(v);
	else
		s = json_text(v, JSON_C_TO_STRING_PLAIN);
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static void csv_row(json_object *o, bool keys)
{
	bool first = true;
	json_object_object_foreach(o, k, v)
	{
		if (!first)
			putchar(',');
		first = false;
		if (keys) {
			json_object *name = json_object_new_string(k);
			csv_field(name);
			json_object_put(name);
		} else {
			csv_field(v);
		}
	}
	putchar('\n');
}

static void csv_rows(struct hvctl *h, json_object *o)
{
	size_t n = json_object_is_type(o, json_type_array) ? json_object_array_length(o) : 1;
	for (size_t i = 0; i < n; i++) {
		json_object *row = json_object_is_type(o, json_type_array)
					   ? json_object_array_get_idx(o, i)
					   : o;
		if (!json_object_is_type(row, json_type_object))
			continue;
		if (!h->no_headers && !h->header_done) {
			csv_row(row, true);
			h->header_done = true;
		}
		csv_row(row, false);
	}
}

void hvctl_emit(struct hvctl *h, json_object *o, enum hvctl_emit how)
{
	bool one_line = how != HVCTL_EMIT_DOC || !is_container(o);
	switch (h->format) {
	case HVCTL_FORMAT_YAML:
		/* A stream is one YAML sequence, an item per event or line. */
		if (how == HVCTL_EMIT_STREAM && json_object_is_type(o, json_type_object)) {
			printf("- ");
			yaml_object(o, -2);
		} else if (is_container(o) && is_empty(o)) {
			printf("%s\n", json_object_is_type(o, json_type_array) ? "[]" : "{}");
		} else {
			yaml_value(o, 0);
		}
		break;
	case HVCTL_FORMAT_CSV:
		csv_rows(h, o);
		break;
	case HVCTL_FORMAT_JSON:
	case HVCTL_FORMAT_TABLE:
	default:
		puts(json_text(o, one_line ? JSON_C_TO_STRING_PLAIN
					   : JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
		break;
	}
	fflush(stdout);
	json_object_put(o);
}

bool hvctl_parse_format(const char *s, enum hvctl_format *f)
{
	static const char *const names[] = { "table", "json", "yaml", "csv" };
	for (int i = 0; i < 4; i++) {
		if (strcmp(s, names[i]) == 0) {
			*f = (enum hvctl_format)i;
			return true;
		}
	}
	return false;
}
