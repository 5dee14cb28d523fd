/* SPDX-License-Identifier: MIT */
/* VM config parsing and validation with json-c: see vm_config.h. Each key has one checking
 * function; the tables below say which keys exist where, so an unknown key and a missing
 * required key are found the same way at every level. */
#include "mgmt/vm_config.h"

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mgmt/json_locate.h"

struct parse_ctx {
	const char *file;
	unsigned flags;
	char base_dir[4096];
	char *lines[VM_CONFIG_MAX_ERRORS];
	size_t nlines;
	size_t dropped;
	struct vm_config *cfg;
	struct mgmt_json_index ix; /* positions, once the text is known to be JSON */
};

static void vfail_at(struct parse_ctx *p, struct mgmt_json_pos pos, const char *key,
		     const char *fmt, va_list ap)
{
	if (p->nlines == VM_CONFIG_MAX_ERRORS) {
		p->dropped++;
		return;
	}
	char problem[1024], where[32] = "";
	vsnprintf(problem, sizeof(problem), fmt, ap);
	if (pos.line > 0)
		snprintf(where, sizeof(where), ":%d:%d", pos.line, pos.col);
	char *raw = NULL;
	if (asprintf(&raw, "%s%s: %s: %s", p->file, where, key, problem) < 0)
		return;
	/* Keys and values come from the file: control characters are shown escaped so that one
	 * problem stays one line (and cannot forge lines in a terminal or a log). */
	size_t n = strlen(raw);
	char *line = malloc(n * 4 + 1);
	if (line) {
		size_t o = 0;
		for (size_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)raw[i];
			if (ch < 0x20 || ch == 0x7f)
				o += (size_t)sprintf(line + o, "\\x%02x", ch);
			else
				line[o++] = (char)ch;
		}
		line[o] = '\0';
		p->lines[p->nlines++] = line;
	}
	free(raw);
}

/* A problem with a key's value, reported at the value (or, for a missing key, at the object
 * that lacks it): FILE:LINE:COL: key: problem. */
__attribute__((format(printf, 3, 4))) static void fail(struct parse_ctx *p, const char *key,
						       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail_at(p, mgmt_json_index_value_pos(&p->ix, key), key, fmt, ap);
	va_end(ap);
}

/* A problem with a key itself (unknown, given twice), reported at the key. */
__attribute__((format(printf, 4, 5))) static void
fail_at(struct parse_ctx *p, struct mgmt_json_pos pos, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail_at(p, pos, key, fmt, ap);
	va_end(ap);
}

static const char *type_desc(json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "true/false";
	case json_type_double:
		return "a number with a fraction";
	case json_type_int:
		return "an integer";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	}
	return "an unknown type";
}

static bool want_type(struct parse_ctx *p, const char *key, json_object *o, json_type t,
		      const char *what)
{
	if (json_object_is_type(o, t))
		return true;
	fail(p, key, "expected %s, got %s", what, type_desc(o));
	return false;
}

