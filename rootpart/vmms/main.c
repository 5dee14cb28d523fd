/* SPDX-License-Identifier: MIT */
/* vmms: the management service. Parses options, prepares its folders and log, reloads the
 * inventory (re-adopting workers still running), opens the API socket and runs the loop.
 * SIGTERM/SIGINT stop vmms itself; running workers are left running for the next vmms. */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmms.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vmms [options]\n"
		"The management service: keeps the VM inventory, runs one vmwp worker per running VM.\n"
		"  --socket PATH       API socket (default %s)\n"
		"  --run-dir DIR       worker control sockets (default %s)\n"
		"  --state-dir DIR     configs and state (default %s)\n"
		"  --log-dir DIR       vmms.log and <vm>.log (default %s)\n"
		"  --worker-path PATH  worker program (default: vmwp beside vmms)\n"
		"  --max-running N     at most N running VMs (default 0 = unlimited)\n"
		"  --start-timeout S   a worker must report within S seconds (default 120)\n"
		"  --max-clients N     connections in all (default %u)\n"
		"  --max-clients-per-uid N  connections per uid other than root (default %u)\n"
		"  --idle-timeout S    close a client idle this long (default %u)\n"
		"  --request-timeout S a request must arrive whole within S s (default %u)\n"
		"  --metrics-file PATH rewrite PATH every 5 s with the metrics (Prometheus text)\n"
		"  --worker-uid-base N workers drop root to uid/gid N+slot, group N (default\n"
		"                      0x70000000 when vmms runs as root; 0 = workers keep root)\n"
		"  --allow-uid UID     test mode: also accept clients with this uid\n"
		"  --foreground-log    copy vmms.log lines to stderr\n"
		"  --version           print the version\n"
		"  --help              this text\n",
		MGMT_DEFAULT_SOCKET, MGMT_DEFAULT_RUN_DIR, MGMT_DEFAULT_STATE_DIR,
		MGMT_DEFAULT_LOG_DIR, VMMS_MAX_CLIENTS, VMMS_MAX_CLIENTS_PER_UID,
		VMMS_IDLE_TIMEOUT_S, VMMS_REQUEST_TIMEOUT_S);
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > max)
		return false;
	*out = v;
	return true;
}

static char *default_worker_path(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return strdup("/usr/bin/vmwp");
	self[n] = '\0';
	char *out = NULL;
	if (asprintf(&out, "%s/vmwp", dirname(self)) < 0)
		return NULL;
	return out;
}

/* The numeric options: each with its range and the field it sets. */
struct num_opt {
	const char *name;
	unsigned long min, max;
	size_t offset;
};

static const struct num_opt num_opts[] = {
	{ "max-running", 0, 100000, offsetof(struct vmms_options, max_running) },
	{ "start-timeout", 1, 3600, offsetof(struct vmms_options, start_timeout_s) },
	{ "max-clients", 1, 1000000, offsetof(struct vmms_options, max_clients) },
	{ "max-clients-per-uid", 1, 1000000, offsetof(struct vmms_options, max_clients_per_uid) },
	{ "idle-timeout", 1, 86400, offsetof(struct vmms_options, idle_timeout_s) },
	{ "request-timeout", 1, 3600, offsetof(struct vmms_options, request_timeout_s) },
	{ "worker-uid-base", 0, 4000000000u, offsetof(struct vmms_options, worker_uid_base) },
};
#define NUM_OPTS (sizeof(num_opts) / sizeof(num_opts[0]))

enum {
	O_SOCKET = 256,
	O_RUN,
	O_STATE,
	O_LOG,
	O_WORKER,
	O_ALLOW,
	O_FG,
	O_HELP,
	O_VERSION,
	O_METRICS,
	O_NUM /* O_NUM + i: num_opts[i] */
};

static int set_num(struct vmms_options *o, const struct num_opt *n, const char *arg)
{
	unsigned long v;
	if (!parse_uint(arg, n->max, &v) || v < n->min) {
		fprintf(stderr, "vmms: --%s %s: give a number from %lu to %lu\n", n->name, arg,
			n->min, n->max);
		return 2;
	}
	*(unsigned *)((char *)o + n->offset) = (unsigned)v;
	return 0;
}

