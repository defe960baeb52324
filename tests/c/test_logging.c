/*
 * Logging from C: openint_set_logger / openint_client_set_logger receive one line per attempt
 * (method, URL, status, elapsed, attempt number), a warning per retry (reason and wait), request
 * details at debug and bodies only at trace; no line ever holds the token, an Authorization
 * value, or the key_... / JWT values of a createToken answer.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checks.h"
#include "openint.h"
#include "suites.h"
#include "testkit.h"

/* ---- a capturing logger ----------------------------------------------------------------------- */

typedef struct {
    uint32_t level;
    char *target;
    char *message;
} line;

typedef struct {
    pthread_mutex_t lock;
    line *lines;
    int n, cap;
} capture;

static void capture_init(capture *c) {
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
}

static void capture_clear(capture *c) {
    pthread_mutex_lock(&c->lock);
    for (int i = 0; i < c->n; i++) {
        free(c->lines[i].target);
        free(c->lines[i].message);
    }
    c->n = 0;
    pthread_mutex_unlock(&c->lock);
}

static void capture_free(capture *c) {
    capture_clear(c);
    free(c->lines);
    pthread_mutex_destroy(&c->lock);
}

/* The callback: any thread, strings valid only during the call, so they are copied. */
static void on_log(void *user_data, uint32_t level, const char *target, const char *message) {
    capture *c = (capture *)user_data;
    pthread_mutex_lock(&c->lock);
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->lines = (line *)realloc(c->lines, (size_t)c->cap * sizeof(line));
    }
    c->lines[c->n].level = level;
    c->lines[c->n].target = strdup(target ? target : "(null)");
    c->lines[c->n].message = strdup(message ? message : "(null)");
    c->n++;
    pthread_mutex_unlock(&c->lock);
}

/* Lines at `level` whose message holds every needle (NULL-terminated). */
static int count_lines(capture *c, uint32_t level, const char *const *needles) {
    int n = 0;
    pthread_mutex_lock(&c->lock);
    for (int i = 0; i < c->n; i++) {
        if (c->lines[i].level != level) continue;
        bool all = true;
        for (const char *const *p = needles; *p; p++) all &= has_text(c->lines[i].message, *p);
        n += all;
    }
    pthread_mutex_unlock(&c->lock);
    return n;
}

static int count_level(capture *c, uint32_t level) {
    const char *none[] = {NULL};
    return count_lines(c, level, none);
}

/* No line holds `secret`; reports the first that does. */
static void check_absent(capture *c, const char *secret, const char *what) {
    pthread_mutex_lock(&c->lock);
    for (int i = 0; i < c->n; i++)
        if (has_text(c->lines[i].message, secret) || has_text(c->lines[i].target, secret)) {
            tk_fail(__FILE__, __LINE__, "%s: a log line holds it: %s", what, c->lines[i].message);
            break;
        }
    pthread_mutex_unlock(&c->lock);
}

static void dump(capture *c) {
    pthread_mutex_lock(&c->lock);
    for (int i = 0; i < c->n; i++) fprintf(stderr, "      [%u %s] %s\n", c->lines[i].level, c->lines[i].target, c->lines[i].message);
    pthread_mutex_unlock(&c->lock);
}

/* ---- tests ------------------------------------------------------------------------------------ */

typedef struct {
    const OpenintClient *client;
    int items;
} walker;

static void *walk_main(void *p) {
    walker *a = (walker *)p;
    OpenintCursor *cur = NULL;
    if (openint_client_list_cursor(a->client, "listConnectors", "{\"limit\":50}", NULL, NULL, &cur, NULL) != OPENINT_STATUS_OK)
        return NULL;
    const char *item;
    while (openint_cursor_next(cur, 0, &item, NULL, NULL) == OPENINT_STATUS_OK) a->items++;
    openint_cursor_free(cur);
    return NULL;
}

