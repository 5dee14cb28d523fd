/* SPDX-License-Identifier: MIT */
/* The worker's control channel to vmms (worker.proto): the inherited socketpair from spawn,
 * and a listening socket under the run folder where a restarted vmms reconnects. The newest
 * controller wins; reports (answers, phase changes, heartbeats) go to it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hv/abi.h"
#include "mgmt/names.h"
#include "partition.h"
#include "mgmt/peer_access.h"
#include "mgmt/names.h"
#include "vmwp.h"

#define HEARTBEAT_MS 2000

static void on_command(struct vmwp *w, const Hv__Worker__WorkerCommand *cmd)
{
	switch (cmd->cmd_case) {
	case HV__WORKER__WORKER_COMMAND__CMD_START:
		vmwp_on_start(w, cmd->id);
		break;
	case HV__WORKER__WORKER_COMMAND__CMD_STOP:
		vmwp_on_stop(w, cmd->id, cmd->stop->force, cmd->stop->timeout_s,
			     cmd->stop->no_force);
		break;
	case HV__WORKER__WORKER_COMMAND__CMD_STATUS:
		vmwp_report(w, cmd->id, false, NULL);
		break;
	case HV__WORKER__WORKER_COMMAND__CMD_CONSOLE:
		/* vmms bounds each to 4096 bytes; the buffer bounds what waits. No answer. */
		vmwp_console_input(w, cmd->console->input.data, cmd->console->input.len);
		break;
	default:
		vmwp_report(w, cmd->id, true, "unknown command: vmms and vmwp versions differ");
		break;
	}
}

static void on_frame(struct mgmt_conn *c, const uint8_t *msg, size_t len)
{
	struct vmwp *w = c->owner;
	if (c != w->controller)
		return;
	Hv__Worker__WorkerCommand *cmd = hv__worker__worker_command__unpack(NULL, len, msg);
	if (!cmd) {
		mgmt_log_write(&w->log, MGMT_LOG_WARN, "vmwp",
			       "undecodable command (%zu bytes) "
			       "ignored",
			       len);
		return;
	}
	on_command(w, cmd);
	hv__worker__worker_command__free_unpacked(cmd, NULL);
}

static void on_closed(struct mgmt_conn *c)
{
	struct vmwp *w = c->owner;
	if (w->controller == c) {
		w->controller = NULL;
		if (!w->exiting)
			mgmt_log_write(&w->log, MGMT_LOG_WARN, "vmwp",
				       "vmms disconnected; the VM keeps "
				       "running until a vmms re-adopts this worker");
	}
	free(c);
}

static struct mgmt_conn *new_conn(struct vmwp *w)
{
	struct mgmt_conn *c = malloc(sizeof(*c));
	if (!c)
		return NULL;
	if (mgmt_conn_init(c, w->loop, w, on_frame, NULL, on_closed) != 0) {
		free(c);
		return NULL;
	}
	return c;
}

static void set_controller(struct vmwp *w, struct mgmt_conn *c)
{
	if (w->controller)
		mgmt_conn_close(w->controller);
	w->controller = c;
	vmwp_console_restart_stream(w);
	mgmt_conn_start(c);
}

int vmwp_control_adopt_fd(struct vmwp *w, int fd)
{
	struct mgmt_conn *c = new_conn(w);
	if (!c)
		return -ENOMEM;
	int rc = uv_pipe_open(&c->pipe, fd);
	if (rc) {
		mgmt_conn_close(c);
		return rc;
	}
	set_controller(w, c);
	return 0;
}

static void on_connection(uv_stream_t *server, int status)
{
	struct vmwp *w = server->data;
	if (status < 0)
		return;
	struct mgmt_conn *c = new_conn(w);
	if (!c)
		return;
	if (uv_accept(server, (uv_stream_t *)&c->pipe) != 0) {
		mgmt_conn_close(c);
		return;
	}
	pid_t pid;
	uid_t uid;
	gid_t gid;
	/* Only vmms's own user may take over a worker. */
	if (mgmt_peer_creds(mgmt_conn_fd(c), &pid, &uid, &gid) != 0 ||
	    (uid != 0 && uid != geteuid())) {
		mgmt_log_write(&w->log, MGMT_LOG_WARN, "vmwp",
			       "refused control connection from uid %u", (unsigned)uid);
		mgmt_conn_close(c);
		return;
	}
	mgmt_log_write(&w->log, MGMT_LOG_INFO, "vmwp", "vmms (pid %d) took over this worker",
		       (int)pid);
	set_controller(w, c);
}

