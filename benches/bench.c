/*
 * Throughput of listing connectors through the openint C ABI, side by side with a plain C
 * loop over libcurl (one easy handle reused, so keep-alive) that parses each page with cJSON.
 *
 * Against one local test server started with --count 20000:
 *   (a) limit 100             (201 requests: 200 full pages and the empty page that ends it)
 *   (b) limit 3000 + schemas  (7 requests: 6 full pages and a short one)
 * Methods (the same server answers for all; every method pages until a short or empty page):
 *   libcurl+cJSON      baseline: curl GET, cJSON_Parse of the page, read each item's name
 *   libcurl, no parse  the same GETs and nothing else: the transport's floor, for reference
 *   openint cursor     openint_cursor_next, touching each item's JSON text
 *   openint pages      openint_client_list_connectors + openint_page_next + openint_page_item
 *   openint cursor+cJSON  the cursor, and cJSON_Parse of every item (what a C user ends up with)
 * Methods are interleaved within each repetition so drift hits them alike; the median is
 * reported, with the best next to it.
 *
 * usage: bench --server-bin PATH [--reps N] [--count N]   (or --server-url URL)
 *        [--method 0-4] [--scenario 0-1]   (one method, plus the baseline: for profiling)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openint.h"
#include "testkit.h"

static int registry_count = 20000;

typedef struct {
    const char *name;
    int limit;
    bool expand;
} scenario;

static const scenario SCENARIOS[] = {
    {"(a) limit 100", 100, false},
    {"(b) limit 3000, expand=schemas", 3000, true},
};

typedef struct {
    long requests;
    long items;
    size_t bytes; /* response bodies */
    unsigned long sink; /* depends on every item, so nothing is optimised away */
} tally;

/* ---- baseline: libcurl + cJSON -------------------------------------------------------- */

typedef struct {
    char *data;
    size_t len, cap;
} buffer;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata) {
    buffer *b = (buffer *)userdata;
    size_t n = size * nmemb;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 20;
        while (cap < b->len + n + 1) cap *= 2;
        char *d = (char *)realloc(b->data, cap);
        if (!d) return 0;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

static CURL *curl;
static buffer body;

/* parse=false: the transport alone (a floor, not a usable listing: it ends on a short body
 * instead of counting items, so it counts items from the known page sizes). */
static bool run_curl(const scenario *s, tally *t, bool parse) {
    char url[512];
    for (long offset = 0;; offset += s->limit) {
        snprintf(url, sizeof url, "%s/connector?limit=%d&offset=%ld%s", tk_server_base_url(), s->limit,
                 offset, s->expand ? "&expand=schemas" : "");
        body.len = 0;
        curl_easy_setopt(curl, CURLOPT_URL, url);
        CURLcode rc = curl_easy_perform(curl);
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        if (rc != CURLE_OK || status != 200) {
            fprintf(stderr, "curl: %s, HTTP %ld\n", curl_easy_strerror(rc), status);
            return false;
        }
        t->requests++;
        t->bytes += body.len;
        if (!parse) {
            /* Items on this page, from the registry size: the answers are known to be complete. */
            long n = registry_count - offset;
            n = n < 0 ? 0 : (n > s->limit ? s->limit : n);
            t->sink += (unsigned char)body.data[body.len / 2];
            t->items += n;
            if (n < s->limit) break;
            continue;
        }
        cJSON *doc = cJSON_ParseWithLength(body.data, body.len);
        cJSON *items = cJSON_GetObjectItemCaseSensitive(doc, "items");
        if (!cJSON_IsArray(items)) {
            fprintf(stderr, "curl: the page is not JSON with items\n");
            cJSON_Delete(doc);
            return false;
        }
        int n = 0;
        cJSON *item;
        cJSON_ArrayForEach(item, items) {
            cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "name");
            if (cJSON_IsString(name)) t->sink += (unsigned char)name->valuestring[0];
            n++;
        }
        cJSON_Delete(doc);
        t->items += n;
        /* The same end rule as the core: a short or empty page is the last. */
        if (n < s->limit) break;
    }
    return true;
}

