/*
 * Cancellation from C: another thread fires openint_cancel while a call is connecting, in the
 * TLS handshake, sending, waiting for the answer, reading the body, or waiting to retry, and
 * the call returns OPENINT_STATUS_CANCELLED within 100 ms (scaled under valgrind and ASan).
 * The phases the test server cannot act out (a connect that hangs, a TLS handshake or a request
 * body that never completes) come from loopback stubs (testkit's tk_stub).
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

#define CANCEL_BOUND 0.100 /* seconds from openint_cancel to the call's return */
/* When to fire in the phases that last (a hang, or 30 s): late enough for the call to be in
 * that phase even under valgrind, where building a TLS ClientHello alone takes a while. */
#define PHASE_DELAY (0.3 * tk_time_scale())

static void sleep_s(double s) {
    struct timespec ts;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    nanosleep(&ts, NULL);
}

/* One call, the way a test wants it made. */
typedef enum { JOB_CALL, JOB_LIST, JOB_CURSOR, JOB_RAW } job_kind;

typedef struct {
    job_kind kind;
    const OpenintClient *client;
    const OpenintCancel *cancel;
    const char *op, *params, *options;
    OpenintStatus st;
    OpenintError *err;
    double ended; /* tk_now() when the call returned */
} job;

static void run_job(job *j) {
    j->err = NULL;
    switch (j->kind) {
    case JOB_CALL: {
        OpenintResponse *r = NULL;
        j->st = openint_client_call_with(j->client, j->op, j->params, j->options, j->cancel, &r, &j->err);
        openint_response_free(r);
        break;
    }
    case JOB_LIST: {
        OpenintPage *p = NULL;
        j->st = openint_client_list(j->client, j->op, j->params, j->options, j->cancel, &p, &j->err);
        openint_page_free(p);
        break;
    }
    case JOB_CURSOR: {
        OpenintCursor *c = NULL;
        j->st = openint_client_list_cursor(j->client, j->op, j->params, j->options, j->cancel, &c, &j->err);
        const char *item = NULL;
        while (j->st == OPENINT_STATUS_OK) j->st = openint_cursor_next(c, 0, &item, NULL, &j->err);
        openint_cursor_free(c);
        break;
    }
    case JOB_RAW: {
        OpenintResponse *r = NULL;
        j->st = openint_client_request(j->client, "POST", "/health", NULL, j->params, j->options, j->cancel, &r, &j->err);
        openint_response_free(r);
        break;
    }
    }
    j->ended = tk_now();
}

typedef struct {
    const OpenintCancel *cancel;
    double delay;
    /* When set: fire only once the server has logged a request (with header x-thread equal to
     * `thread` when that is not NULL), so that a slow run cannot cancel before sending. */
    const tk_scenario *scn;
    const char *thread;
    double fired; /* tk_now() just before openint_cancel */
} canceller;

static bool request_seen(const tk_scenario *s, const char *thread) {
    cJSON *log = tk_scenario_requests(s);
    bool seen = false;
    cJSON *req;
    cJSON_ArrayForEach(req, log) seen |= !thread || has_text(tk_log_header(req, "x-thread"), thread);
    cJSON_Delete(log);
    return seen;
}

static void *canceller_main(void *p) {
    canceller *c = (canceller *)p;
    for (double t0 = tk_now(); c->scn && !request_seen(c->scn, c->thread) && tk_now() - t0 < 60;) sleep_s(0.005);
    sleep_s(c->delay);
    c->fired = tk_now();
    openint_cancel(c->cancel);
    return NULL;
}

/* Runs `j` while another thread fires its cancel handle `delay` seconds after the start (or,
 * with `scn`, after the server logged the request, with x-thread `thread` if not NULL): the
 * call must still be running then, and return CANCELLED within the bound. */
