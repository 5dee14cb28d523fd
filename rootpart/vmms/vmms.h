/* SPDX-License-Identifier: MIT */
/* vmms internals shared by its files: the daemon (options, loop, clients), the inventory of
 * VMs and their workers. One libuv loop runs everything, so requests are serialised by
 * construction: a handler runs to completion before the next message is looked at. */
#ifndef HV_VMMS_H
#define HV_VMMS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>
#include <uv.h>

#include "mgmt/byte_ring.h"
#include "mgmt/conn.h"
#include "mgmt/log.h"
#include "mgmt/names.h"
#include "mgmt/peer_access.h"
#include "proto/management.pb-c.h"
#include "proto/worker.pb-c.h"
#include "state_machine.h"
#include "mgmt/vm_config.h"

struct vmms_options {
	const char *socket_path;
	const char *run_dir;
	const char *state_dir;
	const char *log_dir;
	const char *worker_path;
	unsigned max_running; /* 0 = unlimited */
	bool allow_uid_set;
	uid_t allow_uid;
	bool foreground_log;	      /* echo vmms.log lines to stderr */
	unsigned start_timeout_s;     /* a worker must report running or failed within this */
	unsigned max_clients;	      /* connections in all */
	unsigned max_clients_per_uid; /* per uid other than root */
	unsigned idle_timeout_s;      /* a client with nothing pending is closed after this */
	unsigned request_timeout_s;   /* a request must arrive whole within this */
	const char *metrics_file;     /* rewritten every 5 s for node_exporter, or NULL */
	unsigned worker_uid_base;     /* workers drop to BASE + slot; 0: they stay root */
};

struct client {
	struct mgmt_conn conn;
	struct vmms *d;
	uid_t uid;
	gid_t gid;
	pid_t pid;
	bool events; /* subscribed to the event stream */
	uint64_t events_id;
	char events_vm[MGMT_VM_NAME_MAX + 1]; /* only this VM's events ("" = all) */
	int64_t last_active_ms;		      /* last whole request (or the connection) */
	int64_t frame_started_ms;	      /* when the request being received began, 0 if none */
	struct vm *console_vm;		      /* attached to this VM's console (console.c) */
	uint64_t console_id;
	uint64_t console_pos;  /* the next output offset it gets */
	uint64_t console_lost; /* output it missed, told with the next bytes */
	bool console_watch;
	bool console_input_dropped; /* logged once per attach */
	LIST_ENTRY(client) link;
};

/* A request answered later (start waits for running, stop for off). */
struct waiter {
	struct client *client; /* NULL once that client has gone */
	uint64_t id;
};

struct worker {
	struct vm *vm; /* NULL once detached from its VM */
	struct vmms *d;
	pid_t pid;
	bool spawned; /* our child: exit status from libuv */
	uv_process_t proc;
	int pidfd; /* adopted after a restart: exit seen via pidfd */
	uv_poll_t pidpoll;
	struct mgmt_conn conn;
	bool conn_open;
	bool adopting;		/* waiting for the first status on re-adoption */
	uv_timer_t retry_timer; /* re-adoption: connecting to a worker not listening yet */
	int connect_tries;
	uv_timer_t stop_timer;
	bool force_stop;
	bool aborting;		 /* being stopped by vmms itself (SIGTERM, then SIGKILL) */
	bool reported_stopped;	 /* said PHASE_STOPPED: an exit 0 after it is a shutdown */
	bool stop_timed_out;	 /* a graceful stop timed out (the VM stayed running) */
	bool stop_no_force;	 /* the graceful stop in progress leaves the VM up at its timeout */
	uint32_t stop_timeout_s; /* the graceful stop in progress: the guest's time */
	uint32_t forced_after_timeout_s; /* turned off because that time ran out (0: not) */
	char stop_reason[256];
	bool exited;
	int open_handles;
	char fail_reason[512];
};

struct vm_device {
	char kind[32];
	char detail[512];
	char status[128];
};

#define VM_MAX_DEVICES 24

/* VMBus and storage totals a worker reports (hvctl top, hvctl metrics). */
struct vm_io_counters {
	uint64_t signals_in, signals_out;
	uint64_t reads, writes, read_bytes, write_bytes;
};

/* The hypervisor's exits of one reason, as the worker reported them (hvctl top, show,
 * metrics). The name comes from the worker, which parses guest bytes: it is kept only if it
 * is a short lower-case word (it becomes a metrics label, unescaped). */
#define VM_MAX_EXIT_REASONS 32
#define VM_EXIT_REASON_MAX  15
struct vm_exit_count {
	char reason[VM_EXIT_REASON_MAX + 1];
	uint64_t count;
	uint64_t prev; /* at the sample the rates are taken against (io_prev_ms) */
	double per_s;
};

