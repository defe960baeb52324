/*
 * C tests of the openint C ABI (include/openint.h) against the local test server.
 * Built as C11 and as C++17, linked to the shared and to the static library (see run.sh).
 * This file: the ABI 1 connector functions (openint_client_list_connectors[_cursor]), whose
 * listings are compared with the server's oracle (GET /__admin/registry), and main, which
 * then runs the other test files (suites.h). Every claim about requests is checked in the
 * scenario's request log.
 *
 * usage: test_openint [--server-url http://127.0.0.1:PORT | --server-bin PATH]
 *                     [--label NAME] [--filter SUBSTRING] [--examples-dir DIR]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "checks.h"
#include "openint.h"
#include "suites.h"
#include "testkit.h"

#define REGISTRY 171 /* the scenarios' default registry size */

static tk_oracle oracle_plain, oracle_expand;

/* ---- helpers ------------------------------------------------------------------------------ */

/* `key`'s value in a raw query string ("limit=7&offset=14"); false when absent. */
static bool query_param(const char *query, const char *key, char *val, size_t cap) {
    size_t klen = strlen(key);
    const char *p = query;
    while (p && *p) {
        const char *amp = strchr(p, '&');
        size_t plen = amp ? (size_t)(amp - p) : strlen(p);
        if (plen > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            size_t vlen = plen - klen - 1;
            if (vlen >= cap) vlen = cap - 1;
            memcpy(val, p + klen + 1, vlen);
            val[vlen] = '\0';
            return true;
        }
        p = amp ? amp + 1 : NULL;
    }
    return false;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What to list and what the listing must equal. */
typedef struct {
    const tk_oracle *oracle;
    int limit;  /* -1: not sent (server default 50) */
    int offset; /* -1: not sent */
    bool expand;
} listing;

static void params_json(const listing *l, char *buf, size_t cap) {
    int n = snprintf(buf, cap, "{");
    if (l->limit >= 0) n += snprintf(buf + n, cap - (size_t)n, "\"limit\":%d,", l->limit);
    if (l->offset >= 0) n += snprintf(buf + n, cap - (size_t)n, "\"offset\":%d,", l->offset);
    if (l->expand) n += snprintf(buf + n, cap - (size_t)n, "\"expand\":[\"schemas\"],");
    if (buf[n - 1] == ',') n--;
    snprintf(buf + n, cap - (size_t)n, "}");
}

static int page_size(const listing *l) { return l->limit >= 0 ? l->limit : 50; }
static int first_index(const listing *l) { return l->offset > 0 ? l->offset : 0; }
static int expected_items(const listing *l) {
    int n = l->oracle->count - first_index(l);
    return n > 0 ? n : 0;
}

/* Collects names and checks them against the oracle's, as sets, at the end of a listing. */
typedef struct {
    char **names;
    int n, cap;
} name_set;

static void names_add(name_set *s, const char *item_json, size_t len) {
    cJSON *j = cJSON_ParseWithLength(item_json, len);
    cJSON *name = cJSON_GetObjectItemCaseSensitive(j, "name");
    CHECKF(cJSON_IsString(name), "item has no string name: %.80s", item_json);
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->names = (char **)realloc(s->names, (size_t)s->cap * sizeof(char *));
    }
    s->names[s->n++] = strdup(cJSON_IsString(name) ? name->valuestring : "");
    cJSON_Delete(j);
}

static void names_check_and_free(name_set *s, const listing *l, const char *how) {
    int first = first_index(l), want = expected_items(l);
    CHECKF(s->n == want, "%s: listed %d names, the oracle has %d", how, s->n, want);
    char **oracle_names = (char **)calloc((size_t)want + 1, sizeof(char *));
    for (int i = 0; i < want; i++) {
        cJSON *item = cJSON_GetArrayItem(l->oracle->items, first + i);
        cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "name");
        oracle_names[i] = cJSON_IsString(name) ? name->valuestring : (char *)"";
    }
    if (s->n > 0) qsort(s->names, (size_t)s->n, sizeof(char *), cmp_str);
    if (want > 0) qsort(oracle_names, (size_t)want, sizeof(char *), cmp_str);
    for (int i = 1; i < s->n; i++)
        CHECKF(strcmp(s->names[i - 1], s->names[i]) != 0, "%s: name %s listed twice", how, s->names[i]);
    if (s->n == want)
        for (int i = 0; i < want; i++)
            CHECKF(strcmp(s->names[i], oracle_names[i]) == 0, "%s: name set differs: %s vs oracle %s",
                   how, s->names[i], oracle_names[i]);
    free(oracle_names);
    for (int i = 0; i < s->n; i++) free(s->names[i]);
    free(s->names);
    memset(s, 0, sizeof *s);
}

/* Item `idx` of the listing must be oracle item `idx`, byte for byte and as JSON. */
static void check_item(const listing *l, int idx, const char *json, size_t len, const char *how) {
    if (idx >= l->oracle->count) {
        tk_fail(__FILE__, __LINE__, "%s: item %d is past the oracle's %d items", how, idx, l->oracle->count);
        return;
    }
    CHECKF(json != NULL && strlen(json) == len, "%s: item %d: length %zu disagrees with strlen", how, idx, len);
    CHECKF(tk_oracle_item_bytes_equal(l->oracle, idx, json, len),
           "%s: item %d is not the server's bytes: %.100s", how, idx, json);
    cJSON *got = cJSON_ParseWithLength(json, len);
    CHECKF(got && cJSON_Compare(got, cJSON_GetArrayItem(l->oracle->items, idx), 1),
           "%s: item %d differs from the oracle as JSON", how, idx);
    cJSON_Delete(got);
}

