/* SPDX-License-Identifier: MIT */
/* Guest-side VMBus client: contact, offers, GPADLs, open/close, modify, unload, and the channel
 * data path. Mirrors Linux 6.1's hv_vmbus message sequences (each function names the Linux
 * function it follows) so that the host tests exercise the server the way Linux will. */
#include "vsc/vmbus_client.h"

#include "vmbus/gpadl.h"
#include "vmbus/freestanding_libc.h"

/* Linux 6.1 vmbus_versions[], newest first. */
static const uint32_t vsc_versions[] = {
	VMBUS_VERSION_WIN10_V5_3, VMBUS_VERSION_WIN10_V5_2, VMBUS_VERSION_WIN10_V5_1,
	VMBUS_VERSION_WIN10_V5,	  VMBUS_VERSION_WIN10_V4_1, VMBUS_VERSION_WIN10,
	VMBUS_VERSION_WIN8_1,	  VMBUS_VERSION_WIN8,
};

void vmbus_client_init(struct vmbus_client *c, const struct vsc_env *env)
{
	memset(c, 0, sizeof(*c));
	c->env = *env;
	c->msg_conn_id = 1;
	c->next_gpadl = VSC_FIRST_GPADL;
}

void vmbus_client_on_message(struct vmbus_client *c, const void *msg, uint32_t len)
{
	union vmbus_chmsg m;
	int type = vmbus_chmsg_decode(msg, len, &m, 0);

	if (type < 0) {
		c->protocol_errors++;
		return;
	}
	switch (type) {
	case VMBUS_CHMSG_OFFERCHANNEL:
		for (uint32_t i = 0; i < c->noffers; i++)
			if (c->offers[i].msg.child_relid == m.offer.child_relid) {
				c->offers[i].msg = m.offer; /* re-offer after unload */
				c->offers[i].rescinded = false;
				return;
			}
		if (c->noffers < VSC_MAX_OFFERS) {
			c->offers[c->noffers].msg = m.offer;
			c->offers[c->noffers].rescinded = false;
			c->noffers++;
		}
		return;
	case VMBUS_CHMSG_RESCIND_OFFER:
		for (uint32_t i = 0; i < c->noffers; i++)
			if (c->offers[i].msg.child_relid == m.relid.child_relid)
				c->offers[i].rescinded = true;
		break; /* also kept in the inbox: a waiter may care */
	case VMBUS_CHMSG_ALLOFFERS_DELIVERED:
		c->all_offers = true;
		return;
	default:
		break;
	}
	if (c->inbox_count < VSC_INBOX) {
		c->inbox[c->inbox_count] = m;
		c->inbox_len[c->inbox_count] = len;
		c->inbox_count++;
	} else {
		c->protocol_errors++; /* the host flooded us */
	}
}

void vmbus_client_on_event(struct vmbus_client *c, uint32_t relid)
{
	if (relid <= VMBUS_RELID_MAX)
		c->events[relid / 8] |= (uint8_t)(1u << (relid % 8));
}

uint32_t vmbus_client_post(struct vmbus_client *c, uint32_t connection_id, const void *msg,
			   uint32_t len)
{
	return c->env.ops->post_message(c->env.ctx, connection_id, msg, len);
}

/* Post with Linux's retry on INSUFFICIENT_MEMORY (11) / INSUFFICIENT_BUFFERS (19). */
static int post(struct vmbus_client *c, const void *msg, uint32_t len)
{
	for (int i = 0; i < 100; i++) {
		uint32_t st = vmbus_client_post(c, c->msg_conn_id, msg, len);
		if (st == 0)
			return VSC_OK;
		if (st != 11 && st != 19)
			return VSC_E_HV;
		if (!c->env.ops->wait(c->env.ctx))
			return VSC_E_TIMEOUT;
	}
	return VSC_E_HV;
}

