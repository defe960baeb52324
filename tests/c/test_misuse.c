/*
 * Misuse of the C ABI: NULL in every pointer of the generic functions, freeing NULL,
 * out-of-range indexes, finished cursors used again, pages and cursors used after their client
 * is freed, huge or malformed input. Nothing may crash, leak or hang (valgrind and ASan run this
 * file too), messages stay short, and no request is made.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "openint.h"
#include "suites.h"
#include "testkit.h"

#define EXPECT_NULL_ARG(call, name)                                                  \
    do {                                                                             \
        OpenintError *err_ = NULL;                                                   \
        OpenintError **err = &err_;                                                  \
        (void)err;                                                                   \
        OpenintStatus st_ = (call);                                                  \
        expect_invalid(st_, err_, #call, name, NULL);                                \
        openint_error_free(err_);                                                    \
    } while (0)

static void test_null_arguments_of_the_generic_functions(void) {
    world w;
    world_new(&w, "{\"seed\":{\"connections\":3}}", NULL);
    OpenintClient *c = w.org;
    OpenintPage *page = NULL;
    OpenintCursor *cur = NULL;
    CHECK(openint_client_list(c, "listConnections", "{\"limit\":2}", NULL, NULL, &page, NULL) == OPENINT_STATUS_OK);
    CHECK(openint_client_list_cursor(c, "listConnections", "{\"limit\":2}", NULL, NULL, &cur, NULL) == OPENINT_STATUS_OK);
    int before = tk_scenario_request_count(&w.s);
    OpenintResponse *resp = SENT(OpenintResponse);
    OpenintPage *p2 = SENT(OpenintPage);
    OpenintCursor *c2 = SENT(OpenintCursor);
    OpenintCancel *k = SENT(OpenintCancel);
    const char *item = SENT(const char);

    EXPECT_NULL_ARG(openint_client_call(NULL, "viewer", NULL, &resp, err), "client");
    EXPECT_NULL_ARG(openint_client_call(c, NULL, NULL, &resp, err), "operation");
    EXPECT_NULL_ARG(openint_client_call(c, "viewer", NULL, NULL, err), "response_out");
    EXPECT_NULL_ARG(openint_client_call_with(NULL, "viewer", NULL, NULL, NULL, &resp, err), "client");
    EXPECT_NULL_ARG(openint_client_call_with(c, NULL, NULL, NULL, NULL, &resp, err), "operation");
    EXPECT_NULL_ARG(openint_client_call_with(c, "viewer", NULL, NULL, NULL, NULL, err), "response_out");
    EXPECT_NULL_ARG(openint_client_request(NULL, "GET", "/viewer", NULL, NULL, NULL, NULL, &resp, err), "client");
    EXPECT_NULL_ARG(openint_client_request(c, "GET", "/viewer", NULL, NULL, NULL, NULL, NULL, err), "response_out");
    EXPECT_NULL_ARG(openint_client_list(NULL, "listConnectors", NULL, NULL, NULL, &p2, err), "client");
    EXPECT_NULL_ARG(openint_client_list(c, NULL, NULL, NULL, NULL, &p2, err), "operation");
    EXPECT_NULL_ARG(openint_client_list(c, "listConnectors", NULL, NULL, NULL, NULL, err), "page_out");
    EXPECT_NULL_ARG(openint_client_list_cursor(NULL, "listConnectors", NULL, NULL, NULL, &c2, err), "client");
    EXPECT_NULL_ARG(openint_client_list_cursor(c, NULL, NULL, NULL, NULL, &c2, err), "operation");
    EXPECT_NULL_ARG(openint_client_list_cursor(c, "listConnectors", NULL, NULL, NULL, NULL, err), "cursor_out");
    EXPECT_NULL_ARG(openint_page_next_with(NULL, NULL, NULL, &p2, err), "page");
    EXPECT_NULL_ARG(openint_page_next_with(page, NULL, NULL, NULL, err), "next_out");
    EXPECT_NULL_ARG(openint_cursor_next_with(NULL, NULL, NULL, &item, NULL, err), "cursor");
    EXPECT_NULL_ARG(openint_cursor_next_with(cur, NULL, NULL, NULL, NULL, err), "item_out");
    /* (Nothing may be allocated for a call that fails: LeakSanitizer and valgrind check it.) */
    EXPECT_NULL_ARG(openint_cancel_new(NULL, err), "cancel_out");
    CHECK(resp == SENT(OpenintResponse) && p2 == SENT(OpenintPage) && c2 == SENT(OpenintCursor) && k == SENT(OpenintCancel));
    CHECK(item == SENT(const char));
    /* err_out NULL: the status alone. */
    CHECK(openint_client_call(NULL, "viewer", NULL, &resp, NULL) == OPENINT_STATUS_INVALID_ARGUMENT);

    /* Accessors of NULL handles answer "nothing". */
    CHECK(openint_page_response(NULL) == NULL);
    CHECK(openint_cursor_response(NULL) == NULL);
    size_t len = 77;
    CHECK(openint_response_status(NULL) == 0);
    CHECK(openint_response_body(NULL, &len) == NULL);
    CHECK(openint_response_header(NULL, "content-type") == NULL);
    CHECK(openint_response_header_count(NULL) == 0);
    const char *name = SENT(const char), *value = SENT(const char);
    CHECK(!openint_response_header_at(NULL, 0, &name, &value));
    CHECK(name == SENT(const char) && value == SENT(const char));
    CHECK(openint_response_request_id(NULL) == NULL);
    CHECK(openint_response_retries(NULL) == 0);
    CHECK(openint_error_display(NULL) == NULL && openint_error_method(NULL) == NULL && openint_error_url(NULL) == NULL);
    /* A real response asked about a NULL header name, or with NULL out-pointers. */
    OpenintResponse *r = NULL;
    CHECK(openint_client_call(c, "health", NULL, &r, NULL) == OPENINT_STATUS_OK);
    before++;
    CHECK(openint_response_header(r, NULL) == NULL);
    /* NULL out-pointers: the header exists, nothing is written. */
    CHECK(openint_response_header_at(r, 0, NULL, NULL));
    CHECK(!openint_response_header_at(r, openint_response_header_count(r), NULL, NULL));
    openint_response_free(r);
    CHECKF(tk_scenario_request_count(&w.s) == before, "NULL arguments made requests");

    /* An argument error carries no request. */
    OpenintError *err = NULL;
    CHECK(openint_client_call(c, "nope", NULL, &resp, &err) == OPENINT_STATUS_INVALID_ARGUMENT);
    CHECK(openint_error_method(err) == NULL && openint_error_url(err) == NULL);
    CHECK(has_text(openint_error_display(err), "nope"));
    openint_error_free(err);

    openint_page_free(page);
    openint_cursor_free(cur);
    world_free(&w);
}

