/* SPDX-License-Identifier: MIT */
/* Status codes of the VMBus library: 0 is success, negative values are errors. The numbers
 * follow Linux errno values so that logs read naturally; the library never touches errno. */
#ifndef VMBUS_STATUS_H
#define VMBUS_STATUS_H

enum vmbus_status {
	VMBUS_OK = 0,
	VMBUS_E_AGAIN = -11, /* ring empty (reader) / not enough space (writer); GPADL incomplete */
	VMBUS_E_NOSPC = -28, /* the caller's buffer or limit is too small for what the peer sent */
	VMBUS_E_BROKEN = -32, /* the ring was marked broken earlier; every later call fails fast */
	VMBUS_E_PROTO = -71,  /* the peer's bytes violate the protocol (the ring is now broken) */
	VMBUS_E_MSGSIZE =
		-90, /* the packet or message can never fit (ring, wire or 240-byte limit) */
	VMBUS_E_INVAL = -22, /* the caller's own argument is wrong: a local bug, not the peer */
};

/* A short constant name for a status ("AGAIN", "PROTO", ...), for logs. */
const char *vmbus_status_name(int status);

#endif
