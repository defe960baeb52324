/*
 * Every list operation walked to its end through the generic C ABI (openint_client_list +
 * openint_page_next[_with], openint_client_list_cursor + openint_cursor_next[_with]) under the
 * real server's envelopes (`total` and `has_next_page` cannot be trusted): every row exactly
 * once, in the server's order, at most one request past the last row. The oracle is the
 * scenario's store (GET /__admin/scenarios/<id>/store) or the connector registry.
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

typedef enum { WALK_CURSOR, WALK_CURSOR_WITH, WALK_PAGES, WALK_PAGES_WITH } walk_kind;
static const char *WALK_NAMES[] = {"cursor_next", "cursor_next_with", "page_next", "page_next_with"};

/* `key` of a request-log query ("limit=7&offset=14"), as an int; -1 when absent. */
static int query_int(const char *query, const char *key) {
    size_t kl = strlen(key);
    for (const char *p = query; p && *p;) {
        if (strncmp(p, key, kl) == 0 && p[kl] == '=') return atoi(p + kl + 1);
        p = strchr(p, '&');
        if (p) p++;
    }
    return -1;
}

/* Page accessors agree with the page's JSON; the engine's has_next is about the page's length
 * against the limit, never the envelope's has_next_page. */
static void check_page(const OpenintPage *page, int limit, int offset, const char *what) {
    size_t n = 0;
    const char *json = NULL;
    size_t len = 0;
    int64_t total = -2, lim = -2, off = -2;
    bool has_next = false;
    CHECK(openint_page_item_count(page, &n, NULL) == OPENINT_STATUS_OK);
    CHECK(openint_page_json(page, &json, &len, NULL) == OPENINT_STATUS_OK);
    CHECK(openint_page_total(page, &total, NULL) == OPENINT_STATUS_OK);
    CHECK(openint_page_limit(page, &lim, NULL) == OPENINT_STATUS_OK);
    CHECK(openint_page_offset(page, &off, NULL) == OPENINT_STATUS_OK);
    CHECK(openint_page_has_next(page, &has_next, NULL) == OPENINT_STATUS_OK);
    cJSON *doc = json ? cJSON_ParseWithLength(json, len) : NULL;
    CHECKF(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "items")) == (int)n, "%s: item count", what);
    CHECKF(total == json_int(doc, "total") && lim == json_int(doc, "limit") && off == json_int(doc, "offset"),
           "%s: accessors %lld/%lld/%lld vs the page's JSON", what, (long long)total, (long long)lim, (long long)off);
    CHECKF(off == offset, "%s: page offset %lld, expected %d", what, (long long)off, offset);
    if (limit >= 0) CHECKF(lim == limit, "%s: page limit %lld, expected %d", what, (long long)lim, limit);
    int64_t per_page = limit >= 0 ? limit : 50;
    CHECKF(has_next == ((int64_t)n == per_page), "%s: has_next %d with %zu items at limit %lld", what,
           (int)has_next, n, (long long)per_page);
    /* The response the page lends: the page's own HTTP answer. */
    const OpenintResponse *r = openint_page_response(page);
    CHECKF(r && openint_response_status(r) == 200 && has_text(openint_response_header(r, "content-type"), "json"),
           "%s: page response", what);
    cJSON_Delete(doc);
}

