/* SPDX-License-Identifier: MIT */
/* The guest's COM1 output in the VM log: bytes are gathered into lines, each logged with
 * component "console" (carriage returns dropped, other control bytes made visible by the
 * log formatter). A line longer than the buffer is split rather than lost. */
#include "vmwp.h"

static void emit(struct vmwp *w)
{
	w->console_line[w->console_len] = '\0';
	if (w->cfg.console == VM_CONSOLE_LOG)
		mgmt_log_write(&w->log, MGMT_LOG_INFO, "console", "%s", w->console_line);
	w->console_len = 0;
}

void vmwp_console_feed(struct vmwp *w, const uint8_t *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t b = bytes[i];
		if (b == '\r')
			continue;
		if (b == '\n') {
			emit(w);
			continue;
		}
		w->console_line[w->console_len++] = (char)b;
		if (w->console_len == sizeof(w->console_line) - 1)
			emit(w);
	}
}

void vmwp_console_flush(struct vmwp *w)
{
	if (w->console_len)
		emit(w);
}
