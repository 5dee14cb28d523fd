/* SPDX-License-Identifier: MIT */
/* hvctl console: the VM's COM1 on this terminal. After vmms accepts the attach, one poll loop
 * moves vmms's ConsoleOutput bytes to stdout and stdin's bytes to vmms as ConsoleInput (none
 * with --watch), until the detach key (Ctrl+] unless --escape says otherwise), the end of the
 * VM's run, a signal, or vmms going away. A terminal on stdin is put in raw mode (so Ctrl-C
 * reaches the guest) and restored on every way out: the detach key, the stream's end, an
 * error, SIGINT/SIGTERM/SIGHUP. stdin that is not a terminal works too (tests pipe input): at
 * its end the console keeps printing output, as a watcher, until one of the others. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hvctl.h"
#include "mgmt/names.h"

#define INPUT_CHUNK 4096 /* vmms's limit for one ConsoleInput */

static struct termios saved_tty;
static bool tty_raw;
static volatile sig_atomic_t got_signal;

static void restore_tty(void)
{
	if (tty_raw) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
		tty_raw = false;
	}
}

static void on_signal(int sig)
{
	got_signal = sig;
}

static void set_raw(void)
{
	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tty) != 0)
		return;
	struct termios raw = saved_tty;
	cfmakeraw(&raw);
	raw.c_oflag |= OPOST | ONLCR; /* hvctl's own messages and bare \n still start a line */
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0) {
		tty_raw = true;
		atexit(restore_tty);
	}
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART: poll returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

bool hvctl_parse_escape(const char *s, int *key)
{
	if (!strcmp(s, "none")) {
		*key = -1;
		return true;
	}
	if (s[0] == '^' && s[1] && !s[2]) {
		int c = s[1] >= 'a' && s[1] <= 'z' ? s[1] - 'a' + 'A' : s[1];
		if (c == '?') {
			*key = 0x7f;
			return true;
		}
		if (c >= '@' && c <= '_') {
			*key = c - '@';
			return true;
		}
		return false;
	}
	if (s[0] && !s[1]) {
		*key = (unsigned char)s[0];
		return true;
	}
	return false;
}