static int set_opt(struct vmms_options *o, int ch, const char *arg)
{
	unsigned long v;
	switch (ch) {
	case O_SOCKET:
		o->socket_path = arg;
		return 0;
	case O_RUN:
		o->run_dir = arg;
		return 0;
	case O_STATE:
		o->state_dir = arg;
		return 0;
	case O_LOG:
		o->log_dir = arg;
		return 0;
	case O_WORKER:
		o->worker_path = arg;
		return 0;
	case O_FG:
		o->foreground_log = true;
		return 0;
	case O_METRICS:
		o->metrics_file = arg;
		return 0;
	case O_ALLOW:
		if (!parse_uint(arg, UINT_MAX - 1, &v)) {
			fprintf(stderr, "vmms: --allow-uid %s: give a numeric uid\n", arg);
			return 2;
		}
		o->allow_uid_set = true;
		o->allow_uid = (uid_t)v;
		return 0;
	case O_HELP:
		usage(stdout);
		exit(0);
	case O_VERSION:
		printf("vmms %s\n", MGMT_VERSION_STRING);
		exit(0);
	default:
		if (ch >= O_NUM && ch < O_NUM + (int)NUM_OPTS)
			return set_num(o, &num_opts[ch - O_NUM], arg);
		usage(stderr);
		return 2;
	}
}

static int parse_options(int argc, char **argv, struct vmms_options *o)
{
	struct option longopts[16 + NUM_OPTS] = {
		{ "socket", required_argument, NULL, O_SOCKET },
		{ "run-dir", required_argument, NULL, O_RUN },
		{ "state-dir", required_argument, NULL, O_STATE },
		{ "log-dir", required_argument, NULL, O_LOG },
		{ "worker-path", required_argument, NULL, O_WORKER },
		{ "allow-uid", required_argument, NULL, O_ALLOW },
		{ "foreground-log", no_argument, NULL, O_FG },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ "metrics-file", required_argument, NULL, O_METRICS },
	};
	for (size_t i = 0; i < NUM_OPTS; i++)
		longopts[10 + i] = (struct option){ num_opts[i].name, required_argument, NULL,
						    O_NUM + (int)i };
	*o = (struct vmms_options){
		.socket_path = MGMT_DEFAULT_SOCKET,
		.run_dir = MGMT_DEFAULT_RUN_DIR,
		.state_dir = MGMT_DEFAULT_STATE_DIR,
		.log_dir = MGMT_DEFAULT_LOG_DIR,
		.start_timeout_s = 120,
		.max_clients = VMMS_MAX_CLIENTS,
		.max_clients_per_uid = VMMS_MAX_CLIENTS_PER_UID,
		.idle_timeout_s = VMMS_IDLE_TIMEOUT_S,
		.request_timeout_s = VMMS_REQUEST_TIMEOUT_S,
		.worker_uid_base = geteuid() == 0 ? VMMS_WORKER_UID_BASE : 0,
	};
	int ch, rc;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		if ((rc = set_opt(o, ch, optarg)) != 0)
			return rc;
	if (optind < argc) {
		fprintf(stderr, "vmms: unexpected argument '%s'; see vmms --help\n", argv[optind]);
		return 2;
	}
	if (!o->worker_path)
		o->worker_path = default_worker_path();
	return 0;
}

/* Every client costs a descriptor: the soft limit goes up to the hard one, and the total
 * cap comes down to what the limit allows (with room for workers, logs and followers). */
static void raise_fd_limit(struct vmms *d)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	rlim_t before = rl.rlim_cur;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		rl.rlim_cur = before;
	rlim_t room = rl.rlim_cur > 512 ? rl.rlim_cur - 256 : rl.rlim_cur / 2;
	mgmt_log_write(&d->log, MGMT_LOG_INFO, "vmms", "descriptor limit %llu (was %llu)",
		       (unsigned long long)rl.rlim_cur, (unsigned long long)before);
	if (d->opt.max_clients > room) {
		mgmt_log_write(&d->log, MGMT_LOG_WARN, "vmms",
			       "--max-clients %u lowered to %llu: the descriptor limit is %llu "
			       "(raise LimitNOFILE=)",
			       d->opt.max_clients, (unsigned long long)room,
			       (unsigned long long)rl.rlim_cur);
		d->opt.max_clients = (unsigned)room;
	}
}