/* ---- openint -------------------------------------------------------------------------- */

static OpenintClient *client;

static void params_for(const scenario *s, char *buf, size_t cap) {
    snprintf(buf, cap, "{\"limit\":%d%s}", s->limit, s->expand ? ",\"expand\":[\"schemas\"]" : "");
}

static bool fail(const char *what, OpenintStatus st, OpenintError *err) {
    fprintf(stderr, "%s: %s: %s\n", what, openint_status_name((uint32_t)st), openint_error_message(err));
    openint_error_free(err);
    return false;
}

static bool run_cursor(const scenario *s, tally *t, bool parse) {
    char params[128];
    params_for(s, params, sizeof params);
    OpenintCursor *cur = NULL;
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_list_connectors_cursor(client, params, &cur, &err);
    if (st != OPENINT_STATUS_OK) return fail("cursor", st, err);
    const char *item;
    size_t len;
    while ((st = openint_cursor_next(cur, 0, &item, &len, &err)) == OPENINT_STATUS_OK) {
        if (parse) {
            cJSON *j = cJSON_ParseWithLength(item, len);
            cJSON *name = cJSON_GetObjectItemCaseSensitive(j, "name");
            if (cJSON_IsString(name)) t->sink += (unsigned char)name->valuestring[0];
            cJSON_Delete(j);
        } else {
            t->sink += len + (unsigned char)item[0] + (unsigned char)item[len - 1];
        }
        t->items++;
    }
    openint_cursor_free(cur);
    if (st != OPENINT_STATUS_END) return fail("cursor_next", st, err);
    /* The cursor does not say how many pages it fetched: the same as the page chain. */
    t->requests += t->items / s->limit + 1;
    return true;
}

static bool run_pages(const scenario *s, tally *t) {
    char params[128];
    params_for(s, params, sizeof params);
    OpenintPage *page = NULL;
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_list_connectors(client, params, &page, &err);
    if (st != OPENINT_STATUS_OK) return fail("list", st, err);
    t->requests++;
    while (page) {
        size_t n = 0, plen = 0;
        const char *pj;
        openint_page_item_count(page, &n, NULL);
        openint_page_json(page, &pj, &plen, NULL);
        t->bytes += plen;
        for (size_t i = 0; i < n; i++) {
            const char *item;
            size_t len;
            openint_page_item(page, i, &item, &len, NULL);
            t->sink += len + (unsigned char)item[0] + (unsigned char)item[len - 1];
        }
        t->items += (long)n;
        OpenintPage *next = NULL;
        st = openint_page_next(page, 0, &next, &err);
        openint_page_free(page);
        page = NULL;
        if (st == OPENINT_STATUS_OK) {
            page = next;
            t->requests++;
        } else if (st == OPENINT_STATUS_END) {
            /* has_next was true after a full page: END came from one more (empty) request. */
            if (n == (size_t)s->limit) t->requests++;
        } else {
            return fail("page_next", st, err);
        }
    }
    return true;
}

/* ---- driver ----------------------------------------------------------------------------- */

enum { M_CURL, M_CURL_RAW, M_CURSOR, M_PAGES, M_CURSOR_CJSON, METHODS };
static const char *METHOD_NAMES[METHODS] = {"libcurl+cJSON (baseline)", "libcurl, no parse (floor)",
                                            "openint cursor", "openint page chain",
                                            "openint cursor+cJSON/item"};

