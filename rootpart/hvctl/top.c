/* SPDX-License-Identifier: MIT */
/* hvctl top: every second, per VM, what its worker process costs: CPU % (utime + stime from
 * /proc/PID/stat), resident memory, disk read and write MB/s (read_bytes/write_bytes from
 * /proc/PID/io: the worker does the VM's storage I/O), and the age of its last report.
 * Interactive: the screen is redrawn each second until Ctrl-C; -b prints one frame after the
 * other (for logs and scripts); -n N stops after N frames. The hypervisor's exit counters and
 * the VMBus server's counters are not exported to the root yet, so exits/s and signals/s are
 * not shown (docs/hvctl.md). */
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
	unsigned long long cpu_ticks, rss_pages, read_bytes, write_bytes;
	bool have_cpu, have_io;
};

static void read_proc(struct sample *s)
{
	char path[64], buf[4096];
	s->have_cpu = s->have_io = false;
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
	snprintf(path, sizeof(path), "/proc/%d/io", s->pid);
	f = fopen(path, "r"); /* root's or the worker owner's only */
	while (f && fgets(buf, sizeof(buf), f)) {
		s->have_io |= sscanf(buf, "read_bytes: %llu", &s->read_bytes) == 1;
		sscanf(buf, "write_bytes: %llu", &s->write_bytes);
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
	*rc = hvctl_send(h, &req);
	*keep = *rc ? NULL : hvctl_recv(h, rc);
	if (*keep && (*keep)->result_case == HV__MGMT__REPLY__RESULT_LIST)
		return (*keep)->list;
	if (*keep) {
		*rc = hvctl_print_reply(h, *keep);
		hv__mgmt__reply__free_unpacked(*keep, NULL);
		*keep = NULL;
	}
	return NULL;
}

static void print_row(struct hvctl *h, const Hv__Mgmt__VmInfo *vm, const struct sample *a,
		      const struct sample *b, double secs, long tick, long page)
{
	char cpu[16] = "-", mem[16] = "-", rd[16] = "-", wr[16] = "-", hb[16] = "-", pid[16] = "-";
	double cpu_pct = -1, rd_mb = -1, wr_mb = -1, hb_s = -1;
	if (vm->worker_pid && a->have_cpu && b->have_cpu) {
		cpu_pct = (double)(b->cpu_ticks - a->cpu_ticks) / (double)tick / secs * 100.0;
		snprintf(cpu, sizeof(cpu), "%.1f", cpu_pct);
		snprintf(mem, sizeof(mem), "%llu", b->rss_pages * (unsigned long long)page >> 20);
	}
	if (vm->worker_pid && a->have_io && b->have_io) {
		rd_mb = (double)(b->read_bytes - a->read_bytes) / secs / 1e6;
		wr_mb = (double)(b->write_bytes - a->write_bytes) / secs / 1e6;
		snprintf(rd, sizeof(rd), "%.2f", rd_mb);
		snprintf(wr, sizeof(wr), "%.2f", wr_mb);
	}
	if (vm->worker_pid && vm->heartbeat_ms > 0) {
		hb_s = (double)(mgmt_now_ms() - vm->heartbeat_ms) / 1000.0;
		snprintf(hb, sizeof(hb), "%.1fs", hb_s);
	}
	if (vm->worker_pid)
		snprintf(pid, sizeof(pid), "%d", vm->worker_pid);
	if (h->format == HVCTL_FORMAT_TABLE) {
		printf("%-20s %-9s %6s %8s %9s %9s %9s %8s\n", vm->name,
		       hvctl_state_name(vm->state), cpu, mem, rd, wr, hb, pid);
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
	json_object_object_add(o, "read_mb_s", rd_mb >= 0 ? json_object_new_double(rd_mb) : NULL);
	json_object_object_add(o, "write_mb_s", wr_mb >= 0 ? json_object_new_double(wr_mb) : NULL);
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
			printf("%-20s %-9s %6s %8s %9s %9s %9s %8s\n", "NAME", "STATE", "CPU%",
			       "RSS_MIB", "READ_MB/s", "WRITE_MB/s", "HEARTBEAT", "PID");
	}
	for (size_t i = 0; i < n; i++)
		print_row(h, l->vms[i], &before[i], &after[i], secs, sysconf(_SC_CLK_TCK),
			  sysconf(_SC_PAGESIZE));
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