static void test_free_null_and_page_indexes(void) {
    openint_client_free(NULL);
    openint_page_free(NULL);
    openint_cursor_free(NULL);
    openint_response_free(NULL);
    openint_cancel_free(NULL);
    openint_error_free(NULL);

    world w;
    world_new(&w, "{\"seed\":{\"events\":5}}", NULL);
    OpenintPage *page = NULL;
    CHECK(openint_client_list(w.org, "listEvents", "{\"limit\":3}", NULL, NULL, &page, NULL) == OPENINT_STATUS_OK);
    const size_t bad[] = {3, 4, 1000, SIZE_MAX / 2, SIZE_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *json = SENT(const char);
        size_t len = 99;
        OpenintError *err = NULL;
        OpenintStatus st = openint_page_item(page, bad[i], &json, &len, &err);
        expect_invalid(st, err, "page_item out of range", "index", NULL);
        CHECK(json == SENT(const char) && len == 99);
        openint_error_free(err);
    }
    /* The lent response: the page's HTTP answer, valid as long as the page. */
    const OpenintResponse *r = openint_page_response(page);
    CHECK(r && openint_response_status(r) == 200);
    size_t len = 0;
    const char *body = openint_response_body(r, &len);
    const char *pj = NULL;
    size_t plen = 0;
    CHECK(openint_page_json(page, &pj, &plen, NULL) == OPENINT_STATUS_OK);
    CHECKF(body && len == plen && memcmp(body, pj, len) == 0, "the page's response body is not the page's JSON");
    openint_page_free(page);
    world_free(&w);
}

