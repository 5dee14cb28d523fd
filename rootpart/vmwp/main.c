/* SPDX-License-Identifier: MIT */
/* vmwp: the worker of one child partition, started by vmms. Opens the VM's log (start
 * marker with version and config digest), reads the stored config, takes its control channel
 * (inherited fd) and its re-adoption socket, then waits for vmms's commands. */
#include <errno.h>
#include <getopt.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mgmt/atomic_file.h"
#include "mgmt/names.h"
#include "vmwp.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vmwp --name VM --config FILE --log-dir DIR --control-socket PATH "
		"[--channel-fd FD] [--run-as UID:GID:GROUP]\n"
		"The worker process of one VM. vmms starts it; it is not meant to be run by hand.\n");
}

static void digest(const char *text, size_t len, char *out, size_t size)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (!EVP_Digest(text, len, md, &n, EVP_sha256(), NULL)) {
		snprintf(out, size, "unknown");
		return;
	}
	size_t o = (size_t)snprintf(out, size, "sha256:");
	for (unsigned i = 0; i < n && o + 3 <= size; i++)
		o += (size_t)snprintf(out + o, size - o, "%02x", md[i]);
}

static void load_config(struct vmwp *w)
{
	char *text = NULL, *errors = NULL;
	size_t len = 0;
	int rc = mgmt_read_file(w->config_path, VM_CONFIG_MAX_BYTES, &text, &len);
	if (rc != 0) {
		snprintf(w->cfg_error, sizeof(w->cfg_error), "cannot read the VM config %s: %s",
			 w->config_path, mgmt_read_strerror(rc));
		snprintf(w->cfg_digest, sizeof(w->cfg_digest), "none");
		return;
	}
	digest(text, len, w->cfg_digest, sizeof(w->cfg_digest));
	/* Files are checked again: a disk may have gone since the VM was created. */
	if (vm_config_parse(w->config_path, text, len, &w->cfg, &errors) != 0) {
		/* The first problem is the start failure reason; the log gets them all. */
		char *nl = errors ? strchr(errors, '\n') : NULL;
		snprintf(w->cfg_error, sizeof(w->cfg_error), "%.*s",
			 nl ? (int)(nl - errors) : (int)strlen(errors ? errors : ""),
			 errors ? errors : "invalid config");
		mgmt_log_write(&w->log, MGMT_LOG_ERROR, "vmwp", "config: %s",
			       errors ? errors : "?");
	} else if (strcmp(w->cfg.name, w->name) != 0) {
		snprintf(w->cfg_error, sizeof(w->cfg_error),
			 "%s: name: \"%s\" differs from the "
			 "VM this worker was started for (%s)",
			 w->config_path, w->cfg.name, w->name);
	} else {
		w->cfg_ok = true;
	}
	free(text);
	free(errors);
}

static void on_sigterm(uv_signal_t *s, int signum)
{
	struct vmwp *w = s->data;
	mgmt_log_write(&w->log, MGMT_LOG_WARN, "vmwp", "signal %d: tearing the VM down", signum);
	vmwp_partition_stopped(w, "worker terminated by signal");
}

static bool parse_run_as(struct vmwp *w, const char *arg)
{
	unsigned u, g, sg;
	char extra;
	if (sscanf(arg, "%u:%u:%u%c", &u, &g, &sg, &extra) != 3 || u == 0)
		return false;
	w->run_as_set = true;
	w->run_uid = (uid_t)u;
	w->run_gid = (gid_t)g;
	w->run_group = (gid_t)sg;
	return true;
}

