/* SPDX-License-Identifier: MIT */
/* Metrics in the Prometheus text exposition format, for every VM in every state: what hvctl
 * metrics prints, and what vmms --metrics-file rewrites atomically every few seconds for
 * node_exporter's textfile collector. Labels are VM names (safe characters only, see
 * names.h) and exit reasons (lower-case words, checked when the worker reports them), so no
 * escaping is needed. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt/atomic_file.h"
#include "vmms.h"

#define METRICS_FILE_MS 5000

struct text {
	char *buf;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(t->buf ? t->buf + t->len : NULL, t->buf ? t->cap - t->len : 0,
				  fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (t->buf && t->len + (size_t)n < t->cap) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = (t->cap ? t->cap * 2 : 8192) + (size_t)n;
		char *nb = realloc(t->buf, cap);
		if (!nb)
			return;
		t->buf = nb;
		t->cap = cap;
	}
}

static void header(struct text *t, const char *name, const char *type, const char *help)
{
	put(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A counter of one VM with a label of two values (in/out, read/write). */
static void put_pair(struct text *t, const char *metric, const char *vm, const char *label,
		     const char *a, uint64_t va, const char *b, uint64_t vb)
{
	put(t, "%s{vm=\"%s\",%s=\"%s\"} %llu\n%s{vm=\"%s\",%s=\"%s\"} %llu\n", metric, vm, label, a,
	    (unsigned long long)va, metric, vm, label, b, (unsigned long long)vb);
}

static void vm_metrics(struct vmms *d, struct text *t, int64_t now)
{
	static const enum vm_state states[] = { VM_OFF,	     VM_STARTING, VM_RUNNING,
						VM_STOPPING, VM_FAILED,	  VM_CRASHED };
	struct vm *vm;
	header(t, "hv_vm_state", "gauge", "1 for the state the VM is in, 0 for the others.");
	LIST_FOREACH(vm, &d->vms, link)
		for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
			put(t, "hv_vm_state{vm=\"%s\",state=\"%s\"} %d\n", vm->name,
			    vm_state_name(states[i]), vm->state == states[i]);
	header(t, "hv_vm_memory_bytes", "gauge", "Guest memory of the VM's config.");
	LIST_FOREACH(vm, &d->vms, link)
		put(t, "hv_vm_memory_bytes{vm=\"%s\"} %llu\n", vm->name,
		    (unsigned long long)vm->cfg.memory_mib << 20);
	header(t, "hv_vm_vps", "gauge", "Virtual processors of the VM's config.");
	LIST_FOREACH(vm, &d->vms, link)
		put(t, "hv_vm_vps{vm=\"%s\"} %u\n", vm->name, vm->cfg.vps);
	header(t, "hv_vm_state_since_seconds", "gauge",
	       "Unix time of the VM's last state change (uptime while running).");
	LIST_FOREACH(vm, &d->vms, link)
		put(t, "hv_vm_state_since_seconds{vm=\"%s\"} %.3f\n", vm->name,
		    (double)vm->state_since_ms / 1000.0);
	header(t, "hv_vm_heartbeat_age_seconds", "gauge",
	       "Seconds since the VM's worker last reported (only VMs with a worker).");
	LIST_FOREACH(vm, &d->vms, link) {
		if (vm->worker && vm->heartbeat_ms > 0)
			put(t, "hv_vm_heartbeat_age_seconds{vm=\"%s\"} %.3f\n", vm->name,
			    (double)(now - vm->heartbeat_ms) / 1000.0);
	}
	header(t, "hv_vm_vmbus_signals_total", "counter",
	       "VMBus channel signals of the VM's worker (direction in: guest to host), since "
	       "its last start.");
	LIST_FOREACH(vm, &d->vms, link)
		put_pair(t, "hv_vm_vmbus_signals_total", vm->name, "direction", "in",
			 vm->io.signals_in, "out", vm->io.signals_out);
	header(t, "hv_vm_storage_requests_total", "counter",
	       "SCSI reads and writes of the VM's storage VSP since its last start.");
	LIST_FOREACH(vm, &d->vms, link)
		put_pair(t, "hv_vm_storage_requests_total", vm->name, "op", "read", vm->io.reads,
			 "write", vm->io.writes);
	header(t, "hv_vm_storage_bytes_total", "counter",
	       "Bytes the VM's storage VSP read and wrote for the guest since its last start.");
	LIST_FOREACH(vm, &d->vms, link)
		put_pair(t, "hv_vm_storage_bytes_total", vm->name, "op", "read", vm->io.read_bytes,
			 "write", vm->io.write_bytes);
	header(t, "hv_vm_exits_total", "counter",
	       "Exits of the VM's VPs by reason, as the hypervisor counted them (also those it "
	       "handles itself), since its worker started; only reasons seen.");
	LIST_FOREACH(vm, &d->vms, link)
		for (size_t i = 0; i < vm->nexits; i++)
			put(t, "hv_vm_exits_total{vm=\"%s\",reason=\"%s\"} %llu\n", vm->name,
			    vm->exits[i].reason, (unsigned long long)vm->exits[i].count);
	header(t, "hv_vm_interrupts_total", "counter",
	       "SINT interrupts the hypervisor put into the VM's VPs since its worker started.");
	LIST_FOREACH(vm, &d->vms, link)
		put(t, "hv_vm_interrupts_total{vm=\"%s\"} %llu\n", vm->name,
		    (unsigned long long)vm->hv_interrupts);
	header(t, "hv_vm_log_failing", "gauge",
	       "1 while the VM's worker cannot write its log (full log folder), else 0.");
	LIST_FOREACH(vm, &d->vms, link)
		put(t, "hv_vm_log_failing{vm=\"%s\"} %d\n", vm->name, vm->log_error[0] != '\0');
}

char *vmms_metrics_text(struct vmms *d)
{
	struct text t = { 0 };
	int64_t now = mgmt_now_ms();
	vm_metrics(d, &t, now);
	header(&t, "hv_vmms_clients", "gauge", "Connections to vmms's API socket.");
	put(&t, "hv_vmms_clients %u\n", d->nclients);
	header(&t, "hv_vmms_client_memory_bytes", "gauge",
	       "Memory vmms holds for clients (half-sent requests, unsent answers).");
	put(&t, "hv_vmms_client_memory_bytes %zu\n", d->client_mem.used);
	header(&t, "hv_vmms_events_total", "counter", "Events since vmms started.");
	put(&t, "hv_vmms_events_total %llu\n", (unsigned long long)d->journal_next);
	header(&t, "hv_vmms_running_vms", "gauge", "VMs starting, running or stopping.");
	put(&t, "hv_vmms_running_vms %u\n", vmms_count_live(d));
	return t.buf;
}

static void on_metrics_timer(uv_timer_t *timer)
{
	struct vmms *d = timer->data;
	char *text = vmms_metrics_text(d);
	int rc = text ? mgmt_atomic_write(d->opt.metrics_file, text, strlen(text), 0644) : -1;
	if (rc != 0 && !d->metrics_failed)
		mgmt_log_write(&d->log, MGMT_LOG_WARN, "vmms",
			       "cannot write the metrics file %s: %s", d->opt.metrics_file,
			       rc < 0 && rc != -1 ? strerror(-rc) : "out of memory");
	d->metrics_failed = rc != 0;
	free(text);
}

void vmms_metrics_start(struct vmms *d)
{
	if (!d->opt.metrics_file)
		return;
	uv_timer_init(d->loop, &d->metrics_timer);
	d->metrics_timer.data = d;
	uv_timer_start(&d->metrics_timer, on_metrics_timer, 0, METRICS_FILE_MS);
}