static void test_one_line_per_attempt(void) {
    capture cap;
    capture_init(&cap);
    world w;
    world_new(&w, "{\"fail\":{\"times\":2,\"status\":503,\"headers\":{\"retry-after-ms\":\"20\"}}}", "\"max_retries\":2");
    CHECK(openint_client_set_logger(w.org, OPENINT_LOG_LEVEL_INFO, on_log, &cap, NULL) == OPENINT_STATUS_OK);
    cJSON_Delete(call_ok(w.org, "health", NULL, NULL));
    char *url = tk_fmt("GET %s/health", w.s.base_url);
    /* Two failed attempts: a warning each, with the status, the reason and the wait. */
    const char *retry1[] = {url, "503", "attempt 1", "retrying in 20 ms", "Service Unavailable", NULL};
    const char *retry2[] = {url, "503", "attempt 2", "retrying in 20 ms", NULL};
    const char *done[] = {url, "-> 200", " ms", "attempt 3", NULL};
    CHECKF(count_lines(&cap, OPENINT_LOG_LEVEL_WARN, retry1) == 1, "no warning for the first retry");
    CHECKF(count_lines(&cap, OPENINT_LOG_LEVEL_WARN, retry2) == 1, "no warning for the second retry");
    CHECKF(count_lines(&cap, OPENINT_LOG_LEVEL_INFO, done) == 1, "no info line for the third attempt");
    /* One line per attempt, nothing more verbose than info. */
    CHECKF(cap.n == 3, "%d lines for 3 attempts", cap.n);
    CHECK(count_level(&cap, OPENINT_LOG_LEVEL_DEBUG) == 0 && count_level(&cap, OPENINT_LOG_LEVEL_TRACE) == 0);
    if (cap.n != 3) dump(&cap);
    /* A final failure is a line too (info: the server answered). */
    capture_clear(&cap);
    OpenintError *e = call_fails(w.org, "getConnection", "{\"id\":\"conn_none_1\"}", OPENINT_STATUS_NOT_FOUND, 404);
    openint_error_free(e);
    const char *failed[] = {"GET", "/connection/conn_none_1", "404", "attempt 1", "Connection not found", NULL};
    CHECKF(count_lines(&cap, OPENINT_LOG_LEVEL_INFO, failed) == 1, "no line for the failed attempt");
    free(url);

    /* From many threads at once: every attempt is one line. */
    capture_clear(&cap);
    world_free(&w);
    world_new(&w, "{}", NULL);
    CHECK(openint_client_set_logger(w.org, OPENINT_LOG_LEVEL_INFO, on_log, &cap, NULL) == OPENINT_STATUS_OK);
    pthread_t th[4];
    walker args[4];
    for (int i = 0; i < 4; i++) {
        args[i].client = w.org;
        args[i].items = 0;
        CHECK(pthread_create(&th[i], NULL, walk_main, &args[i]) == 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECKF(args[i].items == 171, "thread %d listed %d", i, args[i].items);
    }
    const char *page_line[] = {"GET", "/connector?", "-> 200", NULL};
    CHECKF(count_lines(&cap, OPENINT_LOG_LEVEL_INFO, page_line) == tk_scenario_request_count(&w.s) &&
               tk_scenario_request_count(&w.s) == 4 * 4,
           "%d page lines for %d requests", count_lines(&cap, OPENINT_LOG_LEVEL_INFO, page_line),
           tk_scenario_request_count(&w.s));
    capture_free(&cap);
    world_free(&w);
}

static void test_levels_debug_and_trace(void) {
    capture cap;
    capture_init(&cap);
    world w;
    world_new(&w, "{}", NULL);
    const uint32_t levels[] = {OPENINT_LOG_LEVEL_ERROR, OPENINT_LOG_LEVEL_INFO, OPENINT_LOG_LEVEL_DEBUG,
                               OPENINT_LOG_LEVEL_TRACE};
    for (int i = 0; i < 4; i++) {
        capture_clear(&cap);
        CHECK(openint_client_set_logger(w.org, levels[i], on_log, &cap, NULL) == OPENINT_STATUS_OK);
        cJSON_Delete(call_ok(w.org, "healthEcho", "{\"marker\":\"log-body-marker\"}", "{\"extra_headers\":{\"X-Log\":\"1\"}}"));
        const char *body[] = {"body:", "log-body-marker", NULL};
        const char *echoed[] = {"body:", "{\"input\":", NULL};
        const char *details[] = {"POST", "X-Log", NULL};
        int bodies = count_lines(&cap, OPENINT_LOG_LEVEL_TRACE, body);
        int answers = count_lines(&cap, OPENINT_LOG_LEVEL_TRACE, echoed);
        int debug = count_lines(&cap, OPENINT_LOG_LEVEL_DEBUG, details);
        CHECKF(bodies == (levels[i] >= OPENINT_LOG_LEVEL_TRACE ? 2 : 0), "level %u: %d body lines (request and answer)",
               levels[i], bodies);
        CHECKF(answers == (levels[i] >= OPENINT_LOG_LEVEL_TRACE ? 1 : 0), "level %u: %d answer body lines", levels[i], answers);
        CHECKF(debug == (levels[i] >= OPENINT_LOG_LEVEL_DEBUG ? 1 : 0), "level %u: %d request detail lines", levels[i],
               debug);
        CHECKF(count_level(&cap, OPENINT_LOG_LEVEL_INFO) == (levels[i] >= OPENINT_LOG_LEVEL_INFO ? 1 : 0),
               "level %u: info lines", levels[i]);
        /* Nothing above the level asked for. */
        for (uint32_t l = levels[i] + 1; l <= OPENINT_LOG_LEVEL_TRACE; l++)
            CHECKF(count_level(&cap, l) == 0, "level %u: a line at %u", levels[i], l);
    }
    /* Error level: a connection that cannot be made. */
    capture_clear(&cap);
    OpenintClient *dead = tk_client("http://127.0.0.1:9/v1", "\"max_retries\":0,\"connect_timeout\":2");
    CHECK(openint_client_set_logger(dead, OPENINT_LOG_LEVEL_ERROR, on_log, &cap, NULL) == OPENINT_STATUS_OK);
    OpenintResponse *r = NULL;
    OpenintError *err = NULL;
    CHECK(openint_client_call(dead, "health", NULL, &r, &err) == OPENINT_STATUS_CONNECTION);
    openint_error_free(err);
    const char *no_answer[] = {"GET", "127.0.0.1:9", "no answer", "attempt 1", NULL};
    CHECKF(count_lines(&cap, OPENINT_LOG_LEVEL_ERROR, no_answer) == 1, "no error line for a refused connection");
    openint_client_free(dead);
    capture_free(&cap);
    world_free(&w);
}

static void test_global_logger_and_client_override(void) {
    capture global, own;
    capture_init(&global);
    capture_init(&own);
    world w;
    world_new(&w, "{}", NULL);
    OpenintClient *other = client_with_token(w.s.base_url, w.s.org_key, NULL);
    CHECK(openint_set_logger(OPENINT_LOG_LEVEL_INFO, on_log, &global, NULL) == OPENINT_STATUS_OK);
    CHECK(openint_client_set_logger(other, OPENINT_LOG_LEVEL_INFO, on_log, &own, NULL) == OPENINT_STATUS_OK);
    cJSON_Delete(call_ok(w.org, "viewer", NULL, NULL));
    cJSON_Delete(call_ok(other, "health", NULL, NULL));
    const char *viewer[] = {"/viewer", NULL};
    const char *health[] = {"/health", NULL};
    CHECK(count_lines(&global, OPENINT_LOG_LEVEL_INFO, viewer) == 1 && count_lines(&global, OPENINT_LOG_LEVEL_INFO, health) == 0);
    CHECK(count_lines(&own, OPENINT_LOG_LEVEL_INFO, health) == 1 && count_lines(&own, OPENINT_LOG_LEVEL_INFO, viewer) == 0);
    /* A NULL callback sends the client back to the process-wide logger. */
    CHECK(openint_client_set_logger(other, OPENINT_LOG_LEVEL_INFO, NULL, NULL, NULL) == OPENINT_STATUS_OK);
    cJSON_Delete(call_ok(other, "health", NULL, NULL));
    CHECK(count_lines(&global, OPENINT_LOG_LEVEL_INFO, health) == 1 && count_lines(&own, OPENINT_LOG_LEVEL_INFO, health) == 1);
    /* OFF removes the process-wide logger. */
    CHECK(openint_set_logger(OPENINT_LOG_LEVEL_OFF, on_log, &global, NULL) == OPENINT_STATUS_OK);
    int before = global.n;
    cJSON_Delete(call_ok(w.org, "viewer", NULL, NULL));
    CHECK(global.n == before);
    /* Pages and cursors log through their client's logger. */
    CHECK(openint_client_set_logger(w.org, OPENINT_LOG_LEVEL_INFO, on_log, &own, NULL) == OPENINT_STATUS_OK);
    capture_clear(&own);
    OpenintPage *page = NULL, *next = NULL;
    CHECK(openint_client_list(w.org, "listConnectors", "{\"limit\":100}", NULL, NULL, &page, NULL) == OPENINT_STATUS_OK);
    CHECK(openint_page_next(page, 0, &next, NULL) == OPENINT_STATUS_OK);
    const char *pages[] = {"/connector?", "-> 200", NULL};
    CHECKF(count_lines(&own, OPENINT_LOG_LEVEL_INFO, pages) == 2, "%d lines for two pages",
           count_lines(&own, OPENINT_LOG_LEVEL_INFO, pages));
    openint_page_free(page);
    openint_page_free(next);
    /* Bad levels and handles. */
    OpenintError *err = NULL;
    OpenintStatus st = openint_set_logger(6, on_log, &global, &err);
    expect_invalid(st, err, "level 6", "level", NULL);
    openint_error_free(err);
    err = NULL;
    st = openint_client_set_logger(NULL, OPENINT_LOG_LEVEL_INFO, on_log, &own, &err);
    expect_invalid(st, err, "NULL client", "client", NULL);
    openint_error_free(err);
    openint_client_free(other);
    capture_free(&global);
    capture_free(&own);
    world_free(&w);
}

static void test_no_secret_in_any_line(void) {
    /* A token the key_ and JWT patterns would not catch, which the server echoes back. */
    const char *token = "sk_live_c_logging_token_123";
    capture cap;
    capture_init(&cap);
    world w;
    char *cfg = tk_fmt("{\"org_key\":\"%s\",\"fail\":{\"times\":1,\"status\":400,\"body\":"
                       "\"{\\\"message\\\":\\\"bad request from %s\\\",\\\"code\\\":\\\"BAD_REQUEST\\\"}\"}}",
                       token, token);
    world_new(&w, cfg, "\"max_retries\":0");
    free(cfg);
    CHECK(openint_set_logger(OPENINT_LOG_LEVEL_TRACE, on_log, &cap, NULL) == OPENINT_STATUS_OK);
    OpenintError *e = call_fails(w.org, "viewer", NULL, OPENINT_STATUS_BAD_REQUEST, 400);
    CHECK(has_text(openint_error_message(e), "bad request from"));
    CHECK(!has_text(openint_error_message(e), token) && !has_text(openint_error_display(e), token) &&
          !has_text(openint_error_body(e), token));
    openint_error_free(e);

    /* createToken at trace: the answer holds a JWT, a magic link with it, and a key_... */
    cJSON *t = call_ok(w.org, "createToken", "{\"customer_id\":\"cus_log_1\"}", NULL);
    const char *jwt = tk_json_str(t, "token");
    const char *key = tk_json_str(t, "api_key");
    CHECK(jwt && key);
    /* An Authorization header set for one call, at trace too. */
    char *opts = tk_fmt("{\"allow_authorization_header\":true,\"extra_headers\":{\"Authorization\":\"Bearer %s\"}}", key);
    cJSON_Delete(call_ok(w.org, "viewer", NULL, opts));
    free(opts);
    /* The customer's JWT as a client token. */
    OpenintClient *as_customer = client_with_token(w.s.base_url, jwt, NULL);
    cJSON_Delete(call_ok(as_customer, "listConnections", "{\"include_secrets\":true}", NULL));
    openint_client_free(as_customer);
    CHECK(openint_set_logger(OPENINT_LOG_LEVEL_OFF, NULL, NULL, NULL) == OPENINT_STATUS_OK);

    CHECKF(count_level(&cap, OPENINT_LOG_LEVEL_TRACE) >= 3, "only %d trace lines", count_level(&cap, OPENINT_LOG_LEVEL_TRACE));
    const char *redacted[] = {"[REDACTED]", NULL};
    CHECK(count_lines(&cap, OPENINT_LOG_LEVEL_TRACE, redacted) >= 1);
    check_absent(&cap, token, "the token");
    if (jwt) check_absent(&cap, jwt, "the customer JWT");
    if (jwt) check_absent(&cap, strchr(jwt, '.') ? strchr(jwt, '.') + 1 : jwt, "the JWT payload");
    if (key) check_absent(&cap, key, "the customer key");
    check_absent(&cap, "Bearer ", "an Authorization value");
    cJSON_Delete(t);
    capture_free(&cap);
    world_free(&w);
}

static void test_connection_secrets_masked_at_every_level(void) {
    /* Issue 18 item 4: bodies at trace and URLs at every level hold connection secrets (settings,
     * configs, oauth credentials), a created connection's settings and an extra_query api_key.
     * Every level logs, none shows a secret value; the structure stays readable. */
    capture cap;
    capture_init(&cap);
    world w;
    world_new(&w, "{\"seed\":{\"connector_configs\":4,\"connections\":8}}", NULL);
    CHECK(openint_client_set_logger(w.org, OPENINT_LOG_LEVEL_TRACE, on_log, &cap, NULL) == OPENINT_STATUS_OK);
    char *acme = store_find(&w.s, "connector_configs", "connector_name", "acme-apikey", "id");
    cJSON_Delete(call_ok(w.org, "listConnections", "{\"include_secrets\":true}", "{\"extra_query\":{\"api_key\":\"query_secret_91\"}}"));
    cJSON_Delete(call_ok(w.org, "listConnectorConfigs", NULL, NULL));
    char *params = tk_fmt("{\"connector_config_id\":\"%s\",\"customer_id\":\"cus_log_secrets\","
                          "\"data\":{\"connector_name\":\"acme-apikey\",\"settings\":{\"api_key\":\"created_secret_77\"}}}",
                          acme ? acme : "ccfg_none");
    cJSON *made = call_ok(w.org, "createConnection", params, NULL);
    const char *id = tk_json_str(made, "id");
    char *get = tk_fmt("{\"id\":\"%s\",\"include_secrets\":true}", id ? id : "conn_none");
    cJSON_Delete(call_ok(w.org, "getConnection", get, NULL));
    CHECK(openint_client_set_logger(w.org, OPENINT_LOG_LEVEL_OFF, NULL, NULL, NULL) == OPENINT_STATUS_OK);

    const char *secrets[] = {"seed_key_", "seed_toggl_", "seed_gh_", "seed_at_", "seed_rt_", "seed_secret_",
                             "created_secret_77", "query_secret_91"};
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) check_absent(&cap, secrets[i], secrets[i]);
    /* Bodies are still logged at trace (with their secrets masked), URLs at info. */
    const char *bodies[] = {"body:", "\"settings\":\"[REDACTED]\"", NULL};
    const char *request[] = {"body:", "\"connector_config_id\"", "[REDACTED]", NULL};
    const char *url[] = {"/connection?", "api_key=[REDACTED]", "-> 200", NULL};
    CHECKF(count_lines(&cap, OPENINT_LOG_LEVEL_TRACE, bodies) >= 2, "no trace body with masked settings");
    CHECKF(count_lines(&cap, OPENINT_LOG_LEVEL_TRACE, request) >= 1, "no trace line of the create request");
    CHECKF(count_lines(&cap, OPENINT_LOG_LEVEL_INFO, url) == 1, "no info line with the masked api_key");
    if (tk_failure_count()) dump(&cap);
    free(get);
    free(params);
    free(acme);
    cJSON_Delete(made);
    capture_free(&cap);
    world_free(&w);
}