static void expect_cancelled_in_time_after(job *j, const tk_scenario *scn, const char *thread, double delay,
                                           const char *what) {
    canceller c;
    c.cancel = j->cancel;
    c.delay = delay;
    c.scn = scn;
    c.thread = thread;
    c.fired = 0;
    pthread_t th;
    CHECK(pthread_create(&th, NULL, canceller_main, &c) == 0);
    run_job(j);
    pthread_join(th, NULL);
    double latency = j->ended - c.fired;
    CHECKF(j->st == OPENINT_STATUS_CANCELLED, "%s: %s (%s), expected cancelled", what, tk_status_str(j->st),
           openint_error_display(j->err));
    CHECKF(latency >= 0, "%s: the call ended %.0f ms before the cancel: the phase was not reached", what, -latency * 1e3);
    CHECKF(latency < CANCEL_BOUND * tk_time_scale(), "%s: returned %.1f ms after openint_cancel (bound %.0f ms)", what,
           latency * 1e3, CANCEL_BOUND * tk_time_scale() * 1e3);
    if (j->err) {
        CHECKF(openint_error_kind(j->err) == OPENINT_STATUS_CANCELLED && has_text(openint_error_message(j->err), "cancel"),
               "%s: error %s", what, openint_error_message(j->err));
        CHECK(openint_error_http_status(j->err) == 0);
    }
    printf("#   %s: cancelled %.1f ms after openint_cancel\n", what, latency * 1e3);
    openint_error_free(j->err);
    j->err = NULL;
}

static void expect_cancelled_in_time(job *j, double delay, const char *what) {
    expect_cancelled_in_time_after(j, NULL, NULL, delay, what);
}

static OpenintCancel *new_cancel(void) {
    OpenintCancel *c = NULL;
    OpenintError *err = NULL;
    CHECK(openint_cancel_new(&c, &err) == OPENINT_STATUS_OK && c && !err);
    CHECK(!openint_cancel_is_cancelled(c));
    return c;
}

static job make_job(job_kind kind, const OpenintClient *client, const OpenintCancel *cancel, const char *op,
                    const char *params, const char *options) {
    job j;
    memset(&j, 0, sizeof j);
    j.kind = kind;
    j.client = client;
    j.cancel = cancel;
    j.op = op;
    j.params = params;
    j.options = options;
    return j;
}

/* ---- every phase ----------------------------------------------------------------------------- */

static void test_cancel_while_connecting(void) {
    tk_stub *stub = tk_stub_start(TK_STUB_BACKLOG_FULL, NULL);
    CHECK(stub != NULL);
    if (!stub) return;
    CHECKF(tk_stub_connect_hangs(stub, 0.3), "a full accept queue does not make connect() hang here");
    char *base = tk_fmt("http://127.0.0.1:%d/v1", tk_stub_port(stub));
    OpenintClient *c = tk_client(base, "\"connect_timeout\":60,\"max_retries\":0");
    OpenintCancel *cancel = new_cancel();
    job j = make_job(JOB_CALL, c, cancel, "health", NULL, NULL);
    expect_cancelled_in_time(&j, PHASE_DELAY, "connecting");
    openint_cancel_free(cancel);
    openint_client_free(c);
    free(base);
    tk_stub_stop(stub);
}

static void test_cancel_in_tls_handshake(void) {
    /* The stub accepts and never answers the ClientHello. */
    tk_stub *stub = tk_stub_start(TK_STUB_SILENT, NULL);
    CHECK(stub != NULL);
    if (!stub) return;
    char *base = tk_fmt("https://127.0.0.1:%d/v1", tk_stub_port(stub));
    OpenintClient *c = tk_client(base, "\"timeout\":60,\"max_retries\":0");
    OpenintCancel *cancel = new_cancel();
    job j = make_job(JOB_CALL, c, cancel, "health", NULL, NULL);
    expect_cancelled_in_time(&j, PHASE_DELAY, "TLS handshake");
    openint_cancel_free(cancel);
    openint_client_free(c);
    free(base);
    tk_stub_stop(stub);
}

static void test_cancel_while_sending(void) {
    /* A body far larger than the loopback socket buffers, to a peer that never reads. */
    tk_stub *stub = tk_stub_start(TK_STUB_SILENT, NULL);
    CHECK(stub != NULL);
    if (!stub) return;
    char *base = tk_fmt("http://127.0.0.1:%d/v1", tk_stub_port(stub));
    OpenintClient *c = tk_client(base, "\"timeout\":60,\"max_retries\":0");
    size_t big = 16u << 20; /* loopback buffers hold a few MB at most */
    char *body = (char *)malloc(big + 32);
    memcpy(body, "{\"blob\":\"", 9);
    memset(body + 9, 'x', big);
    memcpy(body + 9 + big, "\"}", 3);
    OpenintCancel *cancel = new_cancel();
    job j = make_job(JOB_RAW, c, cancel, NULL, body, NULL);
    /* Late enough that the body is being written (encoding 16 MB is slow under valgrind). */
    expect_cancelled_in_time(&j, 2 * PHASE_DELAY, "sending the request body");
    CHECK(tk_stub_requests(stub) == 0);
    free(body);
    openint_cancel_free(cancel);
    openint_client_free(c);
    free(base);
    tk_stub_stop(stub);
}

