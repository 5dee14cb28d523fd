/* SPDX-License-Identifier: MIT */
/* Framing and API messages: frames reassembled from any split of the byte stream, oversized
 * frames refused before allocation, requests and replies surviving encode/decode, and
 * vmms's request checks refusing every malformed field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt/frame.h"
#include "mgmt/names.h"
#include "vmms.h"

struct collected {
	size_t n;
	size_t lens[16];
	uint8_t first[16];
};

static int collect(void *ctx, const uint8_t *msg, size_t len)
{
	struct collected *c = ctx;
	c->lens[c->n] = len;
	c->first[c->n] = len ? msg[0] : 0;
	c->n++;
	return 0;
}

static size_t put_frame(uint8_t *out, uint8_t fill, uint32_t len)
{
	mgmt_frame_put_header(out, len);
	memset(out + MGMT_FRAME_HDR, fill, len);
	return MGMT_FRAME_HDR + len;
}

static void test_frames_any_split(void **state)
{
	(void)state;
	uint8_t stream[64];
	size_t n = put_frame(stream, 0xa1, 5);
	n += put_frame(stream + n, 0, 0); /* an empty message is a valid frame */
	n += put_frame(stream + n, 0xb2, 17);
	/* Every split point, and byte-by-byte, gives the same three frames. */
	for (size_t cut = 0; cut <= n; cut++) {
		struct mgmt_frame_reader r;
		struct collected c = { 0 };
		mgmt_frame_reader_init(&r, 0);
		assert_int_equal(mgmt_frame_feed(&r, stream, cut, collect, &c), 0);
		assert_int_equal(mgmt_frame_feed(&r, stream + cut, n - cut, collect, &c), 0);
		assert_int_equal(c.n, 3);
		assert_int_equal(c.lens[0], 5);
		assert_int_equal(c.first[0], 0xa1);
		assert_int_equal(c.lens[1], 0);
		assert_int_equal(c.lens[2], 17);
		assert_int_equal(c.first[2], 0xb2);
		mgmt_frame_reader_free(&r);
	}
	struct mgmt_frame_reader r;
	struct collected c = { 0 };
	mgmt_frame_reader_init(&r, 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(mgmt_frame_feed(&r, stream + i, 1, collect, &c), 0);
	assert_int_equal(c.n, 3);
	mgmt_frame_reader_free(&r);
}

static void test_oversized_refused(void **state)
{
	(void)state;
	struct mgmt_frame_reader r;
	struct collected c = { 0 };
	uint8_t hdr[MGMT_FRAME_HDR];
	mgmt_frame_reader_init(&r, 0);
	mgmt_frame_put_header(hdr, MGMT_FRAME_MAX); /* exactly the limit: accepted */
	assert_int_equal(mgmt_frame_feed(&r, hdr, sizeof(hdr), collect, &c), 0);
	assert_null(r.body); /* a declared length alone costs nothing */
	mgmt_frame_reader_free(&r);
	mgmt_frame_reader_init(&r, 0);
	mgmt_frame_put_header(hdr, MGMT_FRAME_MAX + 1);
	assert_int_equal(mgmt_frame_feed(&r, hdr, sizeof(hdr), collect, &c), -E2BIG);
	assert_int_equal(r.refused_len, MGMT_FRAME_MAX + 1);
	assert_null(r.body); /* nothing was allocated for it */
	mgmt_frame_put_header(hdr, 0xffffffffu);
	mgmt_frame_reader_init(&r, 0);
	assert_int_equal(mgmt_frame_feed(&r, hdr, sizeof(hdr), collect, &c), -E2BIG);
	assert_int_equal(c.n, 0);
}

