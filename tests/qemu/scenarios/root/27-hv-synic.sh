# SPDX-License-Identifier: MIT
# A child's SynIC, driven from the root (hvcheck's synic file; a real-mode child that enables
# its SynIC, then idles with sti; hlt and answers each interrupt by freeing its message slot,
# writing EOM and an OUT of 'I'): a message posted by the root lands in the SINT's slot; a
# second waits in the queue with the pending flag in the busy slot and moves in on EOM; each
# raises the SINT, taken only when the child's IF allows (never while it halts with IF = 0);
# an event sets its flag once (newly signalled, then not); a full queue says
# INSUFFICIENT_BUFFERS; bad arguments, a masked SINT and a SynIC not yet enabled are refused
# with their status; the connection table refuses overlaps, bad ids and a 17th range; the
# root's own HvPostMessage/HvSignalEvent find no connection; deleting returns every page.
modprobe hvcheck || { echo "modprobe hvcheck failed"; exit 1; }
S=/sys/kernel/debug/hvcheck
cat $S/synic | tee /tmp/synic
want() { grep -q "$1" /tmp/synic || { echo "expected: $1"; exit 1; }; }
want "^root_post_message status 18$"
want "^root_signal_event status 18$"
want "^post_before_synic status 21$"
want "^run_complete_without_call status 5$"
want "^setup reason 4 value 0 if 0$"
want "^idle reason 4 value 0 if 1$"
for b in sint type0 type_hv size vtl flags; do want "^post_bad_$b status 5$"; done
want "^post_bad_vp status 14$"
want "^post_bad_partition status 13$"
want "^post_root status 13$"
want "^post_masked_sint status 21$"
want "^post1 status 0$"
want "^slot1 type 1 size 5 flags 0 payload hello$"
want "^post2 status 0$"
want "^slot1_busy type 1 size 5 flags 1 payload hello$"
want "^irq1 reason 2 value 49 "
want "^slot2 type 1 size 5 flags 0 payload world$"
want "^irq2 reason 2 value 49 "
want "^idle2 reason 4 value 0 if 1$"
want "^signal_bad_flag status 5$"
want "^signal_bad_sint status 5$"
want "^signal_masked status 21$"
want "^signal_bad_vp status 14$"
want "^signal1 status 0 newly 1$"
want "^signal_again status 0 newly 0$"
want "^event_byte 20$"
want "^irq3 reason 2 value 49 "
want "^idle3 reason 4 value 0 if 1$"
want "^queue_full after 9 status 19$"
want "^conn_msg status 0$"
want "^conn_overlap status 5$"
want "^conn_event status 0$"
want "^conn_bad_type status 5$"
want "^conn_zero status 5$"
want "^conn_too_big status 5$"
want "^conn_remove_unknown status 18$"
want "^conn_remove status 0$"
want "^conn_table_full after 15 status 29$"
want "^conn_bad_partition status 13$"
want "^delete status 0$"
b=$(sed -n 's/^stats_before //p' /tmp/synic) a=$(sed -n 's/^stats_after //p' /tmp/synic)
[ -n "$b" ] && [ "$a" = "$b" ] || { echo "statistics not back at baseline: '$b' -> '$a'"; exit 1; }
grep -q '^intact 1$' $S/selfcheck || { echo "self-check failed"; exit 1; }
