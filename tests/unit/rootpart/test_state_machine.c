/* SPDX-License-Identifier: MIT */
/* The VM lifecycle table: every (state, action) pair against the expected outcome, so that
 * adding a state or action without deciding each case fails here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "state_machine.h"

#define NO ((enum vm_state) - 1)

static const enum vm_state states[] = { VM_OFF,	     VM_STARTING, VM_RUNNING,
					VM_STOPPING, VM_FAILED,	  VM_CRASHED };
enum {
	NSTATES = 6,
	NACTIONS = 9
};

/* expect[state][action]: next state, or NO when refused. Delete keeps the state (the VM is
 * then removed). */
static const enum vm_state expect[NSTATES][NACTIONS] = {
	/* START, STOP, FORCE, DELETE, W_RUNNING, W_FAILED, STOP_REFUSED, W_EXITED, W_STOPPED */
	/* off */ { VM_STARTING, NO, NO, VM_OFF, NO, NO, NO, NO, NO },
	/* start */ { NO, NO, VM_STOPPING, NO, VM_RUNNING, VM_FAILED, NO, VM_FAILED, VM_FAILED },
	/* run */ { NO, VM_STOPPING, VM_STOPPING, NO, VM_RUNNING, NO, NO, VM_CRASHED, VM_OFF },
	/* stop */ { NO, NO, VM_STOPPING, NO, NO, NO, VM_RUNNING, VM_OFF, VM_OFF },
	/* fail */ { VM_STARTING, NO, NO, VM_FAILED, NO, NO, NO, NO, NO },
	/* crash */ { VM_STARTING, NO, NO, VM_CRASHED, NO, NO, NO, NO, NO },
};

static void test_table(void **state)
{
	(void)state;
	for (int s = 0; s < NSTATES; s++) {
		for (int a = 0; a < NACTIONS; a++) {
			enum vm_state next = NO;
			char why[256] = "";
			bool ok = vm_transition(states[s], (enum vm_action)a, "vm1", &next, why,
						sizeof(why));
			if (ok != (expect[s][a] != NO) || (ok && next != expect[s][a])) {
				fprintf(stderr, "state %s action %d: ok=%d next=%d, expected %d\n",
					vm_state_name(states[s]), a, ok, (int)next,
					(int)expect[s][a]);
				fail();
			}
			if (!ok)
				assert_true(strlen(why) > 10); /* every refusal says why */
		}
	}
}

static void test_messages(void **state)
{
	(void)state;
	enum vm_state next;
	char why[256];
	assert_false(vm_transition(VM_RUNNING, VM_ACT_DELETE, "web", &next, why, sizeof(why)));
	assert_string_equal(why, "cannot delete web: it is running");
	assert_false(vm_transition(VM_STOPPING, VM_ACT_START, "web", &next, why, sizeof(why)));
	/* The facts only: the client words the way out in its own syntax (hvctl's output.c). */
	assert_string_equal(why, "cannot start web: it is stopping");
	assert_null(strstr(why, "hvctl"));
	assert_false(vm_transition(VM_OFF, VM_ACT_STOP, "web", &next, why, sizeof(why)));
	assert_string_equal(why, "cannot stop web: it is off already");
	assert_false(vm_transition(VM_RUNNING, VM_ACT_START, "web", &next, why, sizeof(why)));
	assert_string_equal(why, "cannot start web: it is already running");
}

static void test_names(void **state)
{
	(void)state;
	for (int s = 0; s < NSTATES; s++) {
		enum vm_state back;
		assert_true(vm_state_from_name(vm_state_name(states[s]), &back));
		assert_int_equal(back, states[s]);
	}
	enum vm_state x;
	assert_false(vm_state_from_name("paused", &x));
	assert_string_equal(vm_state_name((enum vm_state)99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