/* Walks a listing to its end; returns the items in order (a cJSON array), NULL on an error. */
static cJSON *walk(const OpenintClient *c, const char *op, const char *params, const char *options,
                   walk_kind kind, int limit, const char *what) {
    cJSON *items = cJSON_CreateArray();
    OpenintError *err = NULL;
    OpenintStatus st;
    OpenintCancel *cancel = NULL; /* the *_with walks carry a handle that is never fired */
    CHECK(openint_cancel_new(&cancel, NULL) == OPENINT_STATUS_OK);
    if (kind == WALK_CURSOR || kind == WALK_CURSOR_WITH) {
        OpenintCursor *cur = NULL;
        st = openint_client_list_cursor(c, op, params, options, kind == WALK_CURSOR_WITH ? cancel : NULL, &cur, &err);
        CHECKF(st == OPENINT_STATUS_OK, "%s: cursor: %s", what, tk_status_str(st));
        const char *item = NULL;
        size_t len = 0;
        while (st == OPENINT_STATUS_OK) {
            st = kind == WALK_CURSOR ? openint_cursor_next(cur, 0, &item, &len, &err)
                                     : openint_cursor_next_with(cur, "{\"max_retries\":1}", cancel, &item, &len, &err);
            if (st != OPENINT_STATUS_OK) break;
            CHECKF(strlen(item) == len, "%s: item length", what);
            cJSON_AddItemToArray(items, cJSON_ParseWithLength(item, len));
            if (cJSON_GetArraySize(items) > 100000) break;
        }
        openint_cursor_free(cur);
    } else {
        OpenintPage *page = NULL;
        st = openint_client_list(c, op, params, options, NULL, &page, &err);
        int offset = 0;
        while (st == OPENINT_STATUS_OK) {
            check_page(page, limit, offset, what);
            size_t n = 0;
            openint_page_item_count(page, &n, NULL);
            for (size_t i = 0; i < n; i++) {
                const char *item = NULL;
                size_t len = 0;
                CHECK(openint_page_item(page, i, &item, &len, NULL) == OPENINT_STATUS_OK);
                cJSON_AddItemToArray(items, cJSON_ParseWithLength(item, len));
            }
            offset += (int)n;
            OpenintPage *next = NULL;
            st = kind == WALK_PAGES ? openint_page_next(page, 0, &next, &err)
                                    : openint_page_next_with(page, "{\"max_retries\":1}", cancel, &next, &err);
            openint_page_free(page);
            page = next;
            if (cJSON_GetArraySize(items) > 100000) break;
        }
    }
    openint_cancel_free(cancel);
    if (st != OPENINT_STATUS_END) {
        tk_fail(__FILE__, __LINE__, "%s: the walk ended with %s: %s", what, tk_status_str(st), openint_error_display(err));
        openint_error_free(err);
        cJSON_Delete(items);
        return NULL;
    }
    return items;
}

/* The walk equals the oracle: same rows, same order. `key` names rows; whole rows are
 * compared as JSON unless `key_only`. */
static void check_rows(const cJSON *got, const cJSON *want, const char *key, bool key_only, const char *what) {
    int n = cJSON_GetArraySize(got), m = cJSON_GetArraySize(want);
    CHECKF(n == m, "%s: listed %d rows, the oracle has %d", what, n, m);
    for (int i = 0; i < n && i < m; i++) {
        const cJSON *a = cJSON_GetArrayItem(got, i), *b = cJSON_GetArrayItem(want, i);
        const char *ka = tk_json_str(a, key), *kb = tk_json_str(b, key);
        if (!ka || !kb || strcmp(ka, kb) != 0) {
            tk_fail(__FILE__, __LINE__, "%s: row %d is %s, the oracle's is %s", what, i, ka, kb);
            return;
        }
        if (!key_only && !cJSON_Compare(a, b, 1)) {
            tk_fail(__FILE__, __LINE__, "%s: row %d (%s) differs from the oracle", what, i, ka);
            return;
        }
    }
}

/* The request log of a walk at `limit` over `n` rows: offsets 0, limit, 2*limit, ... in
 * order, up to the short (or empty) page: n/limit + 1 requests, each with the limit. */
static void check_walk_log(const tk_scenario *s, int first, int limit, int n, const char *what) {
    cJSON *log = tk_scenario_requests(s);
    int per_page = limit >= 0 ? limit : 50;
    int want = n / per_page + 1;
    int got = cJSON_GetArraySize(log) - first;
    CHECKF(got == want, "%s: %d requests, expected %d (%d rows at limit %d)", what, got, want, n, per_page);
    for (int k = 0; k < got; k++) {
        const char *q = tk_log_str(cJSON_GetArrayItem(log, first + k), "query");
        int off = query_int(q, "offset");
        CHECKF((off < 0 ? 0 : off) == k * per_page, "%s: request %d asked %s", what, k, q);
        CHECKF(query_int(q, "limit") == limit, "%s: request %d asked %s, limit %d", what, k, q, limit);
    }
    cJSON_Delete(log);
}

