/*
 * Hostile answers from C (the test server's `hostile` scenario key): header floods, broken
 * status lines, endless, lying and compressed-bomb bodies, odd redirects, huge and deep JSON,
 * huge error bodies, absurd Retry-After values. Every call ends with the right status, a short
 * message without the token, and bounded memory (valgrind and ASan run this file too).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checks.h"
#include "openint.h"
#include "suites.h"
#include "testkit.h"

#define TOKEN "sk_live_hostile_token_1"
#define MAX_BODY 4000000 /* max_body_bytes of the clients here */

typedef struct {
    const char *hostile; /* the scenario's "hostile" object */
    bool listing;        /* through a cursor (listConnectors), else openint_client_call(viewer) */
    OpenintStatus want;
    int http;            /* the error's HTTP status (0: none) */
    const char *needle;  /* a part of the message besides the request's path (NULL: none) */
} hostile_case;

static const hostile_case CASES[] = {
    {"{\"kind\":\"header_flood\"}", false, OPENINT_STATUS_PROTOCOL, 0, NULL},
    {"{\"kind\":\"header_flood\",\"count\":1,\"value_bytes\":10000000}", false, OPENINT_STATUS_PROTOCOL, 0, NULL},
    {"{\"kind\":\"garbage_status\"}", true, OPENINT_STATUS_PROTOCOL, 0, NULL},
    {"{\"kind\":\"status\",\"status\":999,\"reason\":\"Whatever\"}", false, OPENINT_STATUS_API_STATUS, 999, "999"},
    {"{\"kind\":\"endless_body\"}", true, OPENINT_STATUS_BODY_TOO_LARGE, 0, "max_body_bytes"},
    {"{\"kind\":\"endless_body\",\"framing\":\"close\"}", false, OPENINT_STATUS_BODY_TOO_LARGE, 0, "max_body_bytes"},
    {"{\"kind\":\"lying_length\"}", true, OPENINT_STATUS_BODY_TOO_LARGE, 0, "max_body_bytes"},
    {"{\"kind\":\"lying_length\",\"content_length\":\"100\",\"body\":\"{}\"}", false, OPENINT_STATUS_CONNECTION, 0, NULL},
    {"{\"kind\":\"gzip_bomb\"}", false, OPENINT_STATUS_BODY_TOO_LARGE, 0, "max_body_bytes"},
    {"{\"kind\":\"gzip_bomb\"}", true, OPENINT_STATUS_BODY_TOO_LARGE, 0, "max_body_bytes"},
    {"{\"kind\":\"redirect\",\"location\":\"file:/etc/passwd\"}", false, OPENINT_STATUS_API_STATUS, 302, "refused"},
    {"{\"kind\":\"redirect\",\"location\":\"data:text/plain,hi\"}", true, OPENINT_STATUS_API_STATUS, 302, "refused"},
    {"{\"kind\":\"raw_body\",\"content_type\":\"text/html\",\"body\":\"<html>Bearer " TOKEN "</html>\"}", true,
     OPENINT_STATUS_DECODE, 0, NULL},
    {"{\"kind\":\"huge_list\",\"bytes\":20000000}", true, OPENINT_STATUS_BODY_TOO_LARGE, 0, "max_body_bytes"},
    {"{\"kind\":\"deep_nesting\",\"depth\":100000}", true, OPENINT_STATUS_DECODE, 0, NULL},
    {"{\"kind\":\"non_object_items\"}", true, OPENINT_STATUS_DECODE, 0, NULL},
    {"{\"kind\":\"huge_error\",\"bytes\":20000000}", false, OPENINT_STATUS_INTERNAL_SERVER, 500, NULL},
    {"{\"kind\":\"huge_error\",\"status\":404,\"bytes\":20000000}", true, OPENINT_STATUS_NOT_FOUND, 404, NULL},
};