/* Checks one page against its own JSON and the oracle; advances *idx past its items. */
static void check_page(const OpenintPage *page, const listing *l, int *idx, name_set *names) {
    OpenintError *err = NULL;
    size_t n = 777;
    CHECK(openint_page_item_count(page, &n, &err) == OPENINT_STATUS_OK && err == NULL);
    const char *pj = NULL;
    size_t plen = 0;
    CHECK(openint_page_json(page, &pj, &plen, &err) == OPENINT_STATUS_OK && err == NULL);
    if (!pj) return;
    CHECKF(strlen(pj) == plen, "page json length %zu vs strlen %zu", plen, strlen(pj));
    cJSON *doc = cJSON_ParseWithLength(pj, plen);
    cJSON *items = cJSON_GetObjectItemCaseSensitive(doc, "items");
    CHECKF(cJSON_IsArray(items) && (size_t)cJSON_GetArraySize(items) == n,
           "page json has %d items, openint_page_item_count says %zu", cJSON_GetArraySize(items), n);

    int64_t total = -2, limit = -2, offset = -2;
    bool has_next = false;
    CHECK(openint_page_total(page, &total, &err) == OPENINT_STATUS_OK);
    CHECK(openint_page_limit(page, &limit, &err) == OPENINT_STATUS_OK);
    CHECK(openint_page_offset(page, &offset, &err) == OPENINT_STATUS_OK);
    CHECK(openint_page_has_next(page, &has_next, &err) == OPENINT_STATUS_OK);
    CHECK(err == NULL);
    /* The accessors report what the server sent. */
    CHECKF(total == json_int(doc, "total"), "total %lld vs page json %lld", (long long)total,
           (long long)json_int(doc, "total"));
    CHECKF(limit == json_int(doc, "limit"), "limit %lld vs page json %lld", (long long)limit,
           (long long)json_int(doc, "limit"));
    CHECKF(offset == json_int(doc, "offset"), "offset %lld vs page json %lld", (long long)offset,
           (long long)json_int(doc, "offset"));
    /* ... and that is where this page was asked for. */
    CHECKF(offset == *idx, "page offset %lld, expected %d", (long long)offset, *idx);
    CHECKF(limit == page_size(l), "page limit %lld, expected %d", (long long)limit, page_size(l));
    CHECKF(n > 0, "an empty page was handed out");
    CHECKF(n <= (size_t)page_size(l), "page has %zu items, limit %d", n, page_size(l));
    /* A short page is the last one, whatever the envelope's has_next_page says. */
    CHECKF(has_next == (n == (size_t)page_size(l)), "has_next %d with %zu items at limit %d",
           (int)has_next, n, page_size(l));

    size_t search_from = 0;
    for (size_t i = 0; i < n; i++) {
        const char *ij = SENT(const char);
        size_t ilen = 0;
        OpenintStatus st = openint_page_item(page, i, &ij, &ilen, &err);
        CHECKF(st == OPENINT_STATUS_OK, "openint_page_item(%zu): %s", i, tk_status_str(st));
        if (st != OPENINT_STATUS_OK) break;
        check_item(l, *idx, ij, ilen, "page chain");
        /* The item is the page's own bytes, in order. */
        const char *at = (const char *)memmem(pj + search_from, plen - search_from, ij, ilen);
        CHECKF(at != NULL, "item %zu is not verbatim in the page json", i);
        if (at) search_from = (size_t)(at - pj) + ilen;
        /* It equals the page json's item as JSON too. */
        cJSON *got = cJSON_ParseWithLength(ij, ilen);
        CHECK(cJSON_Compare(got, cJSON_GetArrayItem(items, (int)i), 1));
        cJSON_Delete(got);
        if (names) names_add(names, ij, ilen);
        (*idx)++;
    }
    cJSON_Delete(doc);
}

/* Lists through openint_client_list_connectors + openint_page_next; returns items listed. */
static int list_pages(const OpenintClient *c, const listing *l) {
    char params[256];
    params_json(l, params, sizeof params);
    OpenintPage *page = SENT(OpenintPage);
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_list_connectors(c, params, &page, &err);
    int idx = first_index(l);
    name_set names;
    memset(&names, 0, sizeof names);
    if (expected_items(l) == 0) {
        /* An empty first page is still a page (only page_next turns emptiness into END). */
        CHECKF(st == OPENINT_STATUS_OK, "list %s: %s", params, tk_status_str(st));
        if (st == OPENINT_STATUS_OK) {
            size_t n = 9;
            CHECK(openint_page_item_count(page, &n, NULL) == OPENINT_STATUS_OK && n == 0);
            openint_page_free(page);
        }
        openint_error_free(err);
        return 0;
    }
    CHECKF(st == OPENINT_STATUS_OK, "list %s: %s %s", params, tk_status_str(st),
           err ? openint_error_message(err) : "");
    if (st != OPENINT_STATUS_OK) {
        openint_error_free(err);
        return 0;
    }
    int pages = 0;
    while (page) {
        pages++;
        check_page(page, l, &idx, &names);
        bool has_next = true;
        openint_page_has_next(page, &has_next, NULL);
        OpenintPage *next = SENT(OpenintPage);
        st = openint_page_next(page, 0, &next, &err);
        if (st == OPENINT_STATUS_END) {
            CHECK(next == SENT(OpenintPage));
            CHECK(err == NULL);
            openint_page_free(page);
            page = NULL;
        } else if (st == OPENINT_STATUS_OK) {
            CHECKF(has_next, "openint_page_next gave a page after has_next said false");
            openint_page_free(page);
            page = next;
        } else {
            tk_fail(__FILE__, __LINE__, "openint_page_next: %s: %s", tk_status_str(st),
                    openint_error_message(err));
            openint_error_free(err);
            err = NULL;
            openint_page_free(page);
            page = NULL;
        }
    }
    names_check_and_free(&names, l, "page chain");
    return idx - first_index(l);
}

/* Lists through the cursor until OPENINT_STATUS_END; returns items listed. */
static int list_cursor(const OpenintClient *c, const listing *l) {
    char params[256];
    params_json(l, params, sizeof params);
    OpenintCursor *cur = SENT(OpenintCursor);
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_list_connectors_cursor(c, params, &cur, &err);
    CHECKF(st == OPENINT_STATUS_OK, "cursor %s: %s", params, tk_status_str(st));
    if (st != OPENINT_STATUS_OK) {
        openint_error_free(err);
        return 0;
    }
    int idx = first_index(l);
    name_set names;
    memset(&names, 0, sizeof names);
    for (;;) {
        const char *item = SENT(const char);
        size_t len = 0;
        st = openint_cursor_next(cur, 0, &item, &len, &err);
        if (st == OPENINT_STATUS_END) {
            CHECK(item == SENT(const char) && err == NULL);
            break;
        }
        if (st != OPENINT_STATUS_OK) {
            tk_fail(__FILE__, __LINE__, "openint_cursor_next: %s: %s", tk_status_str(st),
                    openint_error_message(err));
            openint_error_free(err);
            break;
        }
        check_item(l, idx, item, len, "cursor");
        names_add(&names, item, len);
        idx++;
        if (idx > l->oracle->count + 5) {
            tk_fail(__FILE__, __LINE__, "cursor does not end");
            break;
        }
    }
    /* END again on every later call, with nothing written. */
    for (int k = 0; k < 2 && st == OPENINT_STATUS_END; k++) {
        const char *item = SENT(const char);
        size_t len = 4242;
        CHECK(openint_cursor_next(cur, 0, &item, &len, &err) == OPENINT_STATUS_END);
        CHECK(item == SENT(const char) && len == 4242 && err == NULL);
    }
    openint_cursor_free(cur);
    names_check_and_free(&names, l, "cursor");
    return idx - first_index(l);
}