static void on_heartbeat(uv_timer_t *t)
{
	struct vmwp *w = t->data;
	vmwp_report(w, 0, false, NULL);
}

/* A device's state changed since the last report (the guest opened a channel, negotiated an
 * integration service, broke one): vmms hears it now, or once REPORT_PACER_MIN_MS have passed
 * since the last report, so that `hvctl show` lags by at most that. */
static void on_device_timer(uv_timer_t *t);

static void check_devices(struct vmwp *w)
{
	if (!w->controller || w->exiting)
		return;
	uint8_t key[REPORT_PACER_MAX_KEY];
	size_t n = vmwp_vmbus_device_states(w, key, sizeof(key));
	int64_t wait_ms = report_pacer_due(&w->pacer, key, n, uv_now(w->loop));
	if (wait_ms == 0)
		vmwp_report(w, 0, false, NULL);
	else if (wait_ms > 0 && !uv_is_active((uv_handle_t *)&w->device_timer))
		uv_timer_start(&w->device_timer, on_device_timer, (uint64_t)wait_ms, 0);
}

static void on_device_timer(uv_timer_t *t)
{
	check_devices(t->data);
}

/* Runs after every turn of the loop, so right after the VMBus server handled what the guest
 * sent (messages and signals arrive as loop events): a handful of loads and a compare, and
 * nothing at all while the loop sleeps. */
static void on_loop_turn(uv_check_t *c)
{
	check_devices(c->data);
}

int vmwp_control_listen(struct vmwp *w)
{
	int rc = uv_pipe_init(w->loop, &w->listener, 0);
	if (rc)
		return rc;
	w->listener.data = w;
	w->listening = true;
	unlink(w->control_path); /* a previous worker of this VM is gone: vmms checked */
	mode_t old = umask(0177);
	rc = uv_pipe_bind(&w->listener, w->control_path);
	umask(old);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&w->listener, 4, on_connection);
	uv_timer_init(w->loop, &w->heartbeat);
	w->heartbeat.data = w;
	uv_timer_start(&w->heartbeat, on_heartbeat, HEARTBEAT_MS, HEARTBEAT_MS);
	uv_timer_init(w->loop, &w->device_timer);
	w->device_timer.data = w;
	uv_check_init(w->loop, &w->device_check);
	w->device_check.data = w;
	uv_check_start(&w->device_check, on_loop_turn);
	return rc;
}

/* The hypervisor's names of its exit reasons (hv_stats_log_summary's): what vmms, hvctl and
 * the metrics show, so one grep finds a reason in the hypervisor's log and in hvctl top. */
static const char *const exit_reason_names[HV_EXIT_REASON_COUNT] = {
	"other", "cpuid",    "msr_read", "msr_write", "hypercall", "io",  "svm_insn",
	"npf",	 "shutdown", "intr",	 "nmi",	      "invd",	   "hlt",
};
_Static_assert(HV_EXIT_REASON_COUNT == 13, "a new exit reason needs its name here");

struct hv_exit_report {
	Hv__Worker__ExitCount counts[HV_EXIT_REASON_COUNT];
	Hv__Worker__ExitCount *ptrs[HV_EXIT_REASON_COUNT];
};

/* The partition's VP costs as the hypervisor counted them, into r (store holds what r points
 * to until it is sent). Nothing when the backend has no counts: vmms then shows none. */
static void report_hv_exits(struct vmwp *w, Hv__Worker__WorkerReport *r,
			    struct hv_exit_report *store)
{
	struct hv_vp_stats st;
	if (!w->part || !partition_backend.vp_stats || partition_backend.vp_stats(w->part, &st))
		return;
	r->hv_exits_total = st.exits_total;
	r->hv_interrupts = st.interrupts;
	/* A hypervisor newer than this worker may count more reasons: those are left out of the
	 * breakdown (they stay in the total). */
	uint32_t n = st.exit_reason_count < HV_EXIT_REASON_COUNT ? st.exit_reason_count
								 : HV_EXIT_REASON_COUNT;
	for (uint32_t i = 0; i < n; i++) {
		if (!st.exits[i])
			continue;
		Hv__Worker__ExitCount *c = &store->counts[r->n_hv_exits];
		hv__worker__exit_count__init(c);
		c->reason = mgmt_pb_str(exit_reason_names[i]);
		c->count = st.exits[i];
		store->ptrs[r->n_hv_exits++] = c;
	}
	r->hv_exits = store->ptrs;
}

