/*
 * OpenAPI conformance of the requests the openint core sends, judged by Prism (a validating
 * mock of tests/data/openint/openapi.json, started by run.sh with --errors).
 *
 *   --mode static    every operation, with its parameter combinations, through the C ABI.
 *                    Prism logs its verdict on each request; this program reads the log
 *                    (--prism-log) request by request. A request must draw no complaint, except
 *                    where the SDK deliberately differs from the spec (DEVIATIONS below, after
 *                    src/operations.rs): then Prism's complaint must be exactly that deviation
 *                    and nothing else, and the output says so. Prism's own example answers
 *                    sometimes break its schema (HTTP 500 "Request/Response not valid"): that
 *                    is about the spec, not the request, and is reported, not failed.
 *   --mode dynamic   every list operation through a cursor against `prism mock -d`, whose pages
 *                    are random (often empty with has_next_page: true, absurd limit/offset
 *                    echoes): each cursor must end.
 *   --mode negative  a request the spec forbids (no token): it must come back as an error, which
 *                    proves a rejection would be seen; run.sh checks it reaches Prism's log too.
 *
 * usage: conformance --base-url URL --mode static|dynamic|negative [--prism-log FILE] [--label L]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "openint.h"
#include "testkit.h"

static const char *base_url;
static const char *prism_log;
static OpenintClient *client;

/* ---- deviations --------------------------------------------------------------------------------- */

typedef struct {
    const char *name;
    const char *why;
    const char *where;     /* how Prism's complaint starts */
    const char *complaint; /* and what it says */
} deviation;

static const deviation BODY = {
    "body",
    "a JSON body on handleWebhook, whose spec declares none: the server passes it to the connector's "
    "handler (DEVIATIONS: (body))",
    "Violation: request ",
    "No supported content types, but request included a non-empty body",
};
static const deviation ARRAY = {
    "comma-joined array",
    "query arrays are sent comma-joined (expand=a,b), which the server splits; the spec says form/explode "
    "(repeated keys), so Prism reads one value \"a,b\" (docs/API-BEHAVIOUR.md, Query encoding)",
    "Violation: request.query.",
    "must be equal to one of the allowed values",
};
static const deviation NAMES = {
    "open connector names",
    "connector names outside the spec's enum of 171 go through (the server adds connectors and judges names "
    "itself) in connector_names, handleWebhook's path and connect_options (DEVIATIONS: enum)",
    "Violation: request.",
    "must be equal to one of the allowed values",
};

/* ---- the cases ----------------------------------------------------------------------------------- */

typedef struct {
    const char *op;
    const char *params;
    const deviation *dev;  /* NULL: Prism must accept the request as it is */
    const deviation *dev2; /* a second deviation of the same request, or NULL */
} conf_case;

/* Every operation; lists also go through openint_client_list (one page). Ids carry the spec's
 * prefixes; connector names are in the spec's enum. */