/* The scenario's log must show exactly the pages a listing needs, at the right offsets. */
static void check_listing_log(const tk_scenario *s, const listing *l) {
    int per_page = page_size(l);
    /* Full pages, then one more: the short last page, or the empty page after a full one. */
    int want = expected_items(l) / per_page + 1;
    cJSON *log = tk_scenario_requests(s);
    CHECKF(cJSON_GetArraySize(log) == want, "limit %d offset %d: %d requests, expected %d", l->limit,
           l->offset, cJSON_GetArraySize(log), want);
    int k = 0;
    cJSON *req;
    cJSON_ArrayForEach(req, log) {
        cJSON *q = cJSON_GetObjectItemCaseSensitive(req, "query");
        const char *query = cJSON_IsString(q) ? q->valuestring : "";
        char v[64];
        if (l->limit >= 0)
            CHECKF(query_param(query, "limit", v, sizeof v) && atoi(v) == l->limit,
                   "request %d: query %s lacks limit=%d", k, query, l->limit);
        else
            CHECKF(!query_param(query, "limit", v, sizeof v), "request %d sent a limit: %s", k, query);
        int want_offset = first_index(l) + k * per_page;
        if (query_param(query, "offset", v, sizeof v))
            CHECKF(atoi(v) == want_offset, "request %d: query %s, expected offset %d", k, query, want_offset);
        else
            CHECKF(want_offset == 0, "request %d: query %s lacks offset=%d", k, query, want_offset);
        bool exp = query_param(query, "expand", v, sizeof v);
        CHECKF(exp == l->expand && (!exp || strcmp(v, "schemas") == 0), "request %d: expand in %s", k, query);
        k++;
    }
    cJSON_Delete(log);
}

/* ---- tests: listings ---------------------------------------------------------------------- */

static const int LIMITS[] = {1, 7, 50, 171, 3000};

static void test_list_pages_every_limit(void) {
    for (size_t i = 0; i < sizeof LIMITS / sizeof LIMITS[0]; i++) {
        tk_scenario s;
        new_scenario("{}", &s);
        OpenintClient *c = tk_client(s.base_url, NULL);
        listing l = {&oracle_plain, LIMITS[i], -1, false};
        int n = list_pages(c, &l);
        CHECKF(n == REGISTRY, "limit %d: page chain listed %d of %d", LIMITS[i], n, REGISTRY);
        check_listing_log(&s, &l);
        openint_client_free(c);
        tk_scenario_delete(&s);
    }
}

static void test_list_cursor_every_limit(void) {
    for (size_t i = 0; i < sizeof LIMITS / sizeof LIMITS[0]; i++) {
        tk_scenario s;
        new_scenario("{}", &s);
        OpenintClient *c = tk_client(s.base_url, NULL);
        listing l = {&oracle_plain, LIMITS[i], -1, false};
        int n = list_cursor(c, &l);
        CHECKF(n == REGISTRY, "limit %d: cursor listed %d of %d", LIMITS[i], n, REGISTRY);
        check_listing_log(&s, &l);
        openint_client_free(c);
        tk_scenario_delete(&s);
    }
}

static void test_list_expand_schemas(void) {
    tk_scenario s;
    new_scenario("{}", &s);
    OpenintClient *c = tk_client(s.base_url, NULL);
    listing l = {&oracle_expand, 50, -1, true};
    CHECK(list_cursor(c, &l) == REGISTRY);
    check_listing_log(&s, &l);
    tk_scenario_delete(&s);
    new_scenario("{}", &s);
    listing l2 = {&oracle_expand, 3000, -1, true};
    openint_client_free(c);
    c = tk_client(s.base_url, NULL);
    CHECK(list_pages(c, &l2) == REGISTRY);
    check_listing_log(&s, &l2);
    openint_client_free(c);
    tk_scenario_delete(&s);
}

static void test_list_default_params_and_offsets(void) {
    /* NULL params: the server's default page size (50) drives the paging. */
    tk_scenario s;
    new_scenario("{}", &s);
    OpenintClient *c = tk_client(s.base_url, NULL);
    OpenintCursor *cur = NULL;
    CHECK(openint_client_list_connectors_cursor(c, NULL, &cur, NULL) == OPENINT_STATUS_OK);
    int n = 0;
    const char *item;
    while (openint_cursor_next(cur, 0, &item, NULL, NULL) == OPENINT_STATUS_OK) n++;
    CHECKF(n == REGISTRY, "NULL params listed %d", n);
    openint_cursor_free(cur);
    listing dflt = {&oracle_plain, -1, -1, false};
    check_listing_log(&s, &dflt);
    tk_scenario_delete(&s);

    /* Starting offsets: mid-way, exactly at the end, past the end. */
    const int offsets[] = {100, 170, 171, 500};
    for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
        new_scenario("{}", &s);
        openint_client_free(c);
        c = tk_client(s.base_url, NULL);
        listing l = {&oracle_plain, 50, offsets[i], false};
        CHECKF(list_cursor(c, &l) == expected_items(&l), "offset %d", offsets[i]);
        check_listing_log(&s, &l);
        tk_scenario_delete(&s);
        new_scenario("{}", &s);
        openint_client_free(c);
        c = tk_client(s.base_url, NULL);
        CHECKF(list_pages(c, &l) == expected_items(&l), "offset %d", offsets[i]);
        tk_scenario_delete(&s);
    }
    openint_client_free(c);
}

static void test_list_spec_mode_and_gzip(void) {
    /* The honest envelope of openapi.json, and gzip bodies: the listing is the same. */
    const char *configs[] = {"{\"mode\":\"spec\"}", "{\"gzip\":true}"};
    for (size_t i = 0; i < 2; i++) {
        tk_scenario s;
        new_scenario(configs[i], &s);
        OpenintClient *c = tk_client(s.base_url, NULL);
        listing l = {&oracle_plain, 50, -1, false};
        CHECKF(list_pages(c, &l) == REGISTRY, "%s", configs[i]);
        check_listing_log(&s, &l);
        openint_client_free(c);
        tk_scenario_delete(&s);
    }
}

static void test_page_and_cursor_outlive_client(void) {
    tk_scenario s;
    new_scenario("{}", &s);
    OpenintClient *c = tk_client(s.base_url, NULL);
    OpenintPage *page = NULL;
    OpenintCursor *cur = NULL;
    CHECK(openint_client_list_connectors(c, "{\"limit\":100}", &page, NULL) == OPENINT_STATUS_OK);
    CHECK(openint_client_list_connectors_cursor(c, "{\"limit\":100}", &cur, NULL) == OPENINT_STATUS_OK);
    openint_client_free(c);
    OpenintPage *next = NULL;
    CHECK(openint_page_next(page, 0, &next, NULL) == OPENINT_STATUS_OK);
    size_t n = 0;
    CHECK(openint_page_item_count(next, &n, NULL) == OPENINT_STATUS_OK && n == REGISTRY - 100);
    const char *item;
    int count = 0;
    while (openint_cursor_next(cur, 0, &item, NULL, NULL) == OPENINT_STATUS_OK) count++;
    CHECKF(count == REGISTRY, "cursor after client free listed %d", count);
    openint_page_free(next);
    openint_page_free(page);
    openint_cursor_free(cur);
    tk_scenario_delete(&s);
}

