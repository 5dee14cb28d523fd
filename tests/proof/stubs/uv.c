/* SPDX-License-Identifier: MIT */
/* libuv as the proof targets see it (see uv.h). What these stubs assume of libuv:
 * - uv_now() is any time (the server's log rate limit must hold for every clock value,
 *   including one that goes backwards or wraps);
 * - uv_idle_init() may fail; uv_idle_start()/uv_idle_stop() only record the callback, and a
 *   loop turn (proof_uv_run_idle, called by the harness at any point between two inbound
 *   calls) runs it, on the one loop thread, as libuv does;
 * - uv_close() runs the close callback at once. libuv runs it on a later loop turn; the
 *   server frees nothing the callback touches in between (it forgets the handle first), so
 *   the earlier call reaches the same code with the same state.
 * One idle handle at a time: the server has one (server_resume). */
#include <stddef.h>

#include "__fc_builtin.h"
#include "uv.h"

static uv_idle_t *started;

uint64_t uv_now(const uv_loop_t *loop)
{
	(void)loop;
	return Frama_C_unsigned_long_interval(0, 0xffffffffffffffffu);
}

int uv_idle_init(uv_loop_t *loop, uv_idle_t *idle)
{
	if (Frama_C_nondet(0, 1))
		return -12; /* UV_ENOMEM */
	idle->loop = loop;
	idle->idle_cb = NULL;
	return 0;
}

int uv_idle_start(uv_idle_t *idle, uv_idle_cb cb)
{
	idle->idle_cb = cb;
	started = idle;
	return 0;
}

int uv_idle_stop(uv_idle_t *idle)
{
	idle->idle_cb = NULL;
	if (started == idle)
		started = NULL;
	return 0;
}

void uv_close(uv_handle_t *handle, uv_close_cb close_cb)
{
	if ((void *)handle == (void *)started)
		started = NULL;
	if (close_cb)
		close_cb(handle);
}

void proof_uv_run_idle(void)
{
	if (started && started->idle_cb)
		started->idle_cb(started);
}