static void test_hostile_answers(void) {
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        const hostile_case *c = &CASES[i];
        char *cfg = tk_fmt("{\"token\":\"%s\",\"hostile\":%s}", TOKEN, c->hostile);
        world w;
        char *extra = tk_fmt("\"max_retries\":0,\"max_body_bytes\":%d,\"timeout\":30", MAX_BODY);
        world_new(&w, cfg, extra);
        OpenintError *err = NULL;
        OpenintStatus st;
        char what[200];
        snprintf(what, sizeof what, "%s %s", c->listing ? "cursor" : "call", c->hostile);
        if (c->listing) {
            OpenintCursor *cur = NULL;
            st = openint_client_list_cursor(w.org, "listConnectors", "{\"limit\":100}", NULL, NULL, &cur, &err);
            const char *item;
            int items = 0;
            while (st == OPENINT_STATUS_OK && (st = openint_cursor_next(cur, 0, &item, NULL, &err)) == OPENINT_STATUS_OK)
                items++;
            CHECKF(items < 1000, "%s: %d items", what, items);
            openint_cursor_free(cur);
        } else {
            OpenintResponse *r = NULL;
            st = openint_client_call(w.org, "viewer", NULL, &r, &err);
            openint_response_free(r);
        }
        CHECKF(st == c->want, "%s: %s, expected %s (%s)", what, tk_status_str(st), tk_status_str(c->want),
               openint_error_message(err));
        CHECKF(openint_error_http_status(err) == c->http, "%s: HTTP %u, expected %d", what,
               (unsigned)openint_error_http_status(err), c->http);
        const char *msg = openint_error_message(err);
        CHECKF(msg && strlen(msg) < 600, "%s: a message of %zu bytes", what, msg ? strlen(msg) : 0);
        if (c->needle) CHECKF(has_text(msg, c->needle), "%s: message %s lacks %s", what, msg, c->needle);
        /* Transport and protocol errors name the request (API errors carry the server's message). */
        if (!c->http) CHECKF(has_text(msg, c->listing ? "/connector" : "/viewer"), "%s: message %s does not name the request",
                             what, msg);
        /* Error bodies are kept up to 64 KiB (and marked when cut). */
        const char *body = openint_error_body(err);
        CHECKF(!body || strlen(body) <= 64 * 1024 + 64, "%s: an error body of %zu bytes", what, strlen(body));
        CHECKF(!has_text(msg, TOKEN) && !has_text(openint_error_display(err), TOKEN) && !has_text(body, TOKEN),
               "%s: the token shows in the error", what);
        openint_error_free(err);
        world_free(&w);
        free(extra);
        free(cfg);
    }
}

static void test_absurd_retry_after(void) {
    /* Retry-After 1e308 and retry-after-ms -1: neither may turn into an endless wait. With a
     * 2 s deadline the call gives up at once; without one it retries after its own back-off. */
    world w;
    world_new(&w, "{\"hostile\":{\"kind\":\"retry_storm\",\"times\":1}}", "\"max_retries\":2");
    OpenintResponse *r = NULL;
    OpenintError *err = NULL;
    double t0 = tk_now();
    OpenintStatus st = openint_client_call_with(w.org, "viewer", NULL, "{\"timeout\":30}", NULL, &r, &err);
    CHECKF(st == OPENINT_STATUS_OK, "after one storm answer: %s (%s)", tk_status_str(st), openint_error_message(err));
    CHECKF(openint_response_retries(r) == 1, "retries %u", openint_response_retries(r));
    /* Not a timing goal: the 30 s deadline must not have been what ended the wait. */
    CHECKF(tk_now() - t0 < 20, "the retry waited %.1f s", tk_now() - t0);
    openint_response_free(r);
    openint_error_free(err);
    world_free(&w);
}

static void test_non_json_answer_to_a_call(void) {
    /* A 2xx that is not JSON (a proxy's or CDN's HTML page) is OPENINT_STATUS_DECODE ("a 2xx
     * answer that is not the expected JSON", openint.h), for a single call as for a list. */
    world w;
    world_new(&w, "{\"non_json\":true}", "\"max_retries\":0");
    OpenintResponse *r = SENT(OpenintResponse);
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_call(w.org, "viewer", NULL, &r, &err);
    CHECKF(st == OPENINT_STATUS_DECODE, "viewer answered by an HTML page: %s, expected decode (body %.40s)",
           tk_status_str(st), st == OPENINT_STATUS_OK ? openint_response_body(r, NULL) : "");
    if (st == OPENINT_STATUS_OK) openint_response_free(r);
    /* The error keeps what came instead, so the caller can see the CDN's page. */
    CHECKF(st != OPENINT_STATUS_DECODE || has_text(openint_error_body(err), "<html"),
           "the decode error keeps the body: %s", err ? openint_error_body(err) : "(no error)");
    openint_error_free(err);
    OpenintPage *page = NULL;
    err = NULL;
    st = openint_client_list(w.org, "listConnections", NULL, NULL, NULL, &page, &err);
    expect_transport_error(st, err, OPENINT_STATUS_DECODE, "a list page that is an HTML page");
    CHECKF(err && has_text(openint_error_body(err), "<html"), "the list's decode error keeps the body");
    openint_error_free(err);
    world_free(&w);
}

/* Issue 18 items 1 and 2: a token the server echoes across a cut of the library (the 120 bytes a
 * decode error quotes, the 64 KiB an error body keeps, the 4 KiB a trace line keeps), or
 * JSON-escaped (it holds `"` and `\`), never shows, not even its start. */
