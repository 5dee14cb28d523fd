/* SPDX-License-Identifier: MIT */
/* Who may use the management socket: root, members of group hvadmin, and in test mode one
 * explicitly allowed uid. The decision is a pure function of the peer's credentials and the
 * group database so that it is unit-tested without a second user. */
#ifndef MGMT_PEER_ACCESS_H
#define MGMT_PEER_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct mgmt_access_policy {
	bool allow_uid_set;
	uid_t allow_uid;	 /* test mode only: --allow-uid */
	const char *admin_group; /* MGMT_ADMIN_GROUP */
};

/* Group lookups, replaceable in tests: the group's gid (false if no such group) and whether
 * uid's user is a member (primary or supplementary). */
struct mgmt_group_db {
	bool (*group_gid)(const char *group, gid_t *gid);
	bool (*user_in_group)(uid_t uid, gid_t gid);
};

extern const struct mgmt_group_db mgmt_system_group_db;

/* Returns true when allowed; otherwise writes the refusal (cause and fix) into why. */
bool mgmt_peer_allowed(const struct mgmt_access_policy *pol, const struct mgmt_group_db *db,
		       uid_t uid, gid_t gid, char *why, size_t why_size);

/* SO_PEERCRED of a connected Unix socket. Returns 0 or -errno. */
int mgmt_peer_creds(int fd, pid_t *pid, uid_t *uid, gid_t *gid);

#endif
