/* SPDX-License-Identifier: MIT */
/* Worker supervision: spawning one vmwp per starting VM, its control channel (worker.proto),
 * noticing its death at once (libuv's child watcher for our own children, a pidfd for
 * workers re-adopted after a vmms restart), and turning its reports and exit into state
 * changes. One worker's fate never touches another VM. */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "vmms.h"
#include "mgmt/names.h"

#define FORCE_STOP_GRACE_MS   5000 /* a forced stop is a SIGKILL after this */
#define GRACEFUL_SLACK_MS     5000 /* the worker's own timeout, plus this, then give up */
#define READOPT_CONNECT_TRIES 30
#define READOPT_RETRY_MS      100
#define HEARTBEAT_LOST_MS     6500 /* three missed reports */

static void on_readopt_retry(uv_timer_t *t);
static void on_stop_timer(uv_timer_t *t);

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* A worker struct lives until the last of its handles has closed. */
static void worker_release(struct worker *w)
{
	if (--w->open_handles == 0) {
		if (w->pidfd >= 0)
			close(w->pidfd);
		free(w);
	}
}

static void on_worker_handle_closed(uv_handle_t *h)
{
	worker_release(h->data);
}

static void on_worker_conn_closed(struct mgmt_conn *c)
{
	worker_release(c->owner);
}

static void worker_close_handles(struct worker *w)
{
	if (w->conn_open) {
		w->conn_open = false;
		mgmt_conn_close(&w->conn);
	}
	if (!uv_is_closing((uv_handle_t *)&w->stop_timer))
		uv_close((uv_handle_t *)&w->stop_timer, on_worker_handle_closed);
	if (!uv_is_closing((uv_handle_t *)&w->retry_timer))
		uv_close((uv_handle_t *)&w->retry_timer, on_worker_handle_closed);
	if (w->pidfd >= 0 && !uv_is_closing((uv_handle_t *)&w->pidpoll))
		uv_close((uv_handle_t *)&w->pidpoll, on_worker_handle_closed);
	if (w->spawned && !uv_is_closing((uv_handle_t *)&w->proc))
		uv_close((uv_handle_t *)&w->proc, on_worker_handle_closed);
}

static void send_command(struct worker *w, Hv__Worker__WorkerCommand *cmd)
{
	if (w->conn_open)
		mgmt_conn_send(&w->conn, &cmd->base);
}

static void send_start(struct worker *w)
{
	Hv__Worker__StartCommand start;
	hv__worker__start_command__init(&start);
	Hv__Worker__WorkerCommand cmd;
	hv__worker__worker_command__init(&cmd);
	cmd.id = 1;
	cmd.cmd_case = HV__WORKER__WORKER_COMMAND__CMD_START;
	cmd.start = &start;
	send_command(w, &cmd);
}

/* The worker is gone (or no longer ours): settle the VM's state and answer waiters. */
static void worker_gone(struct worker *w, const char *how, bool clean_exit)
{
	struct vmms *d = w->d;
	struct vm *vm = w->vm;
	w->exited = true;
	if (vm && vm->worker == w) {
		vm->worker = NULL;
		vm->ndevices = 0;
		enum vm_state next;
		char why[512], reason[1024];
		mgmt_log_write(&d->log, MGMT_LOG_INFO, "vmms", "VM %s: worker pid %d %s", vm->name,
			       (int)w->pid, how);
		/* A worker that said its partition stopped and exited 0 shut the VM down, even
		 * when that came after vmms gave up waiting for a graceful stop. */
		enum vm_action act = clean_exit && w->reported_stopped ? VM_ACT_WORKER_STOPPED
								       : VM_ACT_WORKER_EXITED;
		if (vm_transition(vm->state, act, vm->name, &next, why, sizeof(why))) {
			/* Off while running with no stop asked: the guest itself powered off. */
			bool by_guest = next == VM_OFF && vm->state == VM_RUNNING &&
					!w->stop_timed_out;
			if (next == VM_OFF)
				snprintf(vm->event_how, sizeof(vm->event_how), "%s",
					 w->forced_after_timeout_s ? "forced-after-timeout"
					 : w->force_stop	   ? "forced"
					 : by_guest		   ? "guest"
					 : vm->state == VM_RUNNING ? "timeout"
								   : "graceful");
			if (next == VM_OFF && w->forced_after_timeout_s)
				snprintf(reason, sizeof(reason),
					 "forced off: the guest did not shut down within %u s",
					 w->forced_after_timeout_s);
			else if (by_guest)
				snprintf(reason, sizeof(reason), "%s",
					 w->stop_reason[0] ? w->stop_reason
							   : "the guest shut down");
			else if (next == VM_OFF && vm->state == VM_RUNNING)
				snprintf(reason, sizeof(reason),
					 "shut down after the stop timed out (%s)",
					 w->stop_reason[0] ? w->stop_reason : "worker exited 0");
			else if (next == VM_OFF)
				snprintf(reason, sizeof(reason), "%s",
					 w->force_stop ? "forced off" : "shut down");
			else if (next == VM_FAILED && w->fail_reason[0])
				snprintf(reason, sizeof(reason), "%s", w->fail_reason);
			else if (next == VM_FAILED)
				snprintf(reason, sizeof(reason),
					 "worker %s before the VM was running; "
					 "see hvctl logs %s",
					 how, vm->name);
			else if (w->reported_stopped && w->stop_reason[0]) /* the worker said why */
				snprintf(reason, sizeof(reason), "%s", w->stop_reason);
			else
				snprintf(reason, sizeof(reason), "worker %s; see hvctl logs %s",
					 how, vm->name);
			vmms_set_state(d, vm, next, reason);
		} else {
			vmms_save_state(d, vm);
		}
		char msg[1200];
		uv_timer_stop(&w->stop_timer);
		snprintf(msg, sizeof(msg), "start of %s failed: %s", vm->name, vm->reason);
		vmms_waiter_done(&vm->start_waiter, false, HV__MGMT__ERROR_CODE__ERROR_START_FAILED,
				 msg);
		if (vm->state == VM_OFF) {
			snprintf(msg, sizeof(msg), "stopped %s (%s)", vm->name, vm->reason);
			vmms_waiter_done(&vm->stop_waiter, true, 0, msg);
		} else {
			snprintf(msg, sizeof(msg), "%s is %s: %s", vm->name,
				 vm_state_name(vm->state), vm->reason);
			vmms_waiter_done(&vm->stop_waiter, false,
					 HV__MGMT__ERROR_CODE__ERROR_STOP_FAILED, msg);
		}
	}
	/* Its output is complete now (the worker sends the last bytes before it exits). */
	if (vm && !vm->worker && !vm_state_has_worker(vm->state)) {
		char why[700];
		snprintf(why, sizeof(why), "%s is %s: %s", vm->name, vm_state_name(vm->state),
			 vm->reason);
		vmms_console_end(d, vm, why);
	}
	w->vm = NULL;
	worker_close_handles(w);
}

