/* SPDX-License-Identifier: MIT */
/* hvctl logs: the last N lines of a VM's log, and with follow, every line appended after,
 * across rotations. vmms reads the file for the client, so clients need no access to the log
 * folder. Following works like tail -F: the follower keeps the file it reads open; every poll
 * it reads that file to its end, then looks at the path: another inode there means the worker
 * rotated, so the old file (now NAME.log.1) has been read to its last line and the new one is
 * read from its start. Only a second rotation within one poll interval could skip a file. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vmms.h"

#define FOLLOW_POLL_MS	200
#define LINES_PER_REPLY 256
#define ALL_LINES	SIZE_MAX

struct log_follower {
	struct vmms *d;
	struct client *client;
	uint64_t id;
	char path[4200];
	int fd; /* the file being followed, -1 until it exists */
	ino_t ino;
	off_t offset;	       /* next byte to read: always at a line start */
	struct timespec since; /* when following began */
	uv_timer_t timer;
	LIST_ENTRY(log_follower) link;
};

void vmms_vm_log_path(struct vmms *d, const char *name, char *buf, size_t size)
{
	mgmt_path_join(buf, size, d->opt.log_dir, name, ".log");
}

static void send_lines(struct client *c, uint64_t id, char **lines, size_t n, bool end)
{
	Hv__Mgmt__LogLines ll;
	hv__mgmt__log_lines__init(&ll);
	ll.n_lines = n;
	ll.lines = lines;
	ll.end = end;
	Hv__Mgmt__Reply r;
	hv__mgmt__reply__init(&r);
	r.id = id;
	r.result_case = HV__MGMT__REPLY__RESULT_LOGS;
	r.logs = &ll;
	vmms_reply(c, &r);
}

/* Splits buf[0..len) into complete lines and sends the last `keep` of them (ALL_LINES for
 * every one). Returns the number of bytes consumed (up to the last newline). */
static size_t send_complete_lines(struct client *c, uint64_t id, char *buf, size_t len, size_t keep)
{
	size_t count = 0, consumed = 0;
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\n') {
			count++;
			consumed = i + 1;
		}
	size_t skip = count > keep ? count - keep : 0;
	char *batch[LINES_PER_REPLY];
	size_t nb = 0, idx = 0;
	char *start = buf;
	for (size_t i = 0; i < consumed; i++) {
		if (buf[i] != '\n')
			continue;
		buf[i] = '\0';
		if (idx++ >= skip) {
			batch[nb++] = start;
			if (nb == LINES_PER_REPLY) {
				send_lines(c, id, batch, nb, false);
				nb = 0;
			}
		}
		start = buf + i + 1;
	}
	if (nb)
		send_lines(c, id, batch, nb, false);
	return consumed;
}

/* Sends every complete line of fd from *offset on; advances *offset past them. */
static void read_to_end(struct log_follower *f)
{
	struct stat st;
	if (f->fd < 0 || fstat(f->fd, &st) != 0)
		return;
	if (st.st_size < f->offset)
		f->offset = 0; /* truncated in place: start over */
	while (f->offset < st.st_size) {
		size_t want = (size_t)(st.st_size - f->offset);
		if (want > 1 << 20)
			want = 1 << 20;
		char *buf = malloc(want);
		if (!buf)
			return;
		ssize_t r = pread(f->fd, buf, want, f->offset);
		size_t used =
			r > 0 ? send_complete_lines(f->client, f->id, buf, (size_t)r, ALL_LINES)
			      : 0;
		free(buf);
		if (used == 0)
			return; /* a partial last line: wait for its newline */
		f->offset += (off_t)used;
	}
}

/* Reads a whole rotated file NAME.log.k (k >= 1), as part of catching up. */
static void read_rotated(struct log_follower *f, int k)
{
	char old[4300];
	snprintf(old, sizeof(old), "%s.%d", f->path, k);
	int held = f->fd;
	off_t held_offset = f->offset;
	f->fd = open(old, O_RDONLY | O_CLOEXEC);
	f->offset = 0;
	read_to_end(f);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = held;
	f->offset = held_offset;
}

static bool renamed_since(const struct stat *st, const struct timespec *t)
{
	return st->st_ctim.tv_sec > t->tv_sec ||
	       (st->st_ctim.tv_sec == t->tv_sec && st->st_ctim.tv_nsec >= t->tv_nsec);
}

