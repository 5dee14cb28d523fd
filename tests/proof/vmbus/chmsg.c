/* SPDX-License-Identifier: MIT */
/* EVA harness of the channel-message decoder and validators (vmbus/src/channel_msg.c) and the
 * GPADL header/body assembler and builder (vmbus/src/gpadl.c). The message slot is shared
 * memory declared volatile (the peer may still be writing it) and its length is any value;
 * the assembler is fed any sequence of PROOF_STEPS header/body messages of any bytes and any
 * length (it re-checks what it relies on, so it is analysed without the decoder in front).
 * The encoder and the builder (our side, our values) get arbitrary arguments too. */
#include "__fc_builtin.h"
#include "vmbus/channel_msg.h"
#include "vmbus/gpadl.h"

#ifndef PROOF_STEPS
#define PROOF_STEPS 3
#endif
#define CAP_WORDS 64
#define MAX_PFNS  60

/* A SynIC message slot's payload: the peer's bytes, any value at every read. */
static volatile uint8_t slot[VMBUS_CHMSG_MAX_SIZE];
static uint64_t words[CAP_WORDS];
static uint64_t pfns[MAX_PFNS];
static uint8_t out[VMBUS_CHMSG_MAX_SIZE];

static void prove_decode(void)
{
	union vmbus_chmsg m;
	const char *why;
	uint32_t len = (uint32_t)Frama_C_interval(0, VMBUS_CHMSG_MAX_SIZE);
	int type;

	/* Each length up to the 240-byte limit is analysed on its own: the decoder's bounds are
	 * relations between the length and its buffer, which EVA sees only for an exact length. */
	/*@ split len; */
	type = vmbus_chmsg_decode((const void *)slot, len, &m, &why);

	if (type > 0) {
		vmbus_chmsg_type_name((uint32_t)type);
		vmbus_chmsg_min_size((uint32_t)type);
		vmbus_chmsg_encode(&m, len, out, (uint32_t)Frama_C_interval(0, sizeof(out)), &why);
	}
	/* Longer than a message can be: refused before any byte is read. */
	vmbus_chmsg_decode((const void *)slot,
			   Frama_C_unsigned_int_interval(VMBUS_CHMSG_MAX_SIZE + 1, 0xffffffffu), &m,
			   &why);
	vmbus_chmsg_type_name(Frama_C_unsigned_int_interval(0, 0xffffffffu));
}

static void prove_assembler(void)
{
	struct vmbus_gpadl_asm a;
	struct vmbus_gpadl_range range;
	union vmbus_chmsg m;

	vmbus_gpadl_asm_init(&a, words, (uint32_t)Frama_C_interval(0, CAP_WORDS),
			     Frama_C_unsigned_int_interval(0, 0xffffffffu),
			     (uint64_t)Frama_C_unsigned_int_interval(0, 0xffffffffu));
	for (int i = 0; i < PROOF_STEPS; i++) {
		Frama_C_make_unknown((char *)&m, sizeof(m));
		if (Frama_C_nondet(0, 1)) {
			vmbus_gpadl_asm_header(&a, &m.gpadl_header,
					       Frama_C_unsigned_int_interval(0, 0xffffffffu));
		} else {
			/* Each count of words already stored on its own: where a body's words go
			 * is a relation between that count and the body's length. */
			/*@ split a.have_words; */
			vmbus_gpadl_asm_body(&a, &m.gpadl_body,
					     Frama_C_unsigned_int_interval(0, 0xffffffffu));
		}
		vmbus_gpadl_asm_range(&a, Frama_C_unsigned_int_interval(0, 0xffffffffu), &range);
	}
	vmbus_gpadl_asm_header(&a, &m.gpadl_header,
			       Frama_C_unsigned_int_interval(VMBUS_CHMSG_MAX_SIZE + 1,
							     0xffffffffu));
	vmbus_gpadl_asm_body(&a, &m.gpadl_body,
			     Frama_C_unsigned_int_interval(VMBUS_CHMSG_MAX_SIZE + 1, 0xffffffffu));
}

static void prove_builder(void)
{
	union vmbus_chmsg m;
	uint32_t len, index = (uint32_t)Frama_C_interval(0, 3);
	uint32_t npfn = (uint32_t)Frama_C_interval(0, MAX_PFNS);

	Frama_C_make_unknown((char *)pfns, sizeof(pfns));
	vmbus_gpadl_msg_count(Frama_C_unsigned_int_interval(0, 0xffffffffu));
	/* Each PFN count and message index on its own (the PFN slice a message copies is a
	 * relation between them). */
	/*@ split npfn; */
	/*@ split index; */
	vmbus_gpadl_build_msg(Frama_C_unsigned_int_interval(0, 0xffffffffu),
			      Frama_C_unsigned_int_interval(0, 0xffffffffu),
			      Frama_C_unsigned_int_interval(0, 0xffffffffu),
			      Frama_C_unsigned_int_interval(0, 0xffffffffu), pfns, npfn, index, &m,
			      &len);
	vmbus_gpadl_build_msg(1, 1, 0, 4096, pfns, 1, Frama_C_unsigned_int_interval(4, 0xffffffffu),
			      &m, &len);
}

int main(void)
{
	prove_decode();
	prove_assembler();
	prove_builder();
	return 0;
}