/* ---- tests: bad input --------------------------------------------------------------------- */

typedef struct {
    const char *params;
    const char *needle1, *needle2; /* the message must name these */
} bad_params;

static const bad_params BAD_PARAMS[] = {
    {"{\"limit\":", "params", "JSON"},
    {"{\"limt\":5}", "limt", "unknown"},
    {"{\"limit\":5000}", "\"limit\"", "3000"},
    {"{\"limit\":-1}", "\"limit\"", NULL},
    {"{\"limit\":1.5}", "\"limit\"", NULL},
    {"{\"limit\":\"7\"}", "\"limit\"", NULL},
    {"{\"offset\":-3}", "\"offset\"", NULL},
    {"{\"expand\":[\"bogus\"]}", "\"expand\"", "bogus"},
    {"{\"expand\":[1]}", "\"expand\"", NULL},
    {"{\"timeout\":0}", "\"timeout\"", NULL},
    {"[1]", "params", "object"},
    {"\"limit\"", "params", "object"},
    {"{\"limit\":10} x", "params", "JSON"},
    {"\xff\xfe", "params_json", "UTF-8"},
};

static void test_bad_params_fail_before_any_request(void) {
    tk_scenario s;
    new_scenario("{}", &s);
    OpenintClient *c = tk_client(s.base_url, NULL);
    for (size_t i = 0; i < sizeof BAD_PARAMS / sizeof BAD_PARAMS[0]; i++) {
        const bad_params *b = &BAD_PARAMS[i];
        OpenintPage *page = SENT(OpenintPage);
        OpenintError *err = NULL;
        OpenintStatus st = openint_client_list_connectors(c, b->params, &page, &err);
        expect_invalid(st, err, b->params, b->needle1, b->needle2);
        CHECKF(page == SENT(OpenintPage), "%s: page_out written on failure", b->params);
        openint_error_free(err);

        OpenintCursor *cur = SENT(OpenintCursor);
        err = NULL;
        st = openint_client_list_connectors_cursor(c, b->params, &cur, &err);
        expect_invalid(st, err, b->params, b->needle1, b->needle2);
        CHECKF(cur == SENT(OpenintCursor), "%s: cursor_out written on failure", b->params);
        openint_error_free(err);
    }

    /* Bad per-call timeouts of the next functions: also refused before any request. */
    OpenintCursor *cur = NULL;
    CHECK(openint_client_list_connectors_cursor(c, "{\"limit\":5}", &cur, NULL) == OPENINT_STATUS_OK);
    /* INFINITY is valid: "no bound but the client's total_timeout". */
    const double bad_timeouts[] = {-1.0, NAN, -INFINITY, 1e12};
    for (size_t i = 0; i < 4; i++) {
        const char *item = SENT(const char);
        OpenintError *err = NULL;
        OpenintStatus st = openint_cursor_next(cur, bad_timeouts[i], &item, NULL, &err);
        expect_invalid(st, err, "cursor_next timeout", "timeout", NULL);
        CHECK(item == SENT(const char));
        openint_error_free(err);
    }
    openint_cursor_free(cur);
    CHECKF(tk_scenario_request_count(&s) == 0, "bad input reached the server: %d requests",
           tk_scenario_request_count(&s));

    OpenintPage *page = NULL;
    CHECK(openint_client_list_connectors(c, "{\"limit\":5}", &page, NULL) == OPENINT_STATUS_OK);
    for (size_t i = 0; i < 4; i++) {
        OpenintPage *next = SENT(OpenintPage);
        OpenintError *err = NULL;
        OpenintStatus st = openint_page_next(page, bad_timeouts[i], &next, &err);
        expect_invalid(st, err, "page_next timeout", "timeout", NULL);
        CHECK(next == SENT(OpenintPage));
        openint_error_free(err);
    }
    /* Index out of range. */
    const char *json = SENT(const char);
    size_t len = 99;
    OpenintError *err = NULL;
    OpenintStatus st = openint_page_item(page, 5, &json, &len, &err);
    expect_invalid(st, err, "page_item(5) of 5", "index", NULL);
    CHECK(json == SENT(const char) && len == 99);
    openint_error_free(err);
    /* len_out may be NULL. */
    CHECK(openint_page_item(page, 4, &json, NULL, NULL) == OPENINT_STATUS_OK && json != SENT(const char));
    CHECK(openint_page_json(page, &json, NULL, NULL) == OPENINT_STATUS_OK);
    openint_page_free(page);
    CHECKF(tk_scenario_request_count(&s) == 1, "expected only the one good request, got %d",
           tk_scenario_request_count(&s));
    openint_client_free(c);
    tk_scenario_delete(&s);
}