static void on_proc_exit(uv_process_t *proc, int64_t status, int sig)
{
	struct worker *w = proc->data;
	char how[128];
	if (sig)
		snprintf(how, sizeof(how), "was killed by signal %d (%s)", sig, strsignal(sig));
	else
		snprintf(how, sizeof(how), "exited with status %lld", (long long)status);
	if (w->vm && w->vm->worker == w)
		w->vm->event_signal = sig;
	worker_gone(w, how, !sig && status == 0);
}

static void on_pidfd_readable(uv_poll_t *h, int status, int events)
{
	(void)status;
	(void)events;
	struct worker *w = h->data;
	uv_poll_stop(h);
	worker_gone(w, "exited (re-adopted after a vmms restart, so its exit status is unknown)",
		    w->reported_stopped);
}

static void copy_devices(struct vm *vm, const Hv__Worker__WorkerReport *r)
{
	size_t n = r->n_devices < VM_MAX_DEVICES ? r->n_devices : VM_MAX_DEVICES;
	for (size_t i = 0; i < n; i++) {
		snprintf(vm->devices[i].kind, sizeof(vm->devices[i].kind), "%s",
			 r->devices[i]->kind);
		snprintf(vm->devices[i].detail, sizeof(vm->devices[i].detail), "%s",
			 r->devices[i]->detail);
		snprintf(vm->devices[i].status, sizeof(vm->devices[i].status), "%s",
			 r->devices[i]->status);
	}
	vm->ndevices = n;
}

static void worker_signal(struct worker *w, int sig)
{
	if (w->exited)
		return;
	if (w->spawned)
		uv_process_kill(&w->proc, sig);
	else if (w->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, w->pidfd, sig, NULL, 0);
}

/* Stops a worker whose VM cannot go on (its state could not be recorded, or it never
 * reported): SIGTERM makes it tear the partition down and exit; SIGKILL follows if it has
 * not exited after the grace time. The VM's state follows from the exit (failed). */
static void worker_abort(struct worker *w, const char *why)
{
	snprintf(w->fail_reason, sizeof(w->fail_reason), "%.500s", why);
	w->force_stop = true;
	w->aborting = true;
	worker_signal(w, SIGTERM);
	uv_timer_start(&w->stop_timer, on_stop_timer, FORCE_STOP_GRACE_MS, 0);
}

static void detach_unknown(struct worker *w, const char *why)
{
	struct vm *vm = w->vm;
	mgmt_log_write(&w->d->log, MGMT_LOG_ERROR, "vmms", "VM %s: %s", vm ? vm->name : "?", why);
	/* Never signal a process we cannot prove is our worker: just let go of it. */
	if (vm && vm->worker == w && vm_state_has_worker(vm->state)) {
		vm->worker = NULL;
		vmms_set_state(w->d, vm, VM_CRASHED, why);
	}
	w->vm = NULL;
	worker_close_handles(w);
}

/* The worker reached running: recorded first, then reported. A VM whose running state
 * cannot be recorded must not run unknown to the next vmms: its worker is stopped and the
 * start fails. */
