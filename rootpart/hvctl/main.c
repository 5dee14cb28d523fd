/* SPDX-License-Identifier: MIT */
/* hvctl: the admin CLI. A table of verbs, each with its usage line, help text and a function
 * that builds one request; global options (--socket, --json) may come before or after the
 * verb. Exit status by class: see hvctl.h. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt/atomic_file.h"
#include "mgmt/log.h"
#include "hvctl.h"
#include "mgmt/names.h"
#include "mgmt/vm_config.h"
#include "mgmt/names.h"

struct args {
	const char *pos[4];
	int npos;
	bool force;
	bool no_force; /* stop --no-force */
	bool follow;
	long timeout_s;	   /* -1 unset */
	long lines;	   /* -1 unset */
	const char *vm;	   /* events --vm */
	int64_t since_ms;  /* events --since (0 unset) */
	const char *state; /* wait --state */
	bool batch;	   /* top -b */
	bool watch;	   /* console --watch */
	bool console;	   /* start --console */
	long replay;	   /* console --replay (-1 unset) */
	int escape;	   /* console --escape: the detach key's byte, -1 none */
};

struct verb {
	const char *name;
	const char *usage;
	const char *help;
	int min_pos, max_pos;
	bool takes_name; /* the positional argument is a VM name, checked here */
	/* which verb options it takes: f=--force N=--no-force t=--timeout F=-f n=-n V=--vm
	 * s=--since S=--state b=-b w=--watch r=--replay e=--escape c=--console */
	const char *opts;
	int (*run)(struct hvctl *h, struct args *a);
};

static int run_create(struct hvctl *h, struct args *a);
static int run_validate(struct hvctl *h, struct args *a);
static int run_start(struct hvctl *h, struct args *a);
static int run_stop(struct hvctl *h, struct args *a);
static int run_delete(struct hvctl *h, struct args *a);
static int run_list(struct hvctl *h, struct args *a);
static int run_show(struct hvctl *h, struct args *a);
static int run_logs(struct hvctl *h, struct args *a);
static int run_events(struct hvctl *h, struct args *a);
static int run_wait(struct hvctl *h, struct args *a);
static int run_doctor(struct hvctl *h, struct args *a);
static int run_metrics(struct hvctl *h, struct args *a);
static int run_top(struct hvctl *h, struct args *a);
static int run_console(struct hvctl *h, struct args *a);