static void test_cancel_waiting_for_the_answer(void) {
    world w;
    world_new(&w, "{\"latency_ms\":30000}", "\"max_retries\":0");
    OpenintCancel *cancel = new_cancel();
    job j = make_job(JOB_CALL, w.org, cancel, "viewer", NULL, NULL);
    expect_cancelled_in_time_after(&j, &w.s, NULL, 0.05, "waiting for the response head");
    CHECK(tk_scenario_request_count(&w.s) == 1);
    openint_cancel_free(cancel);
    /* A listing's first page too. */
    cancel = new_cancel();
    j = make_job(JOB_LIST, w.org, cancel, "listConnections", "{\"limit\":5}", NULL);
    expect_cancelled_in_time(&j, PHASE_DELAY, "waiting for a page");
    openint_cancel_free(cancel);
    world_free(&w);
}

static void test_cancel_while_reading_the_body(void) {
    /* The server's slow_body: the head at once, then one body byte a minute. */
    world w;
    world_new(&w, "{\"hostile\":{\"kind\":\"slow_body\",\"delay_ms\":60000,\"chunk\":1}}", "\"max_retries\":0");
    OpenintCancel *cancel = new_cancel();
    job j = make_job(JOB_CALL, w.org, cancel, "viewer", NULL, NULL);
    expect_cancelled_in_time(&j, PHASE_DELAY, "reading the response body");
    CHECK(tk_scenario_request_count(&w.s) == 1);
    openint_cancel_free(cancel);
    cancel = new_cancel();
    j = make_job(JOB_CURSOR, w.org, cancel, "listConnectors", "{\"limit\":100}", NULL);
    expect_cancelled_in_time(&j, PHASE_DELAY, "reading a page's body through a cursor");
    openint_cancel_free(cancel);
    world_free(&w);
}

static void test_cancel_in_retry_backoff(void) {
    world w;
    world_new(&w, "{\"fail\":{\"times\":1,\"status\":503,\"headers\":{\"Retry-After\":\"30\"}}}", "\"max_retries\":2");
    OpenintCancel *cancel = new_cancel();
    job j = make_job(JOB_CALL, w.org, cancel, "health", NULL, NULL);
    expect_cancelled_in_time(&j, PHASE_DELAY, "waiting 30 s to retry");
    CHECKF(tk_scenario_request_count(&w.s) == 1, "%d requests: the retry was sent", tk_scenario_request_count(&w.s));
    openint_cancel_free(cancel);
    world_free(&w);
}

/* ---- before, after, sharing ---------------------------------------------------------------- */

