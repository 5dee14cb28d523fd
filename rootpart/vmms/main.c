/* SPDX-License-Identifier: MIT */
/* vmms: the management service. Parses options, prepares its folders and log, reloads the
 * inventory (re-adopting workers still running), opens the API socket and runs the loop.
 * SIGTERM/SIGINT stop vmms itself; running workers are left running for the next vmms. */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
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
		"  --allow-uid UID     test mode: also accept clients with this uid\n"
		"  --foreground-log    copy vmms.log lines to stderr\n"
		"  --help              this text\n",
		MGMT_DEFAULT_SOCKET, MGMT_DEFAULT_RUN_DIR, MGMT_DEFAULT_STATE_DIR,
		MGMT_DEFAULT_LOG_DIR);
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

static int parse_options(int argc, char **argv, struct vmms_options *o)
{
	enum {
		O_SOCKET = 256,
		O_RUN,
		O_STATE,
		O_LOG,
		O_WORKER,
		O_MAX,
		O_ALLOW,
		O_FG,
		O_START_TIMEOUT,
		O_HELP
	};
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, O_SOCKET },
		{ "run-dir", required_argument, NULL, O_RUN },
		{ "state-dir", required_argument, NULL, O_STATE },
		{ "log-dir", required_argument, NULL, O_LOG },
		{ "worker-path", required_argument, NULL, O_WORKER },
		{ "max-running", required_argument, NULL, O_MAX },
		{ "allow-uid", required_argument, NULL, O_ALLOW },
		{ "foreground-log", no_argument, NULL, O_FG },
		{ "start-timeout", required_argument, NULL, O_START_TIMEOUT },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	*o = (struct vmms_options){
		.socket_path = MGMT_DEFAULT_SOCKET,
		.run_dir = MGMT_DEFAULT_RUN_DIR,
		.state_dir = MGMT_DEFAULT_STATE_DIR,
		.log_dir = MGMT_DEFAULT_LOG_DIR,
		.start_timeout_s = 120,
	};
	int ch;
	unsigned long v;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case O_SOCKET:
			o->socket_path = optarg;
			break;
		case O_RUN:
			o->run_dir = optarg;
			break;
		case O_STATE:
			o->state_dir = optarg;
			break;
		case O_LOG:
			o->log_dir = optarg;
			break;
		case O_WORKER:
			o->worker_path = optarg;
			break;
		case O_FG:
			o->foreground_log = true;
			break;
		case O_MAX:
			if (!parse_uint(optarg, 100000, &v)) {
				fprintf(stderr,
					"vmms: --max-running %s: give a number (0 = unlimited)\n",
					optarg);
				return 2;
			}
			o->max_running = (unsigned)v;
			break;
		case O_START_TIMEOUT:
			if (!parse_uint(optarg, 3600, &v) || v == 0) {
				fprintf(stderr,
					"vmms: --start-timeout %s: give 1 to 3600 seconds\n",
					optarg);
				return 2;
			}
			o->start_timeout_s = (unsigned)v;
			break;
		case O_ALLOW:
			if (!parse_uint(optarg, UINT_MAX - 1, &v)) {
				fprintf(stderr, "vmms: --allow-uid %s: give a numeric uid\n",
					optarg);
				return 2;
			}
			o->allow_uid_set = true;
			o->allow_uid = (uid_t)v;
			break;
		case O_HELP:
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vmms: unexpected argument '%s'; see vmms --help\n", argv[optind]);
		return 2;
	}
	if (!o->worker_path)
		o->worker_path = default_worker_path();
	return 0;
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
	LIST_FOREACH(vm, &d.vms, link)
	{
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
	mgmt_log_write(&d.log, MGMT_LOG_INFO, "vmms", "ready");
	uv_run(d.loop, UV_RUN_DEFAULT);
	return 0;
}
