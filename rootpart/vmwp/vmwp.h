/* SPDX-License-Identifier: MIT */
/* vmwp internals: one worker process per running child partition. It owns the partition
 * (behind partition.h), the device list, the VM's log and its control channel to vmms; one
 * libuv loop runs it all (later the VP threads report into this loop). */
#ifndef HV_VMWP_H
#define HV_VMWP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

#include "mgmt/byte_ring.h"
#include "mgmt/conn.h"
#include "mgmt/log.h"
#include "proto/worker.pb-c.h"
#include "mgmt/vm_config.h"
#include "report_pacer.h"

#define VMWP_MAX_DEVICES 24
#define VMWP_CONSOLE_RING (64u << 10) /* COM1 output kept for hvctl console */

struct vmwp_device {
	const char *kind; /* "disk", "com1", "ic-shutdown", "ic-heartbeat", ... */
	char detail[512];
	char status[128];
};

struct partition;
struct vmwp_vmbus;

struct vmwp {
	uv_loop_t *loop;
	const char *name;
	const char *config_path;
	const char *control_path;
	struct mgmt_log log;
	struct vm_config cfg;
	bool cfg_ok;
	char cfg_error[1024];
	char cfg_digest[80];
	Hv__Worker__Phase phase;
	char reason[512];
	int64_t started_ms;
	int64_t heartbeat_ms;
	struct vmwp_device devices[VMWP_MAX_DEVICES];
	size_t ndevices;
	struct partition *part;
	struct vmwp_vmbus *vmbus;     /* VMBus server + devices, while the partition exists */
	struct mgmt_conn *controller; /* the vmms currently in charge, if any */
	uv_pipe_t listener;
	bool listening;
	uv_timer_t heartbeat;
	/* A device state change is reported at once (not with the next heartbeat), paced: */
	uv_check_t device_check; /* after every loop turn: did a device's state change? */
	uv_timer_t device_timer; /* a change within REPORT_PACER_MIN_MS of the last report */
	struct report_pacer pacer;
	uv_timer_t shutdown_timer;
	uint32_t shutdown_timeout_s;
	bool stop_timed_out; /* the next report is a graceful stop that ran out of time */
	bool stop_no_force;  /* --no-force: a graceful stop that times out leaves the VM up */
	uint32_t forced_after_timeout_s; /* turned off after a graceful stop's timeout */
	uv_signal_t sigterm;
	int exit_code;
	bool exiting;
	int disk_locks[VM_CONFIG_MAX_DISKS]; /* image lock descriptors, held until exit */
	bool run_as_set; /* --run-as: drop root once the partition and devices exist */
	uid_t run_uid;
	gid_t run_gid, run_group;
	size_t ndisk_locks;
	char console_line[512]; /* COM1 bytes until the next newline */
	size_t console_len;
	struct mgmt_byte_ring console_ring; /* COM1 output, from the first byte until it wraps */
	uint64_t console_sent;		    /* next output offset the controller gets */
	uint8_t console_in[4096];	    /* typed bytes COM1's receiver has not taken yet */
	size_t console_in_len;
	uint64_t console_in_dropped; /* typed bytes that did not fit (logged) */
	bool console_in_dropping;    /* said once per episode */
	unsigned console_in_delay_ms;
	uv_timer_t console_in_timer; /* retries the receiver while input waits */
	uv_prepare_t console_prepare; /* sends output that waited for the channel to drain */
};

/* control.c */
int vmwp_control_listen(struct vmwp *w);
int vmwp_control_adopt_fd(struct vmwp *w, int fd);
void vmwp_report(struct vmwp *w, uint64_t id, bool refused, const char *reason);
/* Logs the last line, sends the final report (answering report_id), closes everything; the
 * loop then ends and the process exits with code. */
void vmwp_exit(struct vmwp *w, int code, uint64_t report_id);

/* lifecycle.c: what the worker does on each command, and partition callbacks. */
void vmwp_on_start(struct vmwp *w, uint64_t id);
void vmwp_on_stop(struct vmwp *w, uint64_t id, bool force, uint32_t timeout_s, bool no_force);
void vmwp_partition_running(struct vmwp *w);
void vmwp_partition_stopped(struct vmwp *w, const char *how);
/* The guest crashed (why: the reason and its registers): logged, torn down, the worker exits
 * with a failure status so that vmms shows the VM crashed. */
void vmwp_partition_crashed(struct vmwp *w, const char *why);

/* devices.c */
void vmwp_devices_from_config(struct vmwp *w);
void vmwp_devices_set_status(struct vmwp *w, const char *status);

/* vmbus_host.c: the VMBus server and devices on the partition's transport. */
int vmwp_vmbus_start(struct vmwp *w, char *why, size_t n);
void vmwp_vmbus_stop(struct vmwp *w);
int vmwp_vmbus_request_shutdown(struct vmwp *w);
void vmwp_vmbus_device_status(struct vmwp *w, struct vmwp_device *d);
/* One byte per device (at most n): its state without live figures (a heartbeat's age), so that
 * a change is noticed cheaply. 0 without a VMBus server. */
size_t vmwp_vmbus_device_states(struct vmwp *w, uint8_t *key, size_t n);
/* The VMBus server's channel signals and the storage VSP's I/O, totals (0 without VMBus). */
struct vmwp_io_counters {
	uint64_t signals_in, signals_out;
	uint64_t reads, writes, read_bytes, write_bytes;
};
void vmwp_vmbus_counters(struct vmwp *w, struct vmwp_io_counters *c);

/* console.c: the guest's COM1: output into the ring, the log (one line per guest line,
 * component "console") and the stream to vmms; input from vmms to the receiver. */
int vmwp_console_init(struct vmwp *w);
void vmwp_console_close(struct vmwp *w);
void vmwp_console_feed(struct vmwp *w, const uint8_t *bytes, size_t len);
void vmwp_console_flush(struct vmwp *w);
/* At exit: the last line logged, and every byte vmms has not had sent now. */
void vmwp_console_final(struct vmwp *w);
/* Sends the controller the output it has not had, as far as its queue allows. */
void vmwp_console_pump(struct vmwp *w);
/* A new controller: it gets the output from the oldest byte the ring holds. */
void vmwp_console_restart_stream(struct vmwp *w);
void vmwp_console_input(struct vmwp *w, const uint8_t *bytes, size_t len);

#endif
