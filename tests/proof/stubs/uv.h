/* SPDX-License-Identifier: MIT */
/* Stand-in for <uv.h> in the proof targets (found before the system header: -I order): the
 * few libuv types and calls the VMBus server and its VSP framework use, declared as libuv
 * declares them. The handles keep libuv's common prefix (data, loop), so that the product's
 * cast of a uv_idle_t * to a uv_handle_t * is as valid here as it is in libuv. The bodies
 * are in uv.c, with what they assume. */
#ifndef PROOF_STUB_UV_H
#define PROOF_STUB_UV_H

#include <stdint.h>

typedef struct uv_loop_s {
	int unused;
} uv_loop_t;

typedef struct uv_handle_s uv_handle_t;
typedef struct uv_idle_s uv_idle_t;
typedef void (*uv_close_cb)(uv_handle_t *handle);
typedef void (*uv_idle_cb)(uv_idle_t *handle);

struct uv_handle_s {
	void *data;
	uv_loop_t *loop;
};

struct uv_idle_s {
	void *data;
	uv_loop_t *loop;
	uv_idle_cb idle_cb; /* the stub's: set by uv_idle_start, NULL when stopped */
};

uint64_t uv_now(const uv_loop_t *loop);
int uv_idle_init(uv_loop_t *loop, uv_idle_t *idle);
int uv_idle_start(uv_idle_t *idle, uv_idle_cb cb);
int uv_idle_stop(uv_idle_t *idle);
void uv_close(uv_handle_t *handle, uv_close_cb close_cb);

/* The harness's loop turn: runs the started idle handle's callback, as uv_run would. */
void proof_uv_run_idle(void);

#endif
