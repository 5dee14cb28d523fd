/* SPDX-License-Identifier: MIT */
/* hvctl top: every second, per VM: CPU % of its worker (utime + stime from /proc/PID/stat),
 * resident memory, exits/s of its VPs (all of them, by the hypervisor's count, and by reason),
 * VMBus channel signals/s (both ways) and storage IOPS and read/write MB/s (SCSI READs and
 * WRITEs of the storage VSP: the guest's disk traffic), and the age of its worker's last
 * report. The exit, VMBus and storage figures are rates vmms computes from the worker's
 * counters between two of its reports at least 1 s apart (list's VmInfo), so they need no
 * access to the worker's /proc files (workers run as their own uid).
 * Interactive: the screen is redrawn each second until Ctrl-C; -b prints one frame after the
 * other (for logs and scripts); -n N stops after N frames. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hvctl.h"
#include "mgmt/log.h"

#define TOP_MAX_VMS 256

struct sample {
	int pid;
	unsigned long long cpu_ticks, rss_pages;
	bool have_cpu;
};

static void read_proc(struct sample *s)
{
	char path[64], buf[4096];
	s->have_cpu = false;
	snprintf(path, sizeof(path), "/proc/%d/stat", s->pid);
	FILE *f = fopen(path, "r");
	if (f && fgets(buf, sizeof(buf), f)) {
		/* Fields after the command name (which may hold spaces): from the last ')'. */
		char *p = strrchr(buf, ')');
		unsigned long long ut, st, rss;
		if (p && sscanf(p + 2,
				"%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d "
				"%*d %*d %*d %*u %*u %llu",
				&ut, &st, &rss) == 3) {
			s->cpu_ticks = ut + st;
			s->rss_pages = rss;
			s->have_cpu = true;
		}
	}
	if (f)
		fclose(f);
}

static Hv__Mgmt__VmList *fetch(struct hvctl *h, Hv__Mgmt__Reply **keep, int *rc)
{
	Hv__Mgmt__Request req;
	hv__mgmt__request__init(&req);
	Hv__Mgmt__ListRequest lr;
	hv__mgmt__list_request__init(&lr);
	req.id = 1;
	req.op_case = HV__MGMT__REQUEST__OP_LIST;
	req.list = &lr;
	*keep = hvctl_request(h, &req, HV__MGMT__REPLY__RESULT_LIST, rc);
	return *keep ? (*keep)->list : NULL;
}

#define ROW_FMT "%-20s %-9s %6s %8s %8s %9s %7s %9s %10s %9s %8s %s\n"

/* The reasons with exits in the last interval, busiest first, as "hlt=300 io=120": all of
 * them in batch mode (logs and scripts want everything), the first TOP_REASONS on screen so
 * that a row stays one line. "-" when none. */
#define TOP_REASONS	3
#define TOP_MAX_REASONS 64 /* more than vmms keeps (VM_MAX_EXIT_REASONS) */
static void format_reasons(const Hv__Mgmt__VmInfo *vm, bool all, char *out, size_t n)
{
	const Hv__Mgmt__ExitRate *order[TOP_MAX_REASONS];
	size_t k = 0;
	for (size_t i = 0; i < vm->n_hv_exits_by_reason && k < TOP_MAX_REASONS; i++) {
		const Hv__Mgmt__ExitRate *e = vm->hv_exits_by_reason[i];
		if (e->per_s < 0.5) /* rounds to 0 */
			continue;
		size_t j = k++; /* insertion sort, stable: ties stay in the hypervisor's order */
		for (; j > 0 && order[j - 1]->per_s < e->per_s; j--)
			order[j] = order[j - 1];
		order[j] = e;
	}
	snprintf(out, n, "-");
	size_t len = 0, shown = all || k <= TOP_REASONS ? k : TOP_REASONS;
	for (size_t i = 0; i < shown && len < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s%s=%.0f", i ? " " : "",
					order[i]->reason, order[i]->per_s);
	if (shown < k && len < n)
		snprintf(out + len, n - len, " +%zu", k - shown);
}

static json_object *reasons_json(const Hv__Mgmt__VmInfo *vm)
{
	json_object *o = json_object_new_object();
	for (size_t i = 0; i < vm->n_hv_exits_by_reason; i++)
		json_object_object_add(o, vm->hv_exits_by_reason[i]->reason,
				       json_object_new_double(vm->hv_exits_by_reason[i]->per_s));
	return o;
}

