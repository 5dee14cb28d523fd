/* SPDX-License-Identifier: MIT */
/* hvctl internals: the verb table (main.c), the blocking client of vmms's socket (client.c)
 * and the printing of replies as text or JSON (output.c). */
#ifndef HV_HVCTL_H
#define HV_HVCTL_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/management.pb-c.h"

/* Exit status by class (docs/hvctl.md "Exit status"): scripts branch on these. */
enum {
	HVCTL_OK = 0,
	HVCTL_FAILED = 1,      /* the operation failed (start failed, vmms internal error) */
	HVCTL_USAGE = 2,       /* the command line was wrong */
	HVCTL_BAD_CONFIG = 3,  /* the VM config file was refused */
	HVCTL_NOT_FOUND = 4,   /* no such VM (or no log yet) */
	HVCTL_WRONG_STATE = 5, /* not possible in the VM's state, name taken, limit reached */
	HVCTL_PERMISSION = 6,  /* not root, not in group hvadmin */
	HVCTL_UNREACHABLE = 7, /* vmms is not running, or refused the connection */
	HVCTL_TIMEOUT = 8      /* a wait ran out (vmms, the worker or the guest did not answer) */
};

#define HVCTL_REPLY_TIMEOUT_S 30 /* default wait for one answer of vmms */

enum hvctl_format {
	HVCTL_FORMAT_TABLE, /* for people: aligned columns, key: value */
	HVCTL_FORMAT_JSON,
	HVCTL_FORMAT_YAML,
	HVCTL_FORMAT_CSV
};

struct hvctl {
	const char *socket_path;
	enum hvctl_format format; /* --format, --json */
	bool no_headers;	  /* --no-headers: tables and CSV without their header row */
	bool header_done;	  /* a stream's CSV header is printed once */
	char since[32];		  /* logs --since, as the RFC 3339 text log lines start with */
	int fd;
	unsigned replies;     /* received so far on this connection */
	long reply_timeout_s; /* --reply-timeout, or -1: the verb's default */
	unsigned wait_s;      /* this request's wait for its answer (0: none, streams) */
	/* The verb being run and its VM, so that a refusal for the VM's state can be followed
	 * by the way out in this CLI's own syntax (output.c, hvctl_state_advice). */
	const char *verb;
	const char *vm;
};

/* The way out of a refusal for the VM's state, as "; ..." to append to vmms's facts, or "". */
const char *hvctl_state_advice(const struct hvctl *h, Hv__Mgmt__VmState state, char *buf,
			       size_t size);

/* The exit status for an error code of vmms. */
int hvctl_exit_for(Hv__Mgmt__ErrorCode code);

/* client.c */
int hvctl_connect(struct hvctl *h);
/* Sets the wait for the next answers (0: without limit). */
void hvctl_set_wait(struct hvctl *h, unsigned secs);
/* Sends req; returns HVCTL_OK or HVCTL_FAILED (message printed). */
int hvctl_send(struct hvctl *h, Hv__Mgmt__Request *req);
/* Receives one reply (NULL with a message printed on failure; *status says its class).
 * Waits at most h->wait_s seconds (0: without limit). */
Hv__Mgmt__Reply *hvctl_recv(struct hvctl *h, int *status);
/* Sends req and receives its first reply. want: the result kind the caller reads (0: any).
 * Another kind is printed (an error as its message) and freed: NULL with *status set, as
 * when sending or receiving failed. */
Hv__Mgmt__Reply *hvctl_request(struct hvctl *h, Hv__Mgmt__Request *req, int want, int *status);
/* Sends req and prints the single reply with output.c; returns the exit status. */
int hvctl_call(struct hvctl *h, Hv__Mgmt__Request *req);

/* format.c: json, yaml, csv from one json-c value (consumed), as a document (JSON pretty
 * printed), a record (an answer such as Done or an error: one JSON line, a YAML mapping) or a
 * stream item (an event or log line: one JSON line, one YAML list item, one CSV row). */
enum hvctl_emit {
	HVCTL_EMIT_DOC,
	HVCTL_EMIT_RECORD,
	HVCTL_EMIT_STREAM
};
struct json_object;
void hvctl_emit(struct hvctl *h, struct json_object *o, enum hvctl_emit how);
bool hvctl_parse_format(const char *s, enum hvctl_format *f);

/* doctor.c: is this host ready to run VMs; a verdict and a fix per check. */
int hvctl_doctor(struct hvctl *h);

/* top.c: per VM, what its worker costs, every second; batch: frames one after the other;
 * frames < 0: until interrupted. */
int hvctl_top(struct hvctl *h, bool batch, long frames);

/* console.c */
struct hvctl_console_opts {
	const char *name;
	int escape; /* the detach key's byte, -1: none */
	uint32_t replay_bytes;
	bool from_start; /* start --console: every byte since the worker started */
	bool watch;
	bool take_over;
};
#define HVCTL_CONSOLE_REPLAY_DEFAULT 4096
#define HVCTL_CONSOLE_REPLAY_MAX     65536
/* "^]", "^a", "none", or one character; false if s is none of those. */
bool hvctl_parse_escape(const char *s, int *key);
/* Attaches (on h->fd when already connected) until detached; the exit status. */
int hvctl_console(struct hvctl *h, const struct hvctl_console_opts *o);

/* wait.c */
bool hvctl_state_from_name(const char *s);
bool hvctl_parse_since(const char *s, int64_t now_ms, int64_t *out);
int hvctl_wait(struct hvctl *h, const char *name, const char *state, long timeout_s);

/* output.c */
int hvctl_print_reply(struct hvctl *h, const Hv__Mgmt__Reply *r);
void hvctl_print_error(struct hvctl *h, const Hv__Mgmt__Error *e);
const char *hvctl_state_name(Hv__Mgmt__VmState s);
void hvctl_format_time(long long ms, char *buf, unsigned long size);

#endif