static const struct verb verbs[] = {
	{ "create", "create FILE", "Check the VM config FILE and add the VM (it starts off).", 1, 1,
	  false, "", run_create },
	{ "validate", "validate FILE",
	  "Check the VM config FILE without creating anything; "
	  "every problem is printed as FILE:LINE:COL: key: problem.",
	  1, 1, false, "", run_validate },
	{ "start", "start NAME [--console [--watch] [--escape KEY]]",
	  "Start the VM; waits until it runs or its start fails. --console then attaches to its "
	  "console from the first byte the guest wrote (as hvctl console).",
	  1, 1, true, "cwe", run_start },
	{ "stop", "stop NAME [--force] [--timeout S] [--no-force]",
	  "Stop the VM: gracefully (the guest shuts down within S seconds, default 30; if it "
	  "has not, the VM is turned off, or with --no-force left running and exit 8) or with "
	  "--force (turned off at once).",
	  1, 1, true, "fNt", run_stop },
	{ "delete", "delete NAME", "Remove a VM that is not running (its log files stay).", 1, 1,
	  true, "", run_delete },
	{ "list", "list",
	  "One line per VM: name, state (and why, when failed or crashed), VPs, memory, uptime, "
	  "heartbeat age, worker pid.",
	  0, 0, false, "", run_list },
	{ "show", "show NAME",
	  "Everything about one VM: state and why, worker, devices, last "
	  "heard, log path, config.",
	  1, 1, true, "", run_show },
	{ "console", "console NAME [--watch] [--force] [--replay N] [--escape KEY]",
	  "Attach to the VM's COM1: its output live (first the last N bytes kept, default 4096, "
	  "at most 65536), typed input to the guest. Ctrl+] (or --escape KEY: ^a, x, none) "
	  "detaches. --watch: read-only, any number at once; one writer per VM, --force takes "
	  "over from another.",
	  1, 1, true, "fwre", run_console },
	{ "logs", "logs NAME [-f] [-n N] [--since T]",
	  "The last N lines (default 50; with --since, every line from T on) of the VM's log "
	  "(across rotations and worker crashes); -f keeps following new lines (Ctrl-C to end).",
	  1, 1, true, "Fns", run_logs },
	{ "events", "events [--vm NAME] [--since T]",
	  "Print every VM state change as it happens (Ctrl-C to end); --since first replays "
	  "the journal (the last 512 events) from T (2026-12-07T09:15:00Z, or an age: 10m).",
	  0, 0, false, "Vs", run_events },
	{ "top", "top [-b] [-n N]",
	  "Per VM, every second: CPU % and resident memory of its worker, exits/s of its VPs "
	  "(all, and by reason), VMBus signals/s, storage IOPS and read/write MB/s, heartbeat "
	  "age; -b prints frames one after the other (with every exit reason), -n N stops "
	  "after N.",
	  0, 0, false, "bn", run_top },
	{ "metrics", "metrics",
	  "Every VM's metrics (and vmms's) in the Prometheus text format; vmms --metrics-file "
	  "keeps a file of them for node_exporter.",
	  0, 0, false, "", run_metrics },
	{ "doctor", "doctor",
	  "Check that this host can run VMs (hypervisor, SVM/NPT, /dev/vid, vmms, permissions, "
	  "state and log space): one verdict and fix per line.",
	  0, 0, false, "", run_doctor },
	{ "wait", "wait NAME --state STATE [--timeout S]",
	  "Wait until the VM is in STATE (gone: deleted); exit 8 after S seconds (default 60).", 1,
	  1, true, "St", run_wait },
};
#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: hvctl [--socket PATH] [--format F] [--no-headers] VERB [ARGS]\n"
		   "Manage the VMs of this host through vmms.\n\nverbs:\n");
	for (size_t i = 0; i < NVERBS; i++)
		fprintf(f, "  %-36s %s\n", verbs[i].usage, verbs[i].help);
	fprintf(f,
		"\noptions:\n"
		"  --socket PATH   vmms socket (default $%s, else %s)\n"
		"  --format F      table (default), json, yaml or csv\n"
		"  --json          the same as --format json\n"
		"  --no-headers    tables and CSV without their header row\n"
		"  --reply-timeout S  wait at most S seconds for vmms's answer (default: 30;\n"
		"                  start 150, stop its --timeout + 20)\n"
		"  --version       print hvctl's version\n"
		"  --help          this text; hvctl VERB --help for one verb\n"
		"\nexit status: 0 done (stop of a VM that is off and delete of one that is gone\n"
		"included), 1 failed, 2 usage, 3 bad config, 4 not found, 5 wrong state,\n"
		"6 permission, 7 vmms unreachable, 8 timeout.\n"
		"See docs/hvctl.md (or man hvctl).\n",
		MGMT_SOCKET_ENV, MGMT_DEFAULT_SOCKET);
}

static void verb_usage(FILE *f, const struct verb *v)
{
	fprintf(f, "usage: hvctl [--socket PATH] [--format F] %s\n%s\n", v->usage, v->help);
}

static int usage_error(const struct verb *v, const char *fmt, const char *arg)
{
	fprintf(stderr, "hvctl: ");
	fprintf(stderr, fmt, arg);
	if (v)
		fprintf(stderr, "; usage: hvctl %s (hvctl %s --help)\n", v->usage, v->name);
	else
		fprintf(stderr, "; see hvctl --help\n");
	return HVCTL_USAGE;
}

static bool parse_num(const char *s, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max)
		return false;
	*out = v;
	return true;
}

static Hv__Mgmt__Request *new_request(Hv__Mgmt__Request *req)
{
	hv__mgmt__request__init(req);
	req->id = 1;
	return req;
}

/* Reads the config file for create/validate: vmms gets its text and absolute path. */
static int read_config(const char *file, char **abs, char **text, size_t *len)
{
	int rc = mgmt_read_file(file, VM_CONFIG_MAX_BYTES, text, len);
	if (rc == -EFBIG) {
		fprintf(stderr, "%s: (file): too large for a VM config (at most %u bytes)\n", file,
			VM_CONFIG_MAX_BYTES);
		return HVCTL_BAD_CONFIG;
	}
	if (rc != 0) {
		fprintf(stderr,
			"hvctl: cannot read %s: %s; give the path of a VM config file "
			"(see docs/vm-config.md)\n",
			file, mgmt_read_strerror(rc));
		return HVCTL_BAD_CONFIG;
	}
	*abs = realpath(file, NULL);
	if (!*abs) {
		fprintf(stderr, "hvctl: cannot resolve %s: %s\n", file, strerror(errno));
		free(*text);
		return HVCTL_BAD_CONFIG;
	}
	return HVCTL_OK;
}

