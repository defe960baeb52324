/*
 * Small calls: N getConnection calls (default 10,000) through the openint C ABI
 * (openint_client_call), side by side with a plain libcurl + cJSON loop doing the same requests
 * (one easy handle reused, so keep-alive; each body parsed with cJSON). Both run in this
 * process against one local test server (a scenario seeded with one connection), interleaved
 * over several repetitions; the median of each is reported.
 *
 * Printed per method: wall time, CPU time of this process (user + sys, every thread: what the
 * client costs; the server is another process), calls per second of wall time, and each ratio
 * to the baseline. The goal is openint's CPU within 1.2x of the baseline's.
 *
 * usage: calls --server-bin PATH | --server-url URL  [--calls N] [--reps N] [--method curl|openint]
 *        (--method runs one method only, for a profiler)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "openint.h"
#include "testkit.h"

static int calls = 10000;
static char conn_id[128];
static tk_scenario scn;

/* ---- measurement ------------------------------------------------------------------------------ */

typedef struct {
    double wall, cpu;
} cost;

static double cpu_now(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

/* ---- baseline: libcurl + cJSON ------------------------------------------------------------------ */

typedef struct {
    char *data;
    size_t len, cap;
} buffer;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata) {
    buffer *b = (buffer *)userdata;
    size_t n = size * nmemb;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1 << 16;
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
static struct curl_slist *curl_headers;

static bool run_curl(unsigned long *sink) {
    char url[512];
    snprintf(url, sizeof url, "%s/connection/%s", scn.base_url, conn_id);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    for (int i = 0; i < calls; i++) {
        body.len = 0;
        CURLcode rc = curl_easy_perform(curl);
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        if (rc != CURLE_OK || status != 200) {
            fprintf(stderr, "curl: %s, HTTP %ld\n", curl_easy_strerror(rc), status);
            return false;
        }
        cJSON *doc = cJSON_ParseWithLength(body.data, body.len);
        cJSON *id = cJSON_GetObjectItemCaseSensitive(doc, "id");
        if (!cJSON_IsString(id)) {
            fprintf(stderr, "curl: the answer has no id\n");
            cJSON_Delete(doc);
            return false;
        }
        *sink += (unsigned char)id->valuestring[5];
        cJSON_Delete(doc);
    }
    return true;
}

/* ---- openint ------------------------------------------------------------------------------------ */

static OpenintClient *client;

static bool run_openint(unsigned long *sink) {
    char params[256];
    snprintf(params, sizeof params, "{\"id\":\"%s\"}", conn_id);
    for (int i = 0; i < calls; i++) {
        OpenintResponse *r = NULL;
        OpenintError *err = NULL;
        OpenintStatus st = openint_client_call(client, "getConnection", params, &r, &err);
        if (st != OPENINT_STATUS_OK) {
            fprintf(stderr, "openint: %s\n", openint_error_display(err));
            openint_error_free(err);
            return false;
        }
        /* The same work as the baseline: the body parsed into a tree, one field read. */
        size_t len = 0;
        const char *json = openint_response_body(r, &len);
        cJSON *doc = cJSON_ParseWithLength(json, len);
        cJSON *id = cJSON_GetObjectItemCaseSensitive(doc, "id");
        if (!cJSON_IsString(id)) {
            fprintf(stderr, "openint: the answer has no id\n");
            cJSON_Delete(doc);
            openint_response_free(r);
            return false;
        }
        *sink += (unsigned char)id->valuestring[5];
        cJSON_Delete(doc);
        openint_response_free(r);
    }
    return true;
}

/* ---- driver ------------------------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    return v[n / 2];
}

static bool setup(void) {
    if (!tk_scenario_new("{\"seed\":{\"connections\":1}}", &scn)) return false;
    cJSON *store = tk_scenario_store(&scn);
    const char *id = tk_json_str(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(store, "connections"), 0), "id");
    if (id) snprintf(conn_id, sizeof conn_id, "%s", id);
    cJSON_Delete(store);
    if (!*conn_id) return false;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl = curl_easy_init();
    char auth[256];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", scn.org_key);
    curl_headers = curl_slist_append(NULL, "Accept: application/json");
    curl_headers = curl_slist_append(curl_headers, auth);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, curl_headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);

    char opts[512];
    snprintf(opts, sizeof opts, "{\"base_url\":\"%s\",\"token\":\"%s\",\"max_retries\":0}", scn.base_url, scn.org_key);
    OpenintError *err = NULL;
    if (openint_client_new(opts, &client, &err) != OPENINT_STATUS_OK) {
        fprintf(stderr, "client: %s\n", openint_error_display(err));
        openint_error_free(err);
        return false;
    }
    return true;
}

int main(int argc, char **argv) {
    const char *url = NULL, *bin = NULL, *only = NULL;
    int reps = 5;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--server-url") && i + 1 < argc) url = argv[++i];
        else if (!strcmp(argv[i], "--server-bin") && i + 1 < argc) bin = argv[++i];
        else if (!strcmp(argv[i], "--calls") && i + 1 < argc) calls = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--method") && i + 1 < argc) only = argv[++i];
        else {
            fprintf(stderr, "usage: %s --server-bin PATH | --server-url URL [--calls N] [--reps N] [--method curl|openint]\n",
                    argv[0]);
            return 2;
        }
    }
    if (calls < 1) calls = 10000;
    if (reps < 1 || reps > 50) reps = 5;
    if (!tk_server_init(url, bin, NULL) || !setup()) {
        fprintf(stderr, "setup failed\n");
        return 2;
    }
    const char *names[2] = {"libcurl + cJSON (baseline)", "openint_client_call + cJSON"};
    bool (*run[2])(unsigned long *) = {run_curl, run_openint};
    double *wall[2], *cpu[2];
    for (int m = 0; m < 2; m++) {
        wall[m] = (double *)calloc((size_t)reps, sizeof(double));
        cpu[m] = (double *)calloc((size_t)reps, sizeof(double));
    }
    unsigned long sink = 0;
    /* One warm-up of each (connections, allocator, caches), then interleaved repetitions. */
    for (int r = -1; r < reps; r++) {
        for (int m = 0; m < 2; m++) {
            if (only && strcmp(only, m == 0 ? "curl" : "openint") != 0) continue;
            double w0 = tk_now(), c0 = cpu_now();
            if (!run[m](&sink)) return 1;
            if (r >= 0) {
                wall[m][r] = tk_now() - w0;
                cpu[m][r] = cpu_now() - c0;
            }
        }
    }
    printf("%d getConnection calls (GET /connection/{id}, %zu-byte answers) against the local test server, "
           "loopback, keep-alive; openint %s, libcurl %s, cJSON %s; median of %d repetitions\n\n",
           calls, body.len, openint_version(), curl_version_info(CURLVERSION_NOW)->version, cJSON_Version(), reps);
    printf("| method | wall | CPU (user+sys) | calls/s | CPU per call | wall vs baseline | CPU vs baseline |\n");
    printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    double base_wall = 0, base_cpu = 0;
    for (int m = 0; m < 2; m++) {
        if (only && strcmp(only, m == 0 ? "curl" : "openint") != 0) continue;
        double w = median(wall[m], reps), c = median(cpu[m], reps);
        if (m == 0) {
            base_wall = w;
            base_cpu = c;
        }
        printf("| %s | %.3f s | %.3f s | %.0f | %.1f us | %.2fx | %.2fx |\n", names[m], w, c, calls / w, c / calls * 1e6,
               base_wall > 0 ? w / base_wall : 0, base_cpu > 0 ? c / base_cpu : 0);
    }
    if (!only)
        printf("\nGoal: openint's CPU within 1.2x of the baseline's: %s (%.2fx).\n",
               median(cpu[1], reps) <= 1.2 * base_cpu ? "met" : "NOT met", median(cpu[1], reps) / base_cpu);
    fprintf(stderr, "(sink %lu)\n", sink);

    for (int m = 0; m < 2; m++) {
        free(wall[m]);
        free(cpu[m]);
    }
    openint_client_free(client);
    curl_slist_free_all(curl_headers);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    free(body.data);
    tk_scenario_delete(&scn);
    tk_server_stop();
    return 0;
}