static bool take(struct vmbus_client *c, uint32_t type, uint32_t relid, union vmbus_chmsg *out)
{
	for (uint32_t i = 0; i < c->inbox_count; i++) {
		uint32_t r;
		if (c->inbox[i].h.type != type)
			continue;
		memcpy(&r, c->inbox[i].raw + 8, 4);
		if (relid && r != relid)
			continue;
		if (out)
			*out = c->inbox[i];
		for (uint32_t j = i + 1; j < c->inbox_count; j++) {
			c->inbox[j - 1] = c->inbox[j];
			c->inbox_len[j - 1] = c->inbox_len[j];
		}
		c->inbox_count--;
		return true;
	}
	return false;
}

int vmbus_client_wait_message(struct vmbus_client *c, uint32_t type, uint32_t match_relid,
			      union vmbus_chmsg *out)
{
	while (!take(c, type, match_relid, out))
		if (!c->env.ops->wait(c->env.ctx))
			return VSC_E_TIMEOUT;
	return VSC_OK;
}

/* vmbus_negotiate_version() */
int vmbus_client_contact(struct vmbus_client *c, uint32_t version)
{
	struct vmbus_chmsg_initiate_contact m;
	union vmbus_chmsg r;
	uint32_t connid;
	int ret;

	memset(&m, 0, sizeof(m));
	m.h.type = VMBUS_CHMSG_INITIATE_CONTACT;
	m.version = version;
	m.target_vcpu = c->target_vcpu;
	if (version >= VMBUS_VERSION_WIN10_V5) {
		m.msg_sint = 2; /* VMBUS_MESSAGE_SINT */
		connid = 4;	/* VMBUS_MESSAGE_CONNECTION_ID_4 */
	} else {
		/* the interrupt page GPA sits at offset 16; this client has none (Linux's is a
		 * page-aligned GPA, zero in its low byte like here) */
		connid = 1;
	}
	c->msg_conn_id = connid;
	ret = post(c, &m, sizeof(m));
	if (ret)
		return ret;
	ret = vmbus_client_wait_message(c, VMBUS_CHMSG_VERSION_RESPONSE, 0, &r);
	if (ret)
		return ret;
	if (!r.version_response.version_supported)
		return VSC_E_REFUSED;
	c->version = version;
	c->msg_conn_id = version >= VMBUS_VERSION_WIN10_V5 ? r.version_response.msg_conn_id : 1;
	return VSC_OK;
}

/* vmbus_connect() */
int vmbus_client_connect(struct vmbus_client *c, uint32_t max_version)
{
	for (uint32_t i = 0; i < sizeof(vsc_versions) / sizeof(vsc_versions[0]); i++) {
		int ret;
		if (vsc_versions[i] > max_version)
			continue;
		ret = vmbus_client_contact(c, vsc_versions[i]);
		if (ret != VSC_E_REFUSED)
			return ret;
	}
	return VSC_E_REFUSED;
}

/* vmbus_request_offers() */
int vmbus_client_request_offers(struct vmbus_client *c)
{
	struct vmbus_chmsg_header m = { .type = VMBUS_CHMSG_REQUESTOFFERS };
	int ret;

	c->all_offers = false;
	ret = post(c, &m, sizeof(m));
	if (ret)
		return ret;
	while (!c->all_offers)
		if (!c->env.ops->wait(c->env.ctx))
			return VSC_E_TIMEOUT;
	return VSC_OK;
}

const struct vsc_offer *vmbus_client_find_offer(struct vmbus_client *c,
						const struct vmbus_guid *type, uint32_t index)
{
	for (uint32_t i = 0; i < c->noffers; i++)
		if (!c->offers[i].rescinded && vmbus_guid_equal(&c->offers[i].msg.if_type, type) &&
		    index-- == 0)
			return &c->offers[i];
	return 0;
}

