/* SPDX-License-Identifier: MIT */
/* vmms's API socket: listening, accepting, the SO_PEERCRED check, per-client connections and
 * the reply helpers every handler uses. */
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vmms.h"
#include "mgmt/names.h"

void vmms_reply(struct client *c, Hv__Mgmt__Reply *r)
{
	if (c)
		mgmt_conn_send(&c->conn, &r->base);
}

void vmms_reply_error(struct client *c, uint64_t id, Hv__Mgmt__ErrorCode code, const char *fmt, ...)
{
	char msg[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	Hv__Mgmt__Error err;
	hv__mgmt__error__init(&err);
	err.code = code;
	err.message = msg;
	Hv__Mgmt__Reply r;
	hv__mgmt__reply__init(&r);
	r.id = id;
	r.result_case = HV__MGMT__REPLY__RESULT_ERROR;
	r.error = &err;
	vmms_reply(c, &r);
}

void vmms_reply_bad_state(struct client *c, uint64_t id, enum vm_state state, const char *why)
{
	Hv__Mgmt__Error err = HV__MGMT__ERROR__INIT;
	err.code = HV__MGMT__ERROR_CODE__ERROR_BAD_STATE;
	err.message = mgmt_pb_str(why);
	err.state = (Hv__Mgmt__VmState)state;
	Hv__Mgmt__Reply r = HV__MGMT__REPLY__INIT;
	r.id = id;
	r.result_case = HV__MGMT__REPLY__RESULT_ERROR;
	r.error = &err;
	vmms_reply(c, &r);
}

void vmms_reply_done(struct client *c, uint64_t id, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	Hv__Mgmt__Done done;
	hv__mgmt__done__init(&done);
	done.message = msg;
	Hv__Mgmt__Reply r;
	hv__mgmt__reply__init(&r);
	r.id = id;
	r.result_case = HV__MGMT__REPLY__RESULT_DONE;
	r.done = &done;
	vmms_reply(c, &r);
}

static void on_client_frame(struct mgmt_conn *conn, const uint8_t *msg, size_t len)
{
	struct client *c = conn->owner;
	c->last_active_ms = mgmt_now_ms();
	c->frame_started_ms = 0;
	vmms_handle_frame(c, msg, len);
}

/* A start or stop answer this client still waits for. */
static bool has_waiter(struct client *c)
{
	struct vm *vm;
	LIST_FOREACH(vm, &c->d->vms, link) {
		if (vm->start_waiter.client == c || vm->stop_waiter.client == c)
			return true;
	}
	return false;
}

bool vmms_client_busy(struct client *c)
{
	return c->events || c->console_vm || vmms_logs_has_client(c->d, c) || has_waiter(c);
}

void vmms_client_answered(struct client *c)
{
	if (c->conn.eof && !has_waiter(c))
		mgmt_conn_close(&c->conn); /* after the queued answers are written */
}

/* The client will send nothing more: it shut its sending side down after its requests
 * (printf ... | nc -N) or it is gone (both read as end of file). It still gets the start or
 * stop answer it waits for; a stream (events, logs -f) ends, since a client that is gone
 * cannot be told from one that only stopped sending. */
static void on_client_eof(struct mgmt_conn *conn)
{
	vmms_client_answered(conn->owner);
}

static void on_client_refused(struct mgmt_conn *conn, uint32_t declared)
{
	struct client *c = conn->owner;
	mgmt_log_write(&c->d->log, MGMT_LOG_WARN, "vmms",
		       "client pid %d: refused a %u-byte message "
		       "(limit %u); disconnecting it",
		       (int)c->pid, declared, MGMT_FRAME_MAX);
	vmms_reply_error(c, 0, HV__MGMT__ERROR_CODE__ERROR_BAD_REQUEST,
			 "message of %u bytes refused: the limit is %u bytes; send smaller "
			 "requests (a VM config is at most %u bytes)",
			 declared, MGMT_FRAME_MAX, VM_CONFIG_MAX_BYTES);
}

static void on_client_closed(struct mgmt_conn *conn)
{
	struct client *c = conn->owner;
	struct vmms *d = c->d;
	if (conn->overflowed)
		mgmt_log_write(&d->log, MGMT_LOG_WARN, "vmms",
			       "client pid %d uid %u disconnected: it made vmms hold more than "
			       "%u bytes (unread answers or a half-sent request; %zu held for all "
			       "clients)",
			       (int)c->pid, (unsigned)c->uid, MGMT_CONN_MAX_QUEUED,
			       d->client_mem.used);
	vmms_forget_client(d, c);
	vmms_logs_forget_client(d, c);
	vmms_console_forget_client(d, c);
	LIST_REMOVE(c, link);
	d->nclients--;
	free(c);
	/* What a stuck client made vmms hold goes back to the system, not only to malloc. */
	malloc_trim(0);
}

static unsigned clients_of_uid(struct vmms *d, uid_t uid)
{
	unsigned n = 0;
	struct client *c;
	LIST_FOREACH(c, &d->clients, link)
		n += c->uid == uid;
	return n;
}

/* The connection caps: in all, and per uid other than root (so that root, with the running
 * VMs' supervision in its hands, is never locked out by another user's connections). */
static bool over_cap(struct vmms *d, struct client *c, char *why, size_t n)
{
	if (d->nclients > d->opt.max_clients) {
		snprintf(why, n,
			 "vmms is serving %u connections, its limit (vmms --max-clients); "
			 "retry later, or look for clients that keep connections open",
			 d->opt.max_clients);
		return true;
	}
	unsigned mine = clients_of_uid(d, c->uid);
	if (c->uid != 0 && mine > d->opt.max_clients_per_uid) {
		snprintf(why, n,
			 "uid %u already has %u connections to vmms, its limit (vmms "
			 "--max-clients-per-uid); close some (hvctl events, logs -f) and retry",
			 (unsigned)c->uid, d->opt.max_clients_per_uid);
		return true;
	}
	return false;
}

static void on_connection(uv_stream_t *server, int status)
{
	struct vmms *d = server->data;
	if (status < 0)
		return;
	struct client *c = calloc(1, sizeof(*c));
	if (!c)
		return;
	c->d = d;
	if (mgmt_conn_init(&c->conn, d->loop, c, on_client_frame, on_client_refused,
			   on_client_closed) != 0) {
		free(c);
		return;
	}
	c->conn.on_eof = on_client_eof;
	mgmt_conn_set_budget(&c->conn, &d->client_mem);
	c->last_active_ms = mgmt_now_ms();
	LIST_INSERT_HEAD(&d->clients, c, link);
	d->nclients++;
	if (uv_accept(server, (uv_stream_t *)&c->conn.pipe) != 0) {
		mgmt_conn_close(&c->conn);
		return;
	}
	char why[512];
	if (mgmt_peer_creds(mgmt_conn_fd(&c->conn), &c->pid, &c->uid, &c->gid) != 0) {
		mgmt_conn_close(&c->conn);
		return;
	}
	if (!mgmt_peer_allowed(&d->access, &mgmt_system_group_db, c->uid, c->gid, why,
			       sizeof(why))) {
		mgmt_log_write(&d->log, MGMT_LOG_WARN, "vmms",
			       "refused client pid %d uid %u: not "
			       "root, not in group %s",
			       (int)c->pid, (unsigned)c->uid, MGMT_ADMIN_GROUP);
		vmms_reply_error(c, 0, HV__MGMT__ERROR_CODE__ERROR_PERMISSION_DENIED, "%s", why);
		mgmt_conn_close(&c->conn);
		return;
	}
	if (over_cap(d, c, why, sizeof(why))) {
		mgmt_log_write(&d->log, MGMT_LOG_WARN, "vmms", "refused client pid %d uid %u: %s",
			       (int)c->pid, (unsigned)c->uid, why);
		vmms_reply_error(c, 0, HV__MGMT__ERROR_CODE__ERROR_BUSY, "%s", why);
		mgmt_conn_close(&c->conn);
		return;
	}
	mgmt_conn_start(&c->conn);
}

/* Once a second: a request begun more than request_timeout_s ago and not finished, or a
 * client with nothing pending for idle_timeout_s, is told why and disconnected. */
static void on_sweep(uv_timer_t *t)
{
	struct vmms *d = t->data;
	int64_t now = mgmt_now_ms();
	struct client *c;
	vmms_check_heartbeats(d);
	vmms_console_catch_up(d);
	LIST_FOREACH(c, &d->clients, link) {
		if (c->conn.closing || c->conn.eof)
			continue;
		bool partial = mgmt_frame_partial(&c->conn.reader);
		if (partial && !c->frame_started_ms)
			c->frame_started_ms = now;
		if (partial &&
		    now - c->frame_started_ms > (int64_t)d->opt.request_timeout_s * 1000) {
			mgmt_log_write(&d->log, MGMT_LOG_WARN, "vmms",
				       "client pid %d uid %u: request not complete after %u s; "
				       "disconnecting it",
				       (int)c->pid, (unsigned)c->uid, d->opt.request_timeout_s);
			vmms_reply_error(c, 0, HV__MGMT__ERROR_CODE__ERROR_TIMEOUT,
					 "request not complete after %u s: send each request whole",
					 d->opt.request_timeout_s);
			mgmt_conn_close(&c->conn);
		} else if (!partial && !vmms_client_busy(c) &&
			   now - c->last_active_ms > (int64_t)d->opt.idle_timeout_s * 1000) {
			mgmt_log_write(&d->log, MGMT_LOG_INFO, "vmms",
				       "client pid %d uid %u: idle for %u s; disconnecting it",
				       (int)c->pid, (unsigned)c->uid, d->opt.idle_timeout_s);
			vmms_reply_error(c, 0, HV__MGMT__ERROR_CODE__ERROR_TIMEOUT,
					 "idle for %u s: connection closed; connect again for the "
					 "next request",
					 d->opt.idle_timeout_s);
			mgmt_conn_close(&c->conn);
		}
	}
}

int vmms_server_start(struct vmms *d)
{
	const char *path = d->opt.socket_path;
	int rc = uv_pipe_init(d->loop, &d->server, 0);
	if (rc)
		return rc;
	d->server.data = d;
	/* A socket file left by a vmms that died is stale; a live vmms answers a connect. */
	if (access(path, F_OK) == 0) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			close(fd);
			return UV_EADDRINUSE;
		}
		if (fd >= 0)
			close(fd);
		unlink(path);
	}
	mode_t old = umask(0117); /* socket 0660: root and the hvadmin group */
	rc = uv_pipe_bind(&d->server, path);
	umask(old);
	if (rc)
		return rc;
	gid_t gid;
	if (mgmt_system_group_db.group_gid(MGMT_ADMIN_GROUP, &gid) &&
	    chown(path, (uid_t)-1, gid) != 0)
		mgmt_log_write(&d->log, MGMT_LOG_WARN, "vmms", "cannot give %s to group %s: %s",
			       path, MGMT_ADMIN_GROUP, strerror(errno));
	/* Test mode: the allowed uid must reach the socket to be checked at all. */
	if (d->opt.allow_uid_set)
		chmod(path, 0666);
	d->client_mem.max = VMMS_CLIENT_MEM_MAX;
	uv_timer_init(d->loop, &d->sweep);
	d->sweep.data = d;
	uv_timer_start(&d->sweep, on_sweep, 1000, 1000);
	return uv_listen((uv_stream_t *)&d->server, 128, on_connection);
}