static int run_config_op(struct hvctl *h, const char *file, bool create)
{
	char *abs = NULL, *text = NULL;
	size_t len = 0;
	int rc = read_config(file, &abs, &text, &len);
	if (rc)
		return rc;
	Hv__Mgmt__Request req;
	new_request(&req);
	Hv__Mgmt__CreateRequest cr;
	hv__mgmt__create_request__init(&cr);
	Hv__Mgmt__ValidateRequest vr;
	hv__mgmt__validate_request__init(&vr);
	ProtobufCBinaryData data = { .len = len, .data = (uint8_t *)text };
	if (create) {
		cr.config_path = abs;
		cr.config_text = data;
		req.op_case = HV__MGMT__REQUEST__OP_CREATE;
		req.create = &cr;
	} else {
		vr.config_path = abs;
		vr.config_text = data;
		req.op_case = HV__MGMT__REQUEST__OP_VALIDATE;
		req.validate = &vr;
	}
	rc = hvctl_call(h, &req);
	free(abs);
	free(text);
	return rc;
}

static int run_create(struct hvctl *h, struct args *a)
{
	return run_config_op(h, a->pos[0], true);
}

static int run_validate(struct hvctl *h, struct args *a)
{
	return run_config_op(h, a->pos[0], false);
}

static int run_name_op(struct hvctl *h, const char *name, Hv__Mgmt__Request__OpCase op)
{
	Hv__Mgmt__Request req;
	new_request(&req);
	Hv__Mgmt__NameRequest nr;
	hv__mgmt__name_request__init(&nr);
	nr.name = mgmt_pb_str(name);
	req.op_case = op;
	switch (op) {
	case HV__MGMT__REQUEST__OP_START:
		req.start = &nr;
		break;
	case HV__MGMT__REQUEST__OP_DELETE:
		req.delete_ = &nr;
		break;
	default:
		req.show = &nr;
		break;
	}
	return hvctl_call(h, &req);
}

/* The wait for a verb's answer: --reply-timeout when given, else the verb's own. */
static void set_wait(struct hvctl *h, unsigned dflt)
{
	h->wait_s = h->reply_timeout_s >= 0 ? (unsigned)h->reply_timeout_s : dflt;
}

static void console_opts(const struct args *a, struct hvctl_console_opts *o)
{
	*o = (struct hvctl_console_opts){
		.name = a->pos[0],
		.escape = a->escape,
		.replay_bytes = a->replay >= 0 ? (uint32_t)a->replay : HVCTL_CONSOLE_REPLAY_DEFAULT,
		.watch = a->watch,
		.take_over = a->force,
	};
}

/* start --console: the start's answer goes to stderr (stdout is the guest's), then the
 * console from the worker's first byte: vmms keeps it from then on, so none is lost. */
static int start_console(struct hvctl *h, struct args *a)
{
	Hv__Mgmt__Request req;
	new_request(&req);
	Hv__Mgmt__NameRequest nr = HV__MGMT__NAME_REQUEST__INIT;
	nr.name = mgmt_pb_str(a->pos[0]);
	req.op_case = HV__MGMT__REQUEST__OP_START;
	req.start = &nr;
	int rc = hvctl_connect(h);
	if (rc)
		return rc;
	Hv__Mgmt__Reply *r = hvctl_request(h, &req, HV__MGMT__REPLY__RESULT_DONE, &rc);
	if (!r)
		return rc;
	fprintf(stderr, "hvctl: %s\n", r->done->message);
	hv__mgmt__reply__free_unpacked(r, NULL);
	struct hvctl_console_opts o;
	console_opts(a, &o);
	o.from_start = true;
	set_wait(h, HVCTL_REPLY_TIMEOUT_S);
	hvctl_set_wait(h, h->wait_s);
	return hvctl_console(h, &o);
}

static int run_start(struct hvctl *h, struct args *a)
{
	h->verb = "start";
	h->vm = a->pos[0];
	/* vmms gives a worker 120 s by default (vmms --start-timeout) and answers then. */
	set_wait(h, 150);
	if (a->console)
		return start_console(h, a);
	return run_name_op(h, a->pos[0], HV__MGMT__REQUEST__OP_START);
}