static void test_bad_client_options(void) {
    const struct {
        const char *opts, *n1, *n2;
    } cases[] = {
        {"{\"base_url\":", "options", "JSON"},
        {"{\"bse_url\":\"http://127.0.0.1:1\"}", "bse_url", "unknown"},
        {"{\"timeout\":-1}", "\"timeout\"", NULL},
        {"{\"max_retries\":\"2\"}", "\"max_retries\"", NULL},
        {"{\"base_url\":\"ftp://example\"}", "base_url", NULL},
        {"{\"base_url\":\"not a url\"}", "base_url", NULL},
        {"{\"default_headers\":{\"Authorization\":\"x\"}}", "Authorization", NULL},
        {"{\"token\":\"a\\u0001b\"}", "token", NULL},
        {"[]", "options", "object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        OpenintClient *c = SENT(OpenintClient);
        OpenintError *err = NULL;
        OpenintStatus st = openint_client_new(cases[i].opts, &c, &err);
        expect_invalid(st, err, cases[i].opts, cases[i].n1, cases[i].n2);
        CHECKF(c == SENT(OpenintClient), "%s: client_out written on failure", cases[i].opts);
        /* The secret is never echoed. */
        CHECK(!has_text(openint_error_message(err), "a\001b"));
        openint_error_free(err);
    }
    /* NULL options: all defaults, which is a valid client. */
    OpenintClient *c = NULL;
    CHECK(openint_client_new(NULL, &c, NULL) == OPENINT_STATUS_OK && c != NULL);
    openint_client_free(c);
}

static void test_null_handles_and_pointers(void) {
    tk_scenario s;
    new_scenario("{}", &s);
    OpenintClient *c = tk_client(s.base_url, NULL);
    OpenintPage *page = NULL;
    OpenintCursor *cur = NULL;
    CHECK(openint_client_list_connectors(c, "{\"limit\":3}", &page, NULL) == OPENINT_STATUS_OK);
    CHECK(openint_client_list_connectors_cursor(c, "{\"limit\":3}", &cur, NULL) == OPENINT_STATUS_OK);
    int requests_before = tk_scenario_request_count(&s);

    OpenintError *err;
    size_t sz = 11;
    int64_t i64 = 12;
    bool b = true;
    const char *str = SENT(const char);
    OpenintPage *p2 = SENT(OpenintPage);
    OpenintCursor *c2 = SENT(OpenintCursor);

#define EXPECT_NULL_ARG(call, name)                                            \
    do {                                                                       \
        err = NULL;                                                            \
        OpenintStatus st_ = (call);                                            \
        expect_invalid(st_, err, #call, name " is NULL", NULL);                \
        openint_error_free(err);                                               \
        /* err_out itself may be NULL too. */                                  \
    } while (0)

    EXPECT_NULL_ARG(openint_client_new(NULL, NULL, &err), "client_out");
    EXPECT_NULL_ARG(openint_client_list_connectors(NULL, NULL, &p2, &err), "client");
    EXPECT_NULL_ARG(openint_client_list_connectors(c, NULL, NULL, &err), "page_out");
    EXPECT_NULL_ARG(openint_client_list_connectors_cursor(NULL, NULL, &c2, &err), "client");
    EXPECT_NULL_ARG(openint_client_list_connectors_cursor(c, NULL, NULL, &err), "cursor_out");
    EXPECT_NULL_ARG(openint_page_item_count(NULL, &sz, &err), "page");
    EXPECT_NULL_ARG(openint_page_item_count(page, NULL, &err), "count_out");
    EXPECT_NULL_ARG(openint_page_item(NULL, 0, &str, &sz, &err), "page");
    EXPECT_NULL_ARG(openint_page_item(page, 0, NULL, &sz, &err), "json_out");
    EXPECT_NULL_ARG(openint_page_json(NULL, &str, &sz, &err), "page");
    EXPECT_NULL_ARG(openint_page_json(page, NULL, &sz, &err), "json_out");
    EXPECT_NULL_ARG(openint_page_total(NULL, &i64, &err), "page");
    EXPECT_NULL_ARG(openint_page_total(page, NULL, &err), "total_out");
    EXPECT_NULL_ARG(openint_page_limit(NULL, &i64, &err), "page");
    EXPECT_NULL_ARG(openint_page_limit(page, NULL, &err), "limit_out");
    EXPECT_NULL_ARG(openint_page_offset(NULL, &i64, &err), "page");
    EXPECT_NULL_ARG(openint_page_offset(page, NULL, &err), "offset_out");
    EXPECT_NULL_ARG(openint_page_has_next(NULL, &b, &err), "page");
    EXPECT_NULL_ARG(openint_page_has_next(page, NULL, &err), "has_next_out");
    EXPECT_NULL_ARG(openint_page_next(NULL, 0, &p2, &err), "page");
    EXPECT_NULL_ARG(openint_page_next(page, 0, NULL, &err), "next_out");
    EXPECT_NULL_ARG(openint_cursor_next(NULL, 0, &str, &sz, &err), "cursor");
    EXPECT_NULL_ARG(openint_cursor_next(cur, 0, NULL, &sz, &err), "item_out");
#undef EXPECT_NULL_ARG

    /* Nothing was written through the valid out-pointers. */
    CHECK(sz == 11 && i64 == 12 && b == true && str == SENT(const char));
    CHECK(p2 == SENT(OpenintPage) && c2 == SENT(OpenintCursor));

    /* err_out NULL: the status alone. */
    CHECK(openint_page_item_count(NULL, &sz, NULL) == OPENINT_STATUS_INVALID_ARGUMENT);
    CHECK(openint_cursor_next(NULL, 0, &str, NULL, NULL) == OPENINT_STATUS_INVALID_ARGUMENT);
    CHECK(openint_client_new(NULL, NULL, NULL) == OPENINT_STATUS_INVALID_ARGUMENT);

    /* Error accessors accept NULL. */
    CHECK(openint_error_kind(NULL) == OPENINT_STATUS_OK);
    CHECK(openint_error_http_status(NULL) == 0);
    CHECK(openint_error_message(NULL) == NULL);
    CHECK(openint_error_code(NULL) == NULL);
    CHECK(openint_error_body(NULL) == NULL);
    CHECK(openint_error_request_id(NULL) == NULL);
    CHECK(openint_error_retries(NULL) == 0);

    /* None of it reached the server. */
    CHECKF(tk_scenario_request_count(&s) == requests_before, "NULL arguments made requests");

    /* A success leaves *err_out alone. */
    err = SENT(OpenintError);
    CHECK(openint_page_item_count(page, &sz, &err) == OPENINT_STATUS_OK && sz == 3);
    CHECK(err == SENT(OpenintError));

    openint_page_free(page);
    openint_cursor_free(cur);
    openint_client_free(c);
    tk_scenario_delete(&s);
}

static void test_free_null_is_noop(void) {
    openint_client_free(NULL);
    openint_page_free(NULL);
    openint_cursor_free(NULL);
    openint_error_free(NULL);
    CHECK(true); /* reaching here is the test: none of them crashed */
}

static void test_version_and_status_names(void) {
    const char *v = openint_version();
    CHECK(v != NULL);
#ifdef OPENINT_EXPECTED_VERSION
    CHECKF(v && strcmp(v, OPENINT_EXPECTED_VERSION) == 0, "version %s, Cargo.toml says %s", v,
           OPENINT_EXPECTED_VERSION);
#endif
    CHECK(openint_version() == v); /* static */
    CHECKF(openint_abi_version() == OPENINT_ABI_VERSION, "library ABI %u, header ABI %u",
           openint_abi_version(), (unsigned)OPENINT_ABI_VERSION);

    /* END is not an error and is not any error's number. */
    const uint32_t statuses[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 100};
    const size_t ns = sizeof statuses / sizeof statuses[0];
    for (size_t i = 0; i < ns; i++) {
        const char *name = openint_status_name(statuses[i]);
        CHECKF(name && strcmp(name, "unknown") != 0, "status %u has no name", statuses[i]);
        for (size_t j = 0; j < i; j++)
            CHECKF(strcmp(name, openint_status_name(statuses[j])) != 0, "statuses %u and %u share %s",
                   statuses[i], statuses[j], name);
    }
    CHECK(strcmp(openint_status_name(OPENINT_STATUS_OK), "ok") == 0);
    CHECK(strcmp(openint_status_name(OPENINT_STATUS_END), "end") == 0);
    CHECK(strcmp(openint_status_name(OPENINT_STATUS_NOT_FOUND), "not_found") == 0);
    CHECK(strcmp(openint_status_name(OPENINT_STATUS_CANCELLED), "cancelled") == 0);
    CHECK(strcmp(openint_status_name(18), "unknown") == 0);
    CHECK(strcmp(openint_status_name(99), "unknown") == 0);
    CHECK(strcmp(openint_status_name(0xffffffffu), "unknown") == 0);
    CHECK(OPENINT_STATUS_END != OPENINT_STATUS_OK && OPENINT_STATUS_END > OPENINT_STATUS_INTERNAL);
}

/* ---- tests: server errors ----------------------------------------------------------------- */

static void test_http_error_statuses(void) {
    const struct {
        int http;
        OpenintStatus want;
    } cases[] = {
        {400, OPENINT_STATUS_BAD_REQUEST},        {401, OPENINT_STATUS_AUTHENTICATION},
        {403, OPENINT_STATUS_PERMISSION_DENIED},  {404, OPENINT_STATUS_NOT_FOUND},
        {409, OPENINT_STATUS_CONFLICT},           {422, OPENINT_STATUS_UNPROCESSABLE_ENTITY},
        {429, OPENINT_STATUS_RATE_LIMITED},       {500, OPENINT_STATUS_INTERNAL_SERVER},
        {503, OPENINT_STATUS_INTERNAL_SERVER},    {418, OPENINT_STATUS_API_STATUS},
        {410, OPENINT_STATUS_API_STATUS},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char cfg[64], what[64];
        snprintf(cfg, sizeof cfg, "{\"status\":%d}", cases[i].http);
        snprintf(what, sizeof what, "HTTP %d", cases[i].http);
        tk_scenario s;
        new_scenario(cfg, &s);
        OpenintClient *c = tk_client(s.base_url, "\"max_retries\":0");
        OpenintPage *page = SENT(OpenintPage);
        OpenintError *err = NULL;
        OpenintStatus st = openint_client_list_connectors(c, "{\"limit\":10}", &page, &err);
        expect_api_error(st, err, cases[i].want, cases[i].http, what);
        CHECK(page == SENT(OpenintPage));
        CHECK(openint_error_retries(err) == 0);
        openint_error_free(err);
        /* Through the cursor too. */
        OpenintCursor *cur = NULL;
        CHECK(openint_client_list_connectors_cursor(c, "{\"limit\":10}", &cur, NULL) == OPENINT_STATUS_OK);
        const char *item = SENT(const char);
        err = NULL;
        st = openint_cursor_next(cur, 0, &item, NULL, &err);
        expect_api_error(st, err, cases[i].want, cases[i].http, what);
        CHECK(item == SENT(const char));
        openint_error_free(err);
        openint_cursor_free(cur);
        CHECKF(tk_scenario_request_count(&s) == 2, "%s: %d requests with max_retries 0", what,
               tk_scenario_request_count(&s));
        openint_client_free(c);
        tk_scenario_delete(&s);
    }
}

static void test_auth_and_not_found(void) {
    tk_scenario s;
    new_scenario("{\"token\":\"c-test-token\"}", &s);

    /* 401: a wrong token; it was sent as a bearer token, and is never echoed in the message. */
    OpenintClient *c = tk_client(s.base_url, "\"token\":\"wrong-c-token\",\"max_retries\":0");
    OpenintPage *page = SENT(OpenintPage);
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_list_connectors(c, NULL, &page, &err);
    expect_api_error(st, err, OPENINT_STATUS_AUTHENTICATION, 401, "wrong token");
    CHECK(!has_text(openint_error_message(err), "wrong-c-token"));
    CHECK(page == SENT(OpenintPage));
    openint_error_free(err);
    openint_client_free(c);
    cJSON *log = tk_scenario_requests(&s);
    cJSON *hdrs = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(log, 0), "headers");
    cJSON *auth = cJSON_GetObjectItemCaseSensitive(hdrs, "authorization");
    CHECKF(cJSON_IsString(auth) && strcmp(auth->valuestring, "Bearer wrong-c-token") == 0,
           "authorization header sent: %s", cJSON_IsString(auth) ? auth->valuestring : "(none)");
    cJSON_Delete(log);

    /* A server that echoes the token back: it is scrubbed from the message and the body. */
    tk_scenario echo;
    new_scenario("{\"fail\":{\"times\":1,\"status\":401,\"body\":"
                 "\"{\\\"message\\\":\\\"bad token wrong-c-token\\\",\\\"code\\\":\\\"UNAUTHORIZED\\\"}\"}}",
                 &echo);
    c = tk_client(echo.base_url, "\"token\":\"wrong-c-token\",\"max_retries\":0");
    err = NULL;
    st = openint_client_list_connectors(c, NULL, &page, &err);
    CHECK(st == OPENINT_STATUS_AUTHENTICATION && openint_error_http_status(err) == 401);
    CHECKF(openint_error_message(err) && !has_text(openint_error_message(err), "wrong-c-token") &&
               has_text(openint_error_message(err), "bad token"),
           "message %s", openint_error_message(err));
    CHECKF(openint_error_body(err) && !has_text(openint_error_body(err), "wrong-c-token"), "body %s",
           openint_error_body(err));
    openint_error_free(err);
    openint_client_free(c);
    tk_scenario_delete(&echo);

    /* 403: no token at all (an explicit empty token overrides OPENINT_API_KEY). */
    c = tk_client(s.base_url, "\"token\":\"\",\"max_retries\":0");
    err = NULL;
    st = openint_client_list_connectors(c, NULL, &page, &err);
    expect_api_error(st, err, OPENINT_STATUS_PERMISSION_DENIED, 403, "no token");
    openint_error_free(err);
    openint_client_free(c);

    /* The right token lists everything. */
    c = tk_client(s.base_url, "\"token\":\"c-test-token\"");
    listing l = {&oracle_plain, 100, -1, false};
    CHECK(list_cursor(c, &l) == REGISTRY);
    openint_client_free(c);
    tk_scenario_delete(&s);

    /* 404: a path the server does not know. */
    new_scenario("{}", &s);
    char bad_base[300];
    snprintf(bad_base, sizeof bad_base, "%s", s.base_url);
    size_t bl = strlen(bad_base);
    if (bl >= 3 && strcmp(bad_base + bl - 3, "/v1") == 0) strcpy(bad_base + bl - 3, "/v9");
    c = tk_client(bad_base, "\"max_retries\":0");
    err = NULL;
    st = openint_client_list_connectors(c, NULL, &page, &err);
    expect_api_error(st, err, OPENINT_STATUS_NOT_FOUND, 404, "unknown path");
    openint_error_free(err);
    openint_client_free(c);
    tk_scenario_delete(&s);
}

static void test_retries_and_request_id(void) {
    /* 500s are retried: max_retries 2 means three requests, and the error counts the retries.
     * retry-after-ms keeps the back-off short. */
    tk_scenario s;
    new_scenario("{\"status\":500,\"error_headers\":{\"retry-after-ms\":\"5\",\"x-request-id\":\"req-c-500\"}}", &s);
    OpenintClient *c = tk_client(s.base_url, "\"max_retries\":2");
    OpenintPage *page = SENT(OpenintPage);
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_list_connectors(c, NULL, &page, &err);
    expect_api_error(st, err, OPENINT_STATUS_INTERNAL_SERVER, 500, "500 after retries");
    CHECKF(openint_error_retries(err) == 2, "retries %u", openint_error_retries(err));
    CHECK(openint_error_request_id(err) && strcmp(openint_error_request_id(err), "req-c-500") == 0);
    CHECKF(tk_scenario_request_count(&s) == 3, "%d requests", tk_scenario_request_count(&s));
    openint_error_free(err);
    openint_client_free(c);
    tk_scenario_delete(&s);

    /* Two failures, then success: the call succeeds. */
    new_scenario("{\"fail\":{\"times\":2,\"status\":503,\"headers\":{\"retry-after-ms\":\"5\"}}}", &s);
    c = tk_client(s.base_url, "\"max_retries\":2");
    page = NULL;
    CHECK(openint_client_list_connectors(c, "{\"limit\":171}", &page, NULL) == OPENINT_STATUS_OK);
    size_t n = 0;
    CHECK(openint_page_item_count(page, &n, NULL) == OPENINT_STATUS_OK && n == REGISTRY);
    openint_page_free(page);
    CHECK(tk_scenario_request_count(&s) == 3);
    openint_client_free(c);
    tk_scenario_delete(&s);

    /* `request-id` is read as well as `x-request-id`. */
    new_scenario("{\"status\":404,\"error_headers\":{\"request-id\":\"rid-404\"}}", &s);
    c = tk_client(s.base_url, "\"max_retries\":0");
    err = NULL;
    st = openint_client_list_connectors(c, NULL, &page, &err);
    CHECK(st == OPENINT_STATUS_NOT_FOUND);
    CHECK(openint_error_request_id(err) && strcmp(openint_error_request_id(err), "rid-404") == 0);
    openint_error_free(err);
    openint_client_free(c);
    tk_scenario_delete(&s);
}

static void test_cursor_retries_failed_page(void) {
    /* The first request fails; calling next again retries that page and the listing goes on. */
    tk_scenario s;
    new_scenario("{\"fail\":{\"times\":1,\"status\":503}}", &s);
    OpenintClient *c = tk_client(s.base_url, "\"max_retries\":0");
    OpenintCursor *cur = NULL;
    CHECK(openint_client_list_connectors_cursor(c, "{\"limit\":20}", &cur, NULL) == OPENINT_STATUS_OK);
    const char *item = SENT(const char);
    size_t len = 0;
    OpenintError *err = NULL;
    OpenintStatus st = openint_cursor_next(cur, 0, &item, &len, &err);
    expect_api_error(st, err, OPENINT_STATUS_INTERNAL_SERVER, 503, "first page");
    CHECK(item == SENT(const char));
    openint_error_free(err);
    int idx = 0;
    listing l = {&oracle_plain, 20, -1, false};
    while ((st = openint_cursor_next(cur, 0, &item, &len, NULL)) == OPENINT_STATUS_OK) {
        check_item(&l, idx, item, len, "cursor after a retry");
        idx++;
    }
    CHECK(st == OPENINT_STATUS_END);
    CHECKF(idx == REGISTRY, "listed %d after the retry", idx);
    openint_cursor_free(cur);
    openint_client_free(c);
    tk_scenario_delete(&s);
}

static int closed_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0x7f000001);
    a.sin_port = 0;
    socklen_t al = sizeof a;
    bind(fd, (struct sockaddr *)&a, sizeof a);
    getsockname(fd, (struct sockaddr *)&a, &al);
    close(fd); /* nobody listens there now */
    return ntohs(a.sin_port);
}