static void print_row(struct hvctl *h, const Hv__Mgmt__VmInfo *vm, const struct sample *a,
		      const struct sample *b, double secs, long tick, long page, bool batch)
{
	char cpu[16] = "-", mem[16] = "-", ex[24] = "-", sig[24] = "-", iops[24] = "-",
	     rd[24] = "-", wr[24] = "-", hb[16] = "-", pid[16] = "-", reasons[512] = "-";
	double cpu_pct = -1, hb_s = -1;
	/* The VMBus and storage rates exist while a worker reports. */
	bool io = vm->worker_pid && vm->heartbeat_ms > 0;
	if (vm->worker_pid && a->have_cpu && b->have_cpu) {
		cpu_pct = (double)(b->cpu_ticks - a->cpu_ticks) / (double)tick / secs * 100.0;
		snprintf(cpu, sizeof(cpu), "%.1f", cpu_pct);
		snprintf(mem, sizeof(mem), "%llu", b->rss_pages * (unsigned long long)page >> 20);
	}
	if (io) {
		snprintf(ex, sizeof(ex), "%.0f", vm->hv_exits_per_s);
		format_reasons(vm, batch, reasons, sizeof(reasons));
		snprintf(sig, sizeof(sig), "%.0f", vm->vmbus_signals_per_s);
		snprintf(iops, sizeof(iops), "%.0f", vm->storage_iops);
		snprintf(rd, sizeof(rd), "%.2f", vm->storage_read_mb_s);
		snprintf(wr, sizeof(wr), "%.2f", vm->storage_write_mb_s);
	}
	if (vm->worker_pid && vm->heartbeat_ms > 0) {
		hb_s = (double)(mgmt_now_ms() - vm->heartbeat_ms) / 1000.0;
		snprintf(hb, sizeof(hb), "%.1fs", hb_s);
	}
	if (vm->worker_pid)
		snprintf(pid, sizeof(pid), "%d", vm->worker_pid);
	if (h->format == HVCTL_FORMAT_TABLE) {
		printf(ROW_FMT, vm->name, hvctl_state_name(vm->state), cpu, mem, ex, sig, iops, rd,
		       wr, hb, pid, reasons);
		return;
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(vm->name));
	json_object_object_add(o, "state", json_object_new_string(hvctl_state_name(vm->state)));
	json_object_object_add(o, "cpu_percent",
			       cpu_pct >= 0 ? json_object_new_double(cpu_pct) : NULL);
	json_object_object_add(
		o, "rss_mib",
		cpu_pct >= 0 ? json_object_new_int64(
				       (int64_t)(b->rss_pages * (unsigned long long)page >> 20))
			     : NULL);
	json_object_object_add(o, "vmbus_signals_per_s",
			       io ? json_object_new_double(vm->vmbus_signals_per_s) : NULL);
	json_object_object_add(o, "storage_iops",
			       io ? json_object_new_double(vm->storage_iops) : NULL);
	json_object_object_add(o, "read_mb_s",
			       io ? json_object_new_double(vm->storage_read_mb_s) : NULL);
	json_object_object_add(o, "write_mb_s",
			       io ? json_object_new_double(vm->storage_write_mb_s) : NULL);
	json_object_object_add(o, "exits_per_s",
			       io ? json_object_new_double(vm->hv_exits_per_s) : NULL);
	json_object_object_add(o, "exits_per_s_by_reason", io ? reasons_json(vm) : NULL);
	json_object_object_add(o, "heartbeat_age_s",
			       hb_s >= 0 ? json_object_new_double(hb_s) : NULL);
	json_object_object_add(o, "worker_pid", json_object_new_int(vm->worker_pid));
	hvctl_emit(h, o, HVCTL_EMIT_STREAM);
}

/* One frame: the VMs now, their workers sampled one interval apart. */
static int frame(struct hvctl *h, bool batch, bool first)
{
	static struct sample before[TOP_MAX_VMS];
	Hv__Mgmt__Reply *keep;
	int rc;
	Hv__Mgmt__VmList *l = fetch(h, &keep, &rc);
	if (!l)
		return rc ? rc : HVCTL_FAILED;
	size_t n = l->n_vms < TOP_MAX_VMS ? l->n_vms : TOP_MAX_VMS;
	struct sample after[TOP_MAX_VMS];
	for (size_t i = 0; i < n; i++) {
		before[i].pid = after[i].pid = l->vms[i]->worker_pid;
		read_proc(&before[i]);
	}
	struct timespec t0, t1, nap = { 1, 0 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	nanosleep(&nap, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	for (size_t i = 0; i < n; i++)
		read_proc(&after[i]);
	if (h->format == HVCTL_FORMAT_TABLE) {
		if (!batch)
			printf("\033[H\033[2J");
		else if (!first)
			printf("\n");
		if (!h->no_headers)
			printf(ROW_FMT, "NAME", "STATE", "CPU%", "RSS_MIB", "EXITS/s", "SIGNALS/s",
			       "IOPS", "READ_MB/s", "WRITE_MB/s", "HEARTBEAT", "PID",
			       "EXITS/s_BY_REASON");
	}
	for (size_t i = 0; i < n; i++)
		print_row(h, l->vms[i], &before[i], &after[i], secs, sysconf(_SC_CLK_TCK),
			  sysconf(_SC_PAGESIZE), batch);
	fflush(stdout);
	hv__mgmt__reply__free_unpacked(keep, NULL);
	return HVCTL_OK;
}

int hvctl_top(struct hvctl *h, bool batch, long frames)
{
	int rc = hvctl_connect(h);
	for (long i = 0; rc == HVCTL_OK && (frames < 0 || i < frames); i++)
		rc = frame(h, batch, i == 0);
	return rc;
}