struct vm {
	char name[MGMT_VM_NAME_MAX + 1];
	struct vm_config cfg;
	char *config_json;
	char boot_desc[4200]; /* "guest PATH" / "kernel PATH", for VmInfo */
	enum vm_state state;
	char reason[512];
	int64_t state_since_ms;
	int64_t heartbeat_ms;
	uint64_t vp_exits; /* its worker's last report */
	pid_t worker_pid;  /* persisted, for re-adoption */
	uid_t worker_uid;  /* the uid its worker dropped to (0: root), for the slots in use */
	uid_t owner_uid;   /* who created it: its files are opened only as they could */
	gid_t owner_gid;
	struct worker *worker;
	struct waiter start_waiter;
	struct waiter stop_waiter;
	struct vm_device devices[VM_MAX_DEVICES];
	size_t ndevices;
	char log_error[600]; /* the worker cannot write the VM log: why ("" when fine) */
	char event_how[24];  /* for the next event: see how in management.proto's Event */
	int event_signal;    /* for the next event: the signal that killed the worker */
	bool heartbeat_lost; /* said once per silence */
	struct mgmt_byte_ring console;	/* COM1 output of its last worker (console.c) */
	struct client *console_writer;	/* the one client whose typing reaches the guest */
	struct vm_io_counters io;	/* its worker's last report */
	struct vm_io_counters io_prev;	/* the sample the rates are taken against */
	int64_t io_prev_ms;
	double signals_per_s, iops, read_mb_s, write_mb_s;
	/* The hypervisor's counts for its VPs (worker.proto hv_exits*), their total's rate. */
	uint64_t hv_exits, hv_exits_prev, hv_interrupts;
	double hv_exits_per_s;
	struct vm_exit_count exits[VM_MAX_EXIT_REASONS];
	size_t nexits;
	Hv__Mgmt__ExitRate exits_pb[VM_MAX_EXIT_REASONS]; /* what VmInfo points to */
	Hv__Mgmt__ExitRate *exits_pb_ptrs[VM_MAX_EXIT_REASONS];
	LIST_ENTRY(vm) link;
};

struct log_follower;

/* One entry of the event journal. */
struct vmms_event {
	char name[MGMT_VM_NAME_MAX + 1];
	enum vm_state old_state, new_state;
	char reason[512];
	char kind[16];
	char how[24];
	int signal;
	int64_t time_ms;
};

#define VMMS_JOURNAL 512 /* events kept for replay (about 300 KiB) */

struct vmms {
	uv_loop_t *loop;
	struct vmms_options opt;
	struct mgmt_access_policy access;
	struct mgmt_log log;
	uv_pipe_t server;
	uv_signal_t sigterm, sigint;
	char vms_dir[4096];
	char workers_dir[4096];
	LIST_HEAD(, vm) vms;
	LIST_HEAD(, client) clients;
	LIST_HEAD(, log_follower) followers;
	unsigned nclients;
	struct vmms_event journal[VMMS_JOURNAL]; /* a ring: the last VMMS_JOURNAL events */
	uint64_t journal_next;
	struct mgmt_mem_budget client_mem; /* what all clients make vmms hold */
	uv_timer_t sweep;		   /* idle and half-sent requests */
	uv_timer_t metrics_timer;
	bool metrics_failed; /* said once until it works again */
};

/* Defaults of the client limits (vmms options; docs/management.md "Limits"). */
#define VMMS_MAX_CLIENTS	 512
#define VMMS_MAX_CLIENTS_PER_UID 32
#define VMMS_IDLE_TIMEOUT_S	 60
#define VMMS_REQUEST_TIMEOUT_S	 10
#define VMMS_CLIENT_MEM_MAX	 (32u << 20)