static void test_finished_cursor_used_again(void) {
    world w;
    world_new(&w, "{\"seed\":{\"connections\":5}}", NULL);
    OpenintCursor *cur = NULL;
    CHECK(openint_client_list_cursor(w.org, "listConnections", "{\"limit\":2}", NULL, NULL, &cur, NULL) == OPENINT_STATUS_OK);
    CHECK(openint_cursor_response(cur) == NULL); /* before the first item */
    const char *item = NULL;
    size_t len = 0;
    int n = 0;
    while (openint_cursor_next(cur, 0, &item, &len, NULL) == OPENINT_STATUS_OK) {
        n++;
        const OpenintResponse *r = openint_cursor_response(cur);
        CHECK(r && openint_response_status(r) == 200);
    }
    CHECK(n == 5);
    int requests = tk_scenario_request_count(&w.s);
    for (int i = 0; i < 5; i++) {
        const char *again = SENT(const char);
        size_t l = 42;
        OpenintError *err = NULL;
        CHECK(openint_cursor_next(cur, 0, &again, &l, &err) == OPENINT_STATUS_END);
        CHECK(openint_cursor_next_with(cur, "{\"max_retries\":0}", NULL, &again, &l, &err) == OPENINT_STATUS_END);
        CHECK(again == SENT(const char) && l == 42 && err == NULL);
    }
    CHECKF(tk_scenario_request_count(&w.s) == requests, "a finished cursor made requests");
    openint_cursor_free(cur);

    /* A page chain past its end: END every time, no request. */
    OpenintPage *page = NULL;
    CHECK(openint_client_list(w.org, "listConnections", "{\"limit\":10}", NULL, NULL, &page, NULL) == OPENINT_STATUS_OK);
    requests = tk_scenario_request_count(&w.s);
    for (int i = 0; i < 3; i++) {
        OpenintPage *next = SENT(OpenintPage);
        CHECK(openint_page_next(page, 0, &next, NULL) == OPENINT_STATUS_END && next == SENT(OpenintPage));
    }
    CHECK(tk_scenario_request_count(&w.s) == requests);
    openint_page_free(page);
    world_free(&w);
}

static void test_pages_and_cursors_after_client_free(void) {
    world w;
    world_new(&w, "{\"seed\":{\"connections\":30}}", NULL);
    OpenintClient *c = client_with_token(w.s.base_url, w.s.org_key, NULL);
    OpenintPage *page = NULL;
    OpenintCursor *cur = NULL, *fresh = NULL;
    CHECK(openint_client_list(c, "listConnections", "{\"limit\":10}", NULL, NULL, &page, NULL) == OPENINT_STATUS_OK);
    CHECK(openint_client_list_cursor(c, "listConnections", "{\"limit\":10}", "{\"prefetch\":2}", NULL, &cur, NULL) ==
          OPENINT_STATUS_OK);
    const char *item = NULL;
    CHECK(openint_cursor_next(cur, 0, &item, NULL, NULL) == OPENINT_STATUS_OK);
    /* Not started yet when the client goes. */
    CHECK(openint_client_list_cursor(c, "listConnections", "{\"limit\":10}", NULL, NULL, &fresh, NULL) == OPENINT_STATUS_OK);
    OpenintResponse *r = NULL;
    CHECK(openint_client_call(c, "viewer", NULL, &r, NULL) == OPENINT_STATUS_OK);
    openint_client_free(c);

    CHECK(openint_response_status(r) == 200 && has_text(openint_response_body(r, NULL), "org"));
    openint_response_free(r);
    int pages = 1;
    OpenintPage *next = NULL;
    while (openint_page_next(page, 0, &next, NULL) == OPENINT_STATUS_OK) {
        openint_page_free(page);
        page = next;
        pages++;
    }
    CHECKF(pages == 3, "%d pages after the client was freed", pages);
    const char *json = NULL;
    CHECK(openint_page_item(page, 0, &json, NULL, NULL) == OPENINT_STATUS_OK && has_text(json, "conn_"));
    openint_page_free(page);
    int n = 1;
    while (openint_cursor_next(cur, 0, &item, NULL, NULL) == OPENINT_STATUS_OK) n++;
    CHECKF(n == 30, "the prefetching cursor listed %d after the client was freed", n);
    n = 0;
    while (openint_cursor_next(fresh, 0, &item, NULL, NULL) == OPENINT_STATUS_OK) n++;
    CHECKF(n == 30, "a cursor first used after the client was freed listed %d", n);
    openint_cursor_free(cur);
    openint_cursor_free(fresh);

    /* Freeing a cursor with pages in flight (prefetch), mid-walk. */
    c = client_with_token(w.s.base_url, w.s.org_key, NULL);
    CHECK(openint_client_list_cursor(c, "listConnections", "{\"limit\":3}", "{\"prefetch\":8}", NULL, &cur, NULL) ==
          OPENINT_STATUS_OK);
    CHECK(openint_cursor_next(cur, 0, &item, NULL, NULL) == OPENINT_STATUS_OK);
    openint_cursor_free(cur);
    openint_client_free(c);
    world_free(&w);
}

