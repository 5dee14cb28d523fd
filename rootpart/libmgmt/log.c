/* SPDX-License-Identifier: MIT */
/* Line log with size rotation: see log.h. */
#include "mgmt/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int64_t mgmt_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *mgmt_log_level_name(enum mgmt_log_level level)
{
	switch (level) {
	case MGMT_LOG_DEBUG:
		return "DEBUG";
	case MGMT_LOG_INFO:
		return "INFO";
	case MGMT_LOG_WARN:
		return "WARN";
	case MGMT_LOG_ERROR:
		return "ERROR";
	}
	return "INFO";
}

static int open_append(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
}

int mgmt_log_open(struct mgmt_log *log, const char *path, uint64_t rotate_bytes, unsigned keep)
{
	memset(log, 0, sizeof(*log));
	log->fd = -1;
	log->path = strdup(path);
	if (!log->path)
		return -ENOMEM;
	log->fd = open_append(path);
	if (log->fd < 0) {
		int e = -errno;
		free(log->path);
		log->path = NULL;
		return e;
	}
	struct stat st;
	log->size = fstat(log->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	log->rotate_bytes = rotate_bytes;
	log->keep = keep ? keep : 1;
	return 0;
}

void mgmt_log_close(struct mgmt_log *log)
{
	if (log->fd >= 0)
		close(log->fd);
	free(log->path);
	log->fd = -1;
	log->path = NULL;
}

size_t mgmt_log_format(char *buf, size_t size, int64_t unix_ms, enum mgmt_log_level level,
		       const char *component, const char *msg)
{
	time_t secs = (time_t)(unix_ms / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	int n = snprintf(buf, size,
			 "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %s %s: ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (int)(unix_ms % 1000), mgmt_log_level_name(level), component);
	if (n < 0 || (size_t)n >= size)
		return 0;
	size_t len = (size_t)n;
	for (const char *m = msg; *m && len + 2 < size; m++) {
		unsigned char c = (unsigned char)*m;
		buf[len++] = (c < 0x20 && c != '\t') || c == 0x7f ? ' ' : (char)c;
	}
	buf[len++] = '\n';
	buf[len] = '\0';
	return len;
}

/* A line that did not reach the file is counted, and the first of a run of losses is said
 * on stderr (the daemon's own output) since the log itself cannot carry it. */
static void note_lost(struct mgmt_log *log, int err)
{
	if (log->lost++ == 0 || err != log->lost_errno)
		fprintf(stderr, "cannot write the log %s: %s; lines are being lost\n",
			log->path ? log->path : "(not open)", strerror(err));
	log->lost_errno = err;
}

/* Shifts NAME.log.(k-1) to NAME.log.k down to NAME.log -> NAME.log.1, dropping the oldest. */
static void rotate(struct mgmt_log *log)
{
	char from[4200], to[4200];
	for (unsigned k = log->keep; k >= 1; k--) {
		if (k == 1)
			snprintf(from, sizeof(from), "%s", log->path);
		else
			snprintf(from, sizeof(from), "%s.%u", log->path, k - 1);
		snprintf(to, sizeof(to), "%s.%u", log->path, k);
		if (rename(from, to) != 0 && errno != ENOENT)
			return; /* keep writing to the current file rather than lose lines */
	}
	int fd = open_append(log->path);
	if (fd < 0)
		return;
	close(log->fd);
	log->fd = fd;
	log->size = 0;
}

void mgmt_log_write(struct mgmt_log *log, enum mgmt_log_level level, const char *component,
		    const char *fmt, ...)
{
	char msg[MGMT_LOG_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	char line[MGMT_LOG_LINE_MAX + 128];
	size_t len = mgmt_log_format(line, sizeof(line), mgmt_now_ms(), level, component, msg);
	if (log->also_stderr)
		fputs(line, stderr);
	if (len == 0)
		return;
	if (log->fd < 0) {
		note_lost(log, EBADF);
		return;
	}
	if (log->rotate_bytes && log->size > 0 && log->size + len > log->rotate_bytes)
		rotate(log);
	ssize_t w = write(log->fd, line, len);
	if (w > 0)
		log->size += (uint64_t)w;
	if (w < 0 || (size_t)w != len)
		note_lost(log, w < 0 ? errno : ENOSPC);
}

void mgmt_log_error(const struct mgmt_log *log, char *buf, size_t size)
{
	if (!log->lost) {
		snprintf(buf, size, "%s", "");
		return;
	}
	snprintf(buf, size, "cannot write %s: %s; %llu line%s lost (free space in the log folder)",
		 log->path ? log->path : "(no log)",
		 log->lost_errno == EBADF ? "not open" : strerror(log->lost_errno),
		 (unsigned long long)log->lost, log->lost == 1 ? "" : "s");
}