static void worker_running(struct worker *w, enum vm_state next)
{
	struct vm *vm = w->vm;
	char msg[1200], why[700];
	uv_timer_stop(&w->stop_timer); /* the start timeout */
	int rc = vmms_commit_state(w->d, vm, next, "started");
	if (rc != 0) {
		vmms_persist_error(w->d, rc, why, sizeof(why));
		snprintf(msg, sizeof(msg), "%s; its worker was stopped", why);
		worker_abort(w, msg);
		snprintf(msg, sizeof(msg), "start of %s failed: %s; its worker was stopped",
			 vm->name, why);
		vmms_waiter_done(&vm->start_waiter, false, HV__MGMT__ERROR_CODE__ERROR_INTERNAL,
				 msg);
		return;
	}
	snprintf(msg, sizeof(msg), "started %s (worker pid %d)", vm->name, (int)w->pid);
	vmms_waiter_done(&vm->start_waiter, true, 0, msg);
}

static void send_stop(struct worker *w, bool force, uint32_t timeout_s, bool no_force)
{
	Hv__Worker__StopCommand stop;
	hv__worker__stop_command__init(&stop);
	stop.force = force;
	stop.timeout_s = timeout_s;
	stop.no_force = no_force;
	Hv__Worker__WorkerCommand cmd;
	hv__worker__worker_command__init(&cmd);
	cmd.id = 2;
	cmd.cmd_case = HV__WORKER__WORKER_COMMAND__CMD_STOP;
	cmd.stop = &stop;
	send_command(w, &cmd);
}

/* A graceful stop's time ran out and the caller did not ask to keep the VM up, yet the
 * worker has not turned it off (a worker older than StopCommand.no_force refuses instead;
 * or it did not act on its own timeout): vmms turns it off as a forced stop does. */
static void force_after_timeout(struct worker *w, const char *why)
{
	mgmt_log_write(&w->d->log, MGMT_LOG_WARN, "vmms", "VM %s: %s; turning it off", w->vm->name,
		       why);
	w->forced_after_timeout_s = w->stop_timeout_s;
	w->force_stop = true;
	send_stop(w, true, 0, false);
	uv_timer_start(&w->stop_timer, on_stop_timer, FORCE_STOP_GRACE_MS, 0);
}

static bool exit_reason_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > VM_EXIT_REASON_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/* The hypervisor's exit counts of the report, each keeping its previous sample (matched by
 * reason) for the rates. A reason that is not a short lower-case word is dropped. */
static void take_exit_counts(struct vm *vm, const Hv__Worker__WorkerReport *r)
{
	struct vm_exit_count next[VM_MAX_EXIT_REASONS];
	size_t n = 0;
	for (size_t i = 0; i < r->n_hv_exits && n < VM_MAX_EXIT_REASONS; i++) {
		if (!exit_reason_ok(r->hv_exits[i]->reason))
			continue;
		struct vm_exit_count *e = &next[n++];
		*e = (struct vm_exit_count){ .count = r->hv_exits[i]->count };
		snprintf(e->reason, sizeof(e->reason), "%s", r->hv_exits[i]->reason);
		for (size_t j = 0; j < vm->nexits; j++)
			if (strcmp(vm->exits[j].reason, e->reason) == 0) {
				e->prev = vm->exits[j].prev;
				e->per_s = vm->exits[j].per_s;
			}
	}
	memcpy(vm->exits, next, n * sizeof(next[0]));
	vm->nexits = n;
	vm->hv_exits = r->hv_exits_total;
	vm->hv_interrupts = r->hv_interrupts;
}

/* The exit rates against the previous sample, s seconds older (sane: no counter went back). */
static void exit_rates(struct vm *vm, bool sane, double s)
{
	sane = sane && vm->hv_exits >= vm->hv_exits_prev;
	vm->hv_exits_per_s = sane ? (double)(vm->hv_exits - vm->hv_exits_prev) / s : 0;
	vm->hv_exits_prev = vm->hv_exits;
	for (size_t i = 0; i < vm->nexits; i++) {
		struct vm_exit_count *e = &vm->exits[i];
		e->per_s = sane && e->count >= e->prev ? (double)(e->count - e->prev) / s : 0;
		e->prev = e->count;
	}
}

/* The worker's VMBus and storage totals and the hypervisor's exit counts, and their rates
 * against the last sample at least RATE_MIN_MS older (reports come every 2 s, and sooner when
 * a device changes). */
