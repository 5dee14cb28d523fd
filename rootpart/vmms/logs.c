/* hvctl logs: the last N lines of a VM's log, and with follow, every line appended after,
 * across rotations. vmms reads the file for the client, so clients need no access to the log
 * folder. Following polls the file's stat (inode and size): a new inode means the worker
 * rotated, and the new file is read from its start. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmms.h"

#define FOLLOW_POLL_MS 200
#define LINES_PER_REPLY 256

struct log_follower {
	struct vmms *d;
	struct client *client;
	uint64_t id;
	char path[4200];
	ino_t ino;
	off_t offset;              /* next byte to read: always at a line start */
	uv_timer_t timer;
	LIST_ENTRY(log_follower) link;
};

void vmms_vm_log_path(struct vmms *d, const char *name, char *buf, size_t size)
{
	hv_path_join(buf, size, d->opt.log_dir, name, ".log");
}

static void send_lines(struct client *c, uint64_t id, char **lines, size_t n, bool end)
{
	Hv__Mgmt__LogLines ll = HV__MGMT__LOG_LINES__INIT;
	ll.n_lines = n;
	ll.lines = lines;
	ll.end = end;
	Hv__Mgmt__Reply r = HV__MGMT__REPLY__INIT;
	r.id = id;
	r.result_case = HV__MGMT__REPLY__RESULT_LOGS;
	r.logs = &ll;
	vmms_reply(c, &r);
}

/* Splits buf[0..len) into complete lines and sends the last `keep` of them (all when keep
 * is 0). Returns the number of bytes consumed (up to the last newline). */
static size_t send_complete_lines(struct client *c, uint64_t id, char *buf, size_t len,
				  size_t keep)
{
	size_t count = 0, consumed = 0;
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\n') {
			count++;
			consumed = i + 1;
		}
	size_t skip = keep && count > keep ? count - keep : 0;
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

/* Reads from f->offset to the end of the file, sending complete lines. */
static void follow_read(struct log_follower *f)
{
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return;
	}
	if (st.st_ino != f->ino || st.st_size < f->offset) {
		f->ino = st.st_ino;
		f->offset = 0;
	}
	while (f->offset < st.st_size) {
		size_t want = (size_t)(st.st_size - f->offset);
		if (want > 1 << 20)
			want = 1 << 20;
		char *buf = malloc(want);
		if (!buf)
			break;
		ssize_t r = pread(fd, buf, want, f->offset);
		if (r <= 0) {
			free(buf);
			break;
		}
		size_t used = send_complete_lines(f->client, f->id, buf, (size_t)r, 0);
		free(buf);
		if (used == 0)
			break;          /* a partial last line: wait for its newline */
		f->offset += (off_t)used;
	}
	close(fd);
}

static void on_follow_timer(uv_timer_t *t)
{
	struct log_follower *f = t->data;
	if (f->client && !f->client->conn.closing)
		follow_read(f);
}

static void on_follower_closed(uv_handle_t *h)
{
	free(h->data);
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
	if (fd >= 0) {
		/* Read up to the size seen now; following continues from exactly there. */
		if (fstat(fd, &st) == 0 && st.st_size > 0) {
			text = malloc((size_t)st.st_size + 1);
			ssize_t r = text ? pread(fd, text, (size_t)st.st_size, 0) : -1;
			len = r > 0 ? (size_t)r : 0;
		}
		close(fd);
	} else if (errno != ENOENT) {
		vmms_reply_error(c, id, HV__MGMT__ERROR_CODE__ERROR_INTERNAL, "cannot read %s: %s",
				 path, strerror(errno));
		return;
	}
	size_t used = text ? send_complete_lines(c, id, text, len, lines) : 0;
	free(text);
	if (!follow) {
		send_lines(c, id, NULL, 0, true);
		return;
	}
	struct log_follower *f = calloc(1, sizeof(*f));
	if (!f) {
		send_lines(c, id, NULL, 0, true);
		return;
	}
	f->d = d;
	f->client = c;
	f->id = id;
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->ino = st.st_ino;
	f->offset = (off_t)used;
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
