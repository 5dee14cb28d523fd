/* SPDX-License-Identifier: MIT */
/* hvctl's side of the management socket: connect (with a message that says what to do when
 * vmms is not there or refuses us), send one framed request, read framed replies. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "mgmt/frame.h"
#include "hvctl.h"
#include "mgmt/names.h"

/* Bounds the blocking socket calls: connect (a full backlog of a stopped vmms), send and
 * receive. AF_UNIX connect honours SO_SNDTIMEO. */
static void set_timeouts(int fd, unsigned secs)
{
	struct timeval tv = { .tv_sec = secs, .tv_usec = 0 };
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

void hvctl_set_wait(struct hvctl *h, unsigned secs)
{
	h->wait_s = secs;
	if (h->fd >= 0)
		set_timeouts(h->fd, secs);
}

static void timeout_message(struct hvctl *h, const char *what)
{
	fprintf(stderr,
		"hvctl: vmms at %s did not %s within %u s; it may be stopped or overloaded "
		"(check that it runs: systemctl status vmms, and its vmms.log); a request already "
		"sent may still be carried out (see hvctl list), or wait longer with "
		"--reply-timeout S\n",
		h->socket_path, what, h->wait_s);
}

int hvctl_connect(struct hvctl *h)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(h->socket_path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "hvctl: socket path %s is too long (at most %zu bytes)\n",
			h->socket_path, sizeof(sa.sun_path) - 1);
		return HVCTL_USAGE;
	}
	strcpy(sa.sun_path, h->socket_path);
	h->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unsigned wait = h->wait_s ? h->wait_s : HVCTL_REPLY_TIMEOUT_S;
	if (h->fd >= 0)
		set_timeouts(h->fd, wait);
	if (h->fd < 0 || connect(h->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;
		if (e == ENOENT || e == ECONNREFUSED) {
			fprintf(stderr,
				"hvctl: cannot reach vmms at %s: %s; is vmms running? "
				"(start vmms, or point hvctl at its socket with --socket or %s)\n",
				h->socket_path, strerror(e), MGMT_SOCKET_ENV);
			return HVCTL_UNREACHABLE;
		}
		if (e == EACCES || e == EPERM) {
			fprintf(stderr,
				"hvctl: cannot reach vmms at %s: %s; run as root or as a "
				"member of group %s\n",
				h->socket_path, strerror(e), MGMT_ADMIN_GROUP);
			return HVCTL_PERMISSION;
		}
		if (e == EAGAIN || e == EWOULDBLOCK) {
			unsigned saved = h->wait_s;
			h->wait_s = wait;
			timeout_message(h, "accept the connection");
			h->wait_s = saved;
			return HVCTL_TIMEOUT;
		}
		fprintf(stderr, "hvctl: cannot reach vmms at %s: %s\n", h->socket_path,
			strerror(e));
		return HVCTL_UNREACHABLE;
	}
	/* Streams wait for their next line without a limit. */
	set_timeouts(h->fd, h->wait_s);
	return HVCTL_OK;
}

int hvctl_send(struct hvctl *h, Hv__Mgmt__Request *req)
{
	size_t len = hv__mgmt__request__get_packed_size(req);
	uint8_t *buf = malloc(len + 1);
	if (!buf) {
		fprintf(stderr, "hvctl: out of memory\n");
		return HVCTL_FAILED;
	}
	hv__mgmt__request__pack(req, buf);
	int rc = mgmt_frame_send_fd(h->fd, buf, len);
	free(buf);
	if (rc == -EPIPE || rc == -ECONNRESET) {
		/* vmms hung up before reading: it may have said why (e.g. permission denied). */
		int status = HVCTL_UNREACHABLE;
		Hv__Mgmt__Reply *r = hvctl_recv(h, &status);
		if (r) {
			status = hvctl_print_reply(h, r);
			hv__mgmt__reply__free_unpacked(r, NULL);
		}
		return status;
	}
	if (rc == -EAGAIN || rc == -EWOULDBLOCK) {
		timeout_message(h, "take the request");
		return HVCTL_TIMEOUT;
	}
	if (rc != 0) {
		fprintf(stderr, "hvctl: cannot send the request to vmms: %s\n", strerror(-rc));
		return HVCTL_FAILED;
	}
	return HVCTL_OK;
}

Hv__Mgmt__Reply *hvctl_recv(struct hvctl *h, int *status)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	*status = HVCTL_FAILED;
	int rc = mgmt_frame_recv_fd(h->fd, &buf, &len, MGMT_FRAME_MAX);
	if (rc == -EAGAIN || rc == -EWOULDBLOCK) {
		timeout_message(h, "answer");
		*status = HVCTL_TIMEOUT;
		return NULL;
	}
	if (rc == -EPIPE || rc == -ECONNRESET) {
		*status = HVCTL_UNREACHABLE;
		if (h->replies)
			fprintf(stderr, "hvctl: vmms closed the connection (did vmms stop? see "
					"vmms.log in its log folder)\n");
		else
			fprintf(stderr, "hvctl: vmms closed the connection without answering; see "
					"vmms.log in its log folder\n");
		return NULL;
	}
	if (rc != 0) {
		fprintf(stderr, "hvctl: cannot read vmms's reply: %s\n", strerror(-rc));
		return NULL;
	}
	Hv__Mgmt__Reply *r = hv__mgmt__reply__unpack(NULL, len, buf);
	free(buf);
	h->replies++;
	if (!r)
		fprintf(stderr, "hvctl: vmms's reply does not decode: vmms and hvctl versions "
				"differ?\n");
	return r;
}

Hv__Mgmt__Reply *hvctl_request(struct hvctl *h, Hv__Mgmt__Request *req, int want, int *status)
{
	*status = hvctl_send(h, req);
	if (*status)
		return NULL;
	Hv__Mgmt__Reply *r = hvctl_recv(h, status);
	if (!r || !want || (int)r->result_case == want)
		return r;
	int rc = hvctl_print_reply(h, r);
	hv__mgmt__reply__free_unpacked(r, NULL);
	*status = rc ? rc : HVCTL_FAILED;
	return NULL;
}

int hvctl_call(struct hvctl *h, Hv__Mgmt__Request *req)
{
	int rc = hvctl_connect(h);
	if (rc)
		return rc;
	Hv__Mgmt__Reply *r = hvctl_request(h, req, 0, &rc);
	if (!r)
		return rc;
	rc = hvctl_print_reply(h, r);
	hv__mgmt__reply__free_unpacked(r, NULL);
	return rc;
}