/* The body grows with the bytes that arrive, and a shared budget caps what all readers hold. */
static void test_body_grows_within_budget(void **state)
{
	(void)state;
	struct mgmt_mem_budget budget = { .used = 0, .max = 128 * 1024 };
	struct mgmt_frame_reader a, b;
	struct collected c = { 0 };
	static uint8_t data[48 * 1024];
	uint8_t hdr[MGMT_FRAME_HDR];
	mgmt_frame_reader_init(&a, 0);
	mgmt_frame_reader_init(&b, 0);
	a.budget = b.budget = &budget;
	mgmt_frame_put_header(hdr, MGMT_FRAME_MAX);
	assert_int_equal(mgmt_frame_feed(&a, hdr, sizeof(hdr), collect, &c), 0);
	assert_int_equal(mgmt_frame_feed(&a, data, 10, collect, &c), 0);
	assert_true(a.body_cap <= 4096); /* 10 bytes of a 1 MiB frame hold 4 KiB, not 1 MiB */
	assert_true(budget.used > 0 && budget.used <= 4200);
	assert_int_equal(mgmt_frame_feed(&a, data, sizeof(data), collect, &c), 0);
	assert_true(a.body_cap >= 48 * 1024 + 10 && a.body_cap <= 128 * 1024);
	/* A second reader cannot take the budget past its maximum. */
	assert_int_equal(mgmt_frame_feed(&b, hdr, sizeof(hdr), collect, &c), 0);
	assert_int_equal(mgmt_frame_feed(&b, data, sizeof(data), collect, &c), -ENOBUFS);
	mgmt_frame_reader_free(&a);
	mgmt_frame_reader_free(&b);
	assert_int_equal(budget.used, 0); /* everything given back */
	assert_int_equal(c.n, 0);
}

static void test_request_roundtrip(void **state)
{
	(void)state;
	Hv__Mgmt__StopRequest sr;
	hv__mgmt__stop_request__init(&sr);
	sr.name = (char *)"demo";
	sr.force = true;
	sr.timeout_s = 12;
	sr.no_force = true; /* field 4, appended */
	Hv__Mgmt__Request req;
	hv__mgmt__request__init(&req);
	req.id = 77;
	req.op_case = HV__MGMT__REQUEST__OP_STOP;
	req.stop = &sr;
	uint8_t buf[256];
	size_t len = hv__mgmt__request__pack(&req, buf);
	Hv__Mgmt__Request *back = hv__mgmt__request__unpack(NULL, len, buf);
	assert_non_null(back);
	assert_int_equal(back->id, 77);
	assert_int_equal(back->op_case, HV__MGMT__REQUEST__OP_STOP);
	assert_string_equal(back->stop->name, "demo");
	assert_true(back->stop->force);
	assert_int_equal(back->stop->timeout_s, 12);
	assert_true(back->stop->no_force);
	hv__mgmt__request__free_unpacked(back, NULL);
	/* A truncated message does not decode. */
	assert_null(hv__mgmt__request__unpack(NULL, len - 1, buf));
}

static void test_reply_roundtrip(void **state)
{
	(void)state;
	Hv__Mgmt__Error err;
	hv__mgmt__error__init(&err);
	err.code = HV__MGMT__ERROR_CODE__ERROR_BAD_STATE;
	err.message = (char *)"cannot delete demo: it is running; stop it first";
	Hv__Mgmt__Reply r;
	hv__mgmt__reply__init(&r);
	r.id = 5;
	r.result_case = HV__MGMT__REPLY__RESULT_ERROR;
	r.error = &err;
	uint8_t buf[256];
	size_t len = hv__mgmt__reply__pack(&r, buf);
	Hv__Mgmt__Reply *back = hv__mgmt__reply__unpack(NULL, len, buf);
	assert_non_null(back);
	assert_int_equal(back->result_case, HV__MGMT__REPLY__RESULT_ERROR);
	assert_int_equal(back->error->code, HV__MGMT__ERROR_CODE__ERROR_BAD_STATE);
	assert_string_equal(back->error->message, err.message);
	hv__mgmt__reply__free_unpacked(back, NULL);

	Hv__Worker__WorkerReport wr;

	hv__worker__worker_report__init(&wr);
	wr.vm_name = (char *)"demo";
	wr.pid = 1234;
	wr.phase = HV__WORKER__PHASE__PHASE_FAILED;
	wr.reason = (char *)"no hypervisor: /dev/vid missing — is hv.efi loaded?";
	len = hv__worker__worker_report__pack(&wr, buf);
	Hv__Worker__WorkerReport *wb = hv__worker__worker_report__unpack(NULL, len, buf);
	assert_non_null(wb);
	assert_int_equal(wb->phase, HV__WORKER__PHASE__PHASE_FAILED);
	assert_string_equal(wb->reason, wr.reason);
	hv__worker__worker_report__free_unpacked(wb, NULL);
}

