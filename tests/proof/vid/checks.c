/* SPDX-License-Identifier: MIT */
/* EVA harness of vid.ko's ioctl argument checks (rootpart/vid/vid_checks.c, the file vid.ko
 * is built from): every ioctl argument struct a worker passes is any bytes, as copy_from_user
 * leaves it (VID_RUN copies only the fields before `exit`, so `exit` stays uninitialised
 * here: a check reading it is an alarm); the values of vid.ko's state a check reads are any
 * value the driver keeps: max_vps 1..HV_MAX_VPS_PER_PARTITION (checked at create), the size of
 * the VP's last IN any byte, the connection ranges each free or inside 1..HV_CONNECTION_ID_MAX
 * (checked at set). A post-message exit's message, read once from the run's output page, is
 * any bytes. Where a check passes, the harness goes on as the handler does: the slot
 * VID_SET_CONNECTION writes is inside the table, and the two copies the checks bound (into
 * the hypervisor's input page, into an inbox record) are analysed. vid_check_warn is the
 * kernel's printk as far as the format goes (stubs/printf.c reads each argument as the format
 * says). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "__fc_builtin.h"
#include "vid_checks.h"

void vid_check_warn(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
}

static hv_u32 any32(void)
{
	return Frama_C_unsigned_int_interval(0, 0xffffffffu);
}

static hv_u32 any_max_vps(void)
{
	return Frama_C_unsigned_int_interval(1, HV_MAX_VPS_PER_PARTITION);
}

static void dev_calls(void)
{
	struct vid_partition_create c;

	Frama_C_make_unknown((char *)&c, sizeof(c));
	vid_check_partition_create(&c);
}

static void partition_calls(void)
{
	struct vid_map_memory m;
	struct vid_vp_create v;
	struct vid_signal_event ev;
	struct vid_signal_eventfd efd;
	struct vid_assert_interrupt irq;
	struct vid_vp_stats stats;

	Frama_C_make_unknown((char *)&m, sizeof(m));
	vid_check_map(&m);
	Frama_C_make_unknown((char *)&v, sizeof(v));
	vid_check_vp_create(&v, any_max_vps());
	Frama_C_make_unknown((char *)&ev, sizeof(ev));
	vid_check_signal_event(&ev, any_max_vps());
	Frama_C_make_unknown((char *)&efd, sizeof(efd));
	vid_check_signal_eventfd(&efd);
	Frama_C_make_unknown((char *)&irq, sizeof(irq));
	vid_check_assert_interrupt(&irq, any_max_vps());
	/* As synic_vp_stats copies it: the fields before `stats` only. */
	Frama_C_make_unknown((char *)&stats, offsetof(struct vid_vp_stats, stats));
	vid_check_vp_stats(&stats, any_max_vps());
	vid_check_read_len(Frama_C_unsigned_long_interval(0, 0xffffffffffffffffull));
}

/* Any table of ranges VID_SET_CONNECTION could have left (each free, or inside the ids). */
static void any_ranges(struct vid_conn_range conn[VID_CONNECTIONS_MAX])
{
	/*@ loop unroll VID_CONNECTIONS_MAX; */
	for (hv_u32 i = 0; i < VID_CONNECTIONS_MAX; i++) {
		hv_u32 first = Frama_C_unsigned_int_interval(1, HV_CONNECTION_ID_MAX);

		conn[i].first = first;
		conn[i].count = Frama_C_nondet(0, 1) ? 0
						     : Frama_C_unsigned_int_interval(
							       1, HV_CONNECTION_ID_MAX - first + 1);
		conn[i].type =
			Frama_C_unsigned_int_interval(VID_CONNECTION_MESSAGE, VID_CONNECTION_EVENT);
		conn[i].pending = NULL;
	}
}

static void connection_calls(void)
{
	struct vid_conn_range conn[VID_CONNECTIONS_MAX];
	struct vid_connection a;
	int slot;

	any_ranges(conn);
	Frama_C_make_unknown((char *)&a, sizeof(a));
	slot = vid_check_connection(conn, &a);
	if (slot >= 0) /* synic_set_connection then writes s->conn[slot] */
		conn[slot].count = a.count;
}

static void post_calls(void)
{
	static struct hv_post_message_direct_in page; /* the SynIC call input page */
	struct vid_post_message a;

	Frama_C_make_unknown((char *)&a, sizeof(a));
	if (vid_check_post_message(&a, any_max_vps()) == 0) {
		memset(&page, 0, sizeof(page));
		vid_post_message_in(&page, &a, Frama_C_unsigned_long_interval(0, ~0ull));
	}
}

static void inbox_calls(void)
{
	struct vid_message record; /* one of the inbox queue's (which one is not this file's) */
	struct hv_post_message_in in;

	Frama_C_make_unknown((char *)&in, sizeof(in));
	if (vid_check_post_exit(&in, any32(), Frama_C_unsigned_long_interval(0, ~0ull)) ==
	    HV_STATUS_SUCCESS) {
		vid_message_from_exit(&record, &in, any32());
	}
}

static void vp_calls(void)
{
	static struct vid_regs r; /* kmalloc'ed whole, filled by copy_from_user */
	struct vid_run run;

	Frama_C_make_unknown((char *)&r, sizeof(r));
	vid_check_regs(&r);
	/* As vid_vp_run copies it: the fields before `exit` only. */
	Frama_C_make_unknown((char *)&run, offsetof(struct vid_run, exit));
	if (vid_check_run(&run) == 0)
		vid_check_run_in(&run, (hv_u8)Frama_C_interval(0, 255));
}

int main(void)
{
	dev_calls();
	partition_calls();
	connection_calls();
	post_calls();
	inbox_calls();
	vp_calls();
	return 0;
}
