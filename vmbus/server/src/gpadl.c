/* SPDX-License-Identifier: MIT */
/* The server's GPADL table: assembly of GPADL_HEADER + GPADL_BODY messages (with the ring
 * library's assembler), limits (count, pages per GPADL, pages per VM), validation that every
 * page is guest RAM, GPADL_CREATED answers, and teardown (deferred while an open channel's
 * rings live in the GPADL). GPADL handles are chosen by the guest and unique per VM.
 * GPADLs live in a table of lim.max_gpadls slots that the server owns from create to destroy
 * (server_internal.h says why): a GPADL takes a free slot and gives it back at teardown. */
#include "server_internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct server_gpadl *gpadl_find(struct vmbus_server *s, uint32_t handle)
{
	for (struct server_gpadl *g = s->gpadls; g; g = g->next)
		if (g->handle == handle)
			return g;
	return NULL;
}

bool gpadl_table_init(struct vmbus_server *s)
{
	/* The words (64 KiB a slot, 16 MiB for 256): untouched until a GPADL uses its slot
	 * (table_mem.c); the slots' headers are a small table of their own. */
	size_t bytes = (size_t)s->lim.max_gpadls * SERVER_GPADL_MAX_WORDS * sizeof(uint64_t);
	uint64_t *words = server_table_alloc(bytes);
	if (!words)
		return false;
	s->gpadl_slots = calloc(s->lim.max_gpadls, sizeof(*s->gpadl_slots));
	if (!s->gpadl_slots) {
		server_table_free(words, bytes);
		return false;
	}
	s->gpadl_words = words;
	s->gpadl_words_bytes = bytes;
	/* Each slot's assembler is bound to the slot's own words for the table's life (no
	 * room until a GPADL_HEADER sizes it): no slot, in use or free, holds a NULL words
	 * pointer, which the server proof relies on where it cannot tell slots apart. */
	for (uint32_t i = 0; i < s->lim.max_gpadls; i++) {
		s->gpadl_slots[i].words = s->gpadl_words + (size_t)i * SERVER_GPADL_MAX_WORDS;
		vmbus_gpadl_asm_init(&s->gpadl_slots[i].as, s->gpadl_slots[i].words, 0, 0, 0);
	}
	return true;
}

void gpadl_table_free(struct vmbus_server *s)
{
	free(s->gpadl_slots);
	s->gpadl_slots = NULL;
	server_table_free(s->gpadl_words, s->gpadl_words_bytes);
	s->gpadl_words = NULL;
}

/* A free slot, reset as a new GPADL; NULL if every slot is taken (the count check before it
 * makes that unreachable). The assembler and its words are left as they are: the caller
 * initialises the assembler at once, which reads no word it has not written for this GPADL. */
static struct server_gpadl *gpadl_take(struct vmbus_server *s)
{
	for (uint32_t i = 0; i < s->lim.max_gpadls; i++) {
		struct server_gpadl *g = &s->gpadl_slots[i];
		if (!g->slot_in_use) {
			memset(g, 0, offsetof(struct server_gpadl, as));
			g->slot_in_use = true;
			return g;
		}
	}
	return NULL;
}

