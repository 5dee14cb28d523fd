/* SPDX-License-Identifier: MIT */
/* Line logs of the management plane (vmms.log, one <vm>.log per VM): one line per event,
 *   2026-11-26T09:15:02.123Z INFO vmwp: message
 * (RFC 3339 UTC with milliseconds, level, component, message). Each line is one write() to
 * an O_APPEND file with no user-space buffering, so every line logged before a crash is in
 * the file. Rotation by size: NAME.log -> NAME.log.1 -> ... -> NAME.log.<keep>. */
#ifndef MGMT_LOG_H
#define MGMT_LOG_H

#include <stddef.h>
#include <stdint.h>

#define MGMT_LOG_ROTATE_BYTES (1u << 20)
#define MGMT_LOG_KEEP	      3
#define MGMT_LOG_LINE_MAX     2048

enum mgmt_log_level {
	MGMT_LOG_DEBUG,
	MGMT_LOG_INFO,
	MGMT_LOG_WARN,
	MGMT_LOG_ERROR
};

struct mgmt_log {
	int fd;
	char *path;
	uint64_t size;
	uint64_t rotate_bytes; /* 0: never rotate */
	unsigned keep;
	int also_stderr; /* echo lines to stderr (daemons started in the foreground) */
	uint64_t lost;	 /* lines that could not be written (disk full, ...) */
	int lost_errno;	 /* why the last one was lost */
};

int mgmt_log_open(struct mgmt_log *log, const char *path, uint64_t rotate_bytes, unsigned keep);
void mgmt_log_close(struct mgmt_log *log);

/* Formats "TIMESTAMP LEVEL COMPONENT: MESSAGE" (newlines and other control characters in the
 * message are replaced so one event stays one line) into buf; returns its length. */
size_t mgmt_log_format(char *buf, size_t size, int64_t unix_ms, enum mgmt_log_level level,
		       const char *component, const char *msg);

__attribute__((format(printf, 4, 5))) void mgmt_log_write(struct mgmt_log *log,
							  enum mgmt_log_level level,
							  const char *component, const char *fmt,
							  ...);

/* "" when every line was written; else "cannot write PATH: why; N lines lost" (a full log
 * folder must not drop a VM's log without a word: the worker reports this to vmms). */
void mgmt_log_error(const struct mgmt_log *log, char *buf, size_t size);

int64_t mgmt_now_ms(void);
const char *mgmt_log_level_name(enum mgmt_log_level level);

#endif
