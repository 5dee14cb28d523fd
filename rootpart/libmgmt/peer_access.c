/* SPDX-License-Identifier: MIT */
/* Management socket access decision: see peer_access.h. */
#include "mgmt/peer_access.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

static bool sys_group_gid(const char *group, gid_t *gid)
{
	struct group *g = getgrnam(group);
	if (!g)
		return false;
	*gid = g->gr_gid;
	return true;
}

static bool sys_user_in_group(uid_t uid, gid_t gid)
{
	struct passwd *pw = getpwuid(uid);
	if (!pw)
		return false;
	if (pw->pw_gid == gid)
		return true;
	int n = 64;
	gid_t *groups = malloc(sizeof(gid_t) * (size_t)n);
	if (!groups)
		return false;
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0) {
		gid_t *more = realloc(groups, sizeof(gid_t) * (size_t)n);
		if (!more) {
			free(groups);
			return false;
		}
		groups = more;
		if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
			n = 0;
	}
	bool found = false;
	for (int i = 0; i < n && !found; i++)
		found = groups[i] == gid;
	free(groups);
	return found;
}

const struct mgmt_group_db mgmt_system_group_db = {
	.group_gid = sys_group_gid,
	.user_in_group = sys_user_in_group,
};

bool mgmt_peer_allowed(const struct mgmt_access_policy *pol, const struct mgmt_group_db *db,
		       uid_t uid, gid_t gid, char *why, size_t why_size)
{
	if (uid == 0)
		return true;
	if (pol->allow_uid_set && uid == pol->allow_uid)
		return true;
	gid_t admin;
	if (pol->admin_group && db->group_gid(pol->admin_group, &admin)) {
		if (gid == admin || db->user_in_group(uid, admin))
			return true;
		snprintf(why, why_size,
			 "permission denied: uid %u is neither root nor in group "
			 "%s; run as root or add the user to the group (usermod -aG %s USER)",
			 (unsigned)uid, pol->admin_group, pol->admin_group);
		return false;
	}
	snprintf(why, why_size,
		 "permission denied: uid %u is not root and group %s does not "
		 "exist; run as root or create the group (groupadd %s) and add the user to it",
		 (unsigned)uid, pol->admin_group ? pol->admin_group : "(none)",
		 pol->admin_group ? pol->admin_group : "hvadmin");
	return false;
}

int mgmt_peer_creds(int fd, pid_t *pid, uid_t *uid, gid_t *gid)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0)
		return -errno;
	*pid = cr.pid;
	*uid = cr.uid;
	*gid = cr.gid;
	return 0;
}
