/*
 * OpenAPI conformance of the requests the openint core sends, checked by Prism (a validating
 * mock of tests/data/openint/openapi.json, started by run.sh with --errors).
 *
 *   --mode static    every parameter combination through openint_client_list_connectors:
 *                    Prism must accept each request (it answers 400/401/422 when it rejects).
 *   --mode dynamic   the same combinations through the cursor against `prism mock -d`, whose
 *                    pages are random (often `items: []` with `has_next_page: true`, absurd
 *                    `limit`/`offset` echoes): the cursor must end, without an error.
 *   --mode negative  a request the spec forbids (no token): it must come back as an error,
 *                    which proves a rejection would be seen. run.sh also checks that it shows
 *                    up in Prism's log, so the log check itself is known to work.
 *
 * usage: conformance --base-url URL --mode static|dynamic|negative [--label L]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openint.h"
#include "testkit.h"

static const char *base_url;
static OpenintClient *client;

/* limit absent/0/1/50/3000 x offset absent/0/10 x expand absent/[]/["schemas"] */
static const char *LIMITS[] = {NULL, "0", "1", "50", "3000"};
static const char *OFFSETS[] = {NULL, "0", "10"};
static const char *EXPANDS[] = {NULL, "[]", "[\"schemas\"]"};

static char params[256]; /* the combination the current test uses */

static void build_params(const char *limit, const char *offset, const char *expand) {
    int n = snprintf(params, sizeof params, "{");
    if (limit) n += snprintf(params + n, sizeof params - (size_t)n, "\"limit\":%s,", limit);
    if (offset) n += snprintf(params + n, sizeof params - (size_t)n, "\"offset\":%s,", offset);
    if (expand) n += snprintf(params + n, sizeof params - (size_t)n, "\"expand\":%s,", expand);
    if (params[n - 1] == ',') n--;
    snprintf(params + n, sizeof params - (size_t)n, "}");
}

static void report_error(OpenintStatus st, OpenintError *err) {
    tk_fail(__FILE__, __LINE__, "params %s: %s (HTTP %u): %s\n      body: %.300s", params,
            tk_status_str(st), (unsigned)openint_error_http_status(err), openint_error_message(err),
            openint_error_body(err) ? openint_error_body(err) : "");
}

/* One page; Prism must accept the request and the page must be well-formed. */
static void test_static_combination(void) {
    OpenintPage *page = NULL;
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_list_connectors(client, params, &page, &err);
    if (st != OPENINT_STATUS_OK) {
        report_error(st, err);
        openint_error_free(err);
        return;
    }
    size_t n = 0, len = 0;
    const char *json = NULL;
    CHECK(openint_page_item_count(page, &n, NULL) == OPENINT_STATUS_OK);
    CHECK(openint_page_json(page, &json, &len, NULL) == OPENINT_STATUS_OK);
    cJSON *doc = cJSON_ParseWithLength(json, len);
    cJSON *items = cJSON_GetObjectItemCaseSensitive(doc, "items");
    CHECKF(cJSON_IsArray(items) && (size_t)cJSON_GetArraySize(items) == n, "%s: item count", params);
    for (size_t i = 0; i < n; i++) {
        const char *item = NULL;
        size_t ilen = 0;
        CHECK(openint_page_item(page, i, &item, &ilen, NULL) == OPENINT_STATUS_OK);
        cJSON *got = cJSON_ParseWithLength(item, ilen);
        CHECKF(got && cJSON_Compare(got, cJSON_GetArrayItem(items, (int)i), 1), "%s: item %zu", params, i);
        cJSON_Delete(got);
    }
    cJSON_Delete(doc);
    openint_page_free(page);
}

/* The cursor over random pages must end. Each combination runs a few times: every answer of
 * `prism mock -d` is a new random page. */
#define DYNAMIC_RUNS 3
#define MAX_ITEMS 10000

static int empty_first_pages, nonempty_first_pages;

