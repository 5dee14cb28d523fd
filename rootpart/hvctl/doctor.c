/* SPDX-License-Identifier: MIT */
/* hvctl doctor: is this host ready to run VMs, and if not, what to do. Each check prints one
 * line: a verdict (ok, warn, FAIL), what was checked, what was found and, when it is not ok,
 * the fix. Exit 0 when nothing failed, 1 otherwise. The state and log folders are vmms's
 * defaults unless HV_STATE_DIR / HV_LOG_DIR name others (as vmms --state-dir/--log-dir). */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "hvctl.h"
#include "mgmt/names.h"

#define SPACE_MIN_MIB 64

enum verdict {
	OK,
	WARN,
	FAIL
};

struct doctor {
	struct hvctl *h;
	json_object *checks; /* for json/yaml/csv */
	int failed;
};

__attribute__((format(printf, 4, 5))) static void verdict(struct doctor *dr, enum verdict v,
							  const char *check, const char *fmt, ...)
{
	static const char *const names[] = { "ok", "warn", "FAIL" };
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	dr->failed += v == FAIL;
	if (dr->h->format == HVCTL_FORMAT_TABLE) {
		printf("%-4s  %-12s %s\n", names[v], check, text);
		return;
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "check", json_object_new_string(check));
	json_object_object_add(o, "verdict", json_object_new_string(v == FAIL ? "fail" : names[v]));
	json_object_object_add(o, "detail", json_object_new_string(text));
	json_object_array_add(dr->checks, o);
}

static void check_hypervisor(struct doctor *dr)
{
	unsigned a, b, c, d;
	char vendor[13] = "";
	__cpuid(1, a, b, c, d);
	if (c & (1u << 31)) {
		__cpuid(0x40000000, a, b, c, d);
		memcpy(vendor, &b, 4);
		memcpy(vendor + 4, &c, 4);
		memcpy(vendor + 8, &d, 4);
	}
	if (strcmp(vendor, "Microsoft Hv") == 0)
		verdict(dr, OK, "hypervisor", "present (\"%s\" interface)", vendor);
	else if (vendor[0])
		verdict(dr, FAIL, "hypervisor",
			"this OS runs under another hypervisor (\"%s\"), not hv.efi; boot the host "
			"through hvloader.efi",
			vendor);
	else
		verdict(dr, FAIL, "hypervisor",
			"none: this OS runs on the bare CPU; boot the host through hvloader.efi so "
			"that hv.efi is loaded");
}

static void check_svm(struct doctor *dr)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	bool svm = false, npt = false;
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		svm = strstr(line, " svm") != NULL;
		npt = strstr(line, " npt") != NULL;
		break;
	}
	if (f)
		fclose(f);
	if (svm && npt)
		verdict(dr, OK, "svm/npt", "the CPU shows AMD SVM with nested paging");
	else
		verdict(dr, WARN, "svm/npt",
			"this OS does not see %s (expected inside hv.efi's root partition, which "
			"keeps them; otherwise enable SVM in the firmware setup)",
			!svm ? "svm" : "npt");
}

static void check_vid(struct doctor *dr)
{
	struct stat st;
	if (stat("/dev/vid", &st) != 0) {
		verdict(dr, FAIL, "/dev/vid",
			"missing: load the driver (modprobe vid) once hv.efi runs");
		return;
	}
	if (!S_ISCHR(st.st_mode)) {
		verdict(dr, FAIL, "/dev/vid",
			"is not a character device: remove it and reload vid.ko");
		return;
	}
	int fd = open("/dev/vid", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		verdict(dr, WARN, "/dev/vid",
			"present, not openable by this user (%s); vmms opens it as root",
			strerror(errno));
		return;
	}
	close(fd);
	verdict(dr, OK, "/dev/vid", "present and openable");
}

/* One list request, its messages kept off the terminal: the verdict says it all. */
static int ask_vmms(struct hvctl *probe)
{
	int saved = dup(2), null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved >= 0 && null >= 0)
		dup2(null, 2);
	int rc = hvctl_connect(probe);
	if (rc == HVCTL_OK) {
		Hv__Mgmt__Request req;
		hv__mgmt__request__init(&req);
		Hv__Mgmt__ListRequest lr;
		hv__mgmt__list_request__init(&lr);
		req.id = 1;
		req.op_case = HV__MGMT__REQUEST__OP_LIST;
		req.list = &lr;
		rc = hvctl_send(probe, &req);
		Hv__Mgmt__Reply *r = rc ? NULL : hvctl_recv(probe, &rc);
		if (r)
			rc = r->result_case == HV__MGMT__REPLY__RESULT_ERROR
				     ? hvctl_exit_for(r->error->code)
				     : HVCTL_OK;
		if (r)
			hv__mgmt__reply__free_unpacked(r, NULL);
		close(probe->fd);
	}
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
	if (null >= 0)
		close(null);
	return rc;
}