/* A string of `n` copies of `c`, in quotes when `quoted`. */
static char *repeat(char ch, size_t n) {
    char *s = (char *)malloc(n + 1);
    memset(s, ch, n);
    s[n] = '\0';
    return s;
}

static void test_huge_and_malformed_input(void) {
    world w;
    world_new(&w, "{}", NULL);
    char *key = repeat('k', 100000);
    const size_t max_msg = 600; /* messages quote a bounded prefix of what they name */
    struct {
        char *op, *params, *options;
    } cases[5];
    cases[0].op = strdup("viewer");
    cases[0].params = tk_fmt("{\"%s\":1}", key);
    cases[0].options = NULL;
    cases[1].op = strdup(key);
    cases[1].params = NULL;
    cases[1].options = NULL;
    cases[2].op = strdup("viewer");
    cases[2].params = NULL;
    cases[2].options = tk_fmt("{\"%s\":1}", key);
    cases[3].op = strdup("viewer");
    cases[3].params = NULL;
    cases[3].options = tk_fmt("{\"extra_headers\":{\"%s\":\"v\"}}", key);
    cases[4].op = strdup("getConnection");
    cases[4].params = tk_fmt("{\"id\":\"conn_1\",\"refresh_policy\":\"%s\"}", key);
    cases[4].options = NULL;
    for (int i = 0; i < 5; i++) {
        OpenintResponse *r = NULL;
        OpenintError *err = NULL;
        OpenintStatus st = openint_client_call_with(w.org, cases[i].op, cases[i].params, cases[i].options, NULL, &r, &err);
        CHECKF(st == OPENINT_STATUS_INVALID_ARGUMENT, "huge input %d: %s", i, tk_status_str(st));
        const char *msg = openint_error_message(err);
        CHECKF(msg && strlen(msg) < max_msg, "huge input %d: a message of %zu bytes", i, msg ? strlen(msg) : 0);
        CHECKF(openint_error_display(err) && strlen(openint_error_display(err)) < max_msg + 200, "huge input %d: display", i);
        openint_error_free(err);
        free(cases[i].op);
        free(cases[i].params);
        free(cases[i].options);
    }
    /* Client options too. */
    char *opts = tk_fmt("{\"%s\":true}", key);
    OpenintClient *c = SENT(OpenintClient);
    OpenintError *err = NULL;
    CHECK(openint_client_new(opts, &c, &err) == OPENINT_STATUS_INVALID_ARGUMENT && c == SENT(OpenintClient));
    CHECK(openint_error_message(err) && strlen(openint_error_message(err)) < max_msg);
    openint_error_free(err);
    free(opts);
    free(key);

    /* Nesting far past any parser's depth, invalid UTF-8, an embedded NUL. */
    char *deep = repeat('[', 200000);
    const char *malformed[] = {deep, "{\"a\":\"\xc3\x28\"}", "{\"id\":\"conn_\xff\"}", "\xef\xbb\xbf{}", "{\"a\":1,\"a\":2}"};
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        OpenintResponse *r = NULL;
        err = NULL;
        OpenintStatus st = openint_client_call(w.org, "healthEcho", malformed[i], &r, &err);
        /* Refused, or (a repeated key) read as JSON readers do: never a crash or a panic. */
        CHECKF(st == OPENINT_STATUS_INVALID_ARGUMENT || st == OPENINT_STATUS_OK, "malformed %zu: %s", i, tk_status_str(st));
        CHECKF(st != OPENINT_STATUS_INTERNAL, "malformed %zu: a panic", i);
        if (err) CHECK(strlen(openint_error_message(err)) < max_msg);
        openint_response_free(r);
        openint_error_free(err);
    }
    free(deep);
    OpenintResponse *r = NULL;
    err = NULL;
    CHECK(openint_client_call(w.org, "get\xff", NULL, &r, &err) == OPENINT_STATUS_INVALID_ARGUMENT);
    openint_error_free(err);
    CHECKF(tk_scenario_request_count(&w.s) <= 1, "%d requests from malformed input", tk_scenario_request_count(&w.s));
    world_free(&w);
}