static void test_dynamic_combination(void) {
    for (int run = 0; run < DYNAMIC_RUNS; run++) {
        OpenintCursor *cur = NULL;
        OpenintError *err = NULL;
        OpenintStatus st = openint_client_list_connectors_cursor(client, params, &cur, &err);
        if (st != OPENINT_STATUS_OK) {
            report_error(st, err);
            openint_error_free(err);
            return;
        }
        int items = 0;
        const char *item;
        size_t len;
        while ((st = openint_cursor_next(cur, 0, &item, &len, &err)) == OPENINT_STATUS_OK) {
            cJSON *j = cJSON_ParseWithLength(item, len);
            CHECKF(cJSON_IsObject(j), "%s: item is not a JSON object", params);
            cJSON_Delete(j);
            if (++items > MAX_ITEMS) break;
        }
        CHECKF(items <= MAX_ITEMS, "%s: the cursor did not end after %d items", params, MAX_ITEMS);
        if (st != OPENINT_STATUS_END && items <= MAX_ITEMS) report_error(st, err);
        openint_error_free(err);
        if (items == 0) empty_first_pages++; else nonempty_first_pages++;
        openint_cursor_free(cur);
    }
}

static void test_negative_no_token(void) {
    OpenintClient *anon = tk_client(base_url, "\"token\":\"\",\"max_retries\":0");
    OpenintPage *page = NULL;
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_list_connectors(anon, "{\"limit\":1}", &page, &err);
    /* The spec requires the bearer token on GET /connector: Prism must refuse. */
    CHECKF(st != OPENINT_STATUS_OK, "Prism accepted a request without a token");
    CHECKF(openint_error_http_status(err) >= 400, "no HTTP status in the rejection: %s", tk_status_str(st));
    printf("# rejection seen: %s, HTTP %u: %s\n", tk_status_str(st), (unsigned)openint_error_http_status(err),
           openint_error_message(err));
    openint_error_free(err);
    openint_page_free(page);
    openint_client_free(anon);
}

int main(int argc, char **argv) {
    const char *mode = NULL, *label = "conformance";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--base-url") && i + 1 < argc) base_url = argv[++i];
        else if (!strcmp(argv[i], "--mode") && i + 1 < argc) mode = argv[++i];
        else if (!strcmp(argv[i], "--label") && i + 1 < argc) label = argv[++i];
        else mode = NULL, i = argc;
    }
    if (!base_url || !mode) {
        fprintf(stderr, "usage: %s --base-url URL --mode static|dynamic|negative [--label L]\n", argv[0]);
        return 2;
    }
    /* Any token satisfies Prism's bearer check; retries off so a rejection shows at once. */
    client = tk_client(base_url, "\"token\":\"conformance-token\",\"max_retries\":0,\"timeout\":30");
    printf("# %s: openint %s against %s (%s)\n", label, openint_version(), base_url, mode);

    if (!strcmp(mode, "negative")) {
        tk_run("no_token_is_rejected", test_negative_no_token);
    } else {
        bool dynamic = !strcmp(mode, "dynamic");
        for (size_t l = 0; l < sizeof LIMITS / sizeof *LIMITS; l++)
            for (size_t o = 0; o < sizeof OFFSETS / sizeof *OFFSETS; o++)
                for (size_t e = 0; e < sizeof EXPANDS / sizeof *EXPANDS; e++) {
                    build_params(LIMITS[l], OFFSETS[o], EXPANDS[e]);
                    char name[300];
                    snprintf(name, sizeof name, "%s %s", dynamic ? "cursor" : "page", params);
                    tk_run(name, dynamic ? test_dynamic_combination : test_static_combination);
                }
        if (dynamic)
            printf("# dynamic first pages: %d empty, %d with items\n", empty_first_pages,
                   nonempty_first_pages);
    }
    openint_client_free(client);
    return tk_summary(label);
}