void gpadl_free(struct vmbus_server *s, struct server_gpadl *g)
{
	struct server_gpadl **pp;

	for (pp = &s->gpadls; *pp && *pp != g; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = g->next;
	s->gpadl_count--;
	s->gpadl_pages -= g->pfn_count;
	g->next = NULL;
	g->slot_in_use = false;
}

void gpadl_free_all(struct vmbus_server *s, uint32_t child_relid)
{
	struct server_gpadl *g = s->gpadls, *next;

	for (; g; g = next) {
		next = g->next;
		if (child_relid == 0 || g->child_relid == child_relid)
			gpadl_free(s, g);
	}
}

static void send_created(struct vmbus_server *s, uint32_t relid, uint32_t handle, uint32_t status)
{
	struct vmbus_chmsg_gpadl_created r = { .h.type = VMBUS_CHMSG_GPADL_CREATED,
					       .child_relid = relid,
					       .gpadl = handle,
					       .status = status };
	server_post(s, &r, sizeof(r));
}

void gpadl_send_torndown(struct vmbus_server *s, uint32_t handle)
{
	struct vmbus_chmsg_gpadl_torndown r = { .h.type = VMBUS_CHMSG_GPADL_TORNDOWN,
						.gpadl = handle };
	server_post(s, &r, sizeof(r));
}

static void refuse(struct vmbus_server *s, struct server_gpadl *g, const char *why)
{
	uint32_t relid = g->child_relid, handle = g->handle;

	vmbus_server_log(s, VMBUS_LOG_WARN, "vmbus", "GPADL %#x of channel %u refused: %s", handle,
			 relid, why);
	gpadl_free(s, g);
	send_created(s, relid, handle, SERVER_GPADL_REFUSED);
}

/* The assembler finished: NULL if every page is guest RAM and the GPADL fits the per-GPADL
 * and per-VM page limits, else why not. */
static const char *check_pages(struct vmbus_server *s, const struct server_gpadl *g)
{
	struct vmbus_gpadl_range r;

	for (uint32_t i = 0; i < g->as.range_count; i++) {
		uint32_t first;

		if (vmbus_gpadl_asm_range(&g->as, i, &r) != VMBUS_OK)
			return "range unreadable";
		/* The PFNs as indices into the words: the assembler's walk keeps them below
		 * total_words; checked here too, so that each index's bound is visible on its own
		 * (the server proof keeps no relation between a range's start and its length). */
		first = (uint32_t)(r.pfns - g->words);
		for (uint32_t j = 0; j < r.pfn_count; j++) {
			uint32_t k = first + j;

			if (k >= g->as.total_words)
				return "range unreadable";
			if (!s->tp.ops->page_ptr(s->tp.ctx, g->words[k]))
				return "a page is outside guest RAM";
		}
	}
	/* The assembler bounds the bytes; ranges that start or end inside a page span one more
	 * page than their bytes need, so the page count is checked itself. */
	if (g->as.pfn_count > s->lim.max_gpadl_pages)
		return "more pages than the per-GPADL limit";
	if (s->gpadl_pages + g->as.pfn_count > s->lim.max_total_pages)
		return "the VM's GPADL page limit is reached";
	return NULL;
}

/* The assembler finished: count the pages against the VM and answer, or refuse. */
static void complete(struct vmbus_server *s, struct server_gpadl *g)
{
	const char *why = check_pages(s, g);

	if (why) {
		refuse(s, g, why); /* pfn_count is still 0: nothing was counted */
		return;
	}
	g->pfn_count = g->as.pfn_count;
	s->gpadl_pages += g->pfn_count;
	g->complete = true;
	send_created(s, g->child_relid, g->handle, 0);
}

void gpadl_on_header(struct vmbus_server *s, const struct vmbus_chmsg_gpadl_header *m, uint32_t len)
{
	struct vmbus_channel *ch = server_find_relid(s, m->child_relid);
	struct server_gpadl *g;
	uint32_t cap_words;
	int r;

	if (gpadl_find(s, m->gpadl)) {
		/* Answering would complete the guest's wait for the existing one; a guest that
		 * reuses a live handle is told no with the same identifiers, once. */
		vmbus_server_log(s, VMBUS_LOG_WARN, "vmbus", "GPADL %#x: duplicate handle refused",
				 m->gpadl);
		send_created(s, m->child_relid, m->gpadl, SERVER_GPADL_REFUSED);
		return;
	}
	if (!ch || ch->state == VMBUS_CHANNEL_RESCINDED || s->gpadl_count >= s->lim.max_gpadls) {
		vmbus_server_log(s, VMBUS_LOG_WARN, "vmbus", "GPADL %#x refused: %s", m->gpadl,
				 !ch					? "no such channel"
				 : ch->state == VMBUS_CHANNEL_RESCINDED ? "channel rescinded"
									: "too many GPADLs");
		send_created(s, m->child_relid, m->gpadl, SERVER_GPADL_REFUSED);
		return;
	}
	g = gpadl_take(s);
	if (!g) {
		send_created(s, m->child_relid, m->gpadl, SERVER_GPADL_REFUSED);
		return;
	}
	/* range_buflen (16 bits) bounds the words the guest announces. */
	_Static_assert(UINT16_MAX / 8 < SERVER_GPADL_MAX_WORDS, "words of any range_buflen fit");
	cap_words = m->range_buflen / 8;
	g->handle = m->gpadl;
	g->child_relid = m->child_relid;
	g->next = s->gpadls;
	s->gpadls = g;
	s->gpadl_count++;
	vmbus_gpadl_asm_init(&g->as, g->words, cap_words, 1 + s->lim.max_gpadl_pages,
			     (uint64_t)s->lim.max_gpadl_pages * VMBUS_PAGE_SIZE);
	r = vmbus_gpadl_asm_header(&g->as, m, len);
	if (r == VMBUS_OK)
		complete(s, g);
	else if (r != VMBUS_E_AGAIN)
		refuse(s, g, g->as.why ? g->as.why : "invalid header");
}

void gpadl_on_body(struct vmbus_server *s, const struct vmbus_chmsg_gpadl_body *m, uint32_t len)
{
	struct server_gpadl *g = gpadl_find(s, m->gpadl);
	int r;

	if (!g || g->complete) {
		vmbus_server_log(s, VMBUS_LOG_WARN, "vmbus", "GPADL_BODY for %s GPADL %#x ignored",
				 g ? "a complete" : "an unknown", m->gpadl);
		return;
	}
	r = vmbus_gpadl_asm_body(&g->as, m, len);
	if (r == VMBUS_OK)
		complete(s, g);
	else if (r != VMBUS_E_AGAIN)
		refuse(s, g, g->as.why ? g->as.why : "invalid body");
}

void gpadl_on_teardown(struct vmbus_server *s, uint32_t child_relid, uint32_t handle)
{
	struct server_gpadl *g = gpadl_find(s, handle);

	(void)child_relid; /* Linux matches the answer on the handle; so do we */
	if (!g) {
		/* Unknown handle: still answer, the guest would wait forever otherwise. */
		vmbus_server_log(s, VMBUS_LOG_WARN, "vmbus", "GPADL_TEARDOWN of unknown %#x",
				 handle);
		gpadl_send_torndown(s, handle);
		return;
	}
	if (g->in_use) {
		/* The guest tears down the rings of an open channel: that channel is broken (it
		 * can no longer work), and the GPADL goes once its rings are released. */
		struct vmbus_channel *ch = server_find_relid(s, g->child_relid);
		if (ch)
			vmbus_channel_break(ch, "ring GPADL torn down while the channel is open");
	}
	gpadl_free(s, g);
	gpadl_send_torndown(s, handle);
}
