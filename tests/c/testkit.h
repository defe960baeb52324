/*
 * testkit: the small harness shared by the C tests, the conformance driver and the benchmark.
 * Test bookkeeping, a minimal HTTP/1.1 client for the test server's admin API (so the tests
 * need no HTTP library of their own), starting the server, scenarios and the registry oracle.
 * Written in the common subset of C11 and C++17 so every program using it builds as both.
 */
#ifndef OPENINT_TESTKIT_H
#define OPENINT_TESTKIT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "openint.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- bookkeeping ------------------------------------------------------------------------- */

void tk_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A failed check records itself and the test goes on, so one run shows every failure. */
#define CHECK(cond)                                              \
    do {                                                         \
        if (!(cond)) tk_fail(__FILE__, __LINE__, "%s", #cond);   \
    } while (0)
#define CHECKF(cond, ...)                                        \
    do {                                                         \
        if (!(cond)) tk_fail(__FILE__, __LINE__, __VA_ARGS__);   \
    } while (0)

typedef void (*tk_test_fn)(void);
/* Runs one test unless argv filters it out; prints "ok NAME" or "FAIL NAME". */
void tk_run(const char *name, tk_test_fn fn);
/* Only tests whose name contains `filter` run (NULL: all). A comma-separated list selects the
 * tests that contain any of its plain words and none of its words written -WORD:
 * "list_,example_" or "-cancel_". */
void tk_set_filter(const char *filter);
/* Prints "LABEL: passed=N failed=M" and returns the process exit code. */
int tk_summary(const char *label);

/* Failures recorded so far in the whole run (thread-safe). */
int tk_failure_count(void);

/* ---- HTTP to the test server (loopback only) ---------------------------------------------- */

typedef struct {
    int status;  /* HTTP status, or -1 when no answer could be read */
    char *body;  /* NUL-terminated, malloc'ed */
    size_t len;
} tk_http_resp;

/* `url` is http://127.0.0.1:PORT/path. Returns false on a transport failure. */
bool tk_http(const char *method, const char *url, const char *body, tk_http_resp *out);
void tk_http_resp_free(tk_http_resp *r);

/* ---- the test server ---------------------------------------------------------------------- */

/* Uses a running server at `root_url` (http://127.0.0.1:PORT) if given, else starts `bin`
 * with `extra_args` (e.g. "--count 20000", may be NULL) and reads its startup line. */
bool tk_server_init(const char *root_url, const char *bin, const char *extra_args);
/* http://127.0.0.1:PORT, no trailing slash. */
const char *tk_server_root(void);
/* The root routes' base URL (http://127.0.0.1:PORT/v1). */
const char *tk_server_base_url(void);
/* Stops a server that tk_server_init started (closes its stdin; it exits by itself). */
void tk_server_stop(void);

typedef struct {
    char id[64];
    char base_url[256];
    char other_base_url[256];
    char org_key[128]; /* the organization key this scenario accepts */
} tk_scenario;

/* POST /__admin/scenarios with `config_json` ("{}" for defaults). */
bool tk_scenario_new(const char *config_json, tk_scenario *out);
/* The scenario's request log (a cJSON array the caller deletes), NULL on failure. */
cJSON *tk_scenario_requests(const tk_scenario *s);
/* Number of requests the scenario received, -1 on failure. */
int tk_scenario_request_count(const tk_scenario *s);
void tk_scenario_delete(const tk_scenario *s);
/* The scenario's store (GET /__admin/scenarios/<id>/store: customers, connector_configs,
 * connections with their settings, events, each in list order): the oracle of the database
 * lists. A cJSON object the caller deletes, NULL on failure. */
cJSON *tk_scenario_store(const tk_scenario *s);

/* Fields of one request-log entry: a header by lowercase name, a string member ("method",
 * "path", "query", "body", "port"), the connection number. NULL / -1 when absent. */
const char *tk_log_header(const cJSON *entry, const char *name);
const char *tk_log_str(const cJSON *entry, const char *key);
int tk_log_conn(const cJSON *entry);

/* The registry oracle (GET /__admin/registry?count=N[&expand=schemas]). */
typedef struct {
    char *text;     /* the raw JSON array */
    size_t len;
    cJSON *items;   /* parsed */
    int count;
    /* Byte range of each item inside `text`, found by a string-aware scan. */
    size_t *start;
    size_t *end;
} tk_oracle;

bool tk_oracle_get(int count, bool expand, tk_oracle *out);
void tk_oracle_free(tk_oracle *o);
/* Whether `json` (len bytes) is byte for byte item `i` of the oracle. */
bool tk_oracle_item_bytes_equal(const tk_oracle *o, int i, const char *json, size_t len);

/* ---- openint helpers ---------------------------------------------------------------------- */

/* A client on `base_url`; `extra` is more JSON members ("\"max_retries\":0") or NULL. Aborts
 * the test run on failure: nothing else can go on without a client. */
OpenintClient *tk_client(const char *base_url, const char *extra);

/* Status as "name (number)", for messages. Uses a rotating static buffer: not thread-safe
 * beyond diagnostics. */
const char *tk_status_str(OpenintStatus s);

/* A scan of one JSON value starting at text[i]: returns the index just past it, or 0 on
 * malformed input. Strings are skipped correctly (escapes, brackets inside strings). */
size_t tk_json_skip_value(const char *text, size_t len, size_t i);

/* Monotonic seconds. */
double tk_now(void);

/* A multiplier for the few latency bounds the tests check (cancellation must end a call
 * within 100 ms): 1 natively, larger under valgrind or ASan (run.sh sets TK_TIME_SCALE). */
double tk_time_scale(void);

/* printf into a new malloc'ed string (the caller frees it). */
char *tk_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The string member `key` of a JSON object, or NULL. */
const char *tk_json_str(const cJSON *obj, const char *key);

/* ---- child processes ------------------------------------------------------------------------ */

typedef struct {
    int exit_code; /* -1 when it did not exit normally (a signal) or could not start */
    char *out;     /* stdout and stderr, NUL-terminated, malloc'ed */
    char *err;
} tk_proc;

/* Runs argv[0] (a path) with this process's environment minus every OPENINT_* variable, plus
 * `env` ("NAME=value" strings, NULL-terminated, may be NULL); waits for it, at most
 * `timeout_s` seconds (then it is killed). */
bool tk_spawn(const char *const *argv, const char *const *env, double timeout_s, tk_proc *out);
void tk_proc_free(tk_proc *p);

/* ---- stub servers: what the test server cannot act out (loopback only) -------------------- */

typedef enum {
    /* Accepts connections and never reads or writes: a TLS handshake never completes, a
     * large request body stops being sent once the socket buffers are full. */
    TK_STUB_SILENT,
    /* Answers every request on every connection with the canned bytes (keep-alive). */
    TK_STUB_CANNED,
    /* listen(fd, 0) with the accept queue filled by connections nobody accepts: a new
     * connect() gets no SYN-ACK and hangs. */
    TK_STUB_BACKLOG_FULL,
} tk_stub_mode;

typedef struct tk_stub tk_stub;

/* Starts a stub on 127.0.0.1 (any free port); `canned` is the whole HTTP answer for
 * TK_STUB_CANNED, else NULL. NULL on failure. */
tk_stub *tk_stub_start(tk_stub_mode mode, const char *canned);
int tk_stub_port(const tk_stub *s);
/* Requests whose head the stub has read so far. */
int tk_stub_requests(const tk_stub *s);
/* For TK_STUB_BACKLOG_FULL: whether a probe connect() is still pending after `seconds`
 * (so a client's connect will hang there too). */
bool tk_stub_connect_hangs(const tk_stub *s, double seconds);
void tk_stub_stop(tk_stub *s);

#ifdef __cplusplus
}
#endif

#endif
