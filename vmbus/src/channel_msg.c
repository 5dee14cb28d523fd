/* SPDX-License-Identifier: MIT */
/* Encoder and decoder of the channel-management messages: one table of sizes and names, one
 * validator per message type, shared by both directions. */
#include "vmbus/channel_msg.h"
#include "vmbus/status.h"
#include "vmbus/freestanding_libc.h"

typedef const char *(*chmsg_check_fn)(const union vmbus_chmsg *m, uint32_t len);

struct chmsg_kind {
	const char *name;
	uint32_t size;	      /* fixed size, or the minimum for the GPADL messages */
	bool variable;	      /* GPADL header/body: the length says how many words follow */
	chmsg_check_fn check; /* NULL: nothing beyond the size */
};

static bool relid_ok(uint32_t relid)
{
	return relid != 0 && relid <= VMBUS_RELID_MAX;
}

static const char *check_offer(const union vmbus_chmsg *m, uint32_t len)
{
	(void)len;
	if (!relid_ok(m->offer.child_relid))
		return "offer child_relid not in 1..2047";
	if (m->offer.connection_id & ~VMBUS_CONNECTION_ID_MASK)
		return "offer connection_id wider than 24 bits";
	return NULL;
}

static const char *check_relid(const union vmbus_chmsg *m, uint32_t len)
{
	(void)len;
	return relid_ok(m->relid.child_relid) ? NULL : "child_relid not in 1..2047";
}

static const char *check_open(const union vmbus_chmsg *m, uint32_t len)
{
	(void)len;
	if (!relid_ok(m->open.child_relid))
		return "OPENCHANNEL child_relid not in 1..2047";
	if (m->open.ring_gpadl == 0)
		return "OPENCHANNEL ring_gpadl is 0";
	/* The upstream ring before it needs its control page and at least one data page. */
	if (m->open.downstream_page_offset < 2)
		return "OPENCHANNEL downstream_page_offset below 2 pages";
	return NULL;
}

static const char *check_open_result(const union vmbus_chmsg *m, uint32_t len)
{
	(void)len;
	return relid_ok(m->open_result.child_relid)
		       ? NULL
		       : "OPENCHANNEL_RESULT child_relid not in 1..2047";
}

static const char *check_gpadl_header(const union vmbus_chmsg *m, uint32_t len)
{
	const struct vmbus_chmsg_gpadl_header *g = &m->gpadl_header;
	uint32_t words = (len - VMBUS_GPADL_HEADER_FIXED) / 8;

	if (!relid_ok(g->child_relid))
		return "GPADL_HEADER child_relid not in 1..2047";
	if (g->gpadl == 0)
		return "GPADL_HEADER gpadl handle is 0";
	if ((len - VMBUS_GPADL_HEADER_FIXED) % 8)
		return "GPADL_HEADER length not 20 + a multiple of 8";
	if (g->range_count == 0)
		return "GPADL_HEADER range_count is 0";
	if (g->range_buflen % 8)
		return "GPADL_HEADER range_buflen not a multiple of 8";
	/* Every range is a header word and at least one PFN. */
	if ((uint32_t)g->range_buflen < 16u * g->range_count)
		return "GPADL_HEADER range_buflen too small for range_count";
	if (words * 8 > g->range_buflen)
		return "GPADL_HEADER carries more than range_buflen";
	return NULL;
}

static const char *check_gpadl_body(const union vmbus_chmsg *m, uint32_t len)
{
	if (m->gpadl_body.gpadl == 0)
		return "GPADL_BODY gpadl handle is 0";
	if ((len - VMBUS_GPADL_BODY_FIXED) % 8)
		return "GPADL_BODY length not 16 + a multiple of 8";
	return NULL;
}

static const char *check_gpadl_created(const union vmbus_chmsg *m, uint32_t len)
{
	(void)len;
	if (!relid_ok(m->gpadl_created.child_relid))
		return "GPADL_CREATED child_relid not in 1..2047";
	return m->gpadl_created.gpadl ? NULL : "GPADL_CREATED gpadl handle is 0";
}

static const char *check_gpadl_teardown(const union vmbus_chmsg *m, uint32_t len)
{
	(void)len;
	if (!relid_ok(m->gpadl_teardown.child_relid))
		return "GPADL_TEARDOWN child_relid not in 1..2047";
	return m->gpadl_teardown.gpadl ? NULL : "GPADL_TEARDOWN gpadl handle is 0";
}