/* One list operation: every walk kind against the oracle and the log. */
static void walk_all_ways(const tk_scenario *s, const OpenintClient *c, const char *op, const char *extra_params,
                          const cJSON *oracle, const char *key, bool key_only) {
    const int limit = 7;
    int n = cJSON_GetArraySize(oracle);
    CHECKF(n > limit, "%s: the oracle has only %d rows", op, n);
    char *params = tk_fmt("{\"limit\":%d%s%s}", limit, extra_params ? "," : "", extra_params ? extra_params : "");
    for (int k = 0; k < 4; k++) {
        char what[128];
        snprintf(what, sizeof what, "%s %s", op, WALK_NAMES[k]);
        int first = tk_scenario_request_count(s);
        cJSON *got = walk(c, op, params, NULL, (walk_kind)k, limit, what);
        if (got) check_rows(got, oracle, key, key_only, what);
        check_walk_log(s, first, limit, n, what);
        cJSON_Delete(got);
    }
    /* Prefetching: the same rows in the same order, each page asked for once. */
    char what[128];
    snprintf(what, sizeof what, "%s prefetch 4", op);
    int first = tk_scenario_request_count(s);
    cJSON *got = walk(c, op, params, "{\"prefetch\":4}", WALK_CURSOR, limit, what);
    if (got) check_rows(got, oracle, key, key_only, what);
    cJSON_Delete(got);
    cJSON *log = tk_scenario_requests(s);
    int requests = cJSON_GetArraySize(log) - first;
    bool *asked = (bool *)calloc((size_t)requests + (size_t)n / limit + 8, sizeof(bool));
    for (int i = first; i < cJSON_GetArraySize(log); i++) {
        int off = query_int(tk_log_str(cJSON_GetArrayItem(log, i), "query"), "offset");
        int page = (off < 0 ? 0 : off) / limit;
        CHECKF(off % limit == 0 || off < 0, "%s: offset %d", what, off);
        if (page < requests + n / limit + 8) {
            CHECKF(!asked[page], "%s: page at offset %d asked twice", what, off);
            asked[page] = true;
        }
    }
    for (int p = 0; p <= (n - 1) / limit; p++) CHECKF(asked[p], "%s: page %d never asked", what, p);
    /* A database list's total says how many pages there are: no page past the end but the
     * one the walk without prefetch needs too. GET /connector's total is the page's length,
     * so there the engine can only guess, at most the other 3 pages in flight. */
    int slack = strcmp(op, "listConnectors") == 0 ? 3 : 0;
    CHECKF(requests <= n / limit + 1 + slack, "%s: %d requests for %d rows", what, requests, n);
    free(asked);
    cJSON_Delete(log);
    free(params);
}

/* ---- the five lists ----------------------------------------------------------------------- */

static void test_list_connections_walk(void) {
    world w;
    world_new(&w, "{\"seed\":{\"connections\":120}}", NULL);
    cJSON *store = tk_scenario_store(&w.s);
    cJSON *rows = cJSON_GetObjectItemCaseSensitive(store, "connections");
    CHECK(cJSON_GetArraySize(rows) == 120);
    /* With secrets (and no refresh, which would reorder rows mid-walk): the rows as stored. */
    walk_all_ways(&w.s, w.org, "listConnections", "\"include_secrets\":true,\"refresh_policy\":\"none\"", rows, "id",
                  false);
    /* Without: the same rows in the same order, without their settings. */
    int first = tk_scenario_request_count(&w.s);
    cJSON *plain = walk(w.org, "listConnections", "{\"limit\":7}", NULL, WALK_CURSOR, 7, "without secrets");
    if (plain) {
        check_rows(plain, rows, "id", true, "listConnections without secrets");
        cJSON *row;
        cJSON_ArrayForEach(row, plain) CHECK(cJSON_GetObjectItemCaseSensitive(row, "settings") == NULL);
    }
    check_walk_log(&w.s, first, 7, 120, "listConnections without secrets");
    cJSON_Delete(plain);
    cJSON_Delete(store);
    world_free(&w);
}

static void test_list_connector_configs_walk(void) {
    world w;
    world_new(&w, "{\"seed\":{\"connector_configs\":30}}", NULL);
    cJSON *store = tk_scenario_store(&w.s);
    walk_all_ways(&w.s, w.org, "listConnectorConfigs", NULL, cJSON_GetObjectItemCaseSensitive(store, "connector_configs"),
                  "id", false);
    cJSON_Delete(store);
    world_free(&w);
}