static const conf_case CASES[] = {
    {"getConnectorConfig", "{\"id\":\"ccfg_toggl_1\"}", NULL, NULL},
    {"getConnectorConfig", "{\"id\":\"ccfg_toggl_1\",\"expand\":[\"connector\"]}", NULL, NULL},
    {"getConnectorConfig", "{\"id\":\"ccfg_toggl_1\",\"expand\":[\"connector.schemas\"]}", NULL, NULL},
    {"getConnectorConfig", "{\"id\":\"ccfg_toggl_1\",\"expand\":[\"connection_count\"]}", NULL, NULL},
    {"getConnectorConfig", "{\"id\":\"ccfg_toggl_1\",\"expand\":[\"connector\",\"connection_count\"]}", &ARRAY, NULL},
    {"updateConnectorConfig", "{\"id\":\"ccfg_toggl_1\",\"display_name\":\"Renamed\"}", NULL, NULL},
    {"updateConnectorConfig", "{\"id\":\"ccfg_toggl_1\",\"disabled\":true}", NULL, NULL},
    {"updateConnectorConfig", "{\"id\":\"ccfg_toggl_1\",\"disabled\":false,\"config\":{}}", NULL, NULL},
    {"updateConnectorConfig", "{\"id\":\"ccfg_toggl_1\"}", NULL, NULL},
    {"deleteConnectorConfig", "{\"id\":\"ccfg_toggl_1\"}", NULL, NULL},
    {"listConnectorConfigs", NULL, NULL, NULL},
    {"listConnectorConfigs", "{\"limit\":10,\"offset\":20}", NULL, NULL},
    {"listConnectorConfigs", "{\"limit\":0}", NULL, NULL},
    {"listConnectorConfigs", "{\"expand\":[\"connector\"]}", NULL, NULL},
    {"listConnectorConfigs", "{\"expand\":[\"connector.schemas\"]}", NULL, NULL},
    {"listConnectorConfigs", "{\"connector_names\":[\"toggl\"]}", NULL, NULL},
    {"listConnectorConfigs", "{\"search_query\":\"acme\"}", NULL, NULL},
    {"listConnectorConfigs", "{\"search_query\":null}", NULL, NULL},
    {"listConnectorConfigs", "{\"connector_names\":[\"toggl\",\"hubspot\"]}", &ARRAY, NULL},
    {"createConnectorConfig", "{\"connector_name\":\"toggl\"}", NULL, NULL},
    {"createConnectorConfig", "{\"connector_name\":\"toggl\",\"display_name\":\"Toggl\",\"disabled\":false,"
                              "\"metadata\":{\"team\":\"time\"},\"config\":{}}", NULL, NULL},
    {"createConnectorConfig", "{\"connector_name\":\"toggl\",\"display_name\":null,\"disabled\":null,\"metadata\":null}", NULL, NULL},
    {"getConnection", "{\"id\":\"conn_toggl_1\"}", NULL, NULL},
    {"getConnection", "{\"id\":\"conn_toggl_1\",\"include_secrets\":true}", NULL, NULL},
    {"getConnection", "{\"id\":\"conn_toggl_1\",\"include_secrets\":false,\"refresh_policy\":\"none\"}", NULL, NULL},
    {"getConnection", "{\"id\":\"conn_toggl_1\",\"refresh_policy\":\"force\"}", NULL, NULL},
    {"getConnection", "{\"id\":\"conn_toggl_1\",\"refresh_policy\":\"auto\",\"expand\":[\"connector\"]}", NULL, NULL},
    {"deleteConnection", "{\"id\":\"conn_toggl_1\"}", NULL, NULL},
    {"listConnections", NULL, NULL, NULL},
    {"listConnections", "{\"limit\":3000,\"offset\":0}", NULL, NULL},
    {"listConnections", "{\"limit\":1,\"offset\":7,\"include_secrets\":true,\"refresh_policy\":\"none\"}", NULL, NULL},
    {"listConnections", "{\"customer_id\":\"cus_1\",\"connector_config_id\":\"ccfg_toggl_1\"}", NULL, NULL},
    {"listConnections", "{\"connector_names\":[\"toggl\"],\"expand\":[\"connector\"],\"search_query\":\"x\"}", NULL, NULL},
    {"listConnections", "{\"connector_names\":[\"toggl\",\"hubspot\"]}", &ARRAY, NULL},
    {"createConnection", "{\"connector_config_id\":\"ccfg_toggl_1\",\"customer_id\":\"cus_1\","
                         "\"data\":{\"connector_name\":\"toggl\",\"settings\":{\"apiToken\":\"t\"}}}", NULL, NULL},
    {"createConnection", "{\"connector_config_id\":\"ccfg_toggl_1\",\"customer_id\":\"cus_1\",\"check_connection\":true,"
                         "\"metadata\":{\"k\":1},\"data\":{\"connector_name\":\"toggl\",\"settings\":{\"apiToken\":\"t\"}}}",
     NULL, NULL},
    {"createToken", "{\"customer_id\":\"cus_1\"}", NULL, NULL},
    {"createToken", "{\"customer_id\":\"cus_1\",\"validity_in_seconds\":3600}", NULL, NULL},
    {"createToken", "{\"customer_id\":\"cus_1\",\"connect_options\":{\"return_url\":\"https://example.com\",\"view\":\"add\","
                    "\"connector_names\":[\"toggl\"],\"debug\":false,\"is_embedded\":true,\"hide_navigation\":false}}",
     NULL, NULL},
    {"checkConnection", "{\"id\":\"conn_toggl_1\"}", NULL, NULL},
    {"listEvents", NULL, NULL, NULL},
    {"listEvents", "{\"limit\":5,\"offset\":5,\"search_query\":\"evt_\",\"include_prompt\":true}", NULL, NULL},
    {"listEvents", "{\"since\":\"2025-01-01T00:00:00Z\"}", NULL, NULL},
    {"upsertCustomer", NULL, NULL, NULL},
    {"upsertCustomer", "{\"id\":\"cus_1\",\"metadata\":{\"plan\":\"pro\"}}", NULL, NULL},
    {"listCustomers", NULL, NULL, NULL},
    {"listCustomers", "{\"limit\":2,\"offset\":4,\"search_query\":\"acme\"}", NULL, NULL},
    {"listCustomers", "{\"search_query\":null}", NULL, NULL},
    {"health", NULL, NULL, NULL},
    {"healthEcho", NULL, NULL, NULL},
    {"healthEcho", "{\"hello\":\"world\",\"n\":1}", NULL, NULL},
    {"connectorStatus", NULL, NULL, NULL},
    {"viewer", NULL, NULL, NULL},
    {"handleWebhook", "{\"connector_name\":\"plaid\"}", &BODY, NULL},
    {"handleWebhook", "{\"connector_name\":\"plaid\",\"webhook_type\":\"ITEM\",\"item_id\":\"item_1\"}", &BODY, NULL},
    {"messageTemplate", "{\"customer_id\":\"cus_1\"}", NULL, NULL},
    {"messageTemplate", "{\"customer_id\":\"cus_1\",\"language\":\"javascript\",\"use_environment_variables\":true}", NULL, NULL},
    {"listConnections", "{\"connector_names\":[\"brand-new-connector\"]}", &NAMES, NULL},
    {"createToken", "{\"customer_id\":\"cus_1\",\"connect_options\":{\"connector_names\":[\"brand-new-connector\"]}}",
     &NAMES, NULL},
    {"handleWebhook", "{\"connector_name\":\"brand-new-connector\"}", &BODY, &NAMES},
};

