/*
 * What a call answers (OpenintResponse: status, body, headers by name and in order, request
 * id, retries; and the same details on errors), and the raw escape hatch
 * openint_client_request.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks.h"
#include "openint.h"
#include "suites.h"
#include "testkit.h"

/* Every header iterated by index is also found by name, and names are lowercase. */
static void check_header_iteration(const OpenintResponse *r, const char *what) {
    size_t n = openint_response_header_count(r);
    CHECKF(n > 0, "%s: no headers", what);
    for (size_t i = 0; i < n; i++) {
        const char *name = NULL, *value = NULL;
        CHECKF(openint_response_header_at(r, i, &name, &value) && name && value, "%s: header %zu", what, i);
        if (!name || !value) continue;
        for (const char *p = name; *p; p++) CHECKF(*p < 'A' || *p > 'Z', "%s: header name %s", what, name);
        /* By name: the first header of that name. */
        size_t first = i;
        for (size_t j = 0; j < i; j++) {
            const char *nj = NULL, *vj = NULL;
            openint_response_header_at(r, j, &nj, &vj);
            if (nj && strcmp(nj, name) == 0) {
                first = j;
                break;
            }
        }
        const char *fn = NULL, *fv = NULL;
        openint_response_header_at(r, first, &fn, &fv);
        CHECKF(fv && openint_response_header(r, name) && strcmp(openint_response_header(r, name), fv) == 0,
               "%s: header(%s) is not the first %s", what, name, name);
    }
    const char *name = SENT(const char), *value = SENT(const char);
    CHECK(!openint_response_header_at(r, n, &name, &value));
    CHECK(name == SENT(const char) && value == SENT(const char));
}

static void test_response_of_a_call(void) {
    world w;
    world_new(&w, "{}", NULL);
    OpenintResponse *r = NULL;
    CHECK(openint_client_call(w.org, "viewer", NULL, &r, NULL) == OPENINT_STATUS_OK);
    CHECK(openint_response_status(r) == 200);
    size_t len = 0;
    const char *body = openint_response_body(r, &len);
    CHECKF(body && strlen(body) == len && has_text(body, "\"role\":\"org\""), "body %s", body);
    CHECK(openint_response_body(r, NULL) == body);
    /* Names are case-insensitive. */
    CHECK(has_text(openint_response_header(r, "content-type"), "application/json"));
    CHECK(has_text(openint_response_header(r, "Content-Type"), "application/json"));
    char len_text[32];
    snprintf(len_text, sizeof len_text, "%zu", len);
    CHECKF(has_text(openint_response_header(r, "CONTENT-LENGTH"), len_text), "content-length %s for %zu bytes",
           openint_response_header(r, "content-length"), len);
    CHECK(openint_response_header(r, "x-not-there") == NULL);
    check_header_iteration(r, "viewer");
    /* The server sends no request id on success, and nothing was retried. */
    CHECK(openint_response_request_id(r) == NULL);
    CHECK(openint_response_retries(r) == 0);
    openint_response_free(r);
    world_free(&w);
}