static void test_list_events_walk(void) {
    /* 63 rows: nine full pages of 7, then the empty page that ends the listing. */
    world w;
    world_new(&w, "{\"seed\":{\"connections\":5,\"events\":63}}", NULL);
    cJSON *store = tk_scenario_store(&w.s);
    walk_all_ways(&w.s, w.org, "listEvents", NULL, cJSON_GetObjectItemCaseSensitive(store, "events"), "id", false);
    cJSON_Delete(store);
    world_free(&w);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void test_list_customers_walk(void) {
    /* Customers are grouped from connections, ordered by id. */
    world w;
    world_new(&w, "{\"seed\":{\"customers\":25,\"connections\":60}}", NULL);
    cJSON *store = tk_scenario_store(&w.s);
    cJSON *conns = cJSON_GetObjectItemCaseSensitive(store, "connections");
    int n = cJSON_GetArraySize(conns);
    char **ids = (char **)calloc((size_t)n + 1, sizeof(char *));
    for (int i = 0; i < n; i++) ids[i] = (char *)tk_json_str(cJSON_GetArrayItem(conns, i), "customer_id");
    qsort(ids, (size_t)n, sizeof(char *), cmp_str);
    cJSON *oracle = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        int count = 1;
        while (i + 1 < n && strcmp(ids[i], ids[i + 1]) == 0) count++, i++;
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "id", ids[i]);
        cJSON_AddNumberToObject(row, "connection_count", count);
        cJSON_AddItemToArray(oracle, row);
    }
    CHECKF(cJSON_GetArraySize(oracle) == 25, "%d customers with connections", cJSON_GetArraySize(oracle));
    walk_all_ways(&w.s, w.org, "listCustomers", NULL, oracle, "id", true);
    /* The counts too. */
    cJSON *got = walk(w.org, "listCustomers", "{\"limit\":7}", NULL, WALK_CURSOR, 7, "customers");
    for (int i = 0; got && i < cJSON_GetArraySize(got) && i < cJSON_GetArraySize(oracle); i++)
        CHECKF(json_int(cJSON_GetArrayItem(got, i), "connection_count") ==
                   json_int(cJSON_GetArrayItem(oracle, i), "connection_count"),
               "customer %d: connection_count", i);
    cJSON_Delete(got);
    cJSON_Delete(oracle);
    free(ids);
    cJSON_Delete(store);
    world_free(&w);
}

static void test_list_connectors_walk(void) {
    world w;
    world_new(&w, "{}", NULL);
    tk_oracle o;
    CHECK(tk_oracle_get(171, false, &o));
    walk_all_ways(&w.s, w.org, "listConnectors", NULL, o.items, "name", false);
    tk_oracle_free(&o);
    world_free(&w);
}

/* ---- limits, defaults, envelopes ---------------------------------------------------------- */

static void test_limit_zero_means_zero_items(void) {
    world w;
    world_new(&w, "{\"seed\":{\"connections\":20}}", NULL);
    const char *ops[] = {"listConnections", "listConnectors"};
    for (int i = 0; i < 2; i++) {
        int first = tk_scenario_request_count(&w.s);
        OpenintPage *page = NULL;
        CHECK(openint_client_list(w.org, ops[i], "{\"limit\":0}", NULL, NULL, &page, NULL) == OPENINT_STATUS_OK);
        size_t n = 9;
        bool has_next = true;
        CHECK(openint_page_item_count(page, &n, NULL) == OPENINT_STATUS_OK && n == 0);
        CHECK(openint_page_has_next(page, &has_next, NULL) == OPENINT_STATUS_OK && !has_next);
        OpenintPage *next = SENT(OpenintPage);
        CHECKF(openint_page_next(page, 0, &next, NULL) == OPENINT_STATUS_END, "%s: limit 0 has a next page", ops[i]);
        CHECK(next == SENT(OpenintPage));
        openint_page_free(page);
        OpenintCursor *cur = NULL;
        CHECK(openint_client_list_cursor(w.org, ops[i], "{\"limit\":0}", NULL, NULL, &cur, NULL) == OPENINT_STATUS_OK);
        const char *item = SENT(const char);
        CHECKF(openint_cursor_next(cur, 0, &item, NULL, NULL) == OPENINT_STATUS_END, "%s: limit 0 gave an item", ops[i]);
        openint_cursor_free(cur);
        /* What was sent is limit=0, never "no limit" (which would be 50 rows). */
        cJSON *log = tk_scenario_requests(&w.s);
        int sent = cJSON_GetArraySize(log) - first;
        CHECKF(sent >= 1 && sent <= 2, "%s: %d requests for two limit-0 listings", ops[i], sent);
        for (int k = first; k < cJSON_GetArraySize(log); k++)
            CHECKF(query_int(tk_log_str(cJSON_GetArrayItem(log, k), "query"), "limit") == 0, "%s: query %s", ops[i],
                   tk_log_str(cJSON_GetArrayItem(log, k), "query"));
        cJSON_Delete(log);
    }
    world_free(&w);
}