#define RATE_MIN_MS 1000
static void take_io_counters(struct vm *vm, const Hv__Worker__WorkerReport *r)
{
	struct vm_io_counters now = {
		.signals_in = r->vmbus_signals_in,
		.signals_out = r->vmbus_signals_out,
		.reads = r->storage_reads,
		.writes = r->storage_writes,
		.read_bytes = r->storage_read_bytes,
		.write_bytes = r->storage_write_bytes,
	};
	const struct vm_io_counters *p = &vm->io_prev;
	int64_t ms = r->heartbeat_ms - vm->io_prev_ms;
	vm->io = now;
	take_exit_counts(vm, r);
	if (vm->io_prev_ms && ms < RATE_MIN_MS && ms >= 0)
		return;
	/* A counter going back is a new worker (or VMBus server): no rate from that pair. */
	bool sane = vm->io_prev_ms && ms > 0 && now.signals_in >= p->signals_in &&
		    now.signals_out >= p->signals_out && now.reads >= p->reads &&
		    now.writes >= p->writes && now.read_bytes >= p->read_bytes &&
		    now.write_bytes >= p->write_bytes;
	double s = sane ? (double)ms / 1000.0 : 1.0;
	vm->signals_per_s = sane ? (double)(now.signals_in - p->signals_in + now.signals_out -
					    p->signals_out) / s
				 : 0;
	vm->iops = sane ? (double)(now.reads - p->reads + now.writes - p->writes) / s : 0;
	vm->read_mb_s = sane ? (double)(now.read_bytes - p->read_bytes) / s / 1e6 : 0;
	vm->write_mb_s = sane ? (double)(now.write_bytes - p->write_bytes) / s / 1e6 : 0;
	exit_rates(vm, sane, s);
	vm->io_prev = now;
	vm->io_prev_ms = r->heartbeat_ms;
}

static void handle_report(struct worker *w, const Hv__Worker__WorkerReport *r)
{
	struct vmms *d = w->d;
	struct vm *vm = w->vm;
	char why[512], msg[1200];
	enum vm_state next;
	if (!vm || vm->worker != w)
		return; /* a previous worker of this VM, still exiting: no say any more */
	if (strcmp(r->vm_name, vm->name) != 0 || (w->pid && r->pid != w->pid)) {
		snprintf(why, sizeof(why),
			 "the worker socket answered for VM '%s' pid %d, expected "
			 "%s pid %d: not our worker; check the run folder",
			 r->vm_name, (int)r->pid, vm->name, (int)w->pid);
		detach_unknown(w, why);
		return;
	}
	if (w->adopting) {
		w->adopting = false;
		mgmt_log_write(&d->log, MGMT_LOG_INFO, "vmms", "VM %s: re-adopted worker pid %d",
			       vm->name, (int)w->pid);
		/* The previous vmms may have died between spawning the worker and telling it to
		 * start; a worker that is already starting refuses the repeat, harmlessly. */
		if (r->phase == HV__WORKER__PHASE__PHASE_STARTING)
			send_start(w);
	}
	vm->heartbeat_ms = r->heartbeat_ms;
	vm->vp_exits = r->vp_exits;
	take_io_counters(vm, r);
	vm->heartbeat_lost = false;
	copy_devices(vm, r);
	if (strcmp(vm->log_error, r->log_error) != 0) {
		snprintf(vm->log_error, sizeof(vm->log_error), "%s", r->log_error);
		if (r->log_error[0])
			mgmt_log_write(&d->log, MGMT_LOG_ERROR, "vmms", "VM %s: its log: %s",
				       vm->name, r->log_error);
	}
	if (r->refused && r->timed_out && vm->state == VM_STOPPING && !w->force_stop &&
	    !w->stop_no_force) {
		force_after_timeout(w, "the worker left the VM running after the graceful stop "
				       "timed out");
		return;
	}
	if (r->refused) {
		if (vm_transition(vm->state, VM_ACT_STOP_REFUSED, vm->name, &next, why,
				  sizeof(why)) &&
		    !w->force_stop) {
			uv_timer_stop(&w->stop_timer);
			w->stop_timed_out = r->timed_out;
			snprintf(msg, sizeof(msg), "cannot stop %s: %s", vm->name, r->reason);
			snprintf(vm->event_how, sizeof(vm->event_how), "%s",
				 r->timed_out ? "timeout" : "refused");
			vmms_set_state(d, vm, next, msg);
			vmms_waiter_done(&vm->stop_waiter, false,
					 r->timed_out ? HV__MGMT__ERROR_CODE__ERROR_TIMEOUT
						      : HV__MGMT__ERROR_CODE__ERROR_STOP_FAILED,
					 msg);
		}
		return;
	}
	switch (r->phase) {
	case HV__WORKER__PHASE__PHASE_RUNNING:
		if (vm->state != VM_RUNNING && !w->aborting &&
		    vm_transition(vm->state, VM_ACT_WORKER_RUNNING, vm->name, &next, why,
				  sizeof(why)))
			worker_running(w, next);
		break;
	case HV__WORKER__PHASE__PHASE_STOPPED:
		w->reported_stopped = true;
		if (r->forced_after_timeout_s)
			w->forced_after_timeout_s = r->forced_after_timeout_s;
		snprintf(w->stop_reason, sizeof(w->stop_reason), "%s", r->reason);
		break;
	case HV__WORKER__PHASE__PHASE_FAILED:
		snprintf(w->fail_reason, sizeof(w->fail_reason), "%s", r->reason);
		if (vm_transition(vm->state, VM_ACT_WORKER_FAILED, vm->name, &next, why,
				  sizeof(why))) {
			vmms_set_state(d, vm, next, r->reason);
			snprintf(msg, sizeof(msg), "start of %s failed: %s", vm->name, r->reason);
			vmms_waiter_done(&vm->start_waiter, false,
					 HV__MGMT__ERROR_CODE__ERROR_START_FAILED, msg);
		}
		break;
	default:
		break;
	}
}

