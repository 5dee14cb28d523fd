/* SPDX-License-Identifier: MIT */
/* Log lines (exact format, one line per event whatever the message holds), size rotation
 * keeping N files, lines on disk as soon as written; and the socket access policy against a
 * fake group database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mgmt/atomic_file.h"
#include "mgmt/log.h"
#include "mgmt/peer_access.h"

static void test_format(void **state)
{
	(void)state;
	char buf[256];
	/* 2026-11-26T09:15:02.123Z */
	int64_t ms = 1795684502123LL;
	size_t n = mgmt_log_format(buf, sizeof(buf), ms, MGMT_LOG_INFO, "vmwp", "worker started");
	assert_string_equal(buf, "2026-11-26T09:15:02.123Z INFO vmwp: worker started\n");
	assert_int_equal(n, strlen(buf));
	mgmt_log_format(buf, sizeof(buf), ms + 5, MGMT_LOG_ERROR, "console", "a\nb\rc\x1b[0m");
	assert_string_equal(buf, "2026-11-26T09:15:02.128Z ERROR console: a b c [0m\n");
	/* A message longer than the buffer still ends in exactly one newline. */
	char big[600];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	n = mgmt_log_format(buf, sizeof(buf), ms, MGMT_LOG_WARN, "vmms", big);
	assert_int_equal(n, strlen(buf));
	assert_int_equal(buf[n - 1], '\n');
	assert_ptr_equal(strchr(buf, '\n'), buf + n - 1);
}

static int count_lines(const char *path)
{
	char *text;
	size_t len;
	if (mgmt_read_file(path, 1 << 24, &text, &len) != 0)
		return -1;
	int n = 0;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	free(text);
	return n;
}

static void test_rotation(void **state)
{
	(void)state;
	char dir[] = "/tmp/hv-log-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128], p1[140], p3[140], p4[140];
	snprintf(path, sizeof(path), "%s/vm.log", dir);
	snprintf(p1, sizeof(p1), "%s.1", path);
	snprintf(p3, sizeof(p3), "%s.3", path);
	snprintf(p4, sizeof(p4), "%s.4", path);
	struct mgmt_log log;
	/* Each line is 24 + 5 + 7 + 39 + 1 = 76 bytes: 11 fit in 846, the 12th rotates. */
	assert_int_equal(mgmt_log_open(&log, path, 846, 3), 0);
	for (int i = 0; i < 11; i++) {
		mgmt_log_write(&log, MGMT_LOG_INFO, "test",
			       "line %02d ...............................", i);
		/* On disk at once, without closing or flushing. */
		assert_int_equal(count_lines(path), i + 1);
	}
	assert_int_equal(access(p1, F_OK), -1);
	mgmt_log_write(&log, MGMT_LOG_INFO, "test", "line 11 ...............................");
	assert_int_equal(count_lines(path), 1);
	assert_int_equal(count_lines(p1), 11);
	for (int i = 0; i < 60; i++)
		mgmt_log_write(&log, MGMT_LOG_INFO, "test",
			       "more %02d ...............................", i);
	assert_int_equal(access(p3, F_OK), 0);
	assert_int_equal(access(p4, F_OK), -1); /* keep 3: the oldest went */
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size <= 846);
	mgmt_log_close(&log);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static bool fake_gid(const char *group, gid_t *gid)
{
	if (strcmp(group, "hvadmin") != 0)
		return false;
	*gid = 900;
	return true;
}

static bool fake_member(uid_t uid, gid_t gid)
{
	return uid == 1001 && gid == 900; /* uid 1001 has hvadmin as a supplementary group */
}

static bool no_group(const char *group, gid_t *gid)
{
	(void)group;
	(void)gid;
	return false;
}

static void test_access(void **state)
{
	(void)state;
	struct mgmt_group_db db = { fake_gid, fake_member };
	struct mgmt_access_policy pol = { .admin_group = "hvadmin" };
	char why[256] = "";
	assert_true(mgmt_peer_allowed(&pol, &db, 0, 0, why, sizeof(why)));
	assert_true(mgmt_peer_allowed(&pol, &db, 1001, 1001, why, sizeof(why))); /* supplementary */
	assert_true(mgmt_peer_allowed(&pol, &db, 1002, 900, why, sizeof(why)));	 /* primary */
	assert_false(mgmt_peer_allowed(&pol, &db, 1003, 1003, why, sizeof(why)));
	assert_string_equal(why, "permission denied: uid 1003 is neither root nor in group "
				 "hvadmin; run as root or add the user to the group (usermod -aG "
				 "hvadmin USER)");
	/* Test mode allows exactly the one uid given. */
	pol.allow_uid_set = true;
	pol.allow_uid = 1003;
	assert_true(mgmt_peer_allowed(&pol, &db, 1003, 1003, why, sizeof(why)));
	assert_false(mgmt_peer_allowed(&pol, &db, 1004, 1004, why, sizeof(why)));
	pol.allow_uid_set = false;
	struct mgmt_group_db nodb = { no_group, fake_member };
	assert_false(mgmt_peer_allowed(&pol, &nodb, 1001, 1001, why, sizeof(why)));
	assert_string_equal(why,
			    "permission denied: uid 1001 is not root and group hvadmin does "
			    "not exist; run as root or create the group (groupadd hvadmin) and "
			    "add the user to it");
}

static void test_atomic_write(void **state)
{
	(void)state;
	char dir[] = "/tmp/hv-atomic-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/state", dir);
	assert_int_equal(mgmt_atomic_write(path, "one", 3, 0600), 0);
	assert_int_equal(mgmt_atomic_write(path, "second", 6, 0600), 0);
	char *text;
	size_t len;
	assert_int_equal(mgmt_read_file(path, 100, &text, &len), 0);
	assert_string_equal(text, "second");
	free(text);
	assert_int_equal(mgmt_read_file(path, 3, &text, &len), -EFBIG);
	/* No temporary file is left behind. */
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "test $(ls %s | wc -l) -eq 1", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/missing/x", dir);
	assert_int_equal(mgmt_atomic_write(cmd, "x", 1, 0600), -ENOENT);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_access),
		cmocka_unit_test(test_atomic_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