static void test_retries_and_request_ids(void) {
    /* Two 503s, then the answer: retries 2 on the response. */
    world w;
    world_new(&w, "{\"fail\":{\"times\":2,\"status\":503,\"headers\":{\"retry-after-ms\":\"5\",\"x-request-id\":\"req_503\"}}}",
              "\"max_retries\":2");
    OpenintResponse *r = NULL;
    CHECK(openint_client_call(w.org, "health", NULL, &r, NULL) == OPENINT_STATUS_OK);
    CHECKF(openint_response_retries(r) == 2, "retries %u", openint_response_retries(r));
    CHECK(openint_response_status(r) == 200 && openint_response_request_id(r) == NULL);
    CHECK(tk_scenario_request_count(&w.s) == 3);
    openint_response_free(r);
    world_free(&w);

    /* A request id on an error (fail.headers), not retried for a 400. */
    world_new(&w, "{\"fail\":{\"times\":1,\"status\":400,\"headers\":{\"x-request-id\":\"req_fail_9\"}}}", NULL);
    OpenintError *e = call_fails(w.org, "viewer", NULL, OPENINT_STATUS_BAD_REQUEST, 400);
    CHECK(has_text(openint_error_request_id(e), "req_fail_9"));
    CHECK(has_text(openint_error_display(e), "req_fail_9"));
    CHECK(openint_error_retries(e) == 0);
    openint_error_free(e);
    world_free(&w);

    /* The error answer's headers, as a response's: by name (any case) and by index. */
    world_new(&w, "{\"fail\":{\"times\":1,\"status\":429,\"headers\":{\"Retry-After\":\"7\",\"X-RateLimit-Remaining\":\"0\"}}}",
              "\"max_retries\":0");
    e = call_fails(w.org, "viewer", NULL, OPENINT_STATUS_RATE_LIMITED, 429);
    CHECK(has_text(openint_error_header(e, "retry-after"), "7"));
    CHECK(has_text(openint_error_header(e, "X-RATELIMIT-REMAINING"), "0"));
    CHECK(openint_error_header(e, "x-absent") == NULL && openint_error_header(e, NULL) == NULL);
    size_t nh = openint_error_header_count(e);
    bool saw_retry_after = false;
    for (size_t i = 0; i < nh; i++) {
        const char *k = NULL, *v = NULL;
        CHECK(openint_error_header_at(e, i, &k, &v) && k && v);
        if (k && v && strcmp(k, "retry-after") == 0) saw_retry_after = strcmp(v, "7") == 0;
    }
    CHECKF(nh >= 2 && saw_retry_after, "%zu headers", nh);
    CHECK(!openint_error_header_at(e, nh, NULL, NULL));
    openint_error_free(e);
    world_free(&w);

    /* Errors made before any answer have no headers; NULL is safe. */
    CHECK(openint_error_header_count(NULL) == 0 && openint_error_header(NULL, "a") == NULL);
    CHECK(!openint_error_header_at(NULL, 0, NULL, NULL));

    /* error_headers: on every error answer; `request-id` is read too. */
    world_new(&w, "{\"error_headers\":{\"request-id\":\"rid_404\"}}", NULL);
    e = call_fails(w.org, "getConnection", "{\"id\":\"conn_none_1\"}", OPENINT_STATUS_NOT_FOUND, 404);
    CHECK(has_text(openint_error_request_id(e), "rid_404"));
    openint_error_free(e);
    world_free(&w);

    /* A success with a request id and a repeated header (a stub server: the test server sends
     * neither on success). */
    tk_stub *stub = tk_stub_start(TK_STUB_CANNED,
                                  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: req_ok_1\r\n"
                                  "X-Multi: first\r\nX-Multi: second\r\nContent-Length: 11\r\n\r\n{\"ok\":true}");
    CHECK(stub != NULL);
    if (!stub) return;
    char *base = tk_fmt("http://127.0.0.1:%d/v1", tk_stub_port(stub));
    OpenintClient *c = tk_client(base, "\"max_retries\":0");
    r = NULL;
    CHECK(openint_client_call(c, "health", NULL, &r, NULL) == OPENINT_STATUS_OK);
    CHECK(has_text(openint_response_request_id(r), "req_ok_1"));
    CHECK(has_text(openint_response_header(r, "x-multi"), "first"));
    int multi = 0;
    const char *last = NULL;
    for (size_t i = 0; i < openint_response_header_count(r); i++) {
        const char *name = NULL, *value = NULL;
        openint_response_header_at(r, i, &name, &value);
        if (name && strcmp(name, "x-multi") == 0) {
            multi++;
            last = value;
        }
    }
    /* Repeated names count once each, in arrival order. */
    CHECKF(multi == 2 && has_text(last, "second"), "x-multi seen %d times, last %s", multi, last);
    check_header_iteration(r, "stub");
    openint_response_free(r);
    openint_client_free(c);
    free(base);
    tk_stub_stop(stub);
}

/* ---- the raw escape hatch ------------------------------------------------------------------ */

