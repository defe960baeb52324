/*
 * Per-call options of openint_client_call_with (and the listings): extra headers, query and
 * body as the server received them, Authorization only when allowed, the call's deadline,
 * max_retries, and which POSTs are retried (retry_unsafe).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "openint.h"
#include "suites.h"
#include "testkit.h"

/* One call with options; returns its status, frees what it got. */
static OpenintStatus call_with(const OpenintClient *c, const char *op, const char *params, const char *options,
                               OpenintError **err_out) {
    OpenintResponse *r = NULL;
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_call_with(c, op, params, options, NULL, &r, &err);
    openint_response_free(r);
    if (err_out) *err_out = err;
    else openint_error_free(err);
    return st;
}

/* The last request of the scenario's log (the caller deletes the returned log). */
static cJSON *last_request(const tk_scenario *s, cJSON **log) {
    *log = tk_scenario_requests(s);
    return cJSON_GetArrayItem(*log, cJSON_GetArraySize(*log) - 1);
}

static void test_extra_headers_add_replace_remove(void) {
    world w;
    world_new(&w, "{}", "\"default_headers\":{\"X-Team\":\"one\",\"X-Keep\":\"k\",\"User-Agent\":\"my-app/1.0\"}");
    CHECK(call_with(w.org, "viewer", NULL, "{\"extra_headers\":{\"X-Call\":\"c1\",\"X-Team\":\"two\",\"X-Keep\":null}}",
                    NULL) == OPENINT_STATUS_OK);
    cJSON *log;
    cJSON *req = last_request(&w.s, &log);
    CHECKF(has_text(tk_log_header(req, "x-call"), "c1"), "added: %s", tk_log_header(req, "x-call"));
    CHECKF(tk_log_header(req, "x-team") && strcmp(tk_log_header(req, "x-team"), "two") == 0, "replaced: %s",
           tk_log_header(req, "x-team"));
    CHECKF(tk_log_header(req, "x-keep") == NULL, "removed: %s", tk_log_header(req, "x-keep"));
    /* A User-Agent of the caller comes first, the library's after it. */
    const char *ua = tk_log_header(req, "user-agent");
    CHECKF(ua && strncmp(ua, "my-app/1.0", 10) == 0 && has_text(ua, "openint"), "user-agent %s", ua);
    cJSON_Delete(log);
    /* The options were for that call only. */
    CHECK(call_with(w.org, "viewer", NULL, NULL, NULL) == OPENINT_STATUS_OK);
    req = last_request(&w.s, &log);
    CHECK(tk_log_header(req, "x-call") == NULL);
    CHECK(has_text(tk_log_header(req, "x-team"), "one") && has_text(tk_log_header(req, "x-keep"), "k"));
    cJSON_Delete(log);

    /* Headers that cannot be sent are refused before any request. */
    int before = tk_scenario_request_count(&w.s);
    const struct {
        const char *options, *n1;
    } bad[] = {
        {"{\"extra_headers\":{\"Bad Header\":\"x\"}}", "Bad Header"},
        {"{\"extra_headers\":{\"X-A\":\"line\\nbreak\"}}", "X-A"},
        {"{\"extra_headers\":{\"X-A\":5}}", "X-A"},
        {"{\"extra_headers\":[\"X-A\"]}", "extra_headers"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        OpenintError *err = NULL;
        OpenintStatus st = call_with(w.org, "viewer", NULL, bad[i].options, &err);
        expect_invalid(st, err, bad[i].options, bad[i].n1, NULL);
        openint_error_free(err);
    }
    CHECK(tk_scenario_request_count(&w.s) == before);
    world_free(&w);
}

static void test_authorization_only_when_allowed(void) {
    world w;
    world_new(&w, "{}", NULL);
    cJSON *cus = call_ok(w.org, "upsertCustomer", "{\"id\":\"cus_auth\"}", NULL);
    const char *key = tk_json_str(cus, "api_key");
    char *opts = tk_fmt("{\"extra_headers\":{\"Authorization\":\"Bearer %s\"}}", key ? key : "x");
    int before = tk_scenario_request_count(&w.s);
    OpenintError *err = NULL;
    OpenintStatus st = call_with(w.org, "viewer", NULL, opts, &err);
    expect_invalid(st, err, "Authorization without allow", "Authorization", NULL);
    CHECKF(!has_text(openint_error_message(err), key), "the refused value is echoed: %s", openint_error_message(err));
    openint_error_free(err);
    CHECK(tk_scenario_request_count(&w.s) == before);
    free(opts);

    /* Allowed: it replaces the token for this call. */
    opts = tk_fmt("{\"allow_authorization_header\":true,\"extra_headers\":{\"Authorization\":\"Bearer %s\"}}", key ? key : "x");
    cJSON *v = call_ok(w.org, "viewer", NULL, opts);
    CHECKF(has_text(tk_json_str(v, "role"), "customer"), "viewer with the allowed header: %s", tk_json_str(v, "role"));
    cJSON_Delete(v);
    free(opts);
    cJSON *log;
    cJSON *req = last_request(&w.s, &log);
    char *want = tk_fmt("Bearer %s", key ? key : "x");
    CHECKF(tk_log_header(req, "authorization") && strcmp(tk_log_header(req, "authorization"), want) == 0,
           "authorization sent: %s", tk_log_header(req, "authorization"));
    free(want);
    cJSON_Delete(log);
    /* Allowed and null: no Authorization at all, so the caller is anonymous. */
    v = call_ok(w.org, "viewer", NULL, "{\"allow_authorization_header\":true,\"extra_headers\":{\"Authorization\":null}}");
    CHECK(has_text(tk_json_str(v, "role"), "anon"));
    cJSON_Delete(v);
    req = last_request(&w.s, &log);
    CHECK(tk_log_header(req, "authorization") == NULL);
    cJSON_Delete(log);
    cJSON_Delete(cus);
    world_free(&w);
}

static void test_extra_query_and_body(void) {
    world w;
    world_new(&w, "{\"seed\":{\"connections\":10}}", NULL);
    /* Added to the operation's query; a repeated key replaces the operation's value. */
    OpenintPage *page = NULL;
    CHECK(openint_client_list(w.org, "listConnections", "{\"limit\":7}",
                              "{\"extra_query\":{\"foo\":\"bar baz\",\"n\":5,\"flag\":true,\"limit\":\"3\"}}", NULL, &page,
                              NULL) == OPENINT_STATUS_OK);
    size_t n = 0;
    CHECK(openint_page_item_count(page, &n, NULL) == OPENINT_STATUS_OK && n == 3);
    openint_page_free(page);
    cJSON *log;
    cJSON *req = last_request(&w.s, &log);
    const char *q = tk_log_str(req, "query");
    CHECKF(has_text(q, "foo=bar%20baz") || has_text(q, "foo=bar+baz"), "query %s", q);
    CHECKF(has_text(q, "n=5") && has_text(q, "flag=true") && has_text(q, "limit=3") && !has_text(q, "limit=7"), "query %s",
           q);
    cJSON_Delete(log);

    /* Merged into the JSON body; a repeated key replaces the operation's value. */
    cJSON *echo = call_ok(w.org, "healthEcho", "{\"a\":1,\"b\":\"mine\"}", "{\"extra_body\":{\"b\":\"extra\",\"c\":{\"d\":[2]}}}");
    cJSON *want = cJSON_Parse("{\"a\":1,\"b\":\"extra\",\"c\":{\"d\":[2]}}");
    CHECK(cJSON_Compare(cJSON_GetObjectItemCaseSensitive(echo, "input"), want, 1));
    cJSON_Delete(echo);
    req = last_request(&w.s, &log);
    cJSON *sent = cJSON_Parse(tk_log_str(req, "body"));
    CHECKF(cJSON_Compare(sent, want, 1), "body sent %s", tk_log_str(req, "body"));
    cJSON_Delete(sent);
    cJSON_Delete(want);
    cJSON_Delete(log);
    cJSON *cfg = call_ok(w.org, "createConnectorConfig", "{\"connector_name\":\"acme-apikey\",\"display_name\":\"given\"}",
                         "{\"extra_body\":{\"display_name\":\"from extra_body\"}}");
    CHECK(has_text(tk_json_str(cfg, "display_name"), "from extra_body"));
    cJSON_Delete(cfg);
    world_free(&w);
}

static void test_call_timeout_and_max_retries(void) {
    /* The call's deadline covers one slow answer ... */
    world w;
    world_new(&w, "{\"latency_ms\":3000}", "\"max_retries\":0");
    OpenintError *err = NULL;
    OpenintStatus st = call_with(w.org, "health", NULL, "{\"timeout\":0.3}", &err);
    expect_transport_error(st, err, OPENINT_STATUS_TIMEOUT, "latency 3 s, timeout 0.3 s");
    openint_error_free(err);
    world_free(&w);

    /* ... and the retries with their waits: ten retries 1 s apart do not fit in 1.5 s. */
    world_new(&w, "{\"status\":503,\"error_headers\":{\"retry-after-ms\":\"1000\"}}", "\"max_retries\":10");
    err = NULL;
    st = call_with(w.org, "health", NULL, "{\"timeout\":1.5}", &err);
    CHECKF(st == OPENINT_STATUS_INTERNAL_SERVER || st == OPENINT_STATUS_TIMEOUT, "deadline over retries: %s",
           tk_status_str(st));
    CHECKF(openint_error_retries(err) <= 2, "%u retries within a 1.5 s deadline 1 s apart", openint_error_retries(err));
    CHECK(tk_scenario_request_count(&w.s) == (int)openint_error_retries(err) + 1);
    openint_error_free(err);
    world_free(&w);

    /* max_retries per call replaces the client's (2). */
    const struct {
        const char *options;
        int requests;
    } cases[] = {{NULL, 3}, {"{\"max_retries\":0}", 1}, {"{\"max_retries\":3}", 4}};
    for (size_t i = 0; i < 3; i++) {
        world_new(&w, "{\"status\":500,\"error_headers\":{\"retry-after-ms\":\"5\"}}", NULL);
        err = NULL;
        st = call_with(w.org, "health", NULL, cases[i].options, &err);
        expect_api_error(st, err, OPENINT_STATUS_INTERNAL_SERVER, 500, cases[i].options ? cases[i].options : "default");
        CHECKF(tk_scenario_request_count(&w.s) == cases[i].requests && (int)openint_error_retries(err) == cases[i].requests - 1,
               "%s: %d requests, %u retries", cases[i].options ? cases[i].options : "default",
               tk_scenario_request_count(&w.s), openint_error_retries(err));
        openint_error_free(err);
        world_free(&w);
    }
}

/* createConnection (a POST that creates something) against a scenario whose first answer is
 * `fail`: how many requests went out and how the call ended. */
static void post_case(const char *fail, const char *options, int want_requests, OpenintStatus want, const char *what) {
    char *cfg = tk_fmt("{\"seed\":{\"connector_configs\":1},\"fail\":%s}", fail);
    world w;
    world_new(&w, cfg, "\"max_retries\":2");
    free(cfg);
    char *ccfg = store_find(&w.s, "connector_configs", NULL, NULL, "id");
    char *params = tk_fmt("{\"connector_config_id\":\"%s\",\"customer_id\":\"cus_post\",\"data\":{\"connector_name\":"
                          "\"acme-apikey\",\"settings\":{\"api_key\":\"k\"}}}",
                          ccfg ? ccfg : "ccfg_x_1");
    OpenintError *err = NULL;
    OpenintStatus st = call_with(w.org, "createConnection", params, options, &err);
    CHECKF(st == want, "%s: %s, expected %s (%s)", what, tk_status_str(st), tk_status_str(want), openint_error_display(err));
    CHECKF(tk_scenario_request_count(&w.s) == want_requests, "%s: %d requests, expected %d", what,
           tk_scenario_request_count(&w.s), want_requests);
    openint_error_free(err);
    free(params);
    free(ccfg);
    world_free(&w);
}

static void test_post_retries(void) {
    /* The request reached the server and it failed: resending could create a second row. */
    post_case("{\"status\":500}", NULL, 1, OPENINT_STATUS_INTERNAL_SERVER, "500");
    post_case("{\"status\":\"drop\"}", NULL, 1, OPENINT_STATUS_CONNECTION, "dropped after the request");
    /* The server said it did nothing (503, 429) or asked for a retry. */
    post_case("{\"status\":503,\"headers\":{\"retry-after-ms\":\"5\"}}", NULL, 2, OPENINT_STATUS_OK, "503");
    post_case("{\"status\":429,\"headers\":{\"retry-after-ms\":\"5\"}}", NULL, 2, OPENINT_STATUS_OK, "429");
    post_case("{\"status\":500,\"headers\":{\"retry-after-ms\":\"5\",\"x-should-retry\":\"true\"}}", NULL, 2,
              OPENINT_STATUS_OK, "500 with x-should-retry");
    /* The caller allows it. */
    post_case("{\"status\":500,\"headers\":{\"retry-after-ms\":\"5\"}}", "{\"retry_unsafe\":true}", 2, OPENINT_STATUS_OK,
              "500 with retry_unsafe");
    post_case("{\"status\":\"drop\"}", "{\"retry_unsafe\":true}", 2, OPENINT_STATUS_OK, "drop with retry_unsafe");
    /* x-should-retry: false wins over everything. */
    post_case("{\"status\":503,\"headers\":{\"x-should-retry\":\"false\"}}", "{\"retry_unsafe\":true}", 1,
              OPENINT_STATUS_INTERNAL_SERVER, "503 with x-should-retry false");

    /* A PUT is retried on a 500 without asking. */
    world w;
    world_new(&w, "{\"fail\":{\"status\":500,\"headers\":{\"retry-after-ms\":\"5\"}}}", NULL);
    cJSON_Delete(call_ok(w.org, "upsertCustomer", "{\"id\":\"cus_put\"}", NULL));
    CHECK(tk_scenario_request_count(&w.s) == 2);
    world_free(&w);
}

static void test_bad_options(void) {
    world w;
    world_new(&w, "{}", NULL);
    const struct {
        const char *options, *n1;
    } bad[] = {
        {"{\"timeot\":1}", "timeot"},
        {"{\"timeout\":\"1\"}", "\"timeout\""},
        {"{\"timeout\":0}", "\"timeout\""},
        {"{\"timeout\":-1}", "\"timeout\""},
        {"{\"max_retries\":-1}", "\"max_retries\""},
        {"{\"max_retries\":1.5}", "\"max_retries\""},
        {"{\"retry_unsafe\":\"yes\"}", "retry_unsafe"},
        {"{\"prefetch\":0}", "prefetch"},
        {"{\"prefetch\":65}", "prefetch"},
        {"{\"extra_query\":{\"a\":{}}}", "extra_query"},
        {"{\"extra_body\":[1]}", "extra_body"},
        {"[]", "options"},
        {"{", "options"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        OpenintError *err = NULL;
        OpenintStatus st = call_with(w.org, "health", NULL, bad[i].options, &err);
        expect_invalid(st, err, bad[i].options, bad[i].n1, NULL);
        openint_error_free(err);
        OpenintCursor *cur = SENT(OpenintCursor);
        err = NULL;
        st = openint_client_list_cursor(w.org, "listConnectors", NULL, bad[i].options, NULL, &cur, &err);
        expect_invalid(st, err, bad[i].options, bad[i].n1, NULL);
        CHECK(cur == SENT(OpenintCursor));
        openint_error_free(err);
    }
    CHECK(tk_scenario_request_count(&w.s) == 0);
    world_free(&w);
}

static void test_extra_query_booleans_follow_the_table(void) {
    /* Issue 18 item 7: the server reads any value of a boolean, "false" included, as true; the
     * parameters leave false out, and extra_query must too for every boolean the table knows. */
    world w;
    world_new(&w, "{\"seed\":{\"connections\":2}}", NULL);
    const struct {
        const char *params, *options;
        bool sent;
    } cases[] = {
        {NULL, "{\"extra_query\":{\"include_secrets\":false}}", false},
        {"{\"include_secrets\":true}", "{\"extra_query\":{\"include_secrets\":false}}", false},
        {NULL, "{\"extra_query\":{\"include_secrets\":\"false\"}}", false},
        {NULL, "{\"extra_query\":{\"include_secrets\":true}}", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(call_with(w.org, "listConnections", cases[i].params, cases[i].options, NULL) == OPENINT_STATUS_OK);
        cJSON *log;
        const char *query = tk_log_str(last_request(&w.s, &log), "query");
        CHECKF(has_text(query, "include_secrets") == cases[i].sent, "%s %s: query %s", cases[i].params ? cases[i].params : "",
               cases[i].options, query);
        CHECKF(!has_text(query, "include_secrets=false"), "sent as false: %s", query);
        cJSON_Delete(log);
    }
    /* The raw escape hatch follows the same rule. */
    OpenintResponse *r = NULL;
    CHECK(openint_client_request(w.org, "GET", "/connection", NULL, NULL, "{\"extra_query\":{\"include_secrets\":false}}", NULL,
                                 &r, NULL) == OPENINT_STATUS_OK);
    openint_response_free(r);
    cJSON *log;
    const char *query = tk_log_str(last_request(&w.s, &log), "query");
    CHECKF(!has_text(query, "include_secrets"), "raw request: %s", query);
    cJSON_Delete(log);
    world_free(&w);
}

static void test_framing_headers_refused_and_own_headers_replaced_or_removed(void) {
    /* Issue 18 item 11: Host, Content-Length, Transfer-Encoding, Connection and the like are
     * refused with a clear error; User-Agent, Accept and Content-Type (the SDK's own headers)
     * are replaced or removed like any other, and sent once. */
    world w;
    world_new(&w, "{}", NULL);
    const char *framing[] = {"Host", "Content-Length", "Transfer-Encoding", "Connection", "content-length", "Keep-Alive",
                             "Upgrade", "TE", "Expect", "Proxy-Authorization"};
    for (size_t i = 0; i < sizeof framing / sizeof framing[0]; i++) {
        char *opts = tk_fmt("{\"extra_headers\":{\"%s\":\"0\"}}", framing[i]);
        OpenintError *err = NULL;
        OpenintStatus st = call_with(w.org, "healthEcho", "{\"a\":1}", opts, &err);
        expect_invalid(st, err, opts, framing[i], "cannot be set");
        openint_error_free(err);
        free(opts);
        char *extra = tk_fmt("\"default_headers\":{\"%s\":\"evil.example\"}", framing[i]);
        char *copts = tk_fmt("{\"base_url\":\"%s\",%s}", w.s.base_url, extra);
        OpenintClient *c = SENT(OpenintClient);
        err = NULL;
        st = openint_client_new(copts, &c, &err);
        expect_invalid(st, err, copts, framing[i], "default_headers");
        CHECK(c == SENT(OpenintClient));
        openint_error_free(err);
        free(copts);
        free(extra);
    }
    CHECKF(tk_scenario_request_count(&w.s) == 0, "%d requests", tk_scenario_request_count(&w.s));

    /* Removed: User-Agent, Accept, Accept-Encoding. */
    CHECK(call_with(w.org, "viewer", NULL, "{\"extra_headers\":{\"User-Agent\":null,\"Accept\":null,\"Accept-Encoding\":null}}",
                    NULL) == OPENINT_STATUS_OK);
    cJSON *log;
    cJSON *req = last_request(&w.s, &log);
    CHECKF(tk_log_header(req, "user-agent") == NULL, "user-agent %s", tk_log_header(req, "user-agent"));
    CHECKF(tk_log_header(req, "accept") == NULL, "accept %s", tk_log_header(req, "accept"));
    CHECKF(tk_log_header(req, "accept-encoding") == NULL, "accept-encoding %s", tk_log_header(req, "accept-encoding"));
    cJSON_Delete(log);
    /* Replaced exactly, whatever the case of the name. */
    CHECK(call_with(w.org, "viewer", NULL, "{\"extra_headers\":{\"user-agent\":\"mine/1\",\"ACCEPT\":\"application/json; q=1\"}}",
                    NULL) == OPENINT_STATUS_OK);
    req = last_request(&w.s, &log);
    CHECKF(has_text(tk_log_header(req, "user-agent"), "mine/1") && strcmp(tk_log_header(req, "user-agent"), "mine/1") == 0,
           "user-agent %s", tk_log_header(req, "user-agent"));
    CHECKF(tk_log_header(req, "accept") && strcmp(tk_log_header(req, "accept"), "application/json; q=1") == 0, "accept %s",
           tk_log_header(req, "accept"));
    cJSON_Delete(log);
    /* A Content-Type among the client's defaults replaces the SDK's: sent once. */
    OpenintClient *c = tk_client(w.s.base_url, "\"default_headers\":{\"content-type\":\"application/json; charset=utf-8\"}");
    CHECK(call_with(c, "healthEcho", "{\"a\":1}", NULL, NULL) == OPENINT_STATUS_OK);
    req = last_request(&w.s, &log);
    const char *ct = tk_log_header(req, "content-type");
    CHECKF(ct && strcmp(ct, "application/json; charset=utf-8") == 0, "content-type sent as %s", ct);
    cJSON_Delete(log);
    openint_client_free(c);
    world_free(&w);
}

static void test_extra_body_on_a_get_is_refused(void) {
    /* Issue 18 item 16: a GET has no body; extra_body fields there were dropped silently. */
    world w;
    world_new(&w, "{}", NULL);
    OpenintError *err = NULL;
    OpenintStatus st = call_with(w.org, "viewer", NULL, "{\"extra_body\":{\"x\":1}}", &err);
    expect_invalid(st, err, "extra_body on viewer", "extra_body", "GET");
    openint_error_free(err);
    OpenintCursor *cur = SENT(OpenintCursor);
    err = NULL;
    st = openint_client_list_cursor(w.org, "listConnectors", NULL, "{\"extra_body\":{\"x\":1}}", NULL, &cur, &err);
    expect_invalid(st, err, "extra_body on a listing", "extra_body", "GET");
    CHECK(cur == SENT(OpenintCursor));
    openint_error_free(err);
    OpenintResponse *r = NULL;
    err = NULL;
    st = openint_client_request(w.org, "GET", "/viewer", NULL, NULL, "{\"extra_body\":{\"x\":1}}", NULL, &r, &err);
    expect_invalid(st, err, "extra_body on a raw GET", "extra_body", "GET");
    openint_error_free(err);
    /* A POST takes it. */
    CHECK(call_with(w.org, "healthEcho", NULL, "{\"extra_body\":{\"x\":1}}", NULL) == OPENINT_STATUS_OK);
    CHECKF(tk_scenario_request_count(&w.s) == 1, "%d requests", tk_scenario_request_count(&w.s));
    world_free(&w);
}

void suite_options(void) {
    tk_run("extra_headers_add_replace_remove", test_extra_headers_add_replace_remove);
    tk_run("authorization_only_when_allowed", test_authorization_only_when_allowed);
    tk_run("extra_query_and_body", test_extra_query_and_body);
    tk_run("call_timeout_and_max_retries", test_call_timeout_and_max_retries);
    tk_run("post_retries", test_post_retries);
    tk_run("bad_options", test_bad_options);
    tk_run("options_extra_query_booleans_follow_the_table", test_extra_query_booleans_follow_the_table);
    tk_run("options_framing_headers_refused_and_own_headers_replaced_or_removed",
           test_framing_headers_refused_and_own_headers_replaced_or_removed);
    tk_run("options_extra_body_on_a_get_is_refused", test_extra_body_on_a_get_is_refused);
}