/* __vmbus_establish_gpadl(): header + bodies, then wait for GPADL_CREATED on (relid, gpadl). */
int vmbus_client_create_gpadl(struct vmbus_client *c, uint32_t relid, uint64_t pfn, uint32_t npages,
			      uint32_t *gpadl)
{
	static uint64_t pfns[8192]; /* guest code is single-threaded here */
	union vmbus_chmsg m;
	uint32_t len, handle = c->next_gpadl++;
	int ret;

	if (npages == 0 || npages > sizeof(pfns) / sizeof(pfns[0]))
		return VSC_E_INVAL;
	for (uint32_t i = 0; i < npages; i++)
		pfns[i] = pfn + i;
	for (uint32_t i = 0; i < vmbus_gpadl_msg_count(npages); i++) {
		if (vmbus_gpadl_build_msg(relid, handle, 0, npages * VMBUS_PAGE_SIZE, pfns, npages,
					  i, &m, &len) != VMBUS_OK)
			return VSC_E_INVAL;
		ret = post(c, &m, len);
		if (ret)
			return ret;
	}
	for (;;) {
		ret = vmbus_client_wait_message(c, VMBUS_CHMSG_GPADL_CREATED, relid, &m);
		if (ret)
			return ret;
		if (m.gpadl_created.gpadl == handle)
			break;
	}
	if (m.gpadl_created.status != 0)
		return VSC_E_REFUSED;
	*gpadl = handle;
	return VSC_OK;
}

/* vmbus_teardown_gpadl(): the answer is matched on the handle alone. */
int vmbus_client_teardown_gpadl(struct vmbus_client *c, uint32_t relid, uint32_t gpadl)
{
	struct vmbus_chmsg_gpadl_teardown m = { .h.type = VMBUS_CHMSG_GPADL_TEARDOWN,
						.child_relid = relid,
						.gpadl = gpadl };
	union vmbus_chmsg r;
	int ret = post(c, &m, sizeof(m));

	while (ret == VSC_OK) {
		ret = vmbus_client_wait_message(c, VMBUS_CHMSG_GPADL_TORNDOWN, 0, &r);
		if (ret == VSC_OK && r.gpadl_torndown.gpadl == gpadl)
			break;
	}
	return ret;
}

/* vmbus_open() / __vmbus_open() */
int vmbus_client_open(struct vmbus_client *c, struct vsc_channel *ch, uint32_t relid,
		      uint32_t ring_bytes, uint32_t target_vp)
{
	struct vmbus_chmsg_open_channel m;
	union vmbus_chmsg r;
	uint32_t pages_each = ring_bytes / VMBUS_PAGE_SIZE;
	struct vmbus_ring_mem out, in;
	uint64_t pfn;
	uint8_t *p;
	int ret;

	memset(ch, 0, sizeof(*ch));
	if (pages_each < 2 || ring_bytes % VMBUS_PAGE_SIZE)
		return VSC_E_INVAL;
	p = c->env.ops->alloc_pages(c->env.ctx, 2 * pages_each, &pfn);
	if (!p)
		return VSC_E_NOMEM;
	ch->client = c;
	ch->relid = relid;
	ch->ring_pages = p;
	ch->ring_npages = 2 * pages_each;
	for (uint32_t i = 0; i < c->noffers; i++)
		if (c->offers[i].msg.child_relid == relid)
			ch->connection_id = c->offers[i].msg.connection_id;
	/* hv_ringbuffer_init(): zeroed indices, pending_send_sz supported */
	vmbus_ring_control_init((struct vmbus_ring_control *)p);
	vmbus_ring_control_init(
		(struct vmbus_ring_control *)(p + (size_t)pages_each * VMBUS_PAGE_SIZE));
	out.ctrl = (struct vmbus_ring_control *)p;
	out.data = p + VMBUS_PAGE_SIZE;
	out.data_size = (pages_each - 1) * VMBUS_PAGE_SIZE;
	in.ctrl = (struct vmbus_ring_control *)(p + (size_t)pages_each * VMBUS_PAGE_SIZE);
	in.data = p + (size_t)(pages_each + 1) * VMBUS_PAGE_SIZE;
	in.data_size = (pages_each - 1) * VMBUS_PAGE_SIZE;
	if (vmbus_ring_writer_attach(&ch->out, &out) || vmbus_ring_reader_attach(&ch->in, &in)) {
		ret = VSC_E_INVAL;
		goto err_free;
	}
	ret = vmbus_client_create_gpadl(c, relid, pfn, 2 * pages_each, &ch->gpadl);
	if (ret)
		goto err_free;
	memset(&m, 0, sizeof(m));
	m.h.type = VMBUS_CHMSG_OPENCHANNEL;
	m.child_relid = relid;
	m.open_id = relid;
	m.ring_gpadl = ch->gpadl;
	m.downstream_page_offset = pages_each;
	m.target_vp = target_vp;
	ret = post(c, &m, sizeof(m));
	if (ret)
		goto err_gpadl;
	for (;;) {
		ret = vmbus_client_wait_message(c, VMBUS_CHMSG_OPENCHANNEL_RESULT, relid, &r);
		if (ret)
			goto err_gpadl;
		if (r.open_result.open_id == relid)
			break;
	}
	if (r.open_result.status != 0) {
		ret = VSC_E_REFUSED;
		goto err_gpadl;
	}
	ch->open = true;
	return VSC_OK;

err_gpadl:
	vmbus_client_teardown_gpadl(c, relid, ch->gpadl);
err_free:
	c->env.ops->free_pages(c->env.ctx, p, 2 * pages_each);
	ch->ring_pages = 0;
	return ret;
}