static void on_worker_frame(struct mgmt_conn *c, const uint8_t *msg, size_t len)
{
	struct worker *w = c->owner;
	Hv__Worker__WorkerReport *r = hv__worker__worker_report__unpack(NULL, len, msg);
	if (!r) {
		mgmt_log_write(&w->d->log, MGMT_LOG_WARN, "vmms",
			       "worker pid %d sent %zu undecodable "
			       "bytes (ignored)",
			       (int)w->pid, len);
		return;
	}
	if (r->console) {
		/* Console output only: no state, no heartbeat (see worker.proto). */
		if (w->vm && w->vm->worker == w)
			vmms_console_output(w->d, w->vm, r->console->offset,
					    r->console->data.data, r->console->data.len);
	} else {
		handle_report(w, r);
	}
	hv__worker__worker_report__free_unpacked(r, NULL);
}

static void on_worker_refused(struct mgmt_conn *c, uint32_t declared)
{
	struct worker *w = c->owner;
	mgmt_log_write(&w->d->log, MGMT_LOG_WARN, "vmms",
		       "worker pid %d sent a %u-byte frame; "
		       "channel closed",
		       (int)w->pid, declared);
}

static void on_stop_timer(uv_timer_t *t)
{
	struct worker *w = t->data;
	struct vm *vm = w->vm;
	if (w->aborting) {
		mgmt_log_write(&w->d->log, MGMT_LOG_WARN, "vmms",
			       "worker pid %d did not exit %d ms after SIGTERM; killing it",
			       (int)w->pid, FORCE_STOP_GRACE_MS);
		worker_signal(w, SIGKILL);
		return;
	}
	if (vm && vm->state == VM_STARTING && vm->worker == w) {
		char why[600];
		snprintf(
			why, sizeof(why),
			"the worker (pid %d) did not report within %u s (vmms --start-timeout); it "
			"was stopped: see hvctl logs %s",
			(int)w->pid, w->d->opt.start_timeout_s, vm->name);
		worker_abort(w, why);
		char msg[700];
		snprintf(msg, sizeof(msg), "start of %s timed out: %s", vm->name, why);
		vmms_waiter_done(&vm->start_waiter, false, HV__MGMT__ERROR_CODE__ERROR_TIMEOUT,
				 msg);
		return;
	}
	if (!vm || vm->state != VM_STOPPING)
		return;
	if (w->force_stop) {
		mgmt_log_write(&w->d->log, MGMT_LOG_WARN, "vmms",
			       "VM %s: worker pid %d ignored a "
			       "forced stop for %d ms; killing it",
			       vm->name, (int)w->pid, FORCE_STOP_GRACE_MS);
		worker_signal(w, SIGKILL);
		return;
	}
	if (!w->stop_no_force) {
		force_after_timeout(w, "the worker did not finish the graceful stop in time");
		return;
	}
	char msg[512];
	snprintf(msg, sizeof(msg),
		 "cannot stop %s: the worker did not finish a graceful stop in "
		 "time; the VM is still running: use hvctl stop %s --force",
		 vm->name, vm->name);
	snprintf(vm->event_how, sizeof(vm->event_how), "timeout");
	vmms_set_state(w->d, vm, VM_RUNNING, msg);
	vmms_waiter_done(&vm->stop_waiter, false, HV__MGMT__ERROR_CODE__ERROR_TIMEOUT, msg);
}

static struct worker *worker_new(struct vmms *d, struct vm *vm)
{
	struct worker *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->vm = vm;
	w->d = d;
	w->pidfd = -1;
	uv_timer_init(d->loop, &w->stop_timer);
	w->stop_timer.data = w;
	uv_timer_init(d->loop, &w->retry_timer);
	w->retry_timer.data = w;
	w->open_handles = 2;
	if (mgmt_conn_init(&w->conn, d->loop, w, on_worker_frame, on_worker_refused,
			   on_worker_conn_closed) == 0) {
		w->conn_open = true;
		w->open_handles++;
	}
	return w;
}

/* Runs vmwp for vm with the channel's far end as its fd 3 (sv[1], closed here either way);
 * on failure sv[0] is closed too, the worker struct released and why says what to do. */