static int run_console(struct hvctl *h, struct args *a)
{
	struct hvctl_console_opts o;
	console_opts(a, &o);
	set_wait(h, HVCTL_REPLY_TIMEOUT_S);
	return hvctl_console(h, &o);
}

static int run_delete(struct hvctl *h, struct args *a)
{
	h->verb = "delete";
	h->vm = a->pos[0];
	return run_name_op(h, a->pos[0], HV__MGMT__REQUEST__OP_DELETE);
}

static int run_show(struct hvctl *h, struct args *a)
{
	return run_name_op(h, a->pos[0], HV__MGMT__REQUEST__OP_SHOW);
}

static int run_stop(struct hvctl *h, struct args *a)
{
	h->verb = "stop";
	h->vm = a->pos[0];
	Hv__Mgmt__Request req;
	new_request(&req);
	Hv__Mgmt__StopRequest sr;
	hv__mgmt__stop_request__init(&sr);
	sr.name = mgmt_pb_str(a->pos[0]);
	sr.force = a->force;
	sr.no_force = a->no_force;
	sr.timeout_s = a->timeout_s >= 0 ? (uint32_t)a->timeout_s : 0;
	req.op_case = HV__MGMT__REQUEST__OP_STOP;
	req.stop = &sr;
	/* vmms answers by the guest's timeout plus its own slack (5 s, then 5 s more for a
	 * worker that must be turned off by force), or 5 s after a forced stop (then the worker
	 * is killed). */
	set_wait(h, a->force ? 20 : (unsigned)(a->timeout_s > 0 ? a->timeout_s : 30) + 20);
	return hvctl_call(h, &req);
}

static int run_list(struct hvctl *h, struct args *a)
{
	(void)a;
	Hv__Mgmt__Request req;
	new_request(&req);
	Hv__Mgmt__ListRequest lr;
	hv__mgmt__list_request__init(&lr);
	req.op_case = HV__MGMT__REQUEST__OP_LIST;
	req.list = &lr;
	return hvctl_call(h, &req);
}

/* Streams (logs, events): print replies until the stream ends or vmms goes away. */
static int stream(struct hvctl *h, Hv__Mgmt__Request *req, bool endless)
{
	set_wait(h, HVCTL_REPLY_TIMEOUT_S);
	int rc = hvctl_connect(h);
	if (rc || (rc = hvctl_send(h, req)))
		return rc;
	for (;;) {
		Hv__Mgmt__Reply *r = hvctl_recv(h, &rc);
		if (!r)
			return rc;
		/* The first answer shows vmms is there; a stream then waits as long as it takes. */
		if (endless && h->replies == 1)
			hvctl_set_wait(h, 0);
		bool end = r->result_case == HV__MGMT__REPLY__RESULT_LOGS && r->logs->end;
		if (r->result_case == HV__MGMT__REPLY__RESULT_DONE &&
		    req->op_case == HV__MGMT__REQUEST__OP_EVENTS) {
			hv__mgmt__reply__free_unpacked(r, NULL); /* "watching": nothing to print */
			continue;
		}
		rc = hvctl_print_reply(h, r);
		hv__mgmt__reply__free_unpacked(r, NULL);
		if (rc || end)
			return rc;
	}
}

static int run_logs(struct hvctl *h, struct args *a)
{
	Hv__Mgmt__Request req;
	new_request(&req);
	Hv__Mgmt__LogsRequest lr;
	hv__mgmt__logs_request__init(&lr);
	lr.name = mgmt_pb_str(a->pos[0]);
	lr.follow = a->follow;
	lr.lines = a->lines >= 0 ? (uint32_t)a->lines : a->since_ms ? 100000 : 50;
	if (a->since_ms)
		hvctl_format_time(a->since_ms, h->since, sizeof(h->since));
	req.op_case = HV__MGMT__REQUEST__OP_LOGS;
	req.logs = &lr;
	return stream(h, &req, a->follow);
}

static int run_events(struct hvctl *h, struct args *a)
{
	Hv__Mgmt__Request req;
	new_request(&req);
	Hv__Mgmt__EventsRequest er;
	hv__mgmt__events_request__init(&er);
	er.vm = mgmt_pb_str(a->vm ? a->vm : "");
	er.since_ms = a->since_ms;
	req.op_case = HV__MGMT__REQUEST__OP_EVENTS;
	req.events = &er;
	return stream(h, &req, true);
}