static void on_stop_signal(uv_signal_t *s, int signum)
{
	struct vmms *d = s->data;
	mgmt_log_write(&d->log, MGMT_LOG_INFO, "vmms",
		       "signal %d: vmms stopping; %u running VM%s "
		       "keep%s running for the next vmms to re-adopt",
		       signum, vmms_count_live(d), vmms_count_live(d) == 1 ? "" : "s",
		       vmms_count_live(d) == 1 ? "s" : "");
	unlink(d->opt.socket_path);
	exit(0);
}

int main(int argc, char **argv)
{
	static struct vmms d;
	int rc = parse_options(argc, argv, &d.opt);
	if (rc)
		return rc;
	signal(SIGPIPE, SIG_IGN);
	d.loop = uv_default_loop();
	d.access = (struct mgmt_access_policy){
		.allow_uid_set = d.opt.allow_uid_set,
		.allow_uid = d.opt.allow_uid,
		.admin_group = MGMT_ADMIN_GROUP,
	};
	LIST_INIT(&d.vms);
	LIST_INIT(&d.clients);
	LIST_INIT(&d.followers);

	rc = vmms_persist_dirs(&d);
	if (rc) {
		fprintf(stderr,
			"vmms: cannot create %s, %s or %s: %s; run as root or pass "
			"--state-dir/--run-dir/--log-dir\n",
			d.opt.state_dir, d.opt.run_dir, d.opt.log_dir, strerror(-rc));
		return 1;
	}
	char log_path[4200];
	mgmt_path_join(log_path, sizeof(log_path), d.opt.log_dir, "vmms", ".log");
	rc = mgmt_log_open(&d.log, log_path, MGMT_LOG_ROTATE_BYTES, MGMT_LOG_KEEP);
	if (rc) {
		fprintf(stderr, "vmms: cannot open %s: %s; pass a writable --log-dir\n", log_path,
			strerror(-rc));
		return 1;
	}
	d.log.also_stderr = d.opt.foreground_log;
	raise_fd_limit(&d);
	mgmt_log_write(&d.log, MGMT_LOG_INFO, "vmms",
		       "vmms %s starting (pid %d, socket %s, state %s, "
		       "max running %u%s)",
		       MGMT_VERSION_STRING, (int)getpid(), d.opt.socket_path, d.opt.state_dir,
		       d.opt.max_running, d.opt.max_running ? "" : " = unlimited");
	if (d.opt.allow_uid_set)
		mgmt_log_write(&d.log, MGMT_LOG_WARN, "vmms",
			       "test mode: uid %u allowed (--allow-uid)",
			       (unsigned)d.opt.allow_uid);

	rc = vmms_load_all(&d);
	if (rc)
		mgmt_log_write(&d.log, MGMT_LOG_ERROR, "vmms", "cannot read %s: %s", d.vms_dir,
			       strerror(-rc));
	struct vm *vm;
	LIST_FOREACH(vm, &d.vms, link) {
		if (vm_state_has_worker(vm->state))
			vmms_worker_readopt(&d, vm);
	}
	vmms_workers_scan(&d);

	rc = vmms_server_start(&d);
	if (rc) {
		fprintf(stderr, "vmms: cannot listen on %s: %s%s\n", d.opt.socket_path,
			uv_strerror(rc),
			rc == UV_EADDRINUSE
				? " (another vmms is running; stop it "
				  "first)"
				: "; check the folder exists and is writable, or pass --socket");
		mgmt_log_write(&d.log, MGMT_LOG_ERROR, "vmms", "cannot listen on %s: %s",
			       d.opt.socket_path, uv_strerror(rc));
		return 1;
	}
	uv_signal_init(d.loop, &d.sigterm);
	uv_signal_init(d.loop, &d.sigint);
	d.sigterm.data = d.sigint.data = &d;
	uv_signal_start(&d.sigterm, on_stop_signal, SIGTERM);
	uv_signal_start(&d.sigint, on_stop_signal, SIGINT);
	vmms_metrics_start(&d);
	mgmt_log_write(&d.log, MGMT_LOG_INFO, "vmms", "ready");
	uv_run(d.loop, UV_RUN_DEFAULT);
	return 0;
}