static int start_process(struct vmms *d, struct vm *vm, struct worker *w, char *cfg, char *sock,
			 int sv[2], char *why, size_t n)
{
	char run_as[64];
	if (vmms_privsep_assign(d, vm, run_as, sizeof(run_as)) != 0) {
		close(sv[0]);
		close(sv[1]);
		w->vm = NULL;
		worker_close_handles(w);
		snprintf(why, n, "no free worker uid above %u (vmms --worker-uid-base)",
			 d->opt.worker_uid_base);
		return -1;
	}
	char *args[] = {
		mgmt_pb_str(d->opt.worker_path),
		(char *)"--name",
		vm->name,
		mgmt_pb_str("--config"),
		cfg,
		(char *)"--log-dir",
		mgmt_pb_str(d->opt.log_dir),
		(char *)"--control-socket",
		sock,
		mgmt_pb_str("--channel-fd"),
		(char *)"3",
		run_as[0] ? (char *)"--run-as" : NULL,
		run_as,
		NULL,
	};
	uv_stdio_container_t stdio[4] = {
		{ .flags = UV_IGNORE },
		{ .flags = UV_IGNORE },
		{ .flags = UV_INHERIT_FD, .data.fd = 2 },
		{ .flags = UV_INHERIT_FD, .data.fd = sv[1] },
	};
	uv_process_options_t po = {
		.exit_cb = on_proc_exit,
		.file = d->opt.worker_path,
		.args = args,
		.stdio_count = 4,
		.stdio = stdio,
		/* Own session: a worker outlives vmms (and its terminal) and is re-adopted. */
		.flags = UV_PROCESS_DETACHED,
	};
	w->proc.data = w;
	int rc = uv_spawn(d->loop, &w->proc, &po);
	close(sv[1]);
	w->spawned = true;
	w->open_handles++;
	if (rc != 0) {
		close(sv[0]);
		snprintf(why, n,
			 "cannot run the worker %s: %s; install vmwp beside vmms or pass "
			 "vmms --worker-path",
			 d->opt.worker_path, uv_strerror(rc));
		w->vm = NULL;
		worker_close_handles(w);
		return -1;
	}
	return 0;
}

int vmms_worker_spawn(struct vmms *d, struct vm *vm, char *why, size_t n)
{
	char cfg[4200], sock[4200];
	if (!mgmt_path_join(cfg, sizeof(cfg), d->vms_dir, vm->name, ".json") ||
	    !mgmt_path_join(sock, sizeof(sock), d->workers_dir, vm->name, ".sock")) {
		snprintf(why, n, "paths too long; use shorter --state-dir/--run-dir");
		return -1;
	}
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		snprintf(why, n, "cannot create the worker channel: %s", strerror(errno));
		return -1;
	}
	/* A failed start's worker may still be exiting: it no longer speaks for this VM. */
	if (vm->worker) {
		vm->worker->vm = NULL;
		vm->worker = NULL;
	}
	struct worker *w = worker_new(d, vm);
	if (!w || !w->conn_open) {
		close(sv[0]);
		close(sv[1]);
		if (w)
			worker_close_handles(w);
		snprintf(why, n, "out of memory");
		return -1;
	}
	if (start_process(d, vm, w, cfg, sock, sv, why, n) != 0)
		return -1;
	w->pid = w->proc.pid;
	uv_pipe_open(&w->conn.pipe, sv[0]);
	mgmt_conn_start(&w->conn);
	vm->worker = w;
	vm->ndevices = 0;
	vm->heartbeat_ms = 0;
	vm->vp_exits = 0;
	vm->io_prev_ms = 0;
	vm->io = vm->io_prev = (struct vm_io_counters){ 0 };
	vm->signals_per_s = vm->iops = vm->read_mb_s = vm->write_mb_s = 0;
	vm->hv_exits = vm->hv_exits_prev = vm->hv_interrupts = 0;
	vm->hv_exits_per_s = 0;
	vm->nexits = 0;
	vmms_console_reset(d, vm);
	mgmt_log_write(&d->log, MGMT_LOG_INFO, "vmms", "VM %s: spawned worker pid %d (%s)",
		       vm->name, (int)w->pid, d->opt.worker_path);
	/* Recorded (with the worker's pid) before anything is reported or started: a vmms
	 * restarting later finds this worker. Not recorded: the worker goes. */
	int rc = vmms_commit_state(d, vm, VM_STARTING, "start requested");
	if (rc != 0) {
		vmms_persist_error(d, rc, why, n);
		vm->worker = NULL;
		w->vm = NULL;
		worker_abort(w, why);
		return VMMS_SPAWN_NOT_RECORDED;
	}
	if (d->opt.start_timeout_s)
		uv_timer_start(&w->stop_timer, on_stop_timer,
			       (uint64_t)d->opt.start_timeout_s * 1000, 0);
	send_start(w);
	return 0;
}

int vmms_worker_stop(struct vmms *d, struct vm *vm, bool force, uint32_t timeout_s, bool no_force)
{
	(void)d;
	struct worker *w = vm->worker;
	if (!w)
		return -1;
	if (!w->conn_open && !force)
		return -1;
	w->force_stop = w->force_stop || force;
	if (!force) {
		w->stop_timeout_s = timeout_s;
		w->stop_no_force = no_force;
	}
	send_stop(w, force, timeout_s, no_force);
	uint64_t ms = force ? FORCE_STOP_GRACE_MS : (uint64_t)timeout_s * 1000 + GRACEFUL_SLACK_MS;
	uv_timer_start(&w->stop_timer, on_stop_timer, ms, 0);
	return 0;
}

