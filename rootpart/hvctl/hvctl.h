/* SPDX-License-Identifier: MIT */
/* hvctl internals: the verb table (main.c), the blocking client of vmms's socket (client.c)
 * and the printing of replies as text or JSON (output.c). */
#ifndef HV_HVCTL_H
#define HV_HVCTL_H

#include <stdbool.h>

#include "proto/management.pb-c.h"

enum {
	HVCTL_OK = 0,
	HVCTL_FAILED = 1,
	HVCTL_USAGE = 2
};

struct hvctl {
	const char *socket_path;
	bool json;
	int fd;
	unsigned replies; /* received so far on this connection */
};

/* client.c */
int hvctl_connect(struct hvctl *h);
/* Sends req; returns HVCTL_OK or HVCTL_FAILED (message printed). */
int hvctl_send(struct hvctl *h, Hv__Mgmt__Request *req);
/* Receives one reply (NULL with a message printed on failure). */
Hv__Mgmt__Reply *hvctl_recv(struct hvctl *h);
/* Sends req and prints the single reply with output.c; returns the exit status. */
int hvctl_call(struct hvctl *h, Hv__Mgmt__Request *req);

/* output.c */
int hvctl_print_reply(struct hvctl *h, const Hv__Mgmt__Reply *r);
void hvctl_print_error(struct hvctl *h, const Hv__Mgmt__Error *e);
const char *hvctl_state_name(Hv__Mgmt__VmState s);
void hvctl_format_time(long long ms, char *buf, unsigned long size);

#endif
