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
	if (h->fd < 0 || connect(h->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;
		if (e == ENOENT || e == ECONNREFUSED)
			fprintf(stderr,
				"hvctl: cannot reach vmms at %s: %s; is vmms running? "
				"(start vmms, or point hvctl at its socket with --socket or %s)\n",
				h->socket_path, strerror(e), MGMT_SOCKET_ENV);
		else if (e == EACCES || e == EPERM)
			fprintf(stderr,
				"hvctl: cannot reach vmms at %s: %s; run as root or as a "
				"member of group %s\n",
				h->socket_path, strerror(e), MGMT_ADMIN_GROUP);
		else
			fprintf(stderr, "hvctl: cannot reach vmms at %s: %s\n", h->socket_path,
				strerror(e));
		return HVCTL_FAILED;
	}
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
		Hv__Mgmt__Reply *r = hvctl_recv(h);
		if (r) {
			hvctl_print_reply(h, r);
			hv__mgmt__reply__free_unpacked(r, NULL);
		}
		return HVCTL_FAILED;
	}
	if (rc != 0) {
		fprintf(stderr, "hvctl: cannot send the request to vmms: %s\n", strerror(-rc));
		return HVCTL_FAILED;
	}
	return HVCTL_OK;
}

Hv__Mgmt__Reply *hvctl_recv(struct hvctl *h)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = mgmt_frame_recv_fd(h->fd, &buf, &len, MGMT_FRAME_MAX);
	if (rc == -EPIPE || rc == -ECONNRESET) {
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

int hvctl_call(struct hvctl *h, Hv__Mgmt__Request *req)
{
	int rc = hvctl_connect(h);
	if (rc)
		return rc;
	rc = hvctl_send(h, req);
	if (rc)
		return rc;
	Hv__Mgmt__Reply *r = hvctl_recv(h);
	if (!r)
		return HVCTL_FAILED;
	rc = hvctl_print_reply(h, r);
	hv__mgmt__reply__free_unpacked(r, NULL);
	return rc;
}