static bool get_u32_in(struct parse_ctx *p, const char *key, json_object *o, int64_t lo, int64_t hi,
		       const char *unit, uint32_t *out)
{
	if (!want_type(p, key, o, json_type_int, "an integer"))
		return false;
	errno = 0;
	int64_t v = json_object_get_int64(o);
	/* json-c clamps values beyond int64 and says so through errno. */
	/* A number beyond int32 is shown as such: json-c keeps only a clamped 64-bit value. */
	if (errno == ERANGE || v < INT32_MIN || v > INT32_MAX) {
		fail(p, key, "the number is far out of range: give %lld to %lld%s", (long long)lo,
		     (long long)hi, unit);
		return false;
	}
	if (v < lo || v > hi) {
		fail(p, key, "%lld is out of range: give %lld to %lld%s", (long long)v,
		     (long long)lo, (long long)hi, unit);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

/* A string from the file, refused when it holds an escaped NUL ("a\u0000b"): C would read
 * it as "a". NULL (with the problem reported) when it is not a usable string. */
static const char *get_string(struct parse_ctx *p, const char *key, json_object *o,
			      const char *what)
{
	if (!want_type(p, key, o, json_type_string, what))
		return NULL;
	const char *s = json_object_get_string(o);
	if (strlen(s) != (size_t)json_object_get_string_len(o)) {
		fail(p, key, "contains a NUL character (\\u0000) at offset %zu: remove it",
		     strlen(s));
		return NULL;
	}
	return s;
}

enum file_need {
	NEED_READ,
	NEED_READ_WRITE
};

/* Resolves a path from the config against its folder and checks the file is usable. */
static char *get_file(struct parse_ctx *p, const char *key, json_object *o, enum file_need need,
		      struct stat *st_out)
{
	const char *s = get_string(p, key, o, "a string (a file path)");
	if (!s)
		return NULL;
	if (s[0] == '\0') {
		fail(p, key, "empty path: give the file's path");
		return NULL;
	}
	char *abs = NULL;
	if (s[0] == '/')
		abs = strdup(s);
	else if (asprintf(&abs, "%s/%s", p->base_dir, s) < 0)
		abs = NULL;
	if (!abs) {
		fail(p, key, "out of memory");
		return NULL;
	}
	struct stat st;
	if (p->flags & VM_CONFIG_NO_FILE_CHECKS) {
		if (st_out)
			memset(st_out, 0, sizeof(*st_out));
		return abs;
	}
	if (stat(abs, &st) != 0) {
		if (errno == ENOENT)
			fail(p, key,
			     "%s does not exist (relative paths start at the config file's "
			     "folder)",
			     abs);
		else
			fail(p, key, "%s: %s", abs, strerror(errno));
		free(abs);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		fail(p, key, "%s is not a regular file or block device", abs);
		free(abs);
		return NULL;
	}
	if (access(abs, R_OK) != 0) {
		fail(p, key, "%s is not readable: %s", abs, strerror(errno));
		free(abs);
		return NULL;
	}
	if (need == NEED_READ_WRITE && access(abs, W_OK) != 0) {
		fail(p, key,
		     "%s is not writable: %s (fix its permissions, or mark the disk "
		     "\"readonly\": true)",
		     abs, strerror(errno));
		free(abs);
		return NULL;
	}
	if (st_out)
		*st_out = st;
	return abs;
}

/* One entry per allowed key of an object; check() is called when the key is present. */
struct key_spec {
	const char *key;
	bool required;
	void (*check)(struct parse_ctx *p, const char *key, json_object *o, void *arg);
};

/* Edit distance (insert, delete, replace; letters compared without case), for "did you
 * mean". Keys are short: at most 63 characters are compared. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strnlen(a, 63), lb = strnlen(b, 63), row[64];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = tolower((unsigned char)a[i - 1]) !=
				      tolower((unsigned char)b[j - 1]);
			size_t best = diag + cost;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The valid key an unknown one most likely meant: a few edits away, or one being the
 * other's beginning ("memory" for "memory_mib"). NULL when none is close. */
static const char *did_you_mean(const char *k, const struct key_spec *specs, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, klen = strlen(k);
	for (size_t i = 0; i < n; i++) {
		size_t d = distance(k, specs[i].key), slen = strlen(specs[i].key);
		bool prefix = klen >= 3 && (strncasecmp(k, specs[i].key, klen) == 0 ||
					    strncasecmp(k, specs[i].key, slen) == 0);
		if (prefix)
			d = 1;
		if (d < best_d) {
			best_d = d;
			best = specs[i].key;
		}
	}
	size_t limit = klen <= 4 ? 1 : klen <= 8 ? 2 : 3;
	return best_d <= limit ? best : NULL;
}

static void unknown_key(struct parse_ctx *p, const char *key, const char *k,
			const struct key_spec *specs, size_t nspecs, const char *valid)
{
	const struct mgmt_json_entry *e = mgmt_json_index_find(&p->ix, key);
	struct mgmt_json_pos pos = e ? e->key : (struct mgmt_json_pos){ 0, 0 };
	const char *mean = did_you_mean(k, specs, nspecs);
	if (mean)
		fail_at(p, pos, key, "unknown key: did you mean \"%s\"? (valid keys here: %s)",
			mean, valid);
	else
		fail_at(p, pos, key, "unknown key (valid keys here: %s)", valid);
}

static void check_object(struct parse_ctx *p, const char *path, json_object *obj,
			 const struct key_spec *specs, size_t nspecs, void *arg)
{
	char key[256];
	char valid[256] = "";
	for (size_t i = 0; i < nspecs; i++) {
		strncat(valid, i ? ", " : "", sizeof(valid) - strlen(valid) - 1);
		strncat(valid, specs[i].key, sizeof(valid) - strlen(valid) - 1);
	}
	json_object_object_foreach(obj, k, v)
	{
		(void)v;
		bool known = false;
		for (size_t i = 0; i < nspecs; i++)
			known = known || strcmp(k, specs[i].key) == 0;
		if (!known) {
			snprintf(key, sizeof(key), "%s%s%s", path, path[0] ? "." : "", k);
			unknown_key(p, key, k, specs, nspecs, valid);
		}
	}
	for (size_t i = 0; i < nspecs; i++) {
		snprintf(key, sizeof(key), "%s%s%s", path, path[0] ? "." : "", specs[i].key);
		json_object *val;
		if (json_object_object_get_ex(obj, specs[i].key, &val))
			specs[i].check(p, key, val, arg);
		else if (specs[i].required)
			fail(p, key, "missing (this key is required)");
	}
}

static void check_name(struct parse_ctx *p, const char *key, json_object *o, void *arg)
{
	(void)arg;
	const char *s = get_string(p, key, o, "a string");
	if (!s)
		return;
	if (!mgmt_vm_name_ok(s)) {
		fail(p, key,
		     "\"%s\" is not a valid name: use 1 to %d letters, digits, '.', '_' "
		     "or '-', starting with a letter or digit",
		     s, MGMT_VM_NAME_MAX);
		return;
	}
	snprintf(p->cfg->name, sizeof(p->cfg->name), "%s", s);
}

static void check_memory(struct parse_ctx *p, const char *key, json_object *o, void *arg)
{
	(void)arg;
	get_u32_in(p, key, o, VM_MEMORY_MIB_MIN, VM_MEMORY_MIB_MAX, " (MiB)", &p->cfg->memory_mib);
}

static void check_vps(struct parse_ctx *p, const char *key, json_object *o, void *arg)
{
	(void)arg;
	get_u32_in(p, key, o, VM_VPS_MIN, VM_VPS_MAX, " virtual processors", &p->cfg->vps);
}

static void check_guest(struct parse_ctx *p, const char *key, json_object *o, void *arg)
{
	(void)arg;
	p->cfg->guest = get_file(p, key, o, NEED_READ, NULL);
}

static void check_kernel(struct parse_ctx *p, const char *key, json_object *o, void *arg)
{
	(void)arg;
	p->cfg->kernel = get_file(p, key, o, NEED_READ, NULL);
}

static void check_initrd(struct parse_ctx *p, const char *key, json_object *o, void *arg)
{
	(void)arg;
	p->cfg->initrd = get_file(p, key, o, NEED_READ, NULL);
}

static void check_cmdline(struct parse_ctx *p, const char *key, json_object *o, void *arg)
{
	(void)arg;
	if (!want_type(p, key, o, json_type_string, "a string"))
		return;
	const char *s = json_object_get_string(o);
	size_t n = (size_t)json_object_get_string_len(o);
	if (n > VM_CMDLINE_MAX) {
		fail(p, key, "%zu bytes is too long: at most %d", n, VM_CMDLINE_MAX);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			fail(p, key, "control character at offset %zu: use printable text only", i);
			return;
		}
	}
	p->cfg->cmdline = strdup(s);
}

static const struct key_spec boot_keys[] = {
	{ "guest", false, check_guest },
	{ "kernel", false, check_kernel },
	{ "initrd", false, check_initrd },
	{ "cmdline", false, check_cmdline },
};

static void check_boot(struct parse_ctx *p, const char *key, json_object *o, void *arg)
{
	(void)arg;
	if (!want_type(p, key, o, json_type_object,
		       "an object ({\"guest\": PATH} or "
		       "{\"kernel\": PATH, \"initrd\": PATH, \"cmdline\": TEXT})"))
		return;
	size_t before = p->nlines;
	check_object(p, key, o, boot_keys, sizeof(boot_keys) / sizeof(boot_keys[0]), NULL);
	bool has_guest = json_object_object_get_ex(o, "guest", NULL);
	bool has_kernel = json_object_object_get_ex(o, "kernel", NULL);
	bool has_extra = json_object_object_get_ex(o, "initrd", NULL); /* the test guest takes
									     * a command line too */
	if (has_guest && has_kernel)
		fail(p, key, "give either \"guest\" or \"kernel\", not both");
	else if (!has_guest && !has_kernel)
		fail(p, key,
		     "say what to boot: \"guest\": PATH (test guest image) or "
		     "\"kernel\": PATH (Linux kernel)");
	else if (has_guest && has_extra)
		fail(p, key, "\"initrd\" goes with \"kernel\", not with \"guest\"");
	if (p->nlines == before)
		p->cfg->boot_kind = has_kernel ? VM_BOOT_KERNEL : VM_BOOT_GUEST;
}

struct disk_arg {
	struct vm_disk *disk;
	bool readonly_set;
	json_object *path_obj;
	const char *path_key;
};

static void check_disk_path(struct parse_ctx *p, const char *key, json_object *o, void *arg)
{
	/* Checked after "readonly" is known, since that decides whether it must be writable. */
	(void)p;
	struct disk_arg *d = arg;
	d->path_obj = o;
	d->path_key = key;
}

static void check_disk_readonly(struct parse_ctx *p, const char *key, json_object *o, void *arg)
{
	struct disk_arg *d = arg;
	if (!want_type(p, key, o, json_type_boolean, "true or false"))
		return;
	d->disk->readonly = json_object_get_boolean(o);
	d->readonly_set = true;
}

static const struct key_spec disk_keys[] = {
	{ "path", true, check_disk_path },
	{ "readonly", false, check_disk_readonly },
};

static void check_disks(struct parse_ctx *p, const char *key, json_object *o, void *arg)
{
	(void)arg;
	if (!want_type(p, key, o, json_type_array,
		       "an array of {\"path\": PATH, \"readonly\": "
		       "BOOL}"))
		return;
	size_t n = json_object_array_length(o);
	if (n > VM_CONFIG_MAX_DISKS) {
		fail(p, key, "%zu disks is too many: at most %d", n, VM_CONFIG_MAX_DISKS);
		return;
	}
	struct stat seen[VM_CONFIG_MAX_DISKS];
	for (size_t i = 0; i < n; i++) {
		char ekey[64];
		snprintf(ekey, sizeof(ekey), "%s[%zu]", key, i);
		json_object *e = json_object_array_get_idx(o, i);
		if (!want_type(p, ekey, e, json_type_object,
			       "an object {\"path\": PATH, "
			       "\"readonly\": BOOL}"))
			continue;
		struct vm_disk disk = { 0 };
		struct disk_arg d = { .disk = &disk };
		check_object(p, ekey, e, disk_keys, sizeof(disk_keys) / sizeof(disk_keys[0]), &d);
		if (!d.path_obj)
			continue;
		char pkey[80];
		snprintf(pkey, sizeof(pkey), "%s.path", ekey);
		struct stat st;
		disk.path = get_file(p, pkey, d.path_obj,
				     disk.readonly ? NEED_READ : NEED_READ_WRITE, &st);
		if (!disk.path)
			continue;
		bool dup = false;
		for (size_t j = 0;
		     j < p->cfg->ndisks && !dup && !(p->flags & VM_CONFIG_NO_FILE_CHECKS); j++) {
			if (seen[j].st_dev == st.st_dev && seen[j].st_ino == st.st_ino) {
				fail(p, pkey,
				     "%s is the same file as disks[%zu]: give each disk its "
				     "own image",
				     disk.path, j);
				dup = true;
			}
		}
		if (dup) {
			free(disk.path);
			continue;
		}
		seen[p->cfg->ndisks] = st;
		p->cfg->disks[p->cfg->ndisks++] = disk;
	}
}

static void check_console(struct parse_ctx *p, const char *key, json_object *o, void *arg)
{
	(void)arg;
	const char *s = get_string(p, key, o, "a string (\"log\" or \"none\")");
	if (!s)
		return;
	if (strcmp(s, "log") == 0)
		p->cfg->console = VM_CONSOLE_LOG;
	else if (strcmp(s, "none") == 0)
		p->cfg->console = VM_CONSOLE_NONE;
	else
		fail(p, key, "\"%s\" is not a console mode: use \"log\" or \"none\"", s);
}

static const struct key_spec top_keys[] = {
	{ "name", true, check_name },	 { "memory_mib", true, check_memory },
	{ "vps", false, check_vps },	 { "boot", true, check_boot },
	{ "disks", false, check_disks }, { "console", false, check_console },
};

static struct mgmt_json_pos offset_pos(const char *text, size_t off)
{
	struct mgmt_json_pos pos = { 1, 1 };
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			pos.line++;
			pos.col = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			pos.col++;
		}
	}
	return pos;
}