static void test_default_limit_and_first_page_call(void) {
    world w;
    world_new(&w, "{\"seed\":{\"connections\":120}}", NULL);
    /* No limit: the server's default of 50, which the engine reads from the echo. */
    cJSON *store = tk_scenario_store(&w.s);
    int first = tk_scenario_request_count(&w.s);
    cJSON *got = walk(w.org, "listConnections", NULL, NULL, WALK_PAGES, -1, "default limit");
    if (got) check_rows(got, cJSON_GetObjectItemCaseSensitive(store, "connections"), "id", true, "default limit");
    check_walk_log(&w.s, first, -1, 120, "default limit");
    cJSON_Delete(got);
    /* openint_client_call on a list operation: the first page's JSON, envelope and all. */
    cJSON *page = call_ok(w.org, "listConnections", "{\"limit\":7,\"offset\":14}", NULL);
    cJSON *items = cJSON_GetObjectItemCaseSensitive(page, "items");
    CHECK(cJSON_GetArraySize(items) == 7 && json_int(page, "offset") == 14 && json_int(page, "total") == 120);
    CHECK(has_text(tk_json_str(cJSON_GetArrayItem(items, 0), "id"),
                   tk_json_str(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(store, "connections"), 14), "id")));
    cJSON_Delete(page);
    cJSON_Delete(store);
    world_free(&w);
}

static void test_envelope_flags_are_not_trusted(void) {
    /* Real envelope of a database list: has_next_page is true on the last page. The engine
     * ends anyway, and a spec-mode envelope lists the same rows. */
    const char *configs[] = {"{\"seed\":{\"connections\":10}}", "{\"mode\":\"spec\",\"seed\":{\"connections\":10}}"};
    for (int i = 0; i < 2; i++) {
        world w;
        world_new(&w, configs[i], NULL);
        OpenintPage *page = NULL;
        CHECK(openint_client_list(w.org, "listConnections", "{\"limit\":7,\"offset\":7}", NULL, NULL, &page, NULL) ==
              OPENINT_STATUS_OK);
        const char *json = NULL;
        openint_page_json(page, &json, NULL, NULL);
        cJSON *doc = cJSON_Parse(json);
        bool envelope_next = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "has_next_page"));
        CHECKF(envelope_next == (i == 0), "%s: has_next_page %d on the last page", configs[i], (int)envelope_next);
        bool has_next = true;
        CHECK(openint_page_has_next(page, &has_next, NULL) == OPENINT_STATUS_OK && !has_next);
        OpenintPage *next = NULL;
        int before = tk_scenario_request_count(&w.s);
        CHECK(openint_page_next(page, 0, &next, NULL) == OPENINT_STATUS_END);
        CHECKF(tk_scenario_request_count(&w.s) == before, "a short page led to another request");
        cJSON_Delete(doc);
        openint_page_free(page);
        world_free(&w);
    }
}

void suite_listings(void) {
    tk_run("list_connections_walk", test_list_connections_walk);
    tk_run("list_connector_configs_walk", test_list_connector_configs_walk);
    tk_run("list_events_walk", test_list_events_walk);
    tk_run("list_customers_walk", test_list_customers_walk);
    tk_run("list_connectors_walk", test_list_connectors_walk);
    tk_run("limit_zero_means_zero_items", test_limit_zero_means_zero_items);
    tk_run("default_limit_and_first_page_call", test_default_limit_and_first_page_call);
    tk_run("envelope_flags_are_not_trusted", test_envelope_flags_are_not_trusted);
}
