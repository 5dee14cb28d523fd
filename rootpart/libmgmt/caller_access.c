/* SPDX-License-Identifier: MIT */
/* Opening files as the caller: see caller_access.h. One child process checks all of a
 * config's files and writes one errno per file into a pipe. */
#include "mgmt/caller_access.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FILES  (VM_CONFIG_MAX_DISKS + 3)
#define MAX_GROUPS 256

struct file_need {
	const char *key;
	const char *path;
	bool write;
};

static size_t list_files(const struct vm_config *cfg, struct file_need *f, char keys[][48])
{
	size_t n = 0;
	const char *boot[] = { cfg->guest, cfg->kernel, cfg->initrd };
	const char *boot_keys[] = { "boot.guest", "boot.kernel", "boot.initrd" };
	for (size_t i = 0; i < 3; i++)
		if (boot[i])
			f[n++] = (struct file_need){ boot_keys[i], boot[i], false };
	for (size_t i = 0; i < cfg->ndisks; i++) {
		snprintf(keys[i], 48, "disks[%zu].path", i);
		f[n++] = (struct file_need){ keys[i], cfg->disks[i].path, !cfg->disks[i].readonly };
	}
	return n;
}

/* The caller's groups: looked up in the parent (NSS may take locks and allocate, which a
 * child of a multi-threaded process must not). */
static int caller_groups(uid_t uid, gid_t gid, gid_t *groups)
{
	int n = MAX_GROUPS;
	struct passwd *pw = getpwuid(uid);
	if (!pw || getgrouplist(pw->pw_name, gid, groups, &n) < 0) {
		groups[0] = gid;
		n = 1;
	}
	return n;
}

/* In the child: become the caller, try each file, report one int per file, exit. Only
 * system calls here. */
static void child_check(int out, uid_t uid, gid_t gid, const gid_t *groups, int ngroups,
			const struct file_need *f, size_t n)
{
	if (setgroups((size_t)ngroups, groups) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
		_exit(2);
	for (size_t i = 0; i < n; i++) {
		int fd = open(f[i].path,
			      (f[i].write ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		int e = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		if (write(out, &e, sizeof(e)) != (ssize_t)sizeof(e))
			_exit(3);
	}
	_exit(0);
}

static int collect(int in, pid_t pid, int *errs, size_t n)
{
	size_t got = 0;
	while (got < n * sizeof(int)) {
		ssize_t r = read(in, (char *)errs + got, n * sizeof(int) - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return got == n * sizeof(int) && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int mgmt_caller_may_open(const struct vm_config *cfg, const char *file, uid_t uid, gid_t gid,
			 char *why, size_t size)
{
	struct file_need f[MAX_FILES];
	char keys[VM_CONFIG_MAX_DISKS][48];
	int errs[MAX_FILES];
	size_t n = list_files(cfg, f, keys);
	why[0] = '\0';
	if (uid == 0 || n == 0)
		return 0;
	gid_t groups[MAX_GROUPS];
	int ngroups = caller_groups(uid, gid, groups);
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		goto err_check;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		child_check(p[1], uid, gid, groups, ngroups, f, n);
	}
	close(p[1]);
	int rc = pid > 0 ? collect(p[0], pid, errs, n) : -1;
	close(p[0]);
	if (rc != 0)
		goto err_check;
	size_t used = 0;
	for (size_t i = 0; i < n && used + 1 < size; i++) {
		if (!errs[i])
			continue;
		int w = snprintf(
			why + used, size - used,
			"%s%s: %s: %s is not %s by uid %u (the caller): %s; vmms opens only "
			"what its caller could open (fix the file's permissions, or mark a "
			"disk \"readonly\": true)",
			used ? "\n" : "", file, f[i].key, f[i].path,
			f[i].write ? "readable and writable" : "readable", (unsigned)uid,
			strerror(errs[i]));
		used += w > 0 ? (size_t)w : 0;
	}
	return used ? -1 : 0;
err_check:
	snprintf(why, size,
		 "%s: (file): cannot check the files as uid %u: %s; retry, or ask root to create "
		 "the VM",
		 file, (unsigned)uid, strerror(errno));
	return -1;
}