/* server.c */
int vmms_server_start(struct vmms *d);
/* A client with a pending answer or a stream is busy: never closed as idle. */
bool vmms_client_busy(struct client *c);
/* After a waiter's answer: a half-closed client owed nothing more is closed. */
void vmms_client_answered(struct client *c);
void vmms_reply(struct client *c, Hv__Mgmt__Reply *r);
/* A refusal for the VM's state: the facts (why, the state); the client words the way out. */
void vmms_reply_bad_state(struct client *c, uint64_t id, enum vm_state state, const char *why);
void vmms_reply_error(struct client *c, uint64_t id, Hv__Mgmt__ErrorCode code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void vmms_reply_done(struct client *c, uint64_t id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* api.c: decoding, checking and dispatching one request frame. */
void vmms_handle_frame(struct client *c, const uint8_t *msg, size_t len);
/* Checks a decoded request's fields; false with the problem in why. Shared with the fuzzer. */
bool vmms_request_valid(const Hv__Mgmt__Request *req, char *why, size_t why_size);

/* inventory.c */
struct vm *vmms_find(struct vmms *d, const char *name);
unsigned vmms_count_live(struct vmms *d);
/* Both persist before they report. set_state applies the change even when it cannot be
 * written (for changes that already happened: a worker died); commit_state refuses it then
 * (nothing changed, the caller fails the operation). Both return 0 or -errno. */
int vmms_set_state(struct vmms *d, struct vm *vm, enum vm_state s, const char *reason);
int vmms_commit_state(struct vmms *d, struct vm *vm, enum vm_state s, const char *reason);
/* "cannot record the VM's state under DIR: why; fix" for rc, into buf. */
void vmms_persist_error(struct vmms *d, int rc, char *buf, size_t size);
void vmms_fill_info(struct vm *vm, Hv__Mgmt__VmInfo *info, Hv__Mgmt__Device **devs,
		    Hv__Mgmt__Device *devstore, size_t ndev);
void vmms_vm_free(struct vm *vm);
void vmms_waiter_done(struct waiter *w, bool ok, Hv__Mgmt__ErrorCode code, const char *msg);
void vmms_forget_client(struct vmms *d, struct client *c);

/* persist.c */
int vmms_persist_dirs(struct vmms *d);
int vmms_save_config(struct vmms *d, struct vm *vm);
int vmms_save_state(struct vmms *d, struct vm *vm);
int vmms_remove_vm_files(struct vmms *d, const char *name);
int vmms_load_all(struct vmms *d);

/* supervise.c */
/* 0, -1 (the worker could not run), or VMMS_SPAWN_NOT_RECORDED (it ran, but its state could
 * not be recorded, so it was stopped again and the VM's state is unchanged); why says which. */
#define VMMS_SPAWN_NOT_RECORDED (-2)
int vmms_worker_spawn(struct vmms *d, struct vm *vm, char *why, size_t why_size);
/* force: at once; else gracefully within timeout_s, then turned off (no_force: left up). */
int vmms_worker_stop(struct vmms *d, struct vm *vm, bool force, uint32_t timeout_s, bool no_force);
void vmms_worker_readopt(struct vmms *d, struct vm *vm);
/* Typed console bytes for vm's worker; -1 when dropped (no worker, or its channel is
 * backed up past CONSOLE_WORKER_BACKLOG). */
#define CONSOLE_WORKER_BACKLOG (64u << 10)
int vmms_worker_console_input(struct vm *vm, const uint8_t *bytes, size_t len);
/* Called every second: one heartbeat-lost event per silent running worker. */
void vmms_check_heartbeats(struct vmms *d);
/* After the re-adoptions: live workers the state files do not know are adopted or stopped. */
void vmms_workers_scan(struct vmms *d);

/* images.c: disk images shared between VMs. */
/* True (why says which image and which VM) while another VM's worker uses one of vm's
 * images and not both read-only. */
bool vmms_image_in_use(struct vmms *d, const struct vm *vm, char *why, size_t why_size);
/* One line per image that cfg would share with a stored VM, "" when none. */
void vmms_image_warnings(struct vmms *d, const struct vm_config *cfg, char *buf, size_t size);

/* privsep.c: workers drop root (see the file's comment). */
#define VMMS_WORKER_UID_BASE 1879048192u /* 0x70000000: far from users and containers */
int vmms_privsep_dirs(struct vmms *d);
/* Picks the worker's uid, gives it the VM's logs; arg gets vmwp's --run-as value ("" when
 * workers keep root). 0 or -EAGAIN (no free slot). */
int vmms_privsep_assign(struct vmms *d, struct vm *vm, char *arg, size_t n);

/* metrics.c: the Prometheus text format (malloc'ed), and the --metrics-file timer. */
char *vmms_metrics_text(struct vmms *d);
void vmms_metrics_start(struct vmms *d);

/* events.c */
void vmms_events_broadcast(struct vmms *d, const char *name, enum vm_state old_state,
			   enum vm_state new_state, const char *reason);
/* With how (graceful, forced, forced-after-timeout, timeout, guest, refused, or
 * "heartbeat-lost" for that event) and the signal that killed a worker. Also journalled. */
void vmms_events_emit(struct vmms *d, const char *name, enum vm_state old_state,
		      enum vm_state new_state, const char *reason, const char *how, int signal);
/* Sends c the journal's events from since_ms on (its VM only, when it chose one). */
void vmms_events_replay(struct vmms *d, struct client *c, int64_t since_ms);

/* console.c: hvctl console (the rules are in the file's comment). */
void vmms_console_request(struct client *c, uint64_t id, struct vm *vm,
			  const Hv__Mgmt__ConsoleRequest *cr);
void vmms_console_input(struct client *c, uint64_t id, const ProtobufCBinaryData *data);
bool vmms_console_request_valid(const Hv__Mgmt__Request *req, char *why, size_t n);
/* Output from vm's worker, its first byte at stream offset `offset`. */
void vmms_console_output(struct vmms *d, struct vm *vm, uint64_t offset, const uint8_t *data,
			 size_t len);
/* A new worker: its output starts at offset 0 (attached clients are told the run ended). */
void vmms_console_reset(struct vmms *d, struct vm *vm);
/* The VM's run ended: every attached client is told why and detached. */
void vmms_console_end(struct vmms *d, struct vm *vm, const char *reason);
/* Once a second: clients that lagged get what they can take now. */
void vmms_console_catch_up(struct vmms *d);
void vmms_console_forget_client(struct vmms *d, struct client *c);

/* logs.c */
void vmms_logs_request(struct client *c, uint64_t id, struct vm *vm, uint32_t lines, bool follow);
void vmms_logs_forget_client(struct vmms *d, struct client *c);
bool vmms_logs_has_client(struct vmms *d, struct client *c);
void vmms_vm_log_path(struct vmms *d, const char *name, char *buf, size_t size);

#endif