/* json-c keeps the last of two equal keys; every repeat is refused here, at the repeat. */
static void check_duplicates(struct parse_ctx *p)
{
	for (size_t k = 0; k < p->ix.n; k++) {
		const struct mgmt_json_entry *e = &p->ix.entries[k];
		if (e->duplicate)
			fail_at(p, e->key, e->path,
				"duplicate key (first given at line %d, column %d): give each key "
				"once",
				e->first.line, e->first.col);
	}
}

/* Text after the JSON value: only white space may follow. */
static bool only_space_after(struct parse_ctx *p, const char *text, size_t end, size_t len)
{
	for (size_t i = end; i < len; i++) {
		if (!strchr(" \t\n\r", text[i]) || !text[i]) {
			fail_at(p, offset_pos(text, i), "(file)",
				"unexpected text after the JSON object: remove it");
			return false;
		}
	}
	return true;
}

static json_object *parse_json(struct parse_ctx *p, const char *text, size_t len)
{
	struct mgmt_json_pos none = { 0, 0 };
	if (len > VM_CONFIG_MAX_BYTES) {
		fail_at(p, none, "(file)", "%zu bytes is too large for a VM config (at most %u)",
			len, VM_CONFIG_MAX_BYTES);
		return NULL;
	}
	if (len == 0)
		text = ""; /* an empty bytes field arrives as NULL */
	if (memchr(text, '\0', len)) {
		fail_at(p, offset_pos(text, (size_t)((const char *)memchr(text, '\0', len) - text)),
			"(file)", "contains a NUL byte: a VM config is JSON text");
		return NULL;
	}
	json_tokener *tok = json_tokener_new_ex(16);
	if (!tok) {
		fail_at(p, none, "(file)", "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	json_object *root = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!root && jerr == json_tokener_continue) {
		fail_at(p, offset_pos(text, len), "(file)",
			"the JSON text ends too early (a '}' or ']' missing?)");
		return NULL;
	}
	if (!root || jerr != json_tokener_success) {
		fail_at(p, offset_pos(text, end), "(file)", "not valid JSON: %s",
			json_tokener_error_desc(jerr));
		json_object_put(root);
		return NULL;
	}
	if (!only_space_after(p, text, end, len)) {
		json_object_put(root);
		return NULL;
	}
	if (mgmt_json_index_build(&p->ix, text, end) == 0)
		check_duplicates(p);
	if (!json_object_is_type(root, json_type_object)) {
		fail(p, "(file)", "expected a JSON object {...}, got %s", type_desc(root));
		json_object_put(root);
		root = NULL;
	}
	return root;
}

int vm_config_parse(const char *file, const char *text, size_t len, struct vm_config *cfg,
		    char **errors)
{
	return vm_config_parse_ex(file, text, len, 0, cfg, errors);
}

int vm_config_parse_ex(const char *file, const char *text, size_t len, unsigned flags,
		       struct vm_config *cfg, char **errors)
{
	struct parse_ctx p = { .file = file, .flags = flags, .cfg = cfg };
	memset(cfg, 0, sizeof(*cfg));
	cfg->vps = 1;
	cfg->console = VM_CONSOLE_LOG;
	*errors = NULL;

	char *copy = strdup(file);
	if (!copy)
		return -ENOMEM;
	snprintf(p.base_dir, sizeof(p.base_dir), "%s", dirname(copy));
	free(copy);

	json_object *root = parse_json(&p, text, len);
	if (root) {
		check_object(&p, "", root, top_keys, sizeof(top_keys) / sizeof(top_keys[0]), NULL);
		json_object_put(root);
	}
	mgmt_json_index_free(&p.ix);
	if (p.nlines == 0)
		return 0;

	size_t total = 1;
	for (size_t i = 0; i < p.nlines; i++)
		total += strlen(p.lines[i]) + 1;
	char more[96] = "";
	if (p.dropped)
		snprintf(more, sizeof(more), "\n%s: (file): %zu more problems not shown", file,
			 p.dropped);
	total += strlen(more);
	char *out = malloc(total);
	if (out) {
		out[0] = '\0';
		for (size_t i = 0; i < p.nlines; i++) {
			if (i)
				strcat(out, "\n");
			strcat(out, p.lines[i]);
		}
		strcat(out, more);
	}
	for (size_t i = 0; i < p.nlines; i++)
		free(p.lines[i]);
	*errors = out;
	return out ? -1 : -ENOMEM;
}

const char *vm_console_name(enum vm_console c)
{
	return c == VM_CONSOLE_NONE ? "none" : "log";
}

char *vm_config_to_json(const struct vm_config *cfg)
{
	json_object *root = json_object_new_object();
	json_object *boot = json_object_new_object();
	json_object *disks = json_object_new_array();
	if (!root || !boot || !disks) {
		json_object_put(root);
		json_object_put(boot);
		json_object_put(disks);
		return NULL;
	}
	json_object_object_add(root, "name", json_object_new_string(cfg->name));
	json_object_object_add(root, "memory_mib", json_object_new_int64(cfg->memory_mib));
	json_object_object_add(root, "vps", json_object_new_int64(cfg->vps));
	if (cfg->boot_kind == VM_BOOT_GUEST) {
		json_object_object_add(boot, "guest", json_object_new_string(cfg->guest));
	} else {
		json_object_object_add(boot, "kernel", json_object_new_string(cfg->kernel));
		if (cfg->initrd)
			json_object_object_add(boot, "initrd", json_object_new_string(cfg->initrd));
	}
	if (cfg->cmdline) /* the kernel's, or the test guest's */
		json_object_object_add(boot, "cmdline", json_object_new_string(cfg->cmdline));
	json_object_object_add(root, "boot", boot);
	for (size_t i = 0; i < cfg->ndisks; i++) {
		json_object *d = json_object_new_object();
		json_object_object_add(d, "path", json_object_new_string(cfg->disks[i].path));
		json_object_object_add(d, "readonly",
				       json_object_new_boolean(cfg->disks[i].readonly));
		json_object_array_add(disks, d);
	}
	json_object_object_add(root, "disks", disks);
	json_object_object_add(root, "console",
			       json_object_new_string(vm_console_name(cfg->console)));
	const char *s = json_object_to_json_string_ext(
		root,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	char *out = s ? strdup(s) : NULL;
	json_object_put(root);
	return out;
}

void vm_config_free(struct vm_config *cfg)
{
	free(cfg->guest);
	free(cfg->kernel);
	free(cfg->initrd);
	free(cfg->cmdline);
	for (size_t i = 0; i < cfg->ndisks; i++)
		free(cfg->disks[i].path);
	memset(cfg, 0, sizeof(*cfg));
}