static const char *check_gpadl_torndown(const union vmbus_chmsg *m, uint32_t len)
{
	(void)len;
	return m->gpadl_torndown.gpadl ? NULL : "GPADL_TORNDOWN gpadl handle is 0";
}

static const char *check_initiate(const union vmbus_chmsg *m, uint32_t len)
{
	const struct vmbus_chmsg_initiate_contact *c = &m->initiate;

	(void)len;
	if (c->version == 0)
		return "INITIATE_CONTACT version is 0";
	if (c->version >= VMBUS_VERSION_WIN10_V5 && c->msg_sint >= VMBUS_SINT_COUNT)
		return "INITIATE_CONTACT msg_sint not in 0..15";
	if ((c->monitor_page1 | c->monitor_page2) & (VMBUS_PAGE_SIZE - 1))
		return "INITIATE_CONTACT monitor page not page aligned";
	return NULL;
}

static const char *check_version_response(const union vmbus_chmsg *m, uint32_t len)
{
	(void)len;
	return m->version_response.version_supported <= 1
		       ? NULL
		       : "VERSION_RESPONSE version_supported not 0 or 1";
}

static const char *check_modify(const union vmbus_chmsg *m, uint32_t len)
{
	(void)len;
	return relid_ok(m->modify.child_relid) ? NULL : "MODIFYCHANNEL child_relid not in 1..2047";
}

static const char *check_modify_response(const union vmbus_chmsg *m, uint32_t len)
{
	(void)len;
	return relid_ok(m->modify_response.child_relid)
		       ? NULL
		       : "MODIFYCHANNEL_RESPONSE child_relid not in 1..2047";
}

#define FIXED(n, t, fn)                 \
	{                               \
		n, sizeof(t), false, fn \
	}
static const struct chmsg_kind kinds[] = {
	[VMBUS_CHMSG_OFFERCHANNEL] = FIXED("OFFERCHANNEL", struct vmbus_chmsg_offer, check_offer),
	[VMBUS_CHMSG_RESCIND_OFFER] =
		FIXED("RESCIND_CHANNELOFFER", struct vmbus_chmsg_relid, check_relid),
	[VMBUS_CHMSG_REQUESTOFFERS] = FIXED("REQUESTOFFERS", struct vmbus_chmsg_header, NULL),
	[VMBUS_CHMSG_ALLOFFERS_DELIVERED] =
		FIXED("ALLOFFERS_DELIVERED", struct vmbus_chmsg_header, NULL),
	[VMBUS_CHMSG_OPENCHANNEL] =
		FIXED("OPENCHANNEL", struct vmbus_chmsg_open_channel, check_open),
	[VMBUS_CHMSG_OPENCHANNEL_RESULT] =
		FIXED("OPENCHANNEL_RESULT", struct vmbus_chmsg_open_result, check_open_result),
	[VMBUS_CHMSG_CLOSECHANNEL] = FIXED("CLOSECHANNEL", struct vmbus_chmsg_relid, check_relid),
	[VMBUS_CHMSG_GPADL_HEADER] = { "GPADL_HEADER", VMBUS_GPADL_HEADER_FIXED + 16, true,
				       check_gpadl_header },
	[VMBUS_CHMSG_GPADL_BODY] = { "GPADL_BODY", VMBUS_GPADL_BODY_FIXED + 8, true,
				     check_gpadl_body },
	[VMBUS_CHMSG_GPADL_CREATED] =
		FIXED("GPADL_CREATED", struct vmbus_chmsg_gpadl_created, check_gpadl_created),
	[VMBUS_CHMSG_GPADL_TEARDOWN] =
		FIXED("GPADL_TEARDOWN", struct vmbus_chmsg_gpadl_teardown, check_gpadl_teardown),
	[VMBUS_CHMSG_GPADL_TORNDOWN] =
		FIXED("GPADL_TORNDOWN", struct vmbus_chmsg_gpadl_torndown, check_gpadl_torndown),
	[VMBUS_CHMSG_RELID_RELEASED] =
		FIXED("RELID_RELEASED", struct vmbus_chmsg_relid, check_relid),
	[VMBUS_CHMSG_INITIATE_CONTACT] =
		FIXED("INITIATE_CONTACT", struct vmbus_chmsg_initiate_contact, check_initiate),
	[VMBUS_CHMSG_VERSION_RESPONSE] = FIXED(
		"VERSION_RESPONSE", struct vmbus_chmsg_version_response, check_version_response),
	[VMBUS_CHMSG_UNLOAD] = FIXED("UNLOAD", struct vmbus_chmsg_header, NULL),
	[VMBUS_CHMSG_UNLOAD_RESPONSE] = FIXED("UNLOAD_RESPONSE", struct vmbus_chmsg_header, NULL),
	[VMBUS_CHMSG_MODIFYCHANNEL] =
		FIXED("MODIFYCHANNEL", struct vmbus_chmsg_modify_channel, check_modify),
	[VMBUS_CHMSG_MODIFYCHANNEL_RESPONSE] = FIXED("MODIFYCHANNEL_RESPONSE",
						     struct vmbus_chmsg_modify_channel_response,
						     check_modify_response),
};
#undef FIXED