static void key_name(int key, char *buf, size_t n)
{
	if (key < 0)
		snprintf(buf, n, "none");
	else if (key == 0x1d)
		snprintf(buf, n, "Ctrl+]");
	else if (key < 0x20)
		snprintf(buf, n, "Ctrl+%c", key + '@');
	else if (key == 0x7f)
		snprintf(buf, n, "^?");
	else
		snprintf(buf, n, "%c", key);
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int send_input(struct hvctl *h, const uint8_t *bytes, size_t len)
{
	if (!len)
		return HVCTL_OK;
	Hv__Mgmt__ConsoleInput in = HV__MGMT__CONSOLE_INPUT__INIT;
	in.data.data = (uint8_t *)(uintptr_t)bytes; /* protobuf-c fields are not const */
	in.data.len = len;
	Hv__Mgmt__Request req = HV__MGMT__REQUEST__INIT;
	req.id = 2;
	req.op_case = HV__MGMT__REQUEST__OP_CONSOLE_INPUT;
	req.console_input = &in;
	return hvctl_send(h, &req);
}

/* One reply while attached: output, the end, or an error. *done when the loop ends. */
static int on_reply(struct hvctl *h, const Hv__Mgmt__Reply *r, bool *done)
{
	if (r->result_case == HV__MGMT__REPLY__RESULT_ERROR) {
		restore_tty();
		*done = true;
		return hvctl_print_reply(h, r);
	}
	if (r->result_case != HV__MGMT__REPLY__RESULT_CONSOLE)
		return HVCTL_OK;
	const Hv__Mgmt__ConsoleOutput *o = r->console;
	if (o->lost)
		fprintf(stderr, "\nhvctl: [%llu bytes of console output lost: this terminal read "
				"too slowly, or the output wrapped vmms's 64 KiB buffer]\n",
			(unsigned long long)o->lost);
	if (o->data.len && write_all(STDOUT_FILENO, o->data.data, o->data.len) != 0) {
		restore_tty();
		fprintf(stderr, "hvctl: cannot write the console output: %s\n", strerror(errno));
		*done = true;
		return HVCTL_FAILED;
	}
	if (o->end) {
		restore_tty();
		fprintf(stderr, "\nhvctl: console closed: %s\n", o->reason);
		*done = true;
		return o->taken_over ? HVCTL_FAILED : HVCTL_OK;
	}
	return HVCTL_OK;
}

/* stdin's bytes up to the detach key go to the guest (not with --watch). */
static int on_input(struct hvctl *h, const struct hvctl_console_opts *o, bool *stdin_open,
		    bool *done)
{
	uint8_t buf[INPUT_CHUNK];
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return HVCTL_OK;
	if (n <= 0) {
		*stdin_open = false; /* go on as a watcher */
		return HVCTL_OK;
	}
	size_t len = (size_t)n;
	uint8_t *esc = o->escape >= 0 ? memchr(buf, o->escape, len) : NULL;
	if (esc) {
		len = (size_t)(esc - buf);
		*done = true;
	}
	int rc = o->watch ? HVCTL_OK : send_input(h, buf, len);
	if (rc) {
		restore_tty();
		*done = true;
		return rc;
	}
	if (esc) {
		restore_tty();
		fprintf(stderr, "\nhvctl: detached from the console of %s\n", o->name);
	}
	return HVCTL_OK;
}

static int attach(struct hvctl *h, const struct hvctl_console_opts *o)
{
	Hv__Mgmt__ConsoleRequest cr = HV__MGMT__CONSOLE_REQUEST__INIT;
	cr.name = mgmt_pb_str(o->name);
	cr.replay_bytes = o->replay_bytes;
	cr.from_start = o->from_start;
	cr.watch = o->watch;
	cr.take_over = o->take_over;
	Hv__Mgmt__Request req = HV__MGMT__REQUEST__INIT;
	req.id = 1;
	req.op_case = HV__MGMT__REQUEST__OP_CONSOLE;
	req.console = &cr;
	int rc;
	Hv__Mgmt__Reply *r = hvctl_request(h, &req, HV__MGMT__REPLY__RESULT_DONE, &rc);
	if (!r)
		return rc;
	char key[16];
	key_name(o->escape, key, sizeof(key));
	fprintf(stderr, "hvctl: %s; %s detaches%s\n", r->done->message, key,
		o->watch ? " (read-only: input is not sent)" : "");
	hv__mgmt__reply__free_unpacked(r, NULL);
	return HVCTL_OK;
}

int hvctl_console(struct hvctl *h, const struct hvctl_console_opts *o)
{
	h->verb = "console";
	h->vm = o->name;
	int rc = h->fd >= 0 ? HVCTL_OK : hvctl_connect(h);
	if (rc || (rc = attach(h, o)))
		return rc;
	hvctl_set_wait(h, 0); /* attached: output comes when the guest writes */
	catch_signals();
	set_raw();
	bool done = false, stdin_open = true;
	while (!done) {
		struct pollfd p[2] = { { .fd = h->fd, .events = POLLIN },
				       { .fd = STDIN_FILENO, .events = POLLIN } };
		int np = poll(p, stdin_open ? 2 : 1, -1);
		if (got_signal) {
			restore_tty();
			fprintf(stderr, "\nhvctl: detached from the console of %s (signal %d)\n",
				o->name, (int)got_signal);
			return HVCTL_OK;
		}
		if (np < 0 && errno == EINTR)
			continue;
		if (np < 0) {
			restore_tty();
			fprintf(stderr, "hvctl: poll: %s\n", strerror(errno));
			return HVCTL_FAILED;
		}
		if (p[0].revents) {
			Hv__Mgmt__Reply *r = hvctl_recv(h, &rc);
			if (!r) {
				restore_tty();
				return rc;
			}
			rc = on_reply(h, r, &done);
			hv__mgmt__reply__free_unpacked(r, NULL);
		}
		if (!done && stdin_open && p[1].revents)
			rc = on_input(h, o, &stdin_open, &done);
	}
	restore_tty();
	return rc;
}