static void check_vmms(struct doctor *dr)
{
	struct hvctl probe = *dr->h;
	probe.fd = -1;
	probe.format = HVCTL_FORMAT_TABLE;
	probe.wait_s = 5;
	int rc = ask_vmms(&probe);
	if (rc == HVCTL_OK)
		verdict(dr, OK, "vmms", "answers at %s", probe.socket_path);
	else if (rc == HVCTL_PERMISSION)
		verdict(dr, FAIL, "vmms",
			"%s refuses this user: run as root or join group %s (usermod -aG %s USER)",
			probe.socket_path, MGMT_ADMIN_GROUP, MGMT_ADMIN_GROUP);
	else if (rc == HVCTL_TIMEOUT)
		verdict(dr, FAIL, "vmms",
			"%s accepts connections but did not answer within 5 s: is it stopped "
			"(SIGSTOP) or overloaded? see its vmms.log, restart it (systemctl restart "
			"vmms)",
			probe.socket_path);
	else
		verdict(dr, FAIL, "vmms",
			"not reachable at %s: start it (systemctl start vmms), or point hvctl at its "
			"socket (--socket, %s)",
			probe.socket_path, MGMT_SOCKET_ENV);
}

static void check_user(struct doctor *dr)
{
	struct group *g = getgrnam(MGMT_ADMIN_GROUP);
	if (geteuid() == 0) {
		verdict(dr, OK, "permissions", "root");
		return;
	}
	gid_t groups[256];
	int n = getgroups(256, groups);
	for (int i = 0; g && i < n; i++) {
		if (groups[i] == g->gr_gid) {
			verdict(dr, OK, "permissions", "member of group %s", MGMT_ADMIN_GROUP);
			return;
		}
	}
	verdict(dr, FAIL, "permissions", "uid %u is not root and not in group %s: %s",
		(unsigned)geteuid(), MGMT_ADMIN_GROUP,
		g ? "usermod -aG hvadmin USER, then log in again"
		  : "groupadd hvadmin, then usermod -aG hvadmin USER");
}

static void check_space(struct doctor *dr, const char *what, const char *env, const char *dflt)
{
	const char *dir = getenv(env);
	struct statvfs vs;
	if (!dir || !dir[0])
		dir = dflt;
	if (statvfs(dir, &vs) != 0) {
		verdict(dr, WARN, what, "%s: %s (vmms creates it at start; check its parent)", dir,
			strerror(errno));
		return;
	}
	unsigned long long free_mib = (unsigned long long)vs.f_bavail * vs.f_frsize >> 20;
	if (free_mib < SPACE_MIN_MIB)
		verdict(dr, FAIL, what,
			"%s has %llu MiB free: state changes and log lines fail below a few; free "
			"space there (at least %d MiB)",
			dir, free_mib, SPACE_MIN_MIB);
	else if (vs.f_favail == 0 && vs.f_files)
		verdict(dr, FAIL, what, "%s has no free inodes: remove files there", dir);
	else
		verdict(dr, OK, what, "%s: %llu MiB free", dir, free_mib);
}

int hvctl_doctor(struct hvctl *h)
{
	struct doctor dr = { .h = h, .checks = json_object_new_array() };
	check_hypervisor(&dr);
	check_svm(&dr);
	check_vid(&dr);
	check_vmms(&dr);
	check_user(&dr);
	check_space(&dr, "state space", "HV_STATE_DIR", MGMT_DEFAULT_STATE_DIR);
	check_space(&dr, "log space", "HV_LOG_DIR", MGMT_DEFAULT_LOG_DIR);
	if (h->format == HVCTL_FORMAT_TABLE)
		json_object_put(dr.checks);
	else
		hvctl_emit(h, dr.checks, HVCTL_EMIT_DOC);
	return dr.failed ? HVCTL_FAILED : HVCTL_OK;
}