/* vmbus_close() -> vmbus_close_internal(): CLOSECHANNEL (no answer), then teardown. */
int vmbus_client_close(struct vmbus_client *c, struct vsc_channel *ch)
{
	struct vmbus_chmsg_relid m = { .h.type = VMBUS_CHMSG_CLOSECHANNEL,
				       .child_relid = ch->relid };
	int ret;

	if (!ch->ring_pages)
		return VSC_E_INVAL;
	ch->open = false;
	ret = post(c, &m, sizeof(m));
	if (ret == VSC_OK)
		ret = vmbus_client_teardown_gpadl(c, ch->relid, ch->gpadl);
	/* Linux frees the ring pages only once the host has let go of them. */
	if (ret == VSC_OK) {
		c->env.ops->free_pages(c->env.ctx, ch->ring_pages, ch->ring_npages);
		ch->ring_pages = 0;
	}
	return ret;
}

/* vmbus_send_modifychannel() */
int vmbus_client_modify(struct vmbus_client *c, struct vsc_channel *ch, uint32_t target_vp)
{
	struct vmbus_chmsg_modify_channel m = { .h.type = VMBUS_CHMSG_MODIFYCHANNEL,
						.child_relid = ch->relid,
						.target_vp = target_vp };
	union vmbus_chmsg r;
	int ret = post(c, &m, sizeof(m));

	if (ret || c->version < VMBUS_VERSION_WIN10_V5_3)
		return ret;
	ret = vmbus_client_wait_message(c, VMBUS_CHMSG_MODIFYCHANNEL_RESPONSE, ch->relid, &r);
	if (ret)
		return ret;
	return r.modify_response.status ? VSC_E_REFUSED : VSC_OK;
}

/* vmbus_release_relid() */
int vmbus_client_release_relid(struct vmbus_client *c, uint32_t relid)
{
	struct vmbus_chmsg_relid m = { .h.type = VMBUS_CHMSG_RELID_RELEASED, .child_relid = relid };

	return post(c, &m, sizeof(m));
}

/* vmbus_initiate_unload() */
int vmbus_client_unload(struct vmbus_client *c)
{
	struct vmbus_chmsg_header m = { .type = VMBUS_CHMSG_UNLOAD };
	int ret = post(c, &m, sizeof(m));

	if (ret == VSC_OK)
		ret = vmbus_client_wait_message(c, VMBUS_CHMSG_UNLOAD_RESPONSE, 0, 0);
	if (ret == VSC_OK) {
		c->version = 0;
		c->noffers = 0;
	}
	return ret;
}

/* ---- data path ---- */