static const struct chmsg_kind *kind_of(uint32_t type)
{
	if (type >= sizeof(kinds) / sizeof(kinds[0]) || !kinds[type].name)
		return NULL;
	return &kinds[type];
}

uint32_t vmbus_chmsg_min_size(uint32_t type)
{
	const struct chmsg_kind *k = kind_of(type);

	return k ? k->size : 0;
}

const char *vmbus_chmsg_type_name(uint32_t type)
{
	const char *name;

	if (type >= sizeof(kinds) / sizeof(kinds[0]))
		return "?";
	/* Read once and tested itself (a gap in the table has none): what is returned is the
	 * value checked, also for a proof that cannot tell table entries apart. */
	name = kinds[type].name;
	return name ? name : "?";
}

/* The one validator: m holds len bytes (len <= 240) and is private to us. */
static int chmsg_check(const union vmbus_chmsg *m, uint32_t len, bool exact, const char **why)
{
	const struct chmsg_kind *k;
	const char *bad;

	if (len < sizeof(struct vmbus_chmsg_header)) {
		bad = "shorter than the message header";
		goto fail;
	}
	k = kind_of(m->h.type);
	if (!k) {
		bad = "unknown message type";
		goto fail;
	}
	if (len < k->size) {
		bad = "shorter than its message type";
		goto fail;
	}
	if (exact && !k->variable && len != k->size) {
		bad = "length is not its message type's size";
		goto fail;
	}
	if (k->check && (bad = k->check(m, len)) != NULL)
		goto fail;
	return (int)m->h.type;
fail:
	if (why)
		*why = bad;
	return VMBUS_E_PROTO;
}

int vmbus_chmsg_decode(const void *buf, uint32_t len, union vmbus_chmsg *out, const char **why)
{
	if (!buf || !out) {
		if (why)
			*why = "null argument";
		return VMBUS_E_INVAL;
	}
	if (len > VMBUS_CHMSG_MAX_SIZE) {
		if (why)
			*why = "longer than 240 bytes";
		return VMBUS_E_PROTO;
	}
	/* Read once: everything below looks only at the private copy, zeroed past len. Zeroed
	 * whole first, so that the copy is initialised whatever len is (a proof sees it; after
	 * a copy of len bytes, zeroing the tail would leave it a relation to keep). */
	memset(out->raw, 0, VMBUS_CHMSG_MAX_SIZE);
	memcpy(out->raw, buf, len);
	return chmsg_check(out, len, false, why);
}

int vmbus_chmsg_encode(const union vmbus_chmsg *m, uint32_t len, void *out, uint32_t cap,
		       const char **why)
{
	const struct chmsg_kind *k;
	int rc;

	if (!m || !out) {
		if (why)
			*why = "null argument";
		return VMBUS_E_INVAL;
	}
	if (len > VMBUS_CHMSG_MAX_SIZE) {
		if (why)
			*why = "longer than 240 bytes";
		return VMBUS_E_MSGSIZE;
	}
	if (len >= sizeof(struct vmbus_chmsg_header) && (k = kind_of(m->h.type)) != NULL &&
	    !k->variable && len != k->size) {
		if (why)
			*why = "length is not its message type's size";
		return VMBUS_E_MSGSIZE;
	}
	rc = chmsg_check(m, len, true, why);
	if (rc < 0)
		return rc;
	if (len > cap) {
		if (why)
			*why = "output buffer too small";
		return VMBUS_E_NOSPC;
	}
	memcpy(out, m->raw, len);
	return (int)len;
}