static void test_transport_failures(void) {
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", closed_port());
    OpenintClient *c = tk_client(url, "\"max_retries\":0,\"connect_timeout\":2");
    OpenintPage *page = SENT(OpenintPage);
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_list_connectors(c, NULL, &page, &err);
    expect_transport_error(st, err, OPENINT_STATUS_CONNECTION, "closed port");
    CHECK(page == SENT(OpenintPage));
    openint_error_free(err);
    openint_client_free(c);

    const struct {
        const char *config;
        OpenintStatus want;
    } cases[] = {
        {"{\"fail\":{\"times\":5,\"status\":\"drop\"}}", OPENINT_STATUS_CONNECTION},
        {"{\"truncate\":true}", OPENINT_STATUS_CONNECTION},
        {"{\"non_json\":true}", OPENINT_STATUS_DECODE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tk_scenario s;
        new_scenario(cases[i].config, &s);
        c = tk_client(s.base_url, "\"max_retries\":0");
        err = NULL;
        st = openint_client_list_connectors(c, NULL, &page, &err);
        expect_transport_error(st, err, cases[i].want, cases[i].config);
        openint_error_free(err);
        openint_client_free(c);
        tk_scenario_delete(&s);
    }

    /* A per-call timeout bounds a slow answer. */
    tk_scenario s;
    new_scenario("{\"latency_ms\":3000}", &s);
    c = tk_client(s.base_url, "\"max_retries\":0");
    err = NULL;
    double t0 = tk_now();
    st = openint_client_list_connectors(c, "{\"timeout\":0.4}", &page, &err);
    double dt = tk_now() - t0;
    expect_transport_error(st, err, OPENINT_STATUS_TIMEOUT, "latency 3 s, timeout 0.4 s");
    CHECKF(dt < 2.5, "the call took %.2f s despite a 0.4 s timeout", dt);
    openint_error_free(err);
    openint_client_free(c);
    tk_scenario_delete(&s);

    /* A server that ignores offset: the chain stops with DECODE instead of looping forever. */
    new_scenario("{\"ignore_offset\":true}", &s);
    c = tk_client(s.base_url, "\"max_retries\":0");
    OpenintCursor *cur = NULL;
    CHECK(openint_client_list_connectors_cursor(c, "{\"limit\":50}", &cur, NULL) == OPENINT_STATUS_OK);
    const char *item;
    int n = 0;
    err = NULL;
    while ((st = openint_cursor_next(cur, 0, &item, NULL, &err)) == OPENINT_STATUS_OK && n < 1000) n++;
    expect_transport_error(st, err, OPENINT_STATUS_DECODE, "ignore_offset");
    CHECKF(n == 50, "ignore_offset: %d items before the error", n);
    openint_error_free(err);
    openint_cursor_free(cur);
    openint_client_free(c);
    tk_scenario_delete(&s);
}

static void test_redirects(void) {
    /* Same origin: followed. */
    tk_scenario s;
    new_scenario("{\"redirect\":\"same_origin\"}", &s);
    OpenintClient *c = tk_client(s.base_url, "\"max_retries\":0");
    OpenintPage *page = NULL;
    CHECK(openint_client_list_connectors(c, "{\"limit\":171}", &page, NULL) == OPENINT_STATUS_OK);
    size_t n = 0;
    CHECK(page && openint_page_item_count(page, &n, NULL) == OPENINT_STATUS_OK && n == REGISTRY);
    openint_page_free(page);
    openint_client_free(c);
    tk_scenario_delete(&s);

    /* Another origin: refused, and the token never goes there. */
    new_scenario("{\"redirect\":\"other_origin\"}", &s);
    c = tk_client(s.base_url, "\"max_retries\":0,\"token\":\"redirect-secret\"");
    OpenintError *err = NULL;
    page = SENT(OpenintPage);
    OpenintStatus st = openint_client_list_connectors(c, NULL, &page, &err);
    CHECKF(st == OPENINT_STATUS_API_STATUS && openint_error_http_status(err) == 302,
           "cross-origin redirect: %s http %u", tk_status_str(st), (unsigned)openint_error_http_status(err));
    CHECK(page == SENT(OpenintPage));
    openint_error_free(err);
    cJSON *log = tk_scenario_requests(&s);
    cJSON *req;
    cJSON_ArrayForEach(req, log) {
        cJSON *port = cJSON_GetObjectItemCaseSensitive(req, "port");
        CHECKF(cJSON_IsString(port) && strcmp(port->valuestring, "main") == 0,
               "a request went to the other origin");
    }
    cJSON_Delete(log);
    openint_client_free(c);
    tk_scenario_delete(&s);
}

/* ---- threads ------------------------------------------------------------------------------ */

#define THREADS 8

typedef struct {
    const OpenintClient *client;
    int index;
    int listed;
} thread_arg;

static void *thread_main(void *p) {
    thread_arg *a = (thread_arg *)p;
    listing l = {&oracle_plain, 7, -1, false};
    /* Half the threads use the cursor, half the page chain: both share the client's pool. */
    a->listed = (a->index % 2) ? list_pages(a->client, &l) : list_cursor(a->client, &l);
    return NULL;
}

static void test_threads_share_one_client(void) {
    tk_scenario s;
    new_scenario("{}", &s);
    OpenintClient *c = tk_client(s.base_url, NULL);
    pthread_t th[THREADS];
    thread_arg args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i].client = c;
        args[i].index = i;
        args[i].listed = -1;
        CHECK(pthread_create(&th[i], NULL, thread_main, &args[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        CHECKF(args[i].listed == REGISTRY, "thread %d listed %d", i, args[i].listed);
    }
    /* Each thread: 24 full pages of 7 and one short page. */
    CHECKF(tk_scenario_request_count(&s) == THREADS * (REGISTRY / 7 + 1), "%d requests",
           tk_scenario_request_count(&s));
    openint_client_free(c);
    tk_scenario_delete(&s);
}

/* ---- main --------------------------------------------------------------------------------- */

int main(int argc, char **argv) {
    const char *url = getenv("OPENINT_TESTSERVER_URL");
    const char *bin = getenv("OPENINT_TESTSERVER_BIN");
    const char *label = "C tests";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--server-url") && i + 1 < argc) url = argv[++i];
        else if (!strcmp(argv[i], "--server-bin") && i + 1 < argc) bin = argv[++i];
        else if (!strcmp(argv[i], "--label") && i + 1 < argc) label = argv[++i];
        else if (!strcmp(argv[i], "--filter") && i + 1 < argc) tk_set_filter(argv[++i]);
        else if (!strcmp(argv[i], "--examples-dir") && i + 1 < argc) examples_set_dir(argv[++i]);
        else {
            fprintf(stderr, "usage: %s [--server-url URL | --server-bin PATH] [--label L] [--filter S] [--examples-dir D]\n",
                    argv[0]);
            return 2;
        }
    }
    if (!tk_server_init(url, bin, NULL)) {
        fprintf(stderr, "no test server: give --server-url or --server-bin\n");
        return 2;
    }
    if (!tk_oracle_get(REGISTRY, false, &oracle_plain) || !tk_oracle_get(REGISTRY, true, &oracle_expand) ||
        oracle_plain.count != REGISTRY || oracle_expand.count != REGISTRY) {
        fprintf(stderr, "cannot read the registry oracle\n");
        return 2;
    }
    printf("# %s: openint %s (ABI %u), server %s\n", label, openint_version(), openint_abi_version(),
           tk_server_root());

    tk_run("version_and_status_names", test_version_and_status_names);
    tk_run("free_null_is_noop", test_free_null_is_noop);
    tk_run("null_handles_and_pointers", test_null_handles_and_pointers);
    tk_run("bad_client_options", test_bad_client_options);
    tk_run("bad_params_fail_before_any_request", test_bad_params_fail_before_any_request);
    tk_run("list_pages_every_limit", test_list_pages_every_limit);
    tk_run("list_cursor_every_limit", test_list_cursor_every_limit);
    tk_run("list_expand_schemas", test_list_expand_schemas);
    tk_run("list_default_params_and_offsets", test_list_default_params_and_offsets);
    tk_run("list_spec_mode_and_gzip", test_list_spec_mode_and_gzip);
    tk_run("page_and_cursor_outlive_client", test_page_and_cursor_outlive_client);
    tk_run("http_error_statuses", test_http_error_statuses);
    tk_run("auth_and_not_found", test_auth_and_not_found);
    tk_run("retries_and_request_id", test_retries_and_request_id);
    tk_run("cursor_retries_failed_page", test_cursor_retries_failed_page);
    tk_run("transport_failures", test_transport_failures);
    tk_run("redirects", test_redirects);
    tk_run("threads_share_one_client", test_threads_share_one_client);

    suite_operations();
    suite_listings();
    suite_responses();
    suite_options();
    suite_cancel();
    suite_logging();
    suite_misuse();
    suite_hostile();
    suite_examples();

    tk_oracle_free(&oracle_plain);
    tk_oracle_free(&oracle_expand);
    int rc = tk_summary(label);
    tk_server_stop();
    return rc;
}