static int run_wait(struct hvctl *h, struct args *a)
{
	return hvctl_wait(h, a->pos[0], a->state, a->timeout_s);
}

static int run_top(struct hvctl *h, struct args *a)
{
	return hvctl_top(h, a->batch, a->lines > 0 ? a->lines : -1);
}

static int run_metrics(struct hvctl *h, struct args *a)
{
	(void)a;
	Hv__Mgmt__Request req;
	new_request(&req);
	Hv__Mgmt__MetricsRequest mr;
	hv__mgmt__metrics_request__init(&mr);
	req.op_case = HV__MGMT__REQUEST__OP_METRICS;
	req.metrics = &mr;
	return hvctl_call(h, &req);
}

static int run_doctor(struct hvctl *h, struct args *a)
{
	(void)a;
	return hvctl_doctor(h);
}

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < NVERBS; i++)
		if (strcmp(verbs[i].name, name) == 0)
			return &verbs[i];
	return NULL;
}

/* Global options, anywhere on the line. 1: not one of them; 0: taken; else an exit status
 * (-1 for a clean exit after --version). */
static int global_option(struct hvctl *h, const struct verb *v, int argc, char **argv, int *i)
{
	const char *s = argv[*i];
	if (strcmp(s, "--json") == 0) {
		h->format = HVCTL_FORMAT_JSON;
	} else if (strcmp(s, "--format") == 0) {
		if (++*i == argc || !hvctl_parse_format(argv[*i], &h->format))
			return usage_error(v, "--format needs one of table, json, yaml, csv%s", "");
	} else if (strcmp(s, "--no-headers") == 0) {
		h->no_headers = true;
	} else if (strcmp(s, "--version") == 0) {
		printf("hvctl %s\n", MGMT_VERSION_STRING);
		return -1;
	} else if (strcmp(s, "--reply-timeout") == 0) {
		if (++*i == argc || !parse_num(argv[*i], 86400, &h->reply_timeout_s) ||
		    h->reply_timeout_s == 0)
			return usage_error(
				v, "--reply-timeout needs a number of seconds, 1 to 86400%s", "");
	} else if (strcmp(s, "--socket") == 0) {
		if (++*i == argc)
			return usage_error(v, "--socket needs a PATH%s", "");
		h->socket_path = argv[*i];
	} else {
		return 1;
	}
	return 0;
}

/* The verb's own options (v->opts). Same returns as global_option. */
static int verb_option(struct args *a, const struct verb *v, int argc, char **argv, int *i)
{
	const char *s = argv[*i];
	const char *opts = v ? v->opts : "";
	if (strcmp(s, "--force") == 0 && strchr(opts, 'f')) {
		a->force = true;
	} else if (strcmp(s, "--no-force") == 0 && strchr(opts, 'N')) {
		a->no_force = true;
	} else if (strcmp(s, "--timeout") == 0 && strchr(opts, 't')) {
		if (++*i == argc || !parse_num(argv[*i], 86400, &a->timeout_s) ||
		    (a->timeout_s > 3600 && strcmp(v->name, "stop") == 0))
			return usage_error(v, "--timeout needs a number of seconds, 0 to 3600%s",
					   "");
	} else if ((strcmp(s, "-f") == 0 || strcmp(s, "--follow") == 0) && strchr(opts, 'F')) {
		a->follow = true;
	} else if (strcmp(s, "-n") == 0 && strchr(opts, 'n')) {
		if (++*i == argc || !parse_num(argv[*i], 100000, &a->lines))
			return usage_error(v, "-n needs a number of lines, 0 to 100000%s", "");
	} else if (strcmp(s, "-b") == 0 && strchr(opts, 'b')) {
		a->batch = true;
	} else if (strcmp(s, "--watch") == 0 && strchr(opts, 'w')) {
		a->watch = true;
	} else if (strcmp(s, "--console") == 0 && strchr(opts, 'c')) {
		a->console = true;
	} else if (strcmp(s, "--replay") == 0 && strchr(opts, 'r')) {
		if (++*i == argc || !parse_num(argv[*i], HVCTL_CONSOLE_REPLAY_MAX, &a->replay))
			return usage_error(v, "--replay needs a number of bytes, 0 to 65536%s", "");
	} else if (strcmp(s, "--escape") == 0 && strchr(opts, 'e')) {
		if (++*i == argc || !hvctl_parse_escape(argv[*i], &a->escape))
			return usage_error(v,
					   "--escape needs a key: ^X for Ctrl+X (^] ^a ...), one "
					   "character, or none%s",
					   "");
	} else if (strcmp(s, "--vm") == 0 && strchr(opts, 'V')) {
		if (++*i == argc || !mgmt_vm_name_ok(argv[*i]))
			return usage_error(v, "--vm needs a VM name%s", "");
		a->vm = argv[*i];
	} else if (strcmp(s, "--since") == 0 && strchr(opts, 's')) {
		if (++*i == argc || !hvctl_parse_since(argv[*i], mgmt_now_ms(), &a->since_ms))
			return usage_error(v,
					   "--since needs a time: 2026-12-07T09:15:00Z, or an age "
					   "such as 30s, 10m, 2h, 1d%s",
					   "");
	} else if (strcmp(s, "--state") == 0 && strchr(opts, 'S')) {
		if (++*i == argc || !hvctl_state_from_name(argv[*i]))
			return usage_error(
				v,
				"--state needs off, starting, running, stopping, failed, "
				"crashed or gone%s",
				"");
		a->state = argv[*i];
	} else {
		return 1;
	}
	return 0;
}