static void test_fired_before_and_after(void) {
    world w;
    world_new(&w, "{\"seed\":{\"connections\":10}}", NULL);
    /* After the call ended: nothing changes for that call. */
    OpenintCancel *cancel = new_cancel();
    OpenintResponse *r = NULL;
    CHECK(openint_client_call_with(w.org, "viewer", NULL, NULL, cancel, &r, NULL) == OPENINT_STATUS_OK);
    openint_cancel(cancel);
    openint_cancel(cancel); /* twice: no more effect */
    CHECK(openint_cancel_is_cancelled(cancel));
    CHECK(openint_response_status(r) == 200 && has_text(openint_response_body(r, NULL), "org"));
    openint_response_free(r);
    int before = tk_scenario_request_count(&w.s);

    /* Before the call: it fails at once, and nothing is sent (the handle stays fired). */
    job kinds[] = {make_job(JOB_CALL, w.org, cancel, "viewer", NULL, NULL),
                   make_job(JOB_LIST, w.org, cancel, "listConnections", "{\"limit\":3}", NULL),
                   make_job(JOB_CURSOR, w.org, cancel, "listConnections", "{\"limit\":3}", NULL),
                   make_job(JOB_RAW, w.org, cancel, NULL, "{}", NULL)};
    for (size_t i = 0; i < 4; i++) {
        run_job(&kinds[i]);
        CHECKF(kinds[i].st == OPENINT_STATUS_CANCELLED, "pre-fired handle, job %zu: %s", i, tk_status_str(kinds[i].st));
        openint_error_free(kinds[i].err);
    }
    CHECKF(tk_scenario_request_count(&w.s) == before, "a pre-fired handle let %d requests through",
           tk_scenario_request_count(&w.s) - before);

    /* A page's next fetch and a cursor's next step with a fired handle. */
    OpenintPage *page = NULL;
    CHECK(openint_client_list(w.org, "listConnections", "{\"limit\":3}", NULL, NULL, &page, NULL) == OPENINT_STATUS_OK);
    OpenintPage *next = SENT(OpenintPage);
    OpenintError *err = NULL;
    CHECK(openint_page_next_with(page, NULL, cancel, &next, &err) == OPENINT_STATUS_CANCELLED && next == SENT(OpenintPage));
    openint_error_free(err);
    /* Without the handle the chain goes on. */
    CHECK(openint_page_next(page, 0, &next, NULL) == OPENINT_STATUS_OK);
    openint_page_free(next);
    openint_page_free(page);
    OpenintCursor *cur = NULL;
    CHECK(openint_client_list_cursor(w.org, "listConnections", "{\"limit\":3}", NULL, NULL, &cur, NULL) == OPENINT_STATUS_OK);
    const char *item = NULL;
    CHECK(openint_cursor_next(cur, 0, &item, NULL, NULL) == OPENINT_STATUS_OK);
    for (int i = 0; i < 2; i++) CHECK(openint_cursor_next(cur, 0, &item, NULL, NULL) == OPENINT_STATUS_OK);
    err = NULL;
    CHECK(openint_cursor_next_with(cur, NULL, cancel, &item, NULL, &err) == OPENINT_STATUS_CANCELLED);
    openint_error_free(err);
    /* The failed step is retried by the next call, without the handle. */
    int n = 3;
    while (openint_cursor_next(cur, 0, &item, NULL, NULL) == OPENINT_STATUS_OK) n++;
    CHECKF(n == 10, "the cursor listed %d of 10 after a cancelled step", n);
    openint_cursor_free(cur);
    openint_cancel_free(cancel);

    /* NULL: nothing. */
    openint_cancel(NULL);
    CHECK(!openint_cancel_is_cancelled(NULL));
    openint_cancel_free(NULL);
    world_free(&w);
}

static void test_one_handle_many_calls(void) {
    world fast, slow;
    world_new(&fast, "{\"seed\":{\"connections\":9}}", NULL);
    world_new(&slow, "{\"latency_ms\":30000}", "\"max_retries\":0");
    OpenintCancel *cancel = new_cancel();
    /* Calls, a listing and a cursor, all with the same handle, all fine while it is not fired. */
    for (int i = 0; i < 3; i++) {
        job j = make_job(JOB_CALL, fast.org, cancel, "viewer", NULL, NULL);
        run_job(&j);
        CHECK(j.st == OPENINT_STATUS_OK);
    }
    job l = make_job(JOB_CURSOR, fast.org, cancel, "listConnections", "{\"limit\":4}", NULL);
    run_job(&l);
    CHECK(l.st == OPENINT_STATUS_END);
    /* Then it stops the one running. */
    job j = make_job(JOB_CALL, slow.org, cancel, "health", NULL, NULL);
    expect_cancelled_in_time_after(&j, &slow.s, NULL, 0, "a handle after four calls");
    openint_cancel_free(cancel);
    world_free(&fast);
    world_free(&slow);
}

#define THREADS 8

typedef struct {
    const OpenintClient *client;
    const tk_scenario *scn;
    int index;
    job j;
    double latency;
} thread_arg;

static void *thread_main(void *p) {
    thread_arg *a = (thread_arg *)p;
    OpenintCancel *cancel = NULL;
    openint_cancel_new(&cancel, NULL);
    char thread[16], options[64];
    snprintf(thread, sizeof thread, "t%d", a->index);
    snprintf(options, sizeof options, "{\"extra_headers\":{\"X-Thread\":\"%s\"}}", thread);
    a->j = make_job(JOB_CALL, a->client, cancel, "viewer", NULL, options);
    canceller c;
    c.cancel = cancel;
    c.delay = 0;
    c.scn = a->scn; /* fire once the server holds this thread's request */
    c.thread = thread;
    c.fired = 0;
    pthread_t th;
    bool fire = a->index % 2 == 0; /* even threads cancel their own call, odd ones let it run */
    if (fire) pthread_create(&th, NULL, canceller_main, &c);
    run_job(&a->j);
    if (fire) {
        pthread_join(th, NULL);
        a->latency = a->j.ended - c.fired;
    }
    openint_error_free(a->j.err);
    a->j.err = NULL;
    openint_cancel_free(cancel);
    return NULL;
}