static bool valid(Hv__Mgmt__Request *req, const char *expect_substr)
{
	char why[512] = "";
	bool ok = vmms_request_valid(req, why, sizeof(why));
	if (expect_substr && !strstr(why, expect_substr)) {
		fprintf(stderr, "why = '%s', expected '%s'\n", why, expect_substr);
		fail();
	}
	return ok;
}

static void test_request_checks(void **state)
{
	(void)state;
	Hv__Mgmt__Request req;
	hv__mgmt__request__init(&req);
	assert_false(valid(&req, "request names no operation"));

	Hv__Mgmt__NameRequest nr;

	hv__mgmt__name_request__init(&nr);
	req.op_case = HV__MGMT__REQUEST__OP_START;
	req.start = &nr;
	const char *bad_names[] = {
		"",
		"../x",
		"a/b",
		".hidden",
		"-x",
		"a b",
		"0123456789012345678901234567890123456789012345678901234567890123"
	};
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		nr.name = mgmt_pb_str(bad_names[i]);
		assert_false(valid(&req, "invalid VM name"));
	}
	nr.name = (char *)"ok-1.2_3";
	assert_true(valid(&req, NULL));

	Hv__Mgmt__StopRequest sr;

	hv__mgmt__stop_request__init(&sr);
	sr.name = (char *)"vm";
	sr.timeout_s = 3601;
	req.op_case = HV__MGMT__REQUEST__OP_STOP;
	req.stop = &sr;
	assert_false(valid(&req, "stop timeout 3601 s is too long"));
	sr.timeout_s = 3600;
	assert_true(valid(&req, NULL));
	/* --no-force only means something for a graceful stop. */
	sr.no_force = true;
	assert_true(valid(&req, NULL));
	sr.force = true;
	assert_false(valid(&req, "stop: force and no_force contradict each other"));
	sr.no_force = false;
	assert_true(valid(&req, NULL));

	Hv__Mgmt__LogsRequest lr;

	hv__mgmt__logs_request__init(&lr);
	lr.name = (char *)"vm";
	lr.lines = 100001;
	req.op_case = HV__MGMT__REQUEST__OP_LOGS;
	req.logs = &lr;
	assert_false(valid(&req, "100001 lines is too many"));

	Hv__Mgmt__CreateRequest cr;

	hv__mgmt__create_request__init(&cr);
	cr.config_path = (char *)"relative.json";
	req.op_case = HV__MGMT__REQUEST__OP_CREATE;
	req.create = &cr;
	assert_false(valid(&req, "config_path must be the config file's absolute path"));
	cr.config_path = (char *)"/abs/vm.json";
	cr.config_text.len = VM_CONFIG_MAX_BYTES + 1;
	assert_false(valid(&req, "too large for a VM config"));
	cr.config_text.len = 10;
	assert_true(valid(&req, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames_any_split),
		cmocka_unit_test(test_oversized_refused),
		cmocka_unit_test(test_body_grows_within_budget),
		cmocka_unit_test(test_request_roundtrip),
		cmocka_unit_test(test_reply_roundtrip),
		cmocka_unit_test(test_request_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