static int check_args(const struct verb *v, const struct args *a)
{
	if (a->npos < v->min_pos)
		return usage_error(v, "%s: missing argument", v->name);
	if (a->npos > v->max_pos)
		return usage_error(v, "unexpected argument '%s'", a->pos[v->max_pos]);
	if (v->takes_name && !mgmt_vm_name_ok(a->pos[0]))
		return usage_error(v, "'%s' is not a VM name (letters, digits, '.', '_', '-')",
				   a->pos[0]);
	if (a->force && a->no_force)
		return usage_error(v,
				   "--force and --no-force contradict each other (--no-force: "
				   "a graceful stop that times out leaves the VM running)%s",
				   "");
	if (a->watch && a->force)
		return usage_error(v,
				   "--watch and --force contradict each other (--force takes over "
				   "as the writer; --watch only reads)%s",
				   "");
	if (strcmp(v->name, "start") == 0 && !a->console && (a->watch || a->escape != 0x1d))
		return usage_error(v, "start: --watch and --escape go with --console%s", "");
	if (strchr(v->opts, 'S') && !a->state)
		return usage_error(v, "%s: --state is required", v->name);
	return HVCTL_OK;
}

int main(int argc, char **argv)
{
	struct hvctl h = { .fd = -1, .reply_timeout_s = -1 };
	struct args a = { .timeout_s = -1, .lines = -1, .replay = -1, .escape = 0x1d };
	const struct verb *v = NULL;
	bool help = false;
	signal(SIGPIPE, SIG_IGN); /* a vmms that hangs up is reported, not fatal */
	h.socket_path = getenv(MGMT_SOCKET_ENV);
	if (!h.socket_path || !h.socket_path[0])
		h.socket_path = MGMT_DEFAULT_SOCKET;

	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		int rc = global_option(&h, v, argc, argv, &i);
		if (rc == 1)
			rc = verb_option(&a, v, argc, argv, &i);
		if (rc != 1) {
			if (rc)
				return rc < 0 ? HVCTL_OK : rc;
			continue;
		}
		if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
			help = true;
		} else if (s[0] == '-' && s[1] != '\0') {
			return usage_error(v, "unknown option %s", s);
		} else if (!v) {
			v = find_verb(s);
			if (!v)
				return usage_error(NULL, "unknown verb '%s'", s);
		} else if (a.npos < 4) {
			a.pos[a.npos++] = s;
		} else {
			return usage_error(v, "too many arguments%s", "");
		}
	}
	if (help) {
		if (v)
			verb_usage(stdout, v);
		else
			usage(stdout);
		return HVCTL_OK;
	}
	if (!v) {
		usage(stderr);
		return HVCTL_USAGE;
	}
	int rc = check_args(v, &a);
	if (rc)
		return rc;
	h.wait_s = h.reply_timeout_s >= 0 ? (unsigned)h.reply_timeout_s : HVCTL_REPLY_TIMEOUT_S;
	return v->run(&h, &a);
}