/* ---- re-entrant loggers (issue 18 item 9) ------------------------------------------------------ */

typedef struct {
    const OpenintClient *nested; /* the client the callback calls */
    const char *when;            /* the callback calls once, on the first line holding this */
    int calls;                   /* nested calls made */
    OpenintStatus nested_status;
} reentrant;

/* A logger that reports through the SDK itself: on the line it waits for, it makes a whole call
 * on the same thread, in the middle of the outer call. */
static void on_log_reentrant(void *user_data, uint32_t level, const char *target, const char *message) {
    (void)level;
    (void)target;
    reentrant *r = (reentrant *)user_data;
    if (r->calls || !has_text(message, r->when)) return;
    r->calls++;
    OpenintResponse *resp = NULL;
    r->nested_status = openint_client_call(r->nested, "health", NULL, &resp, NULL);
    openint_response_free(resp);
}

typedef struct {
    OpenintCancel *cancel;
    double delay, fired;
} fire_later;

static void *fire_later_main(void *p) {
    fire_later *f = (fire_later *)p;
    struct timespec ts = {0, (long)(f->delay * 1e9)};
    nanosleep(&ts, NULL);
    f->fired = tk_now();
    openint_cancel(f->cancel);
    return NULL;
}

static void test_a_logger_may_call_the_sdk(void) {
    /* The outer POST (a webhook, which a second delivery could act on twice) is dropped by the
     * server after it was read: it reached the server, so it must not be sent again, whatever
     * the nested call did. */
    world w;
    world_new(&w, "{\"fail\":{\"status\":\"drop\",\"times\":1,\"match\":\"/webhook\"}}", "\"max_retries\":2");
    reentrant r = {w.org, "/webhook", 0, OPENINT_STATUS_OK};
    CHECK(openint_client_set_logger(w.org, OPENINT_LOG_LEVEL_DEBUG, on_log_reentrant, &r, NULL) == OPENINT_STATUS_OK);
    OpenintResponse *resp = NULL;
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_call(w.org, "handleWebhook", "{\"connector_name\":\"plaid\",\"n\":1}", &resp, &err);
    openint_response_free(resp);
    CHECKF(r.calls == 1 && r.nested_status == OPENINT_STATUS_OK, "the nested call: %d calls, %s", r.calls,
           tk_status_str(r.nested_status));
    CHECKF(st == OPENINT_STATUS_CONNECTION, "the dropped POST: %s (%s)", tk_status_str(st), openint_error_message(err));
    openint_error_free(err);
    cJSON *log = tk_scenario_requests(&w.s);
    int posts = 0;
    for (int i = 0; i < cJSON_GetArraySize(log); i++)
        posts += has_text(tk_log_str(cJSON_GetArrayItem(log, i), "path"), "/webhook");
    CHECKF(posts == 1, "the POST was sent %d times", posts);
    cJSON_Delete(log);
    CHECK(openint_client_set_logger(w.org, OPENINT_LOG_LEVEL_OFF, NULL, NULL, NULL) == OPENINT_STATUS_OK);
    world_free(&w);

    /* The outer call's cancel keeps working after a nested call (the nested one goes to another
     * scenario, without the outer's 3 s latency). */
    world slow, quick;
    world_new(&slow, "{\"latency_ms\":3000}", NULL);
    world_new(&quick, "{}", NULL);
    reentrant q = {quick.org, "/viewer", 0, OPENINT_STATUS_OK};
    CHECK(openint_client_set_logger(slow.org, OPENINT_LOG_LEVEL_DEBUG, on_log_reentrant, &q, NULL) == OPENINT_STATUS_OK);
    OpenintCancel *cancel = NULL;
    CHECK(openint_cancel_new(&cancel, NULL) == OPENINT_STATUS_OK);
    fire_later f = {cancel, 0.3, 0};
    pthread_t th;
    CHECK(pthread_create(&th, NULL, fire_later_main, &f) == 0);
    err = NULL;
    st = openint_client_call_with(slow.org, "viewer", NULL, NULL, cancel, &resp, &err);
    double ended = tk_now();
    pthread_join(th, NULL);
    openint_response_free(resp);
    CHECKF(q.calls == 1 && q.nested_status == OPENINT_STATUS_OK, "the nested call: %s", tk_status_str(q.nested_status));
    CHECKF(st == OPENINT_STATUS_CANCELLED, "the outer call: %s (%s)", tk_status_str(st), openint_error_message(err));
    CHECKF(ended - f.fired < 1.0 * tk_time_scale(), "the outer call returned %.2f s after its cancel", ended - f.fired);
    openint_error_free(err);
    openint_cancel_free(cancel);
    CHECK(openint_client_set_logger(slow.org, OPENINT_LOG_LEVEL_OFF, NULL, NULL, NULL) == OPENINT_STATUS_OK);
    world_free(&quick);
    world_free(&slow);
}

