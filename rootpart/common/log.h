/* Line logs of the management plane (vmms.log, one <vm>.log per VM): one line per event,
 *   2026-11-26T09:15:02.123Z INFO vmwp: message
 * (RFC 3339 UTC with milliseconds, level, component, message). Each line is one write() to
 * an O_APPEND file with no user-space buffering, so every line logged before a crash is in
 * the file. Rotation by size: NAME.log -> NAME.log.1 -> ... -> NAME.log.<keep>. */
#ifndef HV_MGMT_LOG_H
#define HV_MGMT_LOG_H

#include <stddef.h>
#include <stdint.h>

#define HV_LOG_ROTATE_BYTES (1u << 20)
#define HV_LOG_KEEP	    3
#define HV_LOG_LINE_MAX	    2048

enum hv_log_level {
	HV_LOG_DEBUG,
	HV_LOG_INFO,
	HV_LOG_WARN,
	HV_LOG_ERROR
};

struct hv_log {
	int fd;
	char *path;
	uint64_t size;
	uint64_t rotate_bytes; /* 0: never rotate */
	unsigned keep;
	int also_stderr; /* echo lines to stderr (daemons started in the foreground) */
};

int hv_log_open(struct hv_log *log, const char *path, uint64_t rotate_bytes, unsigned keep);
void hv_log_close(struct hv_log *log);

/* Formats "TIMESTAMP LEVEL COMPONENT: MESSAGE" (newlines and other control characters in the
 * message are replaced so one event stays one line) into buf; returns its length. */
size_t hv_log_format(char *buf, size_t size, int64_t unix_ms, enum hv_log_level level,
		     const char *component, const char *msg);

__attribute__((format(printf, 4, 5))) void hv_log_write(struct hv_log *log, enum hv_log_level level,
							const char *component, const char *fmt,
							...);

int64_t hv_now_ms(void);
const char *hv_log_level_name(enum hv_log_level level);

#endif