void vmwp_report(struct vmwp *w, uint64_t id, bool refused, const char *reason)
{
	if (!w->controller)
		return;
	w->heartbeat_ms = mgmt_now_ms();
	Hv__Worker__DeviceStatus ds[VMWP_MAX_DEVICES];
	Hv__Worker__DeviceStatus *dp[VMWP_MAX_DEVICES];
	for (size_t i = 0; i < w->ndevices; i++) {
		vmwp_vmbus_device_status(w, &w->devices[i]);
		hv__worker__device_status__init(&ds[i]);
		ds[i].kind = mgmt_pb_str(w->devices[i].kind);
		ds[i].detail = w->devices[i].detail;
		ds[i].status = w->devices[i].status;
		dp[i] = &ds[i];
	}
	Hv__Worker__WorkerReport r;
	hv__worker__worker_report__init(&r);
	r.id = id;
	r.vm_name = mgmt_pb_str(w->name);
	r.pid = getpid();
	r.phase = w->phase;
	r.reason = mgmt_pb_str(reason ? reason : w->reason);
	r.refused = refused;
	r.heartbeat_ms = w->heartbeat_ms;
	r.vp_exits = w->part && partition_backend.exits ? partition_backend.exits(w->part) : 0;
	r.started_ms = w->started_ms;
	struct vmwp_io_counters io;
	vmwp_vmbus_counters(w, &io);
	r.vmbus_signals_in = io.signals_in;
	r.vmbus_signals_out = io.signals_out;
	r.storage_reads = io.reads;
	r.storage_writes = io.writes;
	r.storage_read_bytes = io.read_bytes;
	r.storage_write_bytes = io.write_bytes;
	struct hv_exit_report hv_exits;
	report_hv_exits(w, &r, &hv_exits);
	r.n_devices = w->ndevices;
	r.devices = dp;
	r.version = (char *)MGMT_VERSION_STRING;
	r.timed_out = w->stop_timed_out;
	r.forced_after_timeout_s = w->forced_after_timeout_s;
	w->stop_timed_out = false;
	char log_error[600] = "";
	mgmt_log_error(&w->log, log_error, sizeof(log_error));
	r.log_error = log_error;
	mgmt_conn_send(w->controller, &r.base);
	uint8_t key[REPORT_PACER_MAX_KEY];
	report_pacer_sent(&w->pacer, key, vmwp_vmbus_device_states(w, key, sizeof(key)),
			  uv_now(w->loop));
}

static void close_if_open(uv_handle_t *h)
{
	if (h->type != UV_UNKNOWN_HANDLE && !uv_is_closing(h))
		uv_close(h, NULL);
}

void vmwp_exit(struct vmwp *w, int code, uint64_t report_id)
{
	if (w->exiting)
		return;
	w->exiting = true;
	w->exit_code = code;
	vmwp_console_final(w);
	/* The log is complete before vmms hears the final phase: whoever reacts to it (hvctl
	 * start/stop returning, hvctl logs) reads the whole story. */
	mgmt_log_write(&w->log, code ? MGMT_LOG_ERROR : MGMT_LOG_INFO, "vmwp",
		       "worker exiting "
		       "(status %d)",
		       code);
	vmwp_report(w, report_id, false, NULL);
	if (w->listening) {
		unlink(w->control_path);
		close_if_open((uv_handle_t *)&w->listener);
	}
	close_if_open((uv_handle_t *)&w->heartbeat);
	close_if_open((uv_handle_t *)&w->device_timer);
	close_if_open((uv_handle_t *)&w->device_check);
	close_if_open((uv_handle_t *)&w->shutdown_timer);
	close_if_open((uv_handle_t *)&w->sigterm);
	vmwp_console_close(w);
	/* The controller is closed after its queued report is flushed; then the loop ends. */
	if (w->controller)
		mgmt_conn_close(w->controller);
}