/* ---- the logger lifetime rule (issue 18 item 16) ---------------------------------------------- */

/* A host's user data: freed right after the logger is removed, replaced, or its client and
 * cursors freed. A callback that runs with it afterwards is a use after free (ASan and valgrind
 * report it); without them, the pointer is found in `freed` before it is touched, and the
 * `magic` word (past the bytes malloc reuses) is poisoned before the free. */
#define GUARD_LIVE 0x11fe11feu
#define GUARD_DEAD 0xdeaddeadu
#define GUARDS 64

typedef struct {
    char malloc_reuses_these[32];
    uint32_t magic;
    int calls;
} guarded;

static struct {
    pthread_mutex_t lock;
    const void *freed[GUARDS];
    int n_freed;
    int late; /* callbacks that ran with freed user data */
} guards = {PTHREAD_MUTEX_INITIALIZER, {NULL}, 0, 0};

static bool guard_is_freed(const void *p) {
    bool found = false;
    pthread_mutex_lock(&guards.lock);
    for (int i = 0; i < guards.n_freed; i++) found |= guards.freed[i] == p;
    pthread_mutex_unlock(&guards.lock);
    return found;
}

static void guard_late(void) {
    pthread_mutex_lock(&guards.lock);
    guards.late++;
    pthread_mutex_unlock(&guards.lock);
}