static void signal_host(struct vsc_channel *ch)
{
	ch->signals_sent++;
	ch->client->env.ops->signal_event(ch->client->env.ctx, ch->connection_id);
}

int vsc_channel_send(struct vsc_channel *ch, uint16_t type, uint16_t flags, uint64_t trans_id,
		     const struct vmbus_iov *iov, unsigned n)
{
	bool sig = false;
	int r = vmbus_ring_write_raw(&ch->out, type, flags, trans_id, 0, 0, iov, n, &sig);

	if (r == VMBUS_OK && sig)
		signal_host(ch);
	return r;
}

int vsc_channel_send_gpa(struct vsc_channel *ch, uint64_t trans_id, uint32_t byte_offset,
			 uint32_t byte_count, const uint64_t *pfns, uint32_t npfn,
			 const void *payload, uint32_t payload_len)
{
	struct vmbus_iov iov = { payload, payload_len };
	bool sig = false;
	int r = vmbus_ring_write_gpa_direct(&ch->out, trans_id, VMBUS_PKT_FLAG_COMPLETION_REQUESTED,
					    byte_offset, byte_count, pfns, npfn, &iov, 1, &sig);

	if (r == VMBUS_OK && sig)
		signal_host(ch);
	return r;
}

/* Give the host the space of every packet consumed so far (read_index, one store and one fence
 * for the whole drain, as Linux's hv_pkt_iter_close), signalling it if it waits for space. */
static int commit_read(struct vsc_channel *ch)
{
	bool sig = false;

	if (vmbus_ring_commit(&ch->in, &sig) != VMBUS_OK)
		return VSC_E_PROTO;
	if (sig)
		signal_host(ch);
	return VSC_OK;
}

/* Bytes consumed but not yet committed: committed once they reach half the ring even in a long
 * drain, so that a host that fills the ring faster than we drain it is not held up. */
static bool commit_due(const struct vsc_channel *ch)
{
	uint32_t size = ch->in.mem.data_size, c = ch->in.committed, rd = ch->in.read;

	return (rd >= c ? rd - c : size - c + rd) >= size / 2;
}

int vsc_channel_recv(struct vsc_channel *ch, void *buf, uint32_t cap, uint64_t *trans_id,
		     uint16_t *type)
{
	struct vmbus_pkt p;
	uint32_t plen;
	int r;

	for (;;) {
		r = vmbus_ring_peek(&ch->in, &p);
		if (r == VMBUS_OK)
			break;
		if (r != VMBUS_E_AGAIN)
			return VSC_E_PROTO;
		/* Empty: the drain ends; return its space, then make sure the host will signal
		 * the next packet (unmask; if something slipped in meanwhile, read it now). */
		if (commit_read(ch) != VSC_OK)
			return VSC_E_PROTO;
		r = vmbus_ring_reader_unmask(&ch->in);
		if (r < 0)
			return VSC_E_PROTO;
		if (r == 0)
			return 0;
	}
	/* Draining: the host need not signal while we read. */
	vmbus_ring_reader_mask(&ch->in);
	plen = vmbus_pkt_payload_len(&p);
	if (plen > cap || vmbus_pkt_copy(&p, p.data_off, buf, plen) != VMBUS_OK)
		return VSC_E_PROTO;
	*trans_id = p.desc.trans_id;
	*type = p.desc.type;
	if (vmbus_ring_consume(&ch->in, &p) != VMBUS_OK)
		return VSC_E_PROTO;
	if (commit_due(ch) && commit_read(ch) != VSC_OK)
		return VSC_E_PROTO;
	return (int)plen;
}

int vsc_channel_wait(struct vsc_channel *ch)
{
	struct vmbus_client *c = ch->client;
	uint8_t bit = (uint8_t)(1u << (ch->relid % 8));

	while (!(c->events[ch->relid / 8] & bit))
		if (!c->env.ops->wait(c->env.ctx))
			return VSC_E_TIMEOUT;
	c->events[ch->relid / 8] &= (uint8_t)~bit;
	return VSC_OK;
}