static void no_token_start(const char *token, const char *text, const char *what) {
    char start[6];
    snprintf(start, sizeof start, "%s", token);
    CHECKF(!has_text(text, start), "%s: the token's start %s shows in %.200s", what, start, text ? text : "");
}

static void on_trace(void *user_data, uint32_t level, const char *target, const char *message) {
    (void)level;
    (void)target;
    const char *token = (const char *)user_data;
    char start[6];
    snprintf(start, sizeof start, "%s", token);
    if (has_text(message, start)) tk_fail(__FILE__, __LINE__, "a log line shows the token's start: %.200s", message);
}

static void test_token_across_cuts_and_escaped(void) {
    const char *token = "sk_live_cut_0123456789abcdef";
    struct {
        const char *what;
        int pad;
        const char *status_and_type; /* the hostile raw_body's status and content_type */
    } cases[] = {
        {"a decode error's quote", 100, "\"status\":200,\"content_type\":\"text/html\""},
        {"an error body", 65536 - 12, "\"status\":500,\"content_type\":\"text/plain\""},
        {"a trace line", 4096 - 30, "\"status\":200,\"content_type\":\"application/json\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *pad = (char *)malloc((size_t)cases[i].pad + 1);
        memset(pad, 'x', (size_t)cases[i].pad);
        pad[cases[i].pad] = 0;
        bool json = strstr(cases[i].status_and_type, "application/json") != NULL;
        char *body = json ? tk_fmt("{\\\"role\\\":\\\"org\\\",\\\"pad\\\":\\\"%s%s tail\\\"}", pad, token)
                          : tk_fmt("%s%s tail", pad, token);
        char *cfg = tk_fmt("{\"org_key\":\"%s\",\"hostile\":{\"kind\":\"raw_body\",%s,\"body\":\"%s\"}}", token,
                           cases[i].status_and_type, body);
        world w;
        world_new(&w, cfg, "\"max_retries\":0");
        CHECK(openint_client_set_logger(w.org, OPENINT_LOG_LEVEL_TRACE, on_trace, (void *)token, NULL) == OPENINT_STATUS_OK);
        OpenintResponse *r = NULL;
        OpenintError *err = NULL;
        OpenintStatus st = openint_client_call(w.org, "viewer", NULL, &r, &err);
        CHECKF(json ? st == OPENINT_STATUS_OK : st != OPENINT_STATUS_OK, "%s: %s", cases[i].what, tk_status_str(st));
        no_token_start(token, openint_error_message(err), cases[i].what);
        no_token_start(token, openint_error_display(err), cases[i].what);
        no_token_start(token, openint_error_body(err), cases[i].what);
        openint_response_free(r);
        openint_error_free(err);
        world_free(&w);
        free(cfg);
        free(body);
        free(pad);
    }

    /* A token with a quote and a backslash, echoed JSON-escaped in an error body. */
    const char *odd = "sk_live_q\"uo\\te_0123456789";
    const char *odd_escaped = "sk_live_q\\\\\\\"uo\\\\\\\\te_0123456789"; /* as JSON inside the scenario's JSON */
    char *cfg = tk_fmt("{\"fail\":{\"status\":401,\"body\":\"{\\\"message\\\":\\\"bad %s\\\",\\\"code\\\":\\\"UNAUTHORIZED\\\"}\"}}",
                       odd_escaped);
    world w;
    world_new(&w, cfg, "\"max_retries\":0");
    /* The token in the client options, JSON-escaped once. */
    char *copts = tk_fmt("{\"base_url\":\"%s\",\"token\":\"sk_live_q\\\"uo\\\\te_0123456789\",\"max_retries\":0}", w.s.base_url);
    OpenintClient *c = NULL;
    CHECK(openint_client_new(copts, &c, NULL) == OPENINT_STATUS_OK);
    free(copts);
    OpenintError *err = call_fails(c, "viewer", NULL, OPENINT_STATUS_AUTHENTICATION, 401);
    no_token_start(odd, openint_error_body(err), "an escaped token in an error body");
    no_token_start(odd, openint_error_display(err), "an escaped token in the display line");
    CHECKF(has_text(openint_error_body(err), "[REDACTED]"), "the body shows where the token was: %s",
           openint_error_body(err));
    openint_error_free(err);
    openint_client_free(c);
    world_free(&w);
    free(cfg);
}

static void test_token_given_as_base_url(void) {
    /* Issue 18 item 3: the token and the base URL swapped; the error never quotes the token. */
    const char *token = "sk_live_swapped_0123456789";
    char *opts = tk_fmt("{\"token\":\"http://127.0.0.1:9/v1\",\"base_url\":\"%s\"}", token);
    OpenintClient *c = NULL;
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_new(opts, &c, &err);
    expect_invalid(st, err, "a token as base_url", "base_url", NULL);
    no_token_start(token, openint_error_message(err), "base_url error");
    no_token_start(token, openint_error_display(err), "base_url error");
    openint_error_free(err);
    free(opts);
}

static void test_a_timeout_names_the_bound_that_fired(void) {
    /* Issue 18 item 15: a TLS handshake that stalls stops at connect_timeout (1 s here) and must
     * say so, not "timed out after 30s" (the per-attempt timeout). */
    tk_stub *stub = tk_stub_start(TK_STUB_SILENT, NULL);
    CHECK(stub != NULL);
    if (!stub) return;
    char *opts = tk_fmt("\"connect_timeout\":1,\"timeout\":30,\"max_retries\":0,\"tls_roots\":\"webpki\"");
    char *url = tk_fmt("https://127.0.0.1:%d/v1", tk_stub_port(stub));
    OpenintClient *c = tk_client(url, opts);
    OpenintResponse *r = NULL;
    OpenintError *err = NULL;
    double t0 = tk_now();
    OpenintStatus st = openint_client_call(c, "health", NULL, &r, &err);
    double took = tk_now() - t0;
    expect_transport_error(st, err, OPENINT_STATUS_TIMEOUT, "a stalled TLS handshake");
    const char *msg = openint_error_message(err);
    CHECKF(has_text(msg, "connect_timeout") && has_text(msg, "1s") && !has_text(msg, "30s"), "the message names %s", msg);
    CHECKF(took < 10 * tk_time_scale(), "took %.1f s", took);
    openint_error_free(err);
    /* A call's own deadline is named as such. */
    err = NULL;
    st = openint_client_call_with(c, "health", NULL, "{\"timeout\":0.5}", NULL, &r, &err);
    expect_transport_error(st, err, OPENINT_STATUS_TIMEOUT, "a call deadline shorter than connect_timeout");
    CHECKF(has_text(openint_error_message(err), "deadline"), "the message names %s", openint_error_message(err));
    openint_error_free(err);
    openint_client_free(c);
    free(url);
    free(opts);
    tk_stub_stop(stub);
}

static void test_a_socks_proxy_is_refused(void) {
    /* Issue 18 item 10: a SOCKS proxy was accepted, then ignored (requests went out directly). */
    const char *proxies[] = {"socks5://127.0.0.1:1080", "socks4://127.0.0.1:1080", "socks5h://127.0.0.1:1080"};
    for (size_t i = 0; i < sizeof proxies / sizeof proxies[0]; i++) {
        char *opts = tk_fmt("{\"base_url\":\"%s\",\"proxy\":\"%s\"}", tk_server_base_url(), proxies[i]);
        OpenintClient *c = SENT(OpenintClient);
        OpenintError *err = NULL;
        OpenintStatus st = openint_client_new(opts, &c, &err);
        expect_invalid(st, err, proxies[i], "proxy", "SOCKS");
        CHECK(c == SENT(OpenintClient));
        openint_error_free(err);
        free(opts);
    }
}

/* ---- a cancel as a connection returns to the pool (issue 18 item 16) ------------------------------ */

typedef struct {
    const OpenintClient *client;
    OpenintCancel *cancel; /* the outer call's */
    int acted;
    pthread_t other;
    OpenintStatus other_status;
} pool_race;

static void *other_call_main(void *p) {
    pool_race *r = (pool_race *)p;
    OpenintResponse *resp = NULL;
    OpenintError *err = NULL;
    r->other_status = openint_client_call(r->client, "health", NULL, &resp, &err);
    if (r->other_status != OPENINT_STATUS_OK)
        fprintf(stderr, "    the other call: %s\n", openint_error_message(err));
    openint_response_free(resp);
    openint_error_free(err);
    return NULL;
}

/* On the outer call's second hop (its first connection is back in the pool, its attempt still
 * running), another thread's call takes that connection, then the outer call is cancelled. */
static void on_second_hop(void *user_data, uint32_t level, const char *target, const char *message) {
    (void)level;
    (void)target;
    pool_race *r = (pool_race *)user_data;
    if (r->acted || !has_text(message, "viewer?_redirected=1")) return;
    r->acted = 1;
    CHECK(pthread_create(&r->other, NULL, other_call_main, r) == 0);
    struct timespec ts = {0, 150 * 1000 * 1000};
    nanosleep(&ts, NULL); /* the other call now waits for its (slow) answer on that connection */
    openint_cancel(r->cancel);
    pthread_join(r->other, NULL);
}

static void test_a_cancel_never_reaches_the_next_call_on_a_pooled_connection(void) {
    world w;
    world_new(&w, "{\"redirect\":\"same_origin\",\"hostile\":{\"kind\":\"slow_head\",\"delay_ms\":4,\"chunk\":1,\"match\":\"/health\"}}",
              "\"max_retries\":0");
    pool_race r;
    memset(&r, 0, sizeof r);
    r.client = w.org;
    r.other_status = OPENINT_STATUS_INTERNAL;
    CHECK(openint_cancel_new(&r.cancel, NULL) == OPENINT_STATUS_OK);
    CHECK(openint_client_set_logger(w.org, OPENINT_LOG_LEVEL_DEBUG, on_second_hop, &r, NULL) == OPENINT_STATUS_OK);
    OpenintResponse *resp = NULL;
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_call_with(w.org, "viewer", NULL, NULL, r.cancel, &resp, &err);
    openint_response_free(resp);
    openint_error_free(err);
    CHECK(openint_client_set_logger(w.org, OPENINT_LOG_LEVEL_OFF, NULL, NULL, NULL) == OPENINT_STATUS_OK);
    CHECKF(r.acted, "the outer call never reached its second hop");
    CHECKF(st == OPENINT_STATUS_CANCELLED, "the outer call: %s", tk_status_str(st));
    CHECKF(r.other_status == OPENINT_STATUS_OK, "the other call: %s (the outer cancel shut its connection down)",
           tk_status_str(r.other_status));
    /* It did run on the connection the outer call returned to the pool. */
    cJSON *log = tk_scenario_requests(&w.s);
    int viewer_conn = -1, health_conn = -2;
    for (int i = 0; i < cJSON_GetArraySize(log); i++) {
        const cJSON *e = cJSON_GetArrayItem(log, i);
        if (has_text(tk_log_str(e, "path"), "/viewer") && viewer_conn < 0) viewer_conn = tk_log_conn(e);
        if (has_text(tk_log_str(e, "path"), "/health") && health_conn < 0) health_conn = tk_log_conn(e);
    }
    CHECKF(viewer_conn == health_conn, "the other call used connection %d, the outer one %d", health_conn, viewer_conn);
    cJSON_Delete(log);
    openint_cancel_free(r.cancel);
    world_free(&w);
}

/* ---- fork() (issue 18 item 8) ---------------------------------------------------------------- */

/* Waits up to `seconds` for child `pid`; kills it on the deadline. Its exit code, or -1 when it
 * had to be killed or did not exit normally. */
static int wait_child(pid_t pid, double seconds) {
    double end = tk_now() + seconds * tk_time_scale();
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (r < 0) return -1;
        if (tk_now() > end) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* Ends a forked child: its checks counted in its own copy of the test state, and nothing of the
 * parent's (atexit handlers, the test server it started) is touched. It ends by exec'ing
 * true or false rather than by exiting: a leak check at exit (valgrind) would count what the
 * parent's threads held, which have no thread in the child to free it. */
static int failures_at_fork;

static pid_t fork_test(void) {
    fflush(stdout);
    fflush(stderr);
    failures_at_fork = tk_failure_count();
    pid_t pid = fork();
    CHECK(pid >= 0);
    return pid;
}

static void child_exit(void) {
    fflush(stdout);
    fflush(stderr);
    const char *end = tk_failure_count() > failures_at_fork ? "/bin/false" : "/bin/true";
    execl(end, end, (char *)NULL);
    _exit(tk_failure_count() > failures_at_fork ? 1 : 0);
}

/* healthEcho {"who": who, "n": n}: true when the answer echoes exactly that. */
static bool echo_is_own(const OpenintClient *c, const char *who, int n) {
    char *body = tk_fmt("{\"who\":\"%s\",\"n\":%d}", who, n);
    OpenintResponse *r = NULL;
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_call_with(c, "healthEcho", body, "{\"timeout\":10}", NULL, &r, &err);
    bool own = false;
    if (st == OPENINT_STATUS_OK) {
        cJSON *got = cJSON_Parse(openint_response_body(r, NULL));
        cJSON *want = cJSON_Parse(body);
        own = got && want && cJSON_Compare(cJSON_GetObjectItemCaseSensitive(got, "input"), want, 1);
        CHECKF(own, "%s %d got the answer %s", who, n, openint_response_body(r, NULL));
        cJSON_Delete(got);
        cJSON_Delete(want);
    } else {
        CHECKF(false, "%s %d: %s (%s)", who, n, tk_status_str(st), openint_error_message(err));
    }
    openint_response_free(r);
    openint_error_free(err);
    free(body);
    return own;
}

static void test_fork_with_a_pooled_connection(void) {
    /* Before: the child took the parent's pooled keep-alive socket, so parent and child read each
     * other's answers (then timed out). The child must make its own connections and leave the
     * parent's alone. */
    world w;
    world_new(&w, "{}", "\"max_retries\":0");
    CHECK(echo_is_own(w.org, "before", 0)); /* the pooled connection */
    pid_t pid = fork_test();
    if (pid < 0) {
        world_free(&w);
        return;
    }
    const char *who = pid == 0 ? "child" : "parent";
    for (int i = 0; i < 5; i++) echo_is_own(w.org, who, i);
    if (pid == 0) child_exit();
    CHECKF(wait_child(pid, 30) == 0, "the child's calls failed (its messages are above)");
    CHECK(echo_is_own(w.org, "after", 0));

    /* Connections: the parent kept its own all along, the child never used it. */
    cJSON *log = tk_scenario_requests(&w.s);
    int pooled = -1, child_calls = 0, parent_calls = 0;
    for (int i = 0; i < cJSON_GetArraySize(log); i++) {
        const cJSON *e = cJSON_GetArrayItem(log, i);
        const char *body = tk_log_str(e, "body");
        int conn = tk_log_conn(e);
        if (has_text(body, "\"before\"")) pooled = conn;
        if (has_text(body, "\"child\"")) {
            child_calls++;
            CHECKF(conn != pooled, "the child used the parent's pooled connection %d", conn);
        }
        if (has_text(body, "\"parent\"") || has_text(body, "\"after\"")) {
            parent_calls++;
            CHECKF(conn == pooled, "the parent's call went on connection %d, not its pooled %d", conn, pooled);
        }
    }
    CHECKF(pooled >= 0 && child_calls == 5 && parent_calls == 6, "pooled %d, child calls %d, parent calls %d", pooled,
           child_calls, parent_calls);
    cJSON_Delete(log);
    world_free(&w);
}

/* Walks `cur` to its end; the number of items, or -1 on an error. */
static int walk_rest(OpenintCursor *cur, const char *who) {
    const char *item = NULL;
    OpenintError *err = NULL;
    OpenintStatus st;
    int n = 0;
    while ((st = openint_cursor_next(cur, 20, &item, NULL, &err)) == OPENINT_STATUS_OK) n++;
    CHECKF(st == OPENINT_STATUS_END, "%s: %s (%s)", who, tk_status_str(st), openint_error_message(err));
    openint_error_free(err);
    return st == OPENINT_STATUS_END ? n : -1;
}

static void test_fork_during_a_prefetched_walk(void) {
    /* Pages after the first answer slowly, so they are in flight at the fork. Before: the child
     * waited forever for pages the parent's threads fetch; freeing its cursor shut the parent's
     * sockets down. */
    world w;
    world_new(&w,
              "{\"seed\":{\"connections\":30},\"hostile\":{\"kind\":\"slow_head\",\"delay_ms\":50,\"chunk\":8,"
              "\"match\":\"offset=\"}}",
              "\"max_retries\":0");
    OpenintCursor *cur = NULL;
    CHECK(openint_client_list_cursor(w.org, "listConnections", "{\"limit\":5}", "{\"prefetch\":4}", NULL, &cur, NULL) ==
          OPENINT_STATUS_OK);
    const char *item = NULL;
    CHECK(openint_cursor_next(cur, 0, &item, NULL, NULL) == OPENINT_STATUS_OK);
    struct timespec ts = {0, 300 * 1000 * 1000};
    nanosleep(&ts, NULL); /* the pages in flight are on their sockets, waiting for their heads */
    /* A child that frees the cursor at once, while the parent's pages are in flight. */
    pid_t quitter = fork_test();
    if (quitter == 0) {
        openint_cursor_free(cur);
        child_exit();
    }
    /* A child that walks on to the end. */
    pid_t walker = fork_test();
    if (walker == 0) {
        int n = walk_rest(cur, "the child");
        CHECKF(n == 29, "the child listed %d more, not 29", n);
        openint_cursor_free(cur);
        child_exit();
    }
    int n = walk_rest(cur, "the parent");
    CHECKF(n == 29, "the parent listed %d more, not 29", n);
    openint_cursor_free(cur);
    CHECKF(wait_child(quitter, 30) == 0, "the child that freed its cursor failed");
    CHECKF(wait_child(walker, 60) == 0, "the child did not finish the walk (its messages are above)");
    world_free(&w);
}

/* ---- a step's deadline with pages in flight (issue 18 item 12) ------------------------------- */

/* Pages after the first (their query has `offset=`) misbehave; the first answers at once. */
static const char *const STUCK_PAGES[] = {
    /* hanging: the head comes a byte every 30 s */
    "{\"seed\":{\"connections\":30},\"hostile\":{\"kind\":\"slow_head\",\"delay_ms\":30000,\"match\":\"offset=\"}}",
    /* 429 with Retry-After: 30 */
    "{\"seed\":{\"connections\":30},\"fail\":{\"status\":429,\"times\":1000,\"match\":\"offset=\","
    "\"headers\":{\"Retry-After\":\"30\"}}}",
    /* an endless body, slowly */
    "{\"seed\":{\"connections\":30},\"hostile\":{\"kind\":\"endless_body\",\"chunk\":100,\"delay_ms\":20,"
    "\"match\":\"offset=\"}}",
};

static void expect_step_bounded(OpenintStatus st, OpenintError *err, double took, const char *what) {
    CHECKF(st == OPENINT_STATUS_TIMEOUT, "%s: %s (%s)", what, tk_status_str(st), openint_error_message(err));
    CHECKF(took < 1 + 1.5 * tk_time_scale(), "%s: a 1 s step took %.1f s", what, took);
    CHECKF(has_text(openint_error_message(err), "offset=5"), "%s: the message %s names not the page", what,
           openint_error_message(err));
}

static void test_a_step_ends_within_its_bound_whatever_the_pages_in_flight_do(void) {
    /* Before: with prefetch > 1 a 1 s step waited for a page in flight under the listing's own
     * bounds: 8 s here (the client's timeout), 30 s and more on a 429. */
    for (size_t i = 0; i < sizeof STUCK_PAGES / sizeof STUCK_PAGES[0]; i++) {
        world w;
        world_new(&w, STUCK_PAGES[i], "\"max_retries\":2,\"timeout\":8");
        char what[64];
        snprintf(what, sizeof what, "cursor, stuck pages %zu", i);
        OpenintCursor *cur = NULL;
        CHECK(openint_client_list_cursor(w.org, "listConnections", "{\"limit\":5}", "{\"prefetch\":4}", NULL, &cur,
                                         NULL) == OPENINT_STATUS_OK);
        const char *item = NULL;
        OpenintError *err = NULL;
        for (int n = 0; n < 5; n++) CHECK(openint_cursor_next(cur, 1, &item, NULL, NULL) == OPENINT_STATUS_OK);
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL); /* the pages ahead are in flight (and a 429 has paused the listing) */
        double t0 = tk_now();
        OpenintStatus st = openint_cursor_next(cur, 1, &item, NULL, &err);
        expect_step_bounded(st, err, tk_now() - t0, what);
        openint_error_free(err);
        /* Again: the page is fetched anew, within the bound too. */
        err = NULL;
        t0 = tk_now();
        st = openint_cursor_next(cur, 1, &item, NULL, &err);
        snprintf(what, sizeof what, "cursor again, stuck pages %zu", i);
        expect_step_bounded(st, err, tk_now() - t0, what);
        openint_error_free(err);
        t0 = tk_now();
        openint_cursor_free(cur);
        CHECKF(tk_now() - t0 < 1 * tk_time_scale(), "freeing the cursor took %.1f s", tk_now() - t0);

        /* openint_page_next likewise. */
        OpenintPage *page = NULL, *next = NULL;
        CHECK(openint_client_list(w.org, "listConnections", "{\"limit\":5}", "{\"prefetch\":4}", NULL, &page, NULL) ==
              OPENINT_STATUS_OK);
        nanosleep(&ts, NULL);
        err = NULL;
        t0 = tk_now();
        st = openint_page_next(page, 1, &next, &err);
        snprintf(what, sizeof what, "page_next, stuck pages %zu", i);
        expect_step_bounded(st, err, tk_now() - t0, what);
        openint_error_free(err);
        openint_page_free(next);
        openint_page_free(page);
        world_free(&w);
    }
}

/* ---- the bytes a listing buffers (issue 18 item 13) ----------------------------------------- */

static int walk_count(OpenintCursor *cur, const char *what) {
    const char *item = NULL;
    OpenintError *err = NULL;
    OpenintStatus st;
    int n = 0;
    while ((st = openint_cursor_next(cur, 0, &item, NULL, &err)) == OPENINT_STATUS_OK) n++;
    CHECKF(st == OPENINT_STATUS_END, "%s: %s (%s)", what, tk_status_str(st), openint_error_message(err));
    openint_error_free(err);
    return n;
}

static void test_prefetch_stops_at_its_byte_budget(void) {
    /* Pages of about 8.6 KB, max_body_bytes 20000: the pages fetched ahead may hold 20000 bytes
     * (the budget is 16 MiB, or max_body_bytes if smaller), so 2 are in flight, not 8. Before:
     * prefetch x max_body_bytes could be buffered. */
    world w;
    world_new(&w, "{\"seed\":{\"connections\":200}}", "\"max_retries\":0,\"max_body_bytes\":20000");
    OpenintCursor *cur = NULL;
    CHECK(openint_client_list_cursor(w.org, "listConnections", "{\"limit\":20}", "{\"prefetch\":8}", NULL, &cur, NULL) ==
          OPENINT_STATUS_OK);
    const char *item = NULL;
    CHECK(openint_cursor_next(cur, 0, &item, NULL, NULL) == OPENINT_STATUS_OK);
    struct timespec ts = {0, 500 * 1000 * 1000};
    nanosleep(&ts, NULL); /* what was put in flight has arrived */
    int requests = tk_scenario_request_count(&w.s);
    CHECKF(requests == 3, "%d requests after the first page: the first and 2 ahead expected", requests);
    /* It goes on as the pages are consumed, and lists everything. */
    int n = 1 + walk_count(cur, "the budgeted walk");
    CHECKF(n == 200, "listed %d of 200", n);
    openint_cursor_free(cur);
    world_free(&w);
}

static int left_off;

static void on_left_off(void *user_data, uint32_t level, const char *target, const char *message) {
    (void)user_data;
    (void)level;
    (void)target;
    if (has_text(message, "prefetch budget")) __atomic_add_fetch(&left_off, 1, __ATOMIC_SEQ_CST);
}

static void test_a_page_bigger_than_its_share_is_left_off_and_fetched_again(void) {
    /* GET /connector pages (about 26 KB each) are put in flight alongside the first, before any
     * size is known: 7 of them cannot all fit in a 60000-byte budget. Those that would go past
     * it stop being read, and the consumer fetches them itself: the walk is whole. */
    world w;
    world_new(&w, "{}", "\"max_retries\":0,\"max_body_bytes\":60000");
    left_off = 0;
    CHECK(openint_client_set_logger(w.org, OPENINT_LOG_LEVEL_ERROR, on_left_off, NULL, NULL) == OPENINT_STATUS_OK);
    OpenintCursor *cur = NULL;
    CHECK(openint_client_list_cursor(w.org, "listConnectors", "{\"limit\":20}", "{\"prefetch\":8}", NULL, &cur, NULL) ==
          OPENINT_STATUS_OK);
    int n = walk_count(cur, "the walk past the budget");
    openint_cursor_free(cur);
    CHECK(openint_client_set_logger(w.org, OPENINT_LOG_LEVEL_OFF, NULL, NULL, NULL) == OPENINT_STATUS_OK);
    tk_oracle o;
    CHECK(tk_oracle_get(171, false, &o));
    CHECKF(n == o.count, "listed %d of %d", n, o.count);
    tk_oracle_free(&o);
    CHECKF(__atomic_load_n(&left_off, __ATOMIC_SEQ_CST) > 0, "no page fetched ahead was left off at the budget");
    world_free(&w);
}

void suite_hostile(void) {
    tk_run("hostile_answers", test_hostile_answers);
    tk_run("hostile_absurd_retry_after", test_absurd_retry_after);
    tk_run("hostile_non_json_answer_to_a_call", test_non_json_answer_to_a_call);
    tk_run("hostile_token_across_cuts_and_escaped", test_token_across_cuts_and_escaped);
    tk_run("hostile_token_given_as_base_url", test_token_given_as_base_url);
    tk_run("hostile_a_timeout_names_the_bound_that_fired", test_a_timeout_names_the_bound_that_fired);
    tk_run("hostile_a_socks_proxy_is_refused", test_a_socks_proxy_is_refused);
    tk_run("hostile_a_cancel_never_reaches_the_next_call_on_a_pooled_connection",
           test_a_cancel_never_reaches_the_next_call_on_a_pooled_connection);
    tk_run("hostile_fork_with_a_pooled_connection", test_fork_with_a_pooled_connection);
    tk_run("hostile_fork_during_a_prefetched_walk", test_fork_during_a_prefetched_walk);
    tk_run("hostile_a_step_ends_within_its_bound_whatever_the_pages_in_flight_do",
           test_a_step_ends_within_its_bound_whatever_the_pages_in_flight_do);
    tk_run("hostile_prefetch_stops_at_its_byte_budget", test_prefetch_stops_at_its_byte_budget);
    tk_run("hostile_a_page_bigger_than_its_share_is_left_off_and_fetched_again",
           test_a_page_bigger_than_its_share_is_left_off_and_fetched_again);
}