/* listConnectors: limit absent/0/1/50/3000 x offset absent/0/10 x expand absent/[]/["schemas"] */
static const char *LIMITS[] = {NULL, "0", "1", "50", "3000"};
static const char *OFFSETS[] = {NULL, "0", "10"};
static const char *EXPANDS[] = {NULL, "[]", "[\"schemas\"]"};

/* ---- Prism's log -------------------------------------------------------------------------------- */

static long log_size(void) {
    struct stat st;
    return stat(prism_log, &st) == 0 ? (long)st.st_size : 0;
}

static char *log_from(long off) {
    FILE *f = fopen(prism_log, "rb");
    if (!f) return strdup("");
    fseek(f, 0, SEEK_END);
    long end = ftell(f);
    long n = end > off ? end - off : 0;
    char *buf = (char *)malloc((size_t)n + 1);
    fseek(f, off, SEEK_SET);
    n = (long)fread(buf, 1, (size_t)n, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int count(const char *text, const char *needle) {
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
    return n;
}

static void sleep_ms(int ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

/* The log of the one request made since `off`, once Prism has written all of it: its answer,
 * then (after the answer) one "Violation:" line per validation error. */
static char *request_log(long off) {
    char *text = NULL;
    for (int i = 0; i < 500; i++) {
        free(text);
        text = log_from(off);
        bool answered = strstr(text, "Responding with") || strstr(text, "Request terminated");
        int errors = count(text, "[VALIDATOR] \xe2\x9c\x96  error") - count(text, "Violation:");
        if (answered && count(text, "Violation:") >= errors) break;
        sleep_ms(10);
    }
    return text;
}

/* ---- static mode ----------------------------------------------------------------------------------- */

static const conf_case *current;
static int expected_violations; /* request violations the deviations account for */
static int prism_example_failures;

static void test_static_case(void) {
    const conf_case *c = current;
    long off = log_size();
    OpenintStatus st;
    OpenintError *err = NULL;
    int http = 0;
    if (strncmp(c->op, "list", 4) == 0) {
        OpenintPage *page = NULL;
        st = openint_client_list(client, c->op, c->params, NULL, NULL, &page, &err);
        if (st == OPENINT_STATUS_OK) http = openint_response_status(openint_page_response(page));
        openint_page_free(page);
    } else {
        OpenintResponse *r = NULL;
        st = openint_client_call(client, c->op, c->params, &r, &err);
        if (st == OPENINT_STATUS_OK) http = openint_response_status(r);
        openint_response_free(r);
    }
    if (err) http = openint_error_http_status(err);
    CHECKF(st != OPENINT_STATUS_INVALID_ARGUMENT && (st == OPENINT_STATUS_OK || http > 0), "%s %s: no request: %s", c->op,
           c->params ? c->params : "", openint_error_display(err));
    char *log = request_log(off);
    CHECKF(count(log, "Request received") == 1, "%s: %d requests in Prism's log, expected 1", c->op,
           count(log, "Request received"));
    /* Every complaint about the request, one line each. */
    int violations = 0, explained = 0;
    for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strstr(line, "Violation: request")) continue;
        violations++;
        const char *v = strstr(line, "Violation:");
        const deviation *d = NULL;
        for (int k = 0; k < 2 && !d; k++) {
            const deviation *x = k == 0 ? c->dev : c->dev2;
            if (x && strncmp(v, x->where, strlen(x->where)) == 0 && strstr(v, x->complaint)) d = x;
        }
        if (d) {
            explained++;
            printf("#   deviation \"%s\": Prism says only: %.160s%s\n", d->name, v, strlen(v) > 160 ? "..." : "");
        } else {
            tk_fail(__FILE__, __LINE__, "%s %s: Prism refused the request: %.300s", c->op, c->params ? c->params : "", v);
        }
    }
    if (c->dev) {
        int declared = c->dev2 ? 2 : 1;
        CHECKF(explained >= declared, "%s %s: Prism did not complain about every deviation (%d of %d complaints; HTTP %d)",
               c->op, c->params ? c->params : "", explained, declared, http);
        CHECKF(http == 400 || http == 422, "%s: the deviation was answered with HTTP %d", c->op, http);
        expected_violations += explained;
    } else if (st != OPENINT_STATUS_OK) {
        /* Accepted, but Prism's example answer breaks its own schema: a spec problem. */
        bool example_broken = http == 500 && openint_error_body(err) && strstr(openint_error_body(err), "Request/Response not valid");
        CHECKF(example_broken, "%s %s: %s (HTTP %d): %.300s", c->op, c->params ? c->params : "", tk_status_str(st), http,
               openint_error_body(err));
        if (example_broken) {
            prism_example_failures++;
            printf("#   %s: request accepted; Prism's own example answer fails its schema (HTTP 500)\n", c->op);
        }
    }
    free(log);
    openint_error_free(err);
}

/* ---- dynamic mode ----------------------------------------------------------------------------------- */

#define DYNAMIC_RUNS 3
#define MAX_ITEMS 20000

static const char *list_op, *list_params;
static int empty_first, nonempty_first;

/* The cursor over random pages must end. Every answer of `prism mock -d` is a new random page,
 * so each listing runs a few times. */
static void test_dynamic_listing(void) {
    for (int run = 0; run < DYNAMIC_RUNS; run++) {
        OpenintCursor *cur = NULL;
        OpenintError *err = NULL;
        OpenintStatus st = openint_client_list_cursor(client, list_op, list_params, NULL, NULL, &cur, &err);
        if (st != OPENINT_STATUS_OK) {
            tk_fail(__FILE__, __LINE__, "%s %s: %s", list_op, list_params, openint_error_display(err));
            openint_error_free(err);
            return;
        }
        int items = 0;
        const char *item;
        size_t len;
        while ((st = openint_cursor_next(cur, 0, &item, &len, &err)) == OPENINT_STATUS_OK) {
            cJSON *j = cJSON_ParseWithLength(item, len);
            CHECKF(cJSON_IsObject(j), "%s: an item is not a JSON object", list_op);
            cJSON_Delete(j);
            if (++items > MAX_ITEMS) break;
        }
        CHECKF(items <= MAX_ITEMS, "%s %s: the cursor did not end after %d items", list_op, list_params, MAX_ITEMS);
        /* Random pages may also break the end rules the engine checks (an offset echo that does
         * not move is "a server that ignores offset"): an error, never a loop. */
        CHECKF(st == OPENINT_STATUS_END || st == OPENINT_STATUS_DECODE, "%s %s: %s", list_op, list_params,
               openint_error_display(err));
        if (st == OPENINT_STATUS_DECODE) printf("#   %s: the engine refused a random page: %s\n", list_op, openint_error_message(err));
        openint_error_free(err);
        if (items == 0) empty_first++;
        else nonempty_first++;
        openint_cursor_free(cur);
    }
}

/* ---- negative control ------------------------------------------------------------------------------- */

static void test_negative_no_token(void) {
    OpenintClient *anon = tk_client(base_url, "\"token\":\"\",\"max_retries\":0");
    OpenintPage *page = NULL;
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_list(anon, "listConnectors", "{\"limit\":1}", NULL, NULL, &page, &err);
    /* The spec requires the bearer token: Prism must refuse. */
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
        else if (!strcmp(argv[i], "--prism-log") && i + 1 < argc) prism_log = argv[++i];
        else if (!strcmp(argv[i], "--label") && i + 1 < argc) label = argv[++i];
        else mode = NULL, i = argc;
    }
    if (!base_url || !mode || (!strcmp(mode, "static") && !prism_log)) {
        fprintf(stderr, "usage: %s --base-url URL --mode static|dynamic|negative [--prism-log FILE] [--label L]\n", argv[0]);
        return 2;
    }
    /* Any token satisfies Prism's bearer check; no retries, so each call is one request. */
    client = tk_client(base_url, "\"token\":\"conformance-token\",\"max_retries\":0,\"timeout\":30");
    printf("# %s: openint %s against %s (%s)\n", label, openint_version(), base_url, mode);

    if (!strcmp(mode, "negative")) {
        tk_run("no_token_is_rejected", test_negative_no_token);
    } else if (!strcmp(mode, "static")) {
        /* Every operation of the table has cases here (listConnectors: the combinations below). */
        cJSON *table = cJSON_Parse(openint_operations_json());
        cJSON *op;
        cJSON_ArrayForEach(op, table) {
            const char *id = tk_json_str(op, "id");
            bool found = !strcmp(id, "listConnectors");
            for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) found |= !strcmp(CASES[i].op, id);
            CHECKF(found, "operation %s has no conformance case", id);
        }
        cJSON_Delete(table);
        char params[256], name[400];
        for (size_t l = 0; l < sizeof LIMITS / sizeof *LIMITS; l++)
            for (size_t o = 0; o < sizeof OFFSETS / sizeof *OFFSETS; o++)
                for (size_t e = 0; e < sizeof EXPANDS / sizeof *EXPANDS; e++) {
                    int n = snprintf(params, sizeof params, "{");
                    if (LIMITS[l]) n += snprintf(params + n, sizeof params - (size_t)n, "\"limit\":%s,", LIMITS[l]);
                    if (OFFSETS[o]) n += snprintf(params + n, sizeof params - (size_t)n, "\"offset\":%s,", OFFSETS[o]);
                    if (EXPANDS[e]) n += snprintf(params + n, sizeof params - (size_t)n, "\"expand\":%s,", EXPANDS[e]);
                    if (params[n - 1] == ',') n--;
                    snprintf(params + n, sizeof params - (size_t)n, "}");
                    conf_case c = {"listConnectors", params, NULL, NULL};
                    current = &c;
                    snprintf(name, sizeof name, "listConnectors %s", params);
                    tk_run(name, test_static_case);
                }
        for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
            current = &CASES[i];
            snprintf(name, sizeof name, "%s %s%s%s%s%s%s", CASES[i].op, CASES[i].params ? CASES[i].params : "(no params)",
                     CASES[i].dev ? " [deviation: " : "", CASES[i].dev ? CASES[i].dev->name : "",
                     CASES[i].dev2 ? ", " : "", CASES[i].dev2 ? CASES[i].dev2->name : "", CASES[i].dev ? "]" : "");
            tk_run(name, test_static_case);
        }
        printf("# deviations (each request above that carries one drew exactly that complaint):\n");
        printf("#   %s: %s\n#   %s: %s\n#   %s: %s\n", BODY.name, BODY.why, ARRAY.name, ARRAY.why, NAMES.name, NAMES.why);
        printf("# requests accepted whose Prism example answer fails its own schema: %d\n", prism_example_failures);
        printf("expected request violations: %d\n", expected_violations);
    } else {
        const char *lists[][2] = {
            {"listConnectors", "{}"},
            {"listConnectors", "{\"limit\":50,\"expand\":[\"schemas\"]}"},
            {"listConnectorConfigs", "{\"limit\":20}"},
            {"listConnectorConfigs", "{\"expand\":[\"connector\"]}"},
            {"listConnections", "{\"limit\":20,\"include_secrets\":true}"},
            {"listConnections", "{}"},
            {"listEvents", "{\"limit\":20}"},
            {"listEvents", "{}"},
            {"listCustomers", "{\"limit\":20}"},
            {"listCustomers", "{}"},
        };
        for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
            list_op = lists[i][0];
            list_params = lists[i][1];
            char name[200];
            snprintf(name, sizeof name, "cursor %s %s", list_op, list_params);
            tk_run(name, test_dynamic_listing);
        }
        printf("# dynamic first pages: %d empty, %d with items\n", empty_first, nonempty_first);
    }
    openint_client_free(client);
    return tk_summary(label);
}