/* The worker may have rotated more than once since the last poll: the files between the one
 * held (now NAME.log.j) and the current NAME.log are NAME.log.(j-1) .. NAME.log.1, oldest
 * first. When nothing was held yet, every rotated file renamed since following began is new. */
static void read_missed_rotations(struct log_follower *f)
{
	char old[4300];
	struct stat st;
	int first = 0;
	for (int k = MGMT_LOG_KEEP; k >= 1; k--) {
		snprintf(old, sizeof(old), "%s.%d", f->path, k);
		if (stat(old, &st) != 0)
			continue;
		if (f->fd >= 0 && st.st_ino == f->ino) {
			first = k - 1;
			break;
		}
		if (f->fd < 0 && renamed_since(&st, &f->since) && first == 0)
			first = k;
	}
	for (int k = first; k >= 1; k--)
		read_rotated(f, k);
}

static void follow_poll(struct log_follower *f)
{
	read_to_end(f);
	struct stat st;
	if (stat(f->path, &st) != 0 || (f->fd >= 0 && st.st_ino == f->ino))
		return;
	/* Rotated (or created): the old file was read to its end above. */
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	read_missed_rotations(f);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = fd;
	f->ino = fstat(fd, &st) == 0 ? st.st_ino : 0;
	f->offset = 0;
	read_to_end(f);
}

static void on_follow_timer(uv_timer_t *t)
{
	struct log_follower *f = t->data;
	if (f->client && !f->client->conn.closing)
		follow_poll(f);
}

static void on_follower_closed(uv_handle_t *h)
{
	struct log_follower *f = h->data;
	if (f->fd >= 0)
		close(f->fd);
	free(f);
}

void vmms_logs_request(struct client *c, uint64_t id, struct vm *vm, uint32_t lines, bool follow)
{
	struct vmms *d = c->d;
	char path[4200];
	vmms_vm_log_path(d, vm->name, path, sizeof(path));
	char *text = NULL;
	size_t len = 0;
	struct stat st = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && !follow) {
		vmms_reply_error(
			c, id, HV__MGMT__ERROR_CODE__ERROR_NOT_FOUND,
			"no log for %s yet: it has not been started since its log was "
			"removed, or never (%s appears at its first start); hvctl logs %s -f "
			"waits for it",
			vm->name, path, vm->name);
		return;
	}
	if (fd < 0 && errno != ENOENT) {
		vmms_reply_error(c, id, HV__MGMT__ERROR_CODE__ERROR_INTERNAL,
				 "cannot read %s: %s; "
				 "check the log folder's permissions",
				 path, strerror(errno));
		return;
	}
	/* Read up to the size seen now; following continues from exactly there. */
	if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 0) {
		text = malloc((size_t)st.st_size + 1);
		ssize_t r = text ? pread(fd, text, (size_t)st.st_size, 0) : -1;
		len = r > 0 ? (size_t)r : 0;
	}
	size_t used = text ? send_complete_lines(c, id, text, len, lines) : 0;
	free(text);
	struct log_follower *f = follow ? calloc(1, sizeof(*f)) : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		send_lines(c, id, NULL, 0, true);
		return;
	}
	f->d = d;
	f->client = c;
	f->id = id;
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->fd = fd;
	f->ino = st.st_ino;
	f->offset = (off_t)used;
	clock_gettime(CLOCK_REALTIME, &f->since);
	uv_timer_init(d->loop, &f->timer);
	f->timer.data = f;
	uv_timer_start(&f->timer, on_follow_timer, FOLLOW_POLL_MS, FOLLOW_POLL_MS);
	LIST_INSERT_HEAD(&d->followers, f, link);
}

void vmms_logs_forget_client(struct vmms *d, struct client *c)
{
	struct log_follower *f, *next;
	for (f = LIST_FIRST(&d->followers); f; f = next) {
		next = LIST_NEXT(f, link);
		if (f->client != c)
			continue;
		LIST_REMOVE(f, link);
		f->client = NULL;
		uv_close((uv_handle_t *)&f->timer, on_follower_closed);
	}
}

bool vmms_logs_has_client(struct vmms *d, struct client *c)
{
	struct log_follower *f;
	LIST_FOREACH(f, &d->followers, link) {
		if (f->client == c)
			return true;
	}
	return false;
}