int vmms_worker_console_input(struct vm *vm, const uint8_t *bytes, size_t len)
{
	struct worker *w = vm->worker;
	if (!w || !w->conn_open || w->conn.closing || w->conn.queued > CONSOLE_WORKER_BACKLOG)
		return -1;
	Hv__Worker__ConsoleCommand cc = HV__WORKER__CONSOLE_COMMAND__INIT;
	cc.input.data = (uint8_t *)(uintptr_t)bytes; /* protobuf-c fields are not const */
	cc.input.len = len;
	Hv__Worker__WorkerCommand cmd = HV__WORKER__WORKER_COMMAND__INIT;
	cmd.id = 4;
	cmd.cmd_case = HV__WORKER__WORKER_COMMAND__CMD_CONSOLE;
	cmd.console = &cc;
	send_command(w, &cmd);
	return 0;
}

static void send_status(struct worker *w)
{
	mgmt_conn_start(&w->conn);
	Hv__Worker__StatusCommand st;
	hv__worker__status_command__init(&st);
	Hv__Worker__WorkerCommand cmd;
	hv__worker__worker_command__init(&cmd);
	cmd.id = 3;
	cmd.cmd_case = HV__WORKER__WORKER_COMMAND__CMD_STATUS;
	cmd.status = &st;
	send_command(w, &cmd);
}

/* Connects to a re-adopted worker's control socket. A worker spawned just before the previous
 * vmms died may not be listening yet (or its socket file may be a dead worker's, about to be
 * replaced), so a refused connection is retried for a few seconds while the process lives. */
static void try_readopt_connect(struct worker *w)
{
	char sock[4200], why[600];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (!w->vm)
		return;
	if (!mgmt_path_join(sock, sizeof(sock), w->d->workers_dir, w->vm->name, ".sock") ||
	    strlen(sock) >= sizeof(sa.sun_path)) {
		detach_unknown(w, "worker control socket path too long; use a shorter --run-dir");
		return;
	}
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    uv_pipe_open(&w->conn.pipe, fd) == 0) {
		send_status(w);
		return;
	}
	int e = errno;
	if (fd >= 0)
		close(fd);
	if ((e == ECONNREFUSED || e == ENOENT || e == EAGAIN) &&
	    ++w->connect_tries < READOPT_CONNECT_TRIES) {
		uv_timer_start(&w->retry_timer, on_readopt_retry, READOPT_RETRY_MS, 0);
		return;
	}
	snprintf(why, sizeof(why),
		 "worker pid %d does not answer on its control socket %.200s (%s) "
		 "after a vmms restart; marked crashed",
		 (int)w->pid, sock, strerror(e));
	detach_unknown(w, why);
}

static void on_readopt_retry(uv_timer_t *t)
{
	try_readopt_connect(t->data);
}

void vmms_worker_readopt(struct vmms *d, struct vm *vm)
{
	char why[512], sock[4200];
	pid_t pid = vm->worker_pid;
	int pidfd = pid > 0 ? pidfd_open_(pid) : -1;
	/* A pidfd is readable once the process has exited, zombies (not yet reaped by their new
	 * parent) included. */
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	if (pidfd >= 0 && poll(&pfd, 1, 0) > 0) {
		close(pidfd);
		pidfd = -1;
	}
	if (pidfd < 0) {
		snprintf(why, sizeof(why),
			 "worker pid %d was gone when vmms restarted (exit status "
			 "unknown); see hvctl logs %s",
			 (int)pid, vm->name);
		vmms_set_state(d, vm, vm->state == VM_STOPPING ? VM_OFF : VM_CRASHED,
			       vm->state == VM_STOPPING ? "shut down while vmms was away" : why);
		return;
	}
	struct worker *w = worker_new(d, vm);
	if (!w) {
		close(pidfd);
		return;
	}
	w->pid = pid;
	w->pidfd = pidfd;
	w->adopting = true;
	vm->worker = w;
	uv_poll_init(d->loop, &w->pidpoll, pidfd);
	w->pidpoll.data = w;
	w->open_handles++;
	uv_poll_start(&w->pidpoll, UV_READABLE, on_pidfd_readable);
	mgmt_path_join(sock, sizeof(sock), d->workers_dir, vm->name, ".sock");
	mgmt_log_write(&d->log, MGMT_LOG_INFO, "vmms", "VM %s: re-adopting worker pid %d via %s",
		       vm->name, (int)pid, sock);
	try_readopt_connect(w);
}

/* A live worker that the state files do not know (vmms died between spawning it and
 * recording it, or a state file was restored from an older copy). Its VM, if it still
 * exists and is down, takes it back: recorded as starting, then the worker's status report
 * moves it on as for any re-adoption. Otherwise it is told to turn its partition off. */