static void test_threads_cancel_their_own_calls(void) {
    world w;
    world_new(&w, "{\"latency_ms\":2000}", "\"max_retries\":0");
    pthread_t th[THREADS];
    thread_arg args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        memset(&args[i], 0, sizeof args[i]);
        args[i].client = w.org;
        args[i].scn = &w.s;
        args[i].index = i;
        CHECK(pthread_create(&th[i], NULL, thread_main, &args[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < THREADS; i++) {
        if (i % 2 == 0) {
            CHECKF(args[i].j.st == OPENINT_STATUS_CANCELLED, "thread %d: %s", i, tk_status_str(args[i].j.st));
            CHECKF(args[i].latency >= 0 && args[i].latency < CANCEL_BOUND * tk_time_scale(),
                   "thread %d: returned %.1f ms after its cancel", i, args[i].latency * 1e3);
        } else {
            CHECKF(args[i].j.st == OPENINT_STATUS_OK, "thread %d (not cancelled): %s", i, tk_status_str(args[i].j.st));
        }
    }
    CHECK(tk_scenario_request_count(&w.s) == THREADS);
    world_free(&w);
}

static void test_next_call_after_cancel_uses_a_new_connection(void) {
    world w;
    world_new(&w, "{\"latency_ms\":2000}", "\"max_retries\":0");
    /* 1: fine, its connection goes back to the pool. 2: reuses it and is cancelled once the
     * server has it, which closes it. 3: fine, on a new connection. */
    cJSON_Delete(call_ok(w.org, "viewer", NULL, "{\"extra_headers\":{\"X-Thread\":\"first\"}}"));
    OpenintCancel *cancel = new_cancel();
    job j = make_job(JOB_CALL, w.org, cancel, "viewer", NULL, "{\"extra_headers\":{\"X-Thread\":\"second\"}}");
    expect_cancelled_in_time_after(&j, &w.s, "second", 0, "second call");
    openint_cancel_free(cancel);
    cJSON *v = call_ok(w.org, "viewer", NULL, NULL);
    CHECK(has_text(tk_json_str(v, "role"), "org"));
    cJSON_Delete(v);
    cJSON *log = log_expect(&w.s, 3, "three calls");
    if (log) {
        int c1 = tk_log_conn(cJSON_GetArrayItem(log, 0)), c2 = tk_log_conn(cJSON_GetArrayItem(log, 1)),
            c3 = tk_log_conn(cJSON_GetArrayItem(log, 2));
        CHECKF(c1 == c2, "the second call did not reuse the kept-alive connection (%d, %d)", c1, c2);
        CHECKF(c3 != c2, "the call after the cancel used the cancelled connection %d", c2);
    }
    cJSON_Delete(log);
    world_free(&w);
}

typedef struct {
    job j;
} free_arg;

static void *slow_call_main(void *p) {
    run_job(&((free_arg *)p)->j);
    return NULL;
}

static void test_cancel_free_while_in_use(void) {
    /* The handle is freed while a call that uses it runs: the call goes on and ends normally. */
    world w;
    world_new(&w, "{\"latency_ms\":300}", "\"max_retries\":0");
    OpenintCancel *cancel = new_cancel();
    free_arg a;
    a.j = make_job(JOB_CALL, w.org, cancel, "viewer", NULL, NULL);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, slow_call_main, &a) == 0);
    sleep_s(0.1);
    openint_cancel_free(cancel);
    pthread_join(th, NULL);
    CHECKF(a.j.st == OPENINT_STATUS_OK, "after freeing its handle the call ended with %s", tk_status_str(a.j.st));
    openint_error_free(a.j.err);
    world_free(&w);
}

void suite_cancel(void) {
    tk_run("cancel_while_connecting", test_cancel_while_connecting);
    tk_run("cancel_in_tls_handshake", test_cancel_in_tls_handshake);
    tk_run("cancel_while_sending", test_cancel_while_sending);
    tk_run("cancel_waiting_for_the_answer", test_cancel_waiting_for_the_answer);
    tk_run("cancel_while_reading_the_body", test_cancel_while_reading_the_body);
    tk_run("cancel_in_retry_backoff", test_cancel_in_retry_backoff);
    tk_run("cancel_fired_before_and_after", test_fired_before_and_after);
    tk_run("cancel_one_handle_many_calls", test_one_handle_many_calls);
    tk_run("cancel_threads_cancel_their_own_calls", test_threads_cancel_their_own_calls);
    tk_run("cancel_next_call_uses_a_new_connection", test_next_call_after_cancel_uses_a_new_connection);
    tk_run("cancel_free_while_in_use", test_cancel_free_while_in_use);
}