static void guard_free(guarded *g) {
    pthread_mutex_lock(&guards.lock);
    if (guards.n_freed < GUARDS) guards.freed[guards.n_freed++] = g;
    pthread_mutex_unlock(&guards.lock);
    __atomic_store_n(&g->magic, GUARD_DEAD, __ATOMIC_SEQ_CST);
    free(g);
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Touches its user data before and after a short pause, so that a callback still running when
 * its logger is removed is caught in the act. */
static void on_log_guarded(void *user_data, uint32_t level, const char *target, const char *message) {
    (void)level;
    (void)target;
    (void)message;
    guarded *g = (guarded *)user_data;
    if (guard_is_freed(g)) {
        guard_late();
        return;
    }
    if (__atomic_load_n(&g->magic, __ATOMIC_SEQ_CST) != GUARD_LIVE) guard_late();
    sleep_ms(1);
    if (__atomic_load_n(&g->magic, __ATOMIC_SEQ_CST) != GUARD_LIVE) guard_late();
    __atomic_fetch_add(&g->calls, 1, __ATOMIC_SEQ_CST);
}

/* The user data a test hands out: all allocated before any is freed, so that no address is
 * handed out again (`freed` would then name a live one). */
static struct {
    guarded *all[GUARDS];
    int n, next;
} pool;

static void guards_begin(int n) {
    pthread_mutex_lock(&guards.lock);
    guards.n_freed = 0;
    pthread_mutex_unlock(&guards.lock);
    pool.n = n < GUARDS ? n : GUARDS;
    pool.next = 0;
    for (int i = 0; i < pool.n; i++) {
        pool.all[i] = (guarded *)calloc(1, sizeof(guarded));
        pool.all[i]->magic = GUARD_LIVE;
    }
}

static guarded *guard_new(void) {
    if (pool.next >= pool.n) {
        tk_fail(__FILE__, __LINE__, "the test needs more than %d user data", pool.n);
        abort();
    }
    return pool.all[pool.next++];
}

/* Frees what the test did not hand out. */
static void guards_end(void) {
    while (pool.next < pool.n) free(pool.all[pool.next++]);
}

static int guard_late_count(void) {
    pthread_mutex_lock(&guards.lock);
    int n = guards.late;
    pthread_mutex_unlock(&guards.lock);
    return n;
}

typedef struct {
    const OpenintClient *client;
    int stop;
    int calls;
} hammer;

static void *hammer_main(void *p) {
    hammer *h = (hammer *)p;
    while (!__atomic_load_n(&h->stop, __ATOMIC_SEQ_CST)) {
        OpenintResponse *resp = NULL;
        if (openint_client_call(h->client, "health", NULL, &resp, NULL) == OPENINT_STATUS_OK) h->calls++;
        openint_response_free(resp);
    }
    return NULL;
}

static void test_no_callback_after_the_logger_is_removed(void) {
    /* Four threads call without pause (every call logs at debug and info, each line 1 ms in the
     * callback) while the main thread removes or replaces the logger and frees its user data at
     * once: the process-wide logger (removed, replaced) and the client's own (removed). */
    world w;
    world_new(&w, "{}", NULL);
    OpenintClient *own = client_with_token(w.s.base_url, w.s.org_key, NULL);
    hammer hs[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        hs[i].client = i % 2 ? own : w.org;
        hs[i].stop = 0;
        hs[i].calls = 0;
        CHECK(pthread_create(&th[i], NULL, hammer_main, &hs[i]) == 0);
    }
    int late_before = guard_late_count(), used = 0;
    const int rounds = 12;
    guards_begin(3 * rounds);
    for (int r = 0; r < rounds; r++) {
        guarded *g = guard_new();
        guarded *c = guard_new();
        CHECK(openint_set_logger(OPENINT_LOG_LEVEL_DEBUG, on_log_guarded, g, NULL) == OPENINT_STATUS_OK);
        CHECK(openint_client_set_logger(own, OPENINT_LOG_LEVEL_DEBUG, on_log_guarded, c, NULL) == OPENINT_STATUS_OK);
        /* Wait until both are in use. */
        for (int spin = 0; spin < 2000 && (__atomic_load_n(&g->calls, __ATOMIC_SEQ_CST) < 4 ||
                                           __atomic_load_n(&c->calls, __ATOMIC_SEQ_CST) < 4);
             spin++)
            sleep_ms(1);
        used += __atomic_load_n(&g->calls, __ATOMIC_SEQ_CST) >= 4 && __atomic_load_n(&c->calls, __ATOMIC_SEQ_CST) >= 4;
        if (r % 2) {
            CHECK(openint_set_logger(OPENINT_LOG_LEVEL_OFF, NULL, NULL, NULL) == OPENINT_STATUS_OK);
            guard_free(g);
        } else {
            /* Replacing counts as removing: the old user data may go at once. */
            guarded *next = guard_new();
            CHECK(openint_set_logger(OPENINT_LOG_LEVEL_DEBUG, on_log_guarded, next, NULL) == OPENINT_STATUS_OK);
            guard_free(g);
            CHECK(openint_set_logger(OPENINT_LOG_LEVEL_OFF, NULL, NULL, NULL) == OPENINT_STATUS_OK);
            guard_free(next);
        }
        CHECK(openint_client_set_logger(own, OPENINT_LOG_LEVEL_OFF, NULL, NULL, NULL) == OPENINT_STATUS_OK);
        guard_free(c);
        sleep_ms(20); /* calls go on, with no logger */
    }
    for (int i = 0; i < 4; i++) {
        __atomic_store_n(&hs[i].stop, 1, __ATOMIC_SEQ_CST);
        pthread_join(th[i], NULL);
        CHECKF(hs[i].calls > rounds, "thread %d made %d calls", i, hs[i].calls);
    }
    guards_end();
    CHECKF(used == rounds, "the loggers were in use in %d rounds of %d", used, rounds);
    CHECKF(guard_late_count() == late_before, "%d callbacks ran with user data freed after its logger was removed",
           guard_late_count() - late_before);
    openint_client_free(own);
    world_free(&w);
}

static void test_no_callback_after_a_prefetching_cursor_is_freed(void) {
    /* A cursor's prefetch threads are cancelled when it is freed, and log that they were
     * ("cancelled") from their own threads: once the cursor and the client are freed, the host
     * frees the logger's user data, and no line may come after. */
    world w;
    world_new(&w, "{\"latency_ms\":150}", NULL);
    int late_before = guard_late_count();
    guards_begin(4);
    for (int round = 0; round < 4; round++) {
        OpenintClient *c = client_with_token(w.s.base_url, w.s.org_key, "\"prefetch\":6");
        guarded *g = guard_new();
        CHECK(openint_client_set_logger(c, OPENINT_LOG_LEVEL_TRACE, on_log_guarded, g, NULL) == OPENINT_STATUS_OK);
        OpenintCursor *cur = NULL;
        CHECK(openint_client_list_cursor(c, "listConnectors", "{\"limit\":10}", NULL, NULL, &cur, NULL) ==
              OPENINT_STATUS_OK);
        const char *item = NULL;
        CHECK(openint_cursor_next(cur, 0, &item, NULL, NULL) == OPENINT_STATUS_OK);
        /* The pages after the first are in flight (150 ms each) as the cursor goes. */
        sleep_ms(round * 20);
        openint_cursor_free(cur);
        openint_client_free(c);
        guard_free(g);
    }
    guards_end();
    sleep_ms(400); /* what was in flight has ended by now */
    CHECKF(tk_scenario_request_count(&w.s) >= 4 * 4, "%d requests: no page was prefetched",
           tk_scenario_request_count(&w.s));
    CHECKF(guard_late_count() == late_before, "%d callbacks ran after the cursor and client were freed",
           guard_late_count() - late_before);
    world_free(&w);
}

void suite_logging(void) {
    tk_run("log_one_line_per_attempt", test_one_line_per_attempt);
    tk_run("log_levels_debug_and_trace", test_levels_debug_and_trace);
    tk_run("log_global_logger_and_client_override", test_global_logger_and_client_override);
    tk_run("log_no_secret_in_any_line", test_no_secret_in_any_line);
    tk_run("log_connection_secrets_masked_at_every_level", test_connection_secrets_masked_at_every_level);
    tk_run("log_a_logger_may_call_the_sdk", test_a_logger_may_call_the_sdk);
    tk_run("log_no_callback_after_the_logger_is_removed", test_no_callback_after_the_logger_is_removed);
    tk_run("log_no_callback_after_a_prefetching_cursor_is_freed", test_no_callback_after_a_prefetching_cursor_is_freed);
}