static void adopt_unknown(struct vmms *d, const char *name, int fd, pid_t pid)
{
	struct vm *vm = mgmt_vm_name_ok(name) ? vmms_find(d, name) : NULL;
	char why[700];
	int pidfd = vm && !vm->worker && !vm_state_has_worker(vm->state) ? pidfd_open_(pid) : -1;
	struct worker *w = pidfd >= 0 ? worker_new(d, vm) : NULL;
	if (w && w->conn_open && uv_pipe_open(&w->conn.pipe, fd) == 0) {
		w->pid = pid;
		w->pidfd = pidfd;
		w->adopting = true;
		vm->worker = w;
		uv_poll_init(d->loop, &w->pidpoll, pidfd);
		w->pidpoll.data = w;
		w->open_handles++;
		uv_poll_start(&w->pidpoll, UV_READABLE, on_pidfd_readable);
		snprintf(why, sizeof(why),
			 "worker pid %d found running after a vmms restart although the state "
			 "file said %s; adopted",
			 (int)pid, vm_state_name(vm->state));
		mgmt_log_write(&d->log, MGMT_LOG_WARN, "vmms", "VM %s: %s", name, why);
		if (vmms_commit_state(d, vm, VM_STARTING, why) == 0) {
			send_status(w);
			return;
		}
		vm->worker = NULL;
		w->vm = NULL;
		worker_abort(w, "its state cannot be recorded");
		worker_close_handles(w);
		return;
	}
	if (w) {
		w->vm = NULL;
		worker_close_handles(w);
	} else if (pidfd >= 0) {
		close(pidfd);
	}
	/* Not ours to keep: a forced stop over its control socket (it then exits). */
	Hv__Worker__StopCommand stop;
	hv__worker__stop_command__init(&stop);
	stop.force = true;
	Hv__Worker__WorkerCommand cmd;
	hv__worker__worker_command__init(&cmd);
	cmd.id = 4;
	cmd.cmd_case = HV__WORKER__WORKER_COMMAND__CMD_STOP;
	cmd.stop = &stop;
	uint8_t buf[64];
	size_t len = hv__worker__worker_command__pack(&cmd, buf);
	int rc = mgmt_frame_send_fd(fd, buf, len);
	mgmt_log_write(&d->log, MGMT_LOG_WARN, "vmms",
		       "worker pid %d of %s %s found running after a vmms restart; %s", (int)pid,
		       vm ? "VM" : "unknown VM", name,
		       rc == 0 ? "told it to turn its partition off" : "cannot reach it");
	close(fd);
}

void vmms_workers_scan(struct vmms *d)
{
	DIR *dir = opendir(d->workers_dir);
	struct dirent *e;
	while (dir && (e = readdir(dir)) != NULL) {
		char name[256], sock[4200];
		size_t n = strlen(e->d_name);
		if (n <= 5 || n - 5 >= sizeof(name) || strcmp(e->d_name + n - 5, ".sock") != 0)
			continue;
		memcpy(name, e->d_name, n - 5);
		name[n - 5] = '\0';
		struct vm *vm = mgmt_vm_name_ok(name) ? vmms_find(d, name) : NULL;
		if (vm && vm->worker)
			continue; /* known, being re-adopted */
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		if (!mgmt_path_join(sock, sizeof(sock), d->workers_dir, e->d_name, NULL) ||
		    strlen(sock) >= sizeof(sa.sun_path))
			continue;
		memcpy(sa.sun_path, sock, strlen(sock) + 1);
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		pid_t pid;
		uid_t uid;
		gid_t gid;
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
		    mgmt_peer_creds(fd, &pid, &uid, &gid) != 0) {
			if (fd >= 0)
				close(fd);
			continue; /* a dead worker's socket file */
		}
		adopt_unknown(d, name, fd, pid);
	}
	if (dir)
		closedir(dir);
}

/* A running VM whose worker has not reported for HEARTBEAT_LOST_MS (it reports every 2 s)
 * gets one heartbeat-lost event and a vmms.log line; the next report ends the silence. */
void vmms_check_heartbeats(struct vmms *d)
{
	int64_t now = mgmt_now_ms();
	struct vm *vm;
	LIST_FOREACH(vm, &d->vms, link) {
		if (vm->state != VM_RUNNING || !vm->worker || vm->heartbeat_lost ||
		    vm->heartbeat_ms <= 0 || now - vm->heartbeat_ms < HEARTBEAT_LOST_MS)
			continue;
		vm->heartbeat_lost = true;
		char why[160];
		snprintf(why, sizeof(why),
			 "no report from worker pid %d for %lld s; see hvctl logs %s",
			 (int)vm->worker->pid, (long long)(now - vm->heartbeat_ms) / 1000,
			 vm->name);
		mgmt_log_write(&d->log, MGMT_LOG_WARN, "vmms", "VM %s: heartbeat lost: %s",
			       vm->name, why);
		vmms_events_emit(d, vm->name, vm->state, vm->state, why, "heartbeat-lost", 0);
	}
}