static void test_raw_request(void) {
    world w;
    world_new(&w, "{\"seed\":{\"connections\":3}}", "\"max_retries\":0");
    OpenintResponse *r = NULL;
    OpenintError *err = NULL;
    CHECK(openint_client_request(w.org, "GET", "/viewer", NULL, NULL, NULL, NULL, &r, &err) == OPENINT_STATUS_OK);
    CHECK(has_text(openint_response_body(r, NULL), "\"role\":\"org\""));
    openint_response_free(r);

    /* Query: strings, numbers, true; false left out; arrays comma-joined. */
    r = NULL;
    OpenintStatus st = openint_client_request(w.org, "GET", "/connection",
                                              "{\"limit\":2,\"include_secrets\":true,\"expand\":[\"connector\"],"
                                              "\"refresh_policy\":\"none\",\"search_query\":false}",
                                              NULL, NULL, NULL, &r, &err);
    CHECKF(st == OPENINT_STATUS_OK, "raw GET /connection: %s", openint_error_display(err));
    cJSON *page = cJSON_Parse(openint_response_body(r, NULL));
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(page, "items")) == 2);
    cJSON_Delete(page);
    openint_response_free(r);
    cJSON *log = tk_scenario_requests(&w.s);
    const char *q = tk_log_str(cJSON_GetArrayItem(log, 1), "query");
    CHECKF(has_text(q, "limit=2") && has_text(q, "include_secrets=true") && has_text(q, "expand=connector") &&
               !has_text(q, "search_query"),
           "raw query %s", q);
    cJSON_Delete(log);

    /* POST with a body; PUT; DELETE of a row that is not there is an API error like any. */
    r = NULL;
    CHECK(openint_client_request(w.org, "POST", "/health", NULL, "{\"a\":[1,2]}", NULL, NULL, &r, NULL) ==
          OPENINT_STATUS_OK);
    CHECK(has_text(openint_response_body(r, NULL), "{\"input\":{\"a\":[1,2]}}"));
    openint_response_free(r);
    r = NULL;
    CHECK(openint_client_request(w.org, "PUT", "/customer", NULL, "{\"id\":\"cus_raw\"}", NULL, NULL, &r, NULL) ==
          OPENINT_STATUS_OK);
    CHECK(has_text(openint_response_body(r, NULL), "cus_raw"));
    openint_response_free(r);
    r = SENT(OpenintResponse);
    err = NULL;
    st = openint_client_request(w.org, "DELETE", "/connection/conn_raw_missing", NULL, NULL, NULL, NULL, &r, &err);
    expect_api_error(st, err, OPENINT_STATUS_NOT_FOUND, 404, "raw DELETE");
    CHECK(r == SENT(OpenintResponse));
    openint_error_free(err);
    log = tk_scenario_requests(&w.s);
    cJSON *del = cJSON_GetArrayItem(log, cJSON_GetArraySize(log) - 1);
    CHECKF(has_text(tk_log_str(del, "body"), "{}") && has_text(tk_log_header(del, "content-type"), "application/json"),
           "a raw DELETE sends {} as JSON: %s", tk_log_str(del, "body"));
    cJSON_Delete(log);

    /* PATCH goes out too (for endpoints the table does not know; the server has none: 404). */
    r = SENT(OpenintResponse);
    err = NULL;
    st = openint_client_request(w.org, "PATCH", "/customer", NULL, "{\"id\":\"cus_p\"}", NULL, NULL, &r, &err);
    CHECKF(st == OPENINT_STATUS_NOT_FOUND && openint_error_http_status(err) == 404, "raw PATCH: %d", (int)st);
    CHECK(has_text(openint_error_method(err), "PATCH"));
    openint_error_free(err);
    log = tk_scenario_requests(&w.s);
    cJSON *patch = cJSON_GetArrayItem(log, cJSON_GetArraySize(log) - 1);
    CHECKF(has_text(tk_log_str(patch, "method"), "PATCH") && has_text(tk_log_str(patch, "body"), "cus_p"),
           "a raw PATCH sends its body: %s", tk_log_str(patch, "body"));
    cJSON_Delete(log);

    /* Bad input, before any request. */
    int before = tk_scenario_request_count(&w.s);
    const struct {
        const char *method, *path, *query, *body, *n1;
    } bad[] = {
        {"OPTIONS", "/viewer", NULL, NULL, "OPTIONS"},
        {"patch", "/viewer", NULL, NULL, "patch"},
        {"get", "/viewer", NULL, NULL, "get"},
        {"GET", "viewer", NULL, NULL, "path"},
        {"GET", "/a b", NULL, NULL, "path"},
        {"GET", "/viewer?x=1", NULL, NULL, "query"},
        {"GET", "/viewer", NULL, "{\"a\":1}", "body"},
        {"POST", "/health", NULL, "[1]", "body"},
        {"GET", "/viewer", "{\"o\":{}}", NULL, "\"o\""},
        {"GET", "/viewer", "[", NULL, "JSON"},
        {NULL, "/viewer", NULL, NULL, "method"},
        {"GET", NULL, NULL, NULL, "path"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = SENT(OpenintResponse);
        err = NULL;
        st = openint_client_request(w.org, bad[i].method, bad[i].path, bad[i].query, bad[i].body, NULL, NULL, &r, &err);
        char what[128];
        snprintf(what, sizeof what, "raw %s %s", bad[i].method ? bad[i].method : "NULL", bad[i].path ? bad[i].path : "NULL");
        expect_invalid(st, err, what, bad[i].n1, NULL);
        CHECK(r == SENT(OpenintResponse));
        openint_error_free(err);
    }
    CHECKF(tk_scenario_request_count(&w.s) == before, "bad raw requests reached the server");
    world_free(&w);
}

void suite_responses(void) {
    tk_run("response_of_a_call", test_response_of_a_call);
    tk_run("retries_and_request_ids", test_retries_and_request_ids);
    tk_run("raw_request", test_raw_request);
}
