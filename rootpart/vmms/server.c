/* SPDX-License-Identifier: MIT */
/* vmms's API socket: listening, accepting, the SO_PEERCRED check, per-client connections and
 * the reply helpers every handler uses. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vmms.h"

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
	Hv__Mgmt__Error err = HV__MGMT__ERROR__INIT;
	err.code = code;
	err.message = msg;
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
	Hv__Mgmt__Done done = HV__MGMT__DONE__INIT;
	done.message = msg;
	Hv__Mgmt__Reply r = HV__MGMT__REPLY__INIT;
	r.id = id;
	r.result_case = HV__MGMT__REPLY__RESULT_DONE;
	r.done = &done;
	vmms_reply(c, &r);
}

static void on_client_frame(struct mgmt_conn *conn, const uint8_t *msg, size_t len)
{
	vmms_handle_frame(conn->owner, msg, len);
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
	vmms_forget_client(c->d, c);
	vmms_logs_forget_client(c->d, c);
	LIST_REMOVE(c, link);
	free(c);
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
	LIST_INSERT_HEAD(&d->clients, c, link);
	if (uv_accept(server, (uv_stream_t *)&c->conn.pipe) != 0) {
		mgmt_conn_close(&c->conn);
		return;
	}
	gid_t gid;
	char why[512];
	if (mgmt_peer_creds(mgmt_conn_fd(&c->conn), &c->pid, &c->uid, &gid) != 0) {
		mgmt_conn_close(&c->conn);
		return;
	}
	if (!mgmt_peer_allowed(&d->access, &mgmt_system_group_db, c->uid, gid, why, sizeof(why))) {
		mgmt_log_write(&d->log, MGMT_LOG_WARN, "vmms",
			       "refused client pid %d uid %u: not "
			       "root, not in group %s",
			       (int)c->pid, (unsigned)c->uid, MGMT_ADMIN_GROUP);
		vmms_reply_error(c, 0, HV__MGMT__ERROR_CODE__ERROR_PERMISSION_DENIED, "%s", why);
		mgmt_conn_close(&c->conn);
		return;
	}
	mgmt_conn_start(&c->conn);
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
	return uv_listen((uv_stream_t *)&d->server, 64, on_connection);
}