static void test_dot_segments_are_refused(void) {
    /* Issue 18 item 6: "." or ".." as a path parameter is a dot segment, which a proxy or the
     * server resolves: createToken for customer ".." would POST /token, handleWebhook for ".."
     * the API root. Refused before any request. */
    world w;
    world_new(&w, "{}", NULL);
    const struct {
        const char *op, *params, *name;
    } cases[] = {
        {"createToken", "{\"customer_id\":\"..\"}", "customer_id"},
        {"createToken", "{\"customer_id\":\".\"}", "customer_id"},
        {"handleWebhook", "{\"connector_name\":\"..\"}", "connector_name"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        OpenintResponse *r = NULL;
        OpenintError *err = NULL;
        OpenintStatus st = openint_client_call(w.org, cases[i].op, cases[i].params, &r, &err);
        expect_invalid(st, err, cases[i].params, cases[i].name, "dot segment");
        openint_error_free(err);
    }
    OpenintResponse *r = NULL;
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_request(w.org, "POST", "/customer/../token", NULL, NULL, NULL, NULL, &r, &err);
    expect_invalid(st, err, "raw path with ..", "path", "..");
    openint_error_free(err);
    CHECKF(tk_scenario_request_count(&w.s) == 0, "%d requests", tk_scenario_request_count(&w.s));
    /* Dots inside a segment are ordinary characters. */
    cJSON_Delete(call_ok(w.org, "createToken", "{\"customer_id\":\"a..b\"}", NULL));
    cJSON *log = tk_scenario_requests(&w.s);
    CHECKF(has_text(tk_log_str(cJSON_GetArrayItem(log, 0), "path"), "/customer/a..b/token"), "path %s",
           tk_log_str(cJSON_GetArrayItem(log, 0), "path"));
    cJSON_Delete(log);
    world_free(&w);
}

static void test_oversized_input_blames_the_caller(void) {
    /* Issue 18 item 15: a path parameter of a megabyte built the whole URL and failed as "uri too
     * long" quoting it; a header value of a megabyte failed as PROTOCOL "invalid response",
     * blaming the server for a request never sent. Both are the caller's: INVALID_ARGUMENT
     * naming the parameter or header, a short message, no request. */
    world w;
    world_new(&w, "{}", NULL);
    char *big = repeat('a', 1 << 20);
    const size_t max_msg = 300;
    char *params = tk_fmt("{\"id\":\"conn_%s\"}", big);
    char *query = tk_fmt("{\"search_query\":\"%s\"}", big);
    char *header = tk_fmt("{\"extra_headers\":{\"X-Big\":\"%s\"}}", big);
    char *xquery = tk_fmt("{\"extra_query\":{\"q\":\"%s\"}}", big);
    const struct {
        const char *op, *params, *options, *name;
    } cases[] = {
        {"getConnection", params, NULL, "\"id\""},
        {"listConnections", query, NULL, "search_query"},
        {"viewer", NULL, header, "X-Big"},
        {"viewer", NULL, xquery, "\"q\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        OpenintResponse *r = NULL;
        OpenintError *err = NULL;
        OpenintStatus st = openint_client_call_with(w.org, cases[i].op, cases[i].params, cases[i].options, NULL, &r, &err);
        expect_invalid(st, err, cases[i].name, cases[i].name, "bytes");
        const char *msg = openint_error_message(err);
        CHECKF(msg && strlen(msg) < max_msg, "%s: a message of %zu bytes", cases[i].name, msg ? strlen(msg) : 0);
        openint_error_free(err);
    }
    CHECKF(tk_scenario_request_count(&w.s) == 0, "%d requests", tk_scenario_request_count(&w.s));
    /* A token of a megabyte: refused at creation, without quoting it. */
    char *opts = tk_fmt("{\"base_url\":\"%s\",\"token\":\"%s\"}", w.s.base_url, big);
    OpenintClient *c = SENT(OpenintClient);
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_new(opts, &c, &err);
    expect_invalid(st, err, "a token of 1 MiB", "token", "bytes");
    CHECK(openint_error_message(err) && strlen(openint_error_message(err)) < max_msg);
    openint_error_free(err);
    free(opts);
    free(xquery);
    free(header);
    free(query);
    free(params);
    free(big);
    world_free(&w);
}

void suite_misuse(void) {
    tk_run("misuse_null_arguments_of_the_generic_functions", test_null_arguments_of_the_generic_functions);
    tk_run("misuse_free_null_and_page_indexes", test_free_null_and_page_indexes);
    tk_run("misuse_finished_cursor_used_again", test_finished_cursor_used_again);
    tk_run("misuse_pages_and_cursors_after_client_free", test_pages_and_cursors_after_client_free);
    tk_run("misuse_huge_and_malformed_input", test_huge_and_malformed_input);
    tk_run("misuse_dot_segments_are_refused", test_dot_segments_are_refused);
    tk_run("misuse_oversized_input_blames_the_caller", test_oversized_input_blames_the_caller);
}