static bool run_method(int m, const scenario *s, tally *t) {
    switch (m) {
    case M_CURL: return run_curl(s, t, true);
    case M_CURL_RAW: return run_curl(s, t, false);
    case M_CURSOR: return run_cursor(s, t, false);
    case M_PAGES: return run_pages(s, t);
    default: return run_cursor(s, t, true);
    }
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    const char *url = NULL, *bin = NULL;
    int reps = 7;
    int only_method = -1, only_scenario = -1; /* for profiling one combination */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--server-url") && i + 1 < argc) url = argv[++i];
        else if (!strcmp(argv[i], "--server-bin") && i + 1 < argc) bin = argv[++i];
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--count") && i + 1 < argc) registry_count = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--method") && i + 1 < argc) only_method = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--scenario") && i + 1 < argc) only_scenario = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: %s [--server-url URL | --server-bin PATH] [--reps N] [--count N] [--method 0-4] [--scenario 0-1]\n", argv[0]);
            return 2;
        }
    }
    if (reps < 1 || reps > 100) reps = 7;
    char server_args[64];
    snprintf(server_args, sizeof server_args, "--count %d", registry_count);
    if (!tk_server_init(url, bin, server_args)) return 2;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl = curl_easy_init();
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    struct curl_slist *hdrs = curl_slist_append(NULL, "Accept: application/json");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
    char opts[256];
    snprintf(opts, sizeof opts, "{\"base_url\":\"%s\",\"max_retries\":0}", tk_server_base_url());
    OpenintError *err = NULL;
    if (openint_client_new(opts, &client, &err) != OPENINT_STATUS_OK) {
        fail("client", OPENINT_STATUS_INVALID_ARGUMENT, err);
        return 2;
    }

    printf("openint %s, libcurl %s, cJSON %s; server %s with --count %d; %d repetitions, median (best)\n\n",
           openint_version(), curl_version_info(CURLVERSION_NOW)->version, cJSON_Version(),
           tk_server_root(), registry_count, reps);
    printf("| scenario | method | requests/s | items/s | MB/s | time per listing | vs libcurl |\n");
    printf("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");

    int status = 0;
    for (size_t si = 0; si < sizeof SCENARIOS / sizeof *SCENARIOS; si++) {
        const scenario *s = &SCENARIOS[si];
        if (only_scenario >= 0 && (size_t)only_scenario != si) continue;
        double *times[METHODS];
        tally last[METHODS];
        for (int m = 0; m < METHODS; m++) times[m] = (double *)calloc((size_t)reps, sizeof(double));
        /* One warm-up of each, then the measured repetitions, methods interleaved. */
        for (int r = -1; r < reps; r++) {
            for (int m = 0; m < METHODS; m++) {
                if (only_method >= 0 && m != only_method && m != M_CURL) continue;
                tally t;
                memset(&t, 0, sizeof t);
                double t0 = tk_now();
                if (!run_method(m, s, &t)) return 1;
                double dt = tk_now() - t0;
                if (t.items != registry_count) {
                    fprintf(stderr, "%s / %s listed %ld of %d items\n", s->name, METHOD_NAMES[m], t.items,
                            registry_count);
                    return 1;
                }
                if (r >= 0) times[m][r] = dt;
                last[m] = t;
            }
        }
        /* Every method read the same answers; the bytes are the baseline's body count. */
        double bytes = (double)last[M_CURL].bytes;
        double curl_median = 0;
        for (int m = 0; m < METHODS; m++) {
            if (only_method >= 0 && m != only_method && m != M_CURL) {
                free(times[m]);
                continue;
            }
            qsort(times[m], (size_t)reps, sizeof(double), cmp_double);
            double med = times[m][reps / 2], best = times[m][0];
            if (m == M_CURL) curl_median = med;
            const tally *t = &last[m];
            printf("| %s | %s | %.0f (%.0f) | %.0f (%.0f) | %.1f (%.1f) | %.1f ms (%.1f) | %.2fx |\n", s->name,
                   METHOD_NAMES[m], (double)t->requests / med, (double)t->requests / best,
                   (double)t->items / med, (double)t->items / best, bytes / med / 1e6, bytes / best / 1e6,
                   med * 1e3, best * 1e3, med / curl_median);
            free(times[m]);
        }
        fflush(stdout);
    }
    printf("\n\"vs libcurl\" is the median time of a full listing divided by the baseline's "
           "(below 1 is faster; the target is at most 1.2x).\n");

    openint_client_free(client);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    free(body.data);
    tk_server_stop();
    return status;
}