/* Returns -1 to go on, else the exit status (after --help, --version or a bad option). */
static int parse_args(int argc, char **argv, struct vmwp *w, const char **log_dir, int *channel_fd)
{
	enum {
		O_NAME = 256,
		O_CONFIG,
		O_LOGDIR,
		O_CONTROL,
		O_FD,
		O_HELP,
		O_VERSION,
		O_RUN_AS
	};
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, O_NAME },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "log-dir", required_argument, NULL, O_LOGDIR },
		{ "control-socket", required_argument, NULL, O_CONTROL },
		{ "channel-fd", required_argument, NULL, O_FD },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ "run-as", required_argument, NULL, O_RUN_AS },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	char *end;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case O_NAME:
			w->name = optarg;
			break;
		case O_CONFIG:
			w->config_path = optarg;
			break;
		case O_LOGDIR:
			*log_dir = optarg;
			break;
		case O_CONTROL:
			w->control_path = optarg;
			break;
		case O_FD:
			*channel_fd = (int)strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || *channel_fd < 0) {
				usage(stderr);
				return 2;
			}
			break;
		case O_HELP:
			usage(stdout);
			return 0;
		case O_VERSION:
			printf("vmwp %s\n", MGMT_VERSION_STRING);
			return 0;
		case O_RUN_AS:
			if (!parse_run_as(w, optarg)) {
				usage(stderr);
				return 2;
			}
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!w->name || !mgmt_vm_name_ok(w->name) || !w->config_path || !*log_dir ||
	    !w->control_path) {
		usage(stderr);
		return 2;
	}
	return -1;
}

int main(int argc, char **argv)
{
	static struct vmwp w;
	const char *log_dir = NULL;
	int channel_fd = -1;
	int rc = parse_args(argc, argv, &w, &log_dir, &channel_fd);
	if (rc >= 0)
		return rc;
	signal(SIGPIPE, SIG_IGN);
	w.loop = uv_default_loop();
	w.phase = HV__WORKER__PHASE__PHASE_STARTING;
	w.started_ms = mgmt_now_ms();

	char log_path[4200];
	mgmt_path_join(log_path, sizeof(log_path), log_dir, w.name, ".log");
	rc = mgmt_log_open(&w.log, log_path, MGMT_LOG_ROTATE_BYTES, MGMT_LOG_KEEP);
	if (rc != 0)
		fprintf(stderr, "vmwp %s: cannot open %s: %s\n", w.name, log_path, strerror(-rc));
	load_config(&w);
	mgmt_log_write(&w.log, MGMT_LOG_INFO, "vmwp",
		       "start marker: vmwp %s pid %d VM %s config %s "
		       "(%s)",
		       MGMT_VERSION_STRING, (int)getpid(), w.name, w.config_path, w.cfg_digest);
	mgmt_log_write(&w.log, MGMT_LOG_INFO, "vmwp", "worker started");
	if (rc != 0 && w.cfg_ok) {
		w.cfg_ok = false;
		snprintf(w.cfg_error, sizeof(w.cfg_error),
			 "cannot open the VM log %.900s: %s; check "
			 "the log folder",
			 log_path, strerror(-rc));
	}
	if (w.cfg_ok)
		vmwp_devices_from_config(&w);

	if (vmwp_console_init(&w) != 0)
		mgmt_log_write(&w.log, MGMT_LOG_WARN, "vmwp",
			       "out of memory for the console ring: hvctl console gets no output");
	uv_timer_init(w.loop, &w.shutdown_timer);
	w.shutdown_timer.data = &w;
	uv_signal_init(w.loop, &w.sigterm);
	w.sigterm.data = &w;
	uv_signal_start(&w.sigterm, on_sigterm, SIGTERM);
	rc = vmwp_control_listen(&w);
	if (rc != 0)
		mgmt_log_write(&w.log, MGMT_LOG_WARN, "vmwp",
			       "cannot listen on %s: %s (a restarted "
			       "vmms will not be able to re-adopt this worker)",
			       w.control_path, uv_strerror(rc));
	if (channel_fd >= 0 && vmwp_control_adopt_fd(&w, channel_fd) != 0)
		mgmt_log_write(&w.log, MGMT_LOG_ERROR, "vmwp", "channel fd %d unusable",
			       channel_fd);

	uv_run(w.loop, UV_RUN_DEFAULT);
	mgmt_byte_ring_free(&w.console_ring);
	mgmt_log_close(&w.log);
	return w.exit_code;
}
