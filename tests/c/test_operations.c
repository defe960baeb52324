/*
 * Every v1 operation from C (openint_client_call), against the local server's in-memory API:
 * the operation table equals the set driven here, happy paths with the real answer shapes,
 * every error class, every auth role, and bad input refused before any request.
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

/* Replaces every {name} of `tmpl` by its value (names and values in pairs, NULL-terminated). */
static char *subst(const char *tmpl, const char *const *pairs) {
    char *out = strdup(tmpl);
    for (const char *const *p = pairs; p[0]; p += 2) {
        char key[64];
        snprintf(key, sizeof key, "{%s}", p[0]);
        char *at;
        while ((at = strstr(out, key)) != NULL) {
            char *next = tk_fmt("%.*s%s%s", (int)(at - out), out, p[1], at + strlen(key));
            free(out);
            out = next;
        }
    }
    return out;
}

/* The path after the scenario's base URL, e.g. "/s/s7/v1". */
static const char *base_path(const tk_scenario *s) {
    const char *p = strstr(s->base_url, "://");
    p = p ? strchr(p + 3, '/') : NULL;
    return p ? p : "";
}

/* ---- the table equals the operations driven here ------------------------------------------ */

typedef struct {
    const char *id;
    const char *params; /* {ccfg} {acme} {conn} {cus}: ids from the seeded store */
    int http;           /* the answer expected: 200, or the error status */
} op_case;

/* One call of each operation; the deletes aim at rows that do not exist so that the seeded
 * rows stay for the others (their happy paths are tested below). */
static const op_case OPS[] = {
    {"listConnectors", "{\"limit\":2}", 200},
    {"getConnectorConfig", "{\"id\":\"{ccfg}\",\"expand\":[\"connector\"]}", 200},
    {"updateConnectorConfig", "{\"id\":\"{ccfg}\",\"display_name\":\"Renamed from C\"}", 200},
    {"deleteConnectorConfig", "{\"id\":\"ccfg_acme-apikey_01MISSING\"}", 404},
    {"listConnectorConfigs", "{\"limit\":2}", 200},
    {"createConnectorConfig", "{\"connector_name\":\"acme-apikey\",\"config\":{}}", 200},
    {"getConnection", "{\"id\":\"{conn}\",\"include_secrets\":true,\"refresh_policy\":\"none\"}", 200},
    {"deleteConnection", "{\"id\":\"conn_acme-apikey_01MISSING\"}", 404},
    {"listConnections", "{\"limit\":2}", 200},
    {"createConnection",
     "{\"connector_config_id\":\"{acme}\",\"customer_id\":\"cus_table\","
     "\"data\":{\"connector_name\":\"acme-apikey\",\"settings\":{\"api_key\":\"sk_table_1\"}}}",
     200},
    {"createToken", "{\"customer_id\":\"{cus}\"}", 200},
    {"checkConnection", "{\"id\":\"{conn}\"}", 200},
    {"listEvents", "{\"limit\":2}", 200},
    {"upsertCustomer", "{\"id\":\"cus_table\",\"metadata\":{\"k\":1}}", 200},
    {"listCustomers", "{\"limit\":2}", 200},
    {"health", NULL, 200},
    {"healthEcho", "{\"ping\":1}", 200},
    {"connectorStatus", NULL, 200},
    {"viewer", NULL, 200},
    {"handleWebhook", "{\"connector_name\":\"plaid\",\"webhook_type\":\"ITEM\"}", 200},
    {"messageTemplate", "{\"customer_id\":\"{cus}\"}", 500},
};
#define N_OPS (sizeof OPS / sizeof OPS[0])

static const op_case *find_case(const char *id) {
    for (size_t i = 0; i < N_OPS; i++)
        if (strcmp(OPS[i].id, id) == 0) return &OPS[i];
    return NULL;
}

static void test_operations_table_equals_driven_set(void) {
    cJSON *table = cJSON_Parse(openint_operations_json());
    CHECKF(cJSON_IsArray(table) && cJSON_GetArraySize(table) == 21, "the table has %d operations",
           cJSON_GetArraySize(table));
    /* No extra: every case here names an operation of the table. */
    for (size_t i = 0; i < N_OPS; i++) {
        bool found = false;
        cJSON *op;
        cJSON_ArrayForEach(op, table) found |= strcmp(tk_json_str(op, "id"), OPS[i].id) == 0;
        CHECKF(found, "%s is driven here but not in the table", OPS[i].id);
    }
    world w;
    world_new(&w, "{\"seed\":{\"connections\":8,\"events\":3}}", "\"max_retries\":0");
    char *ccfg = store_find(&w.s, "connector_configs", NULL, NULL, "id");
    char *acme = store_find(&w.s, "connector_configs", "connector_name", "acme-apikey", "id");
    char *conn = store_find(&w.s, "connections", NULL, NULL, "id");
    char *cus = store_find(&w.s, "connections", NULL, NULL, "customer_id");
    const char *pairs[] = {"ccfg", ccfg, "acme", acme, "conn", conn, "cus", cus, NULL};
    int seen = 0;
    cJSON *op;
    /* Every operation of the table has a case, and its request reaches the table's route. */
    cJSON_ArrayForEach(op, table) {
        const char *id = tk_json_str(op, "id");
        const op_case *c = find_case(id);
        CHECKF(c != NULL, "operation %s of the table is not driven from C", id);
        if (!c || !ccfg || !acme || !conn || !cus) continue;
        char *params = c->params ? subst(c->params, pairs) : NULL;
        OpenintResponse *resp = NULL;
        OpenintError *err = NULL;
        OpenintStatus st = openint_client_call(w.org, id, params, &resp, &err);
        int http = st == OPENINT_STATUS_OK ? openint_response_status(resp) : openint_error_http_status(err);
        CHECKF(http == c->http, "%s %s: HTTP %d (%s), expected %d", id, params ? params : "", http,
               err ? openint_error_display(err) : "ok", c->http);
        openint_response_free(resp);
        openint_error_free(err);

        /* The route: the table's method and path, path parameters filled in. */
        seen++;
        cJSON *log = tk_scenario_requests(&w.s);
        cJSON *last = cJSON_GetArrayItem(log, cJSON_GetArraySize(log) - 1);
        CHECKF(cJSON_GetArraySize(log) == seen, "%s: %d requests in all, expected %d", id,
               cJSON_GetArraySize(log), seen);
        cJSON *given = params ? cJSON_Parse(params) : NULL;
        char *path = strdup(tk_json_str(op, "path"));
        cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(op, "params")) {
            if (strcmp(tk_json_str(p, "in"), "path") != 0) continue;
            const char *pair[] = {tk_json_str(p, "name"), tk_json_str(given, tk_json_str(p, "name")), NULL};
            CHECKF(pair[1] != NULL, "%s: no value for path parameter %s", id, pair[0]);
            if (!pair[1]) continue;
            char *filled = subst(path, pair);
            free(path);
            path = filled;
        }
        char *want_path = tk_fmt("%s%s", base_path(&w.s), path);
        const char *method = tk_json_str(op, "method");
        CHECKF(last && strcmp(tk_log_str(last, "method"), method) == 0 &&
                   strcmp(tk_log_str(last, "path"), want_path) == 0,
               "%s: sent %s %s, the table says %s %s", id, last ? tk_log_str(last, "method") : "?",
               last ? tk_log_str(last, "path") : "?", method, want_path);
        /* Auth on every route. A JSON object body with its Content-Type on PUT and POST, but
         * none where the spec declares none: checkConnection sends nothing (the server reads it
         * as {}), a DELETE an empty body that keeps the Content-Type (the server crashes
         * without it). */
        char *bearer = tk_fmt("Bearer %s", w.s.org_key);
        CHECKF(last && has_text(tk_log_header(last, "authorization"), bearer), "%s: authorization", id);
        if (last && strcmp(method, "GET") != 0) {
            const char *sent = tk_log_str(last, "body"), *ct = tk_log_header(last, "content-type");
            if (!sent) sent = "";
            if (strcmp(id, "checkConnection") == 0) {
                CHECKF(!*sent && !ct, "%s: sent body %s, content-type %s", id, sent, ct ? ct : "none");
            } else if (strcmp(method, "DELETE") == 0) {
                CHECKF(!*sent && has_text(ct, "application/json"), "%s: sent body %s, content-type %s", id, sent,
                       ct ? ct : "none");
            } else {
                cJSON *body = cJSON_Parse(sent);
                CHECKF(cJSON_IsObject(body), "%s: the body sent is not a JSON object: %s", id, sent);
                CHECKF(has_text(ct, "application/json"), "%s: content-type %s", id, ct ? ct : "none");
                cJSON_Delete(body);
            }
        }
        free(bearer);
        free(want_path);
        free(path);
        cJSON_Delete(given);
        cJSON_Delete(log);
        free(params);
    }
    free(ccfg);
    free(acme);
    free(conn);
    free(cus);
    cJSON_Delete(table);
    world_free(&w);
}

/* ---- public routes and roles --------------------------------------------------------------- */

/* A customer: its key (upsertCustomer) and a Connect token (createToken); both malloc'ed. */
typedef struct {
    char *key;
    char *jwt;
} customer;

static customer make_customer(const OpenintClient *org, const char *id) {
    customer c = {NULL, NULL};
    char *params = tk_fmt("{\"id\":\"%s\",\"metadata\":{\"plan\":\"pro\"}}", id);
    cJSON *up = call_ok(org, "upsertCustomer", params, NULL);
    free(params);
    if (tk_json_str(up, "api_key")) c.key = strdup(tk_json_str(up, "api_key"));
    cJSON_Delete(up);
    params = tk_fmt("{\"customer_id\":\"%s\"}", id);
    cJSON *tok = call_ok(org, "createToken", params, NULL);
    free(params);
    if (tk_json_str(tok, "token")) c.jwt = strdup(tk_json_str(tok, "token"));
    cJSON_Delete(tok);
    CHECKF(c.key && c.jwt, "customer %s: key %s, token %s", id, c.key, c.jwt);
    return c;
}

static void customer_free(customer *c) {
    free(c->key);
    free(c->jwt);
}

static void test_public_routes_for_every_role(void) {
    world w;
    world_new(&w, "{\"seed\":{\"connections\":4}}", NULL);
    customer cus = make_customer(w.org, "cus_roles_1");
    struct {
        const char *name, *token, *role;
    } roles[] = {
        {"org key", w.s.org_key, "org"},
        {"customer key", cus.key, "customer"},
        {"customer JWT", cus.jwt, "customer"},
        {"no token", NULL, "anon"},
    };
    for (size_t i = 0; i < 4; i++) {
        if (!roles[i].token && i < 3) continue;
        OpenintClient *c = client_with_token(w.s.base_url, roles[i].token, NULL);
        cJSON *v = call_ok(c, "viewer", NULL, NULL);
        CHECKF(has_text(tk_json_str(v, "role"), roles[i].role), "%s: viewer role %s", roles[i].name,
               tk_json_str(v, "role"));
        if (strcmp(roles[i].role, "customer") == 0)
            CHECKF(has_text(tk_json_str(v, "customerId"), "cus_roles_1"), "%s: customerId %s", roles[i].name,
                   tk_json_str(v, "customerId"));
        if (strcmp(roles[i].role, "anon") != 0)
            CHECKF(has_text(tk_json_str(v, "orgId"), "org_"), "%s: orgId", roles[i].name);
        cJSON_Delete(v);

        cJSON *h = call_ok(c, "health", NULL, NULL);
        CHECKF(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(h, "ok")), "%s: health", roles[i].name);
        cJSON_Delete(h);

        cJSON *echo = call_ok(c, "healthEcho", "{\"hello\":\"world\",\"n\":1,\"nested\":{\"a\":[1,2]}}", NULL);
        cJSON *want = cJSON_Parse("{\"hello\":\"world\",\"n\":1,\"nested\":{\"a\":[1,2]}}");
        CHECKF(cJSON_Compare(cJSON_GetObjectItemCaseSensitive(echo, "input"), want, 1), "%s: healthEcho input",
               roles[i].name);
        cJSON_Delete(want);
        cJSON_Delete(echo);

        cJSON *status = call_ok(c, "connectorStatus", NULL, NULL);
        cJSON *list = cJSON_GetObjectItemCaseSensitive(status, "list");
        CHECKF(cJSON_GetArraySize(list) == 171 && json_int(status, "numTotalConnectors") == 171,
               "%s: connectorStatus lists %d", roles[i].name, cJSON_GetArraySize(list));
        /* The organization's seeded connections show; an anonymous caller sees none. */
        int64_t with = json_int(status, "numWithConnectionForOrg");
        CHECKF(strcmp(roles[i].role, "anon") == 0 ? with == 0 : with > 0, "%s: numWithConnectionForOrg %lld",
               roles[i].name, (long long)with);
        cJSON_Delete(status);
        openint_client_free(c);
    }
    /* A bad key is a 401 even on public routes. */
    OpenintClient *bad = client_with_token(w.s.base_url, "key_bogus_0123456789", "\"max_retries\":0");
    openint_error_free(call_fails(bad, "viewer", NULL, OPENINT_STATUS_AUTHENTICATION, 401));
    openint_error_free(call_fails(bad, "health", NULL, OPENINT_STATUS_AUTHENTICATION, 401));
    openint_client_free(bad);
    customer_free(&cus);
    world_free(&w);
}

static void test_customers_upsert_and_tokens(void) {
    world w;
    world_new(&w, "{}", NULL);
    cJSON *a = call_ok(w.org, "upsertCustomer", "{\"id\":\"cus_acme_001\",\"metadata\":{\"plan\":\"pro\",\"seats\":12}}",
                       NULL);
    CHECK(has_text(tk_json_str(a, "id"), "cus_acme_001"));
    CHECKF(tk_json_str(a, "api_key") && strncmp(tk_json_str(a, "api_key"), "key_", 4) == 0, "api_key %s",
           tk_json_str(a, "api_key"));
    CHECK(json_int(cJSON_GetObjectItemCaseSensitive(a, "metadata"), "seats") == 12);
    CHECK(tk_json_str(a, "created_at") && tk_json_str(a, "updated_at"));
    /* Upserting again replaces the metadata and keeps the key. */
    cJSON *b = call_ok(w.org, "upsertCustomer", "{\"id\":\"cus_acme_001\",\"metadata\":{\"plan\":\"team\"}}", NULL);
    CHECK(has_text(tk_json_str(cJSON_GetObjectItemCaseSensitive(b, "metadata"), "plan"), "team"));
    CHECK(json_int(cJSON_GetObjectItemCaseSensitive(b, "metadata"), "seats") == -1);
    CHECKF(tk_json_str(a, "api_key") && tk_json_str(b, "api_key") &&
               strcmp(tk_json_str(a, "api_key"), tk_json_str(b, "api_key")) == 0,
           "the api_key changed on update");

    /* A Connect token: a JWT, the magic link carrying it, and the customer's key. */
    cJSON *t = call_ok(w.org, "createToken",
                       "{\"customer_id\":\"cus_acme_001\",\"validity_in_seconds\":3600,"
                       "\"connect_options\":{\"view\":\"add\",\"return_url\":\"https://example.com/back?x=1\","
                       "\"connector_names\":[\"acme-apikey\"],\"debug\":false}}",
                       NULL);
    const char *jwt = tk_json_str(t, "token");
    const char *link = tk_json_str(t, "magic_link_url");
    int dots = 0;
    for (const char *p = jwt; p && *p; p++) dots += *p == '.';
    CHECKF(dots == 2, "token %s is not a JWT", jwt);
    CHECKF(has_text(link, jwt) && has_text(link, "view=add") &&
               has_text(link, "return_url=https%3A%2F%2Fexample.com%2Fback%3Fx%3D1"),
           "magic link %s", link);
    CHECKF(tk_json_str(t, "api_key") && strcmp(tk_json_str(t, "api_key"), tk_json_str(b, "api_key")) == 0,
           "createToken's api_key is not the customer's key");

    /* The token works as the token of a second client: that client is the customer. */
    cJSON *acme = NULL;
    char *acme_id = NULL;
    cJSON *cfg = call_ok(w.org, "createConnectorConfig", "{\"connector_name\":\"acme-apikey\",\"config\":{}}", NULL);
    if (tk_json_str(cfg, "id")) acme_id = strdup(tk_json_str(cfg, "id"));
    cJSON_Delete(cfg);
    const char *owners[] = {"cus_acme_001", "cus_other_002"};
    for (int i = 0; i < 2 && acme_id; i++) {
        char *params = tk_fmt("{\"connector_config_id\":\"%s\",\"customer_id\":\"%s\",\"data\":{\"connector_name\":"
                              "\"acme-apikey\",\"settings\":{\"api_key\":\"sk_%d_secret\"}}}",
                              acme_id, owners[i], i);
        cJSON_Delete(call_ok(w.org, "createConnection", params, NULL));
        free(params);
    }
    OpenintClient *as_customer = client_with_token(w.s.base_url, jwt, "\"max_retries\":0");
    cJSON *v = call_ok(as_customer, "viewer", NULL, NULL);
    CHECKF(has_text(tk_json_str(v, "role"), "customer") && has_text(tk_json_str(v, "customerId"), "cus_acme_001"),
           "viewer with the token: %s", tk_json_str(v, "customerId"));
    cJSON_Delete(v);
    acme = call_ok(as_customer, "listConnections", NULL, NULL);
    cJSON *items = cJSON_GetObjectItemCaseSensitive(acme, "items");
    CHECKF(cJSON_GetArraySize(items) == 1, "the customer sees %d connections, expected its 1",
           cJSON_GetArraySize(items));
    CHECK(has_text(tk_json_str(cJSON_GetArrayItem(items, 0), "customer_id"), "cus_acme_001"));
    cJSON_Delete(acme);
    /* Filtering on another customer gives an empty page; organization routes are refused. */
    cJSON *other = call_ok(as_customer, "listConnections", "{\"customer_id\":\"cus_other_002\"}", NULL);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(other, "items")) == 0);
    cJSON_Delete(other);
    OpenintError *e = call_fails(as_customer, "upsertCustomer", "{\"id\":\"cus_x\"}", OPENINT_STATUS_PERMISSION_DENIED, 403);
    CHECK(has_text(openint_error_message(e), "Org admin only"));
    openint_error_free(e);
    openint_client_free(as_customer);

    /* Validity and customer id are checked before sending. The spec sets no minimum, so 0 is
     * sent (it makes a token that is already expired); a string is refused. */
    OpenintResponse *resp = NULL;
    OpenintError *err = NULL;
    int before = tk_scenario_request_count(&w.s);
    OpenintStatus st = openint_client_call(w.org, "createToken", "{\"customer_id\":\"c\",\"validity_in_seconds\":\"soon\"}", &resp, &err);
    expect_invalid(st, err, "validity as a string", "validity_in_seconds", "createToken");
    openint_error_free(err);
    err = NULL;
    st = openint_client_call(w.org, "createToken", "{\"customer_id\":\"\"}", &resp, &err);
    expect_invalid(st, err, "empty id", "customer_id", NULL);
    openint_error_free(err);
    err = NULL;
    st = openint_client_call(w.org, "createToken", "{\"customer_id\":\"c\",\"connect_options\":{\"view\":\"list\"}}", &resp, &err);
    expect_invalid(st, err, "view list", "view", NULL);
    openint_error_free(err);
    CHECK(tk_scenario_request_count(&w.s) == before);

    /* What the spec's bounds allow is sent: validity 0 (the server answers a token) and an id
     * that is its bare prefix (the spec's pattern is ^conn_; the server answers 404). */
    err = NULL;
    st = openint_client_call(w.org, "createToken", "{\"customer_id\":\"cus_zero\",\"validity_in_seconds\":0}", &resp, &err);
    CHECK(st == OPENINT_STATUS_OK && has_text(openint_response_body(resp, NULL), "\"token\""));
    if (st == OPENINT_STATUS_OK) openint_response_free(resp);
    else openint_error_free(err);
    openint_error_free(call_fails(w.org, "getConnection", "{\"id\":\"conn_\"}", OPENINT_STATUS_NOT_FOUND, 404));
    CHECK(tk_scenario_request_count(&w.s) == before + 2);

    free(acme_id);
    cJSON_Delete(t);
    cJSON_Delete(a);
    cJSON_Delete(b);
    world_free(&w);
}

/* ---- connector configs, connections, events, webhooks ------------------------------------- */

static void test_connector_configs_create_update_delete(void) {
    world w;
    world_new(&w, "{}", "\"max_retries\":0");
    cJSON *c = call_ok(w.org, "createConnectorConfig",
                       "{\"connector_name\":\"acme-apikey\",\"display_name\":\"Acme (API key)\",\"config\":{},"
                       "\"metadata\":{\"team\":\"c\"}}",
                       NULL);
    const char *id = tk_json_str(c, "id");
    CHECKF(id && strncmp(id, "ccfg_acme-apikey_", 17) == 0, "config id %s", id);
    CHECK(has_text(tk_json_str(c, "display_name"), "Acme (API key)"));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(c, "disabled")));
    CHECK(has_text(tk_json_str(c, "connector_name"), "acme-apikey"));
    CHECK(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(c, "config")));
    char *cid = strdup(id ? id : "ccfg_x_none");

    char *params = tk_fmt("{\"id\":\"%s\",\"expand\":[\"connector\",\"connection_count\"]}", cid);
    cJSON *g = call_ok(w.org, "getConnectorConfig", params, NULL);
    free(params);
    CHECK(has_text(tk_json_str(cJSON_GetObjectItemCaseSensitive(g, "connector"), "name"), "acme-apikey"));
    CHECK(json_int(g, "connection_count") == 0);
    cJSON_Delete(g);

    params = tk_fmt("{\"id\":\"%s\",\"display_name\":\"Renamed\",\"disabled\":true,\"config\":{}}", cid);
    cJSON *u = call_ok(w.org, "updateConnectorConfig", params, NULL);
    free(params);
    CHECK(has_text(tk_json_str(u, "display_name"), "Renamed"));
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(u, "disabled")));
    cJSON_Delete(u);

    cJSON *l = call_ok(w.org, "listConnectorConfigs", "{\"connector_names\":[\"acme-apikey\"],\"search_query\":\"acme\"}", NULL);
    cJSON *items = cJSON_GetObjectItemCaseSensitive(l, "items");
    CHECKF(cJSON_GetArraySize(items) == 1 && has_text(tk_json_str(cJSON_GetArrayItem(items, 0), "id"), cid),
           "list by name: %d items", cJSON_GetArraySize(items));
    cJSON_Delete(l);

    /* In use: the database refuses the delete (500); unused: deleted, then 404. */
    params = tk_fmt("{\"connector_config_id\":\"%s\",\"customer_id\":\"cus_1\",\"data\":{\"connector_name\":"
                    "\"acme-apikey\",\"settings\":{\"api_key\":\"k\"}}}",
                    cid);
    cJSON *conn = call_ok(w.org, "createConnection", params, NULL);
    free(params);
    params = tk_fmt("{\"id\":\"%s\"}", cid);
    OpenintError *e = call_fails(w.org, "deleteConnectorConfig", params, OPENINT_STATUS_INTERNAL_SERVER, 500);
    CHECK(has_text(openint_error_message(e), "foreign key"));
    openint_error_free(e);
    char *conn_params = tk_fmt("{\"id\":\"%s\"}", tk_json_str(conn, "id"));
    cJSON_Delete(call_ok(w.org, "deleteConnection", conn_params, NULL));
    free(conn_params);
    cJSON_Delete(conn);
    cJSON *d = call_ok(w.org, "deleteConnectorConfig", params, NULL);
    CHECKF(has_text(tk_json_str(d, "id"), cid), "delete answered %s", tk_json_str(d, "id"));
    cJSON_Delete(d);
    e = call_fails(w.org, "getConnectorConfig", params, OPENINT_STATUS_NOT_FOUND, 404);
    CHECK(has_text(openint_error_message(e), "not found") && has_text(openint_error_message(e), cid));
    openint_error_free(e);
    openint_error_free(call_fails(w.org, "deleteConnectorConfig", params, OPENINT_STATUS_NOT_FOUND, 404));
    free(params);

    /* The DELETEs carried Content-Type: application/json (without, the server crashes) and no
     * body (the spec declares none). */
    cJSON *log = tk_scenario_requests(&w.s);
    cJSON *req;
    int deletes = 0;
    cJSON_ArrayForEach(req, log) {
        if (strcmp(tk_log_str(req, "method"), "DELETE") != 0) continue;
        deletes++;
        const char *sent = tk_log_str(req, "body");
        CHECKF((!sent || !*sent) && has_text(tk_log_header(req, "content-type"), "application/json"),
               "DELETE sent body %s, content-type %s", tk_log_str(req, "body"), tk_log_header(req, "content-type"));
    }
    CHECK(deletes == 4);
    cJSON_Delete(log);
    free(cid);
    cJSON_Delete(c);
    world_free(&w);
}

static void test_connections_with_settings_and_secrets(void) {
    world w;
    world_new(&w, "{}", "\"max_retries\":0");
    cJSON *cfg = call_ok(w.org, "createConnectorConfig", "{\"connector_name\":\"acme-apikey\",\"config\":{}}", NULL);
    cJSON *toggl = call_ok(w.org, "createConnectorConfig", "{\"connector_name\":\"toggl\",\"config\":{}}", NULL);
    char *params = tk_fmt("{\"connector_config_id\":\"%s\",\"customer_id\":\"cus_conn_1\",\"metadata\":{\"src\":\"c\"},"
                          "\"data\":{\"connector_name\":\"acme-apikey\",\"settings\":{\"api_key\":\"sk_live_c_secret\"}}}",
                          tk_json_str(cfg, "id"));
    cJSON *c = call_ok(w.org, "createConnection", params, NULL);
    free(params);
    const char *id = tk_json_str(c, "id");
    CHECKF(id && strncmp(id, "conn_acme-apikey_", 17) == 0, "connection id %s", id);
    CHECK(has_text(tk_json_str(c, "status"), "unknown"));
    CHECK(has_text(tk_json_str(c, "status_message"), "imported without checking"));
    CHECK(has_text(tk_json_str(c, "customer_id"), "cus_conn_1"));
    CHECK(has_text(tk_json_str(cJSON_GetObjectItemCaseSensitive(c, "settings"), "api_key"), "sk_live_c_secret"));
    char *cid = strdup(id ? id : "conn_x_none");

    /* Without include_secrets: no settings, and no include_secrets in the query at all. */
    params = tk_fmt("{\"id\":\"%s\",\"include_secrets\":false}", cid);
    cJSON *g = call_ok(w.org, "getConnection", params, NULL);
    free(params);
    CHECK(g && cJSON_GetObjectItemCaseSensitive(g, "settings") == NULL);
    cJSON_Delete(g);
    params = tk_fmt("{\"id\":\"%s\",\"include_secrets\":true,\"expand\":[\"connector\"]}", cid);
    g = call_ok(w.org, "getConnection", params, NULL);
    free(params);
    CHECK(has_text(tk_json_str(cJSON_GetObjectItemCaseSensitive(g, "settings"), "api_key"), "sk_live_c_secret"));
    CHECK(has_text(tk_json_str(cJSON_GetObjectItemCaseSensitive(g, "connector"), "name"), "acme-apikey"));
    cJSON_Delete(g);
    cJSON *log = tk_scenario_requests(&w.s);
    int n = cJSON_GetArraySize(log);
    CHECKF(n >= 2 && strcmp(tk_log_str(cJSON_GetArrayItem(log, n - 2), "query"), "") == 0, "query without secrets: %s",
           tk_log_str(cJSON_GetArrayItem(log, n - 2), "query"));
    CHECKF(has_text(tk_log_str(cJSON_GetArrayItem(log, n - 1), "query"), "include_secrets=true") &&
               has_text(tk_log_str(cJSON_GetArrayItem(log, n - 1), "query"), "expand=connector"),
           "query with secrets: %s", tk_log_str(cJSON_GetArrayItem(log, n - 1), "query"));
    cJSON_Delete(log);

    /* Listing a customer's connections with their secrets. */
    cJSON *l = call_ok(w.org, "listConnections", "{\"customer_id\":\"cus_conn_1\",\"include_secrets\":true,"
                       "\"connector_names\":[\"acme-apikey\"]}", NULL);
    cJSON *items = cJSON_GetObjectItemCaseSensitive(l, "items");
    CHECKF(cJSON_GetArraySize(items) == 1, "%d connections listed", cJSON_GetArraySize(items));
    CHECK(has_text(tk_json_str(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(items, 0), "settings"), "api_key"),
                   "sk_live_c_secret"));
    cJSON_Delete(l);

    /* A check: the provider is unreachable, which is a 200 with the status, and an event. */
    params = tk_fmt("{\"id\":\"%s\"}", cid);
    cJSON *k = call_ok(w.org, "checkConnection", params, NULL);
    CHECK(has_text(tk_json_str(k, "id"), cid));
    CHECK(has_text(tk_json_str(k, "status"), "disconnected"));
    CHECK(has_text(tk_json_str(k, "status_message"), "fetch() URL is invalid"));
    cJSON_Delete(k);
    cJSON *ev = call_ok(w.org, "listEvents", "{\"limit\":10}", NULL);
    cJSON *e0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(ev, "items"), 0);
    CHECKF(has_text(tk_json_str(e0, "name"), "connect.connection-checked") &&
               has_text(tk_json_str(cJSON_GetObjectItemCaseSensitive(e0, "data"), "connection_id"), cid),
           "newest event: %s", tk_json_str(e0, "name"));
    cJSON_Delete(ev);

    /* Delete, then 404 on every route. */
    cJSON *d = call_ok(w.org, "deleteConnection", params, NULL);
    CHECK(has_text(tk_json_str(d, "id"), cid));
    cJSON_Delete(d);
    OpenintError *e = call_fails(w.org, "getConnection", params, OPENINT_STATUS_NOT_FOUND, 404);
    CHECK(has_text(openint_error_message(e), "Connection not found"));
    openint_error_free(e);
    openint_error_free(call_fails(w.org, "deleteConnection", params, OPENINT_STATUS_NOT_FOUND, 404));
    openint_error_free(call_fails(w.org, "checkConnection", params, OPENINT_STATUS_NOT_FOUND, 404));
    free(params);

    /* toggl cannot check: 501. */
    params = tk_fmt("{\"connector_config_id\":\"%s\",\"customer_id\":\"cus_conn_1\",\"check_connection\":true,"
                    "\"data\":{\"connector_name\":\"toggl\",\"settings\":{\"apiToken\":\"t\",\"email\":\"a@b.c\"}}}",
                    tk_json_str(toggl, "id"));
    e = call_fails(w.org, "createConnection", params, OPENINT_STATUS_API_STATUS, 501);
    CHECK(has_text(openint_error_message(e), "does not support check_connection"));
    CHECK(has_text(openint_error_code(e), "NOT_IMPLEMENTED"));
    openint_error_free(e);
    free(params);
    free(cid);
    cJSON_Delete(c);
    cJSON_Delete(cfg);
    cJSON_Delete(toggl);
    world_free(&w);
}

static void test_events_filters(void) {
    world w;
    world_new(&w, "{\"seed\":{\"connections\":3,\"events\":9}}", "\"max_retries\":0");
    cJSON *all = call_ok(w.org, "listEvents", NULL, NULL);
    cJSON *items = cJSON_GetObjectItemCaseSensitive(all, "items");
    CHECKF(cJSON_GetArraySize(items) == 9, "%d events", cJSON_GetArraySize(items));
    const char *first_id = tk_json_str(cJSON_GetArrayItem(items, 0), "id");
    char *params = tk_fmt("{\"search_query\":\"%s\",\"include_prompt\":true}", first_id ? first_id : "evt_");
    cJSON *one = call_ok(w.org, "listEvents", params, NULL);
    free(params);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(one, "items")) == 1);
    cJSON_Delete(one);
    cJSON *none = call_ok(w.org, "listEvents", "{\"since\":\"2999-01-01 00:00:00+00\"}", NULL);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(none, "items")) == 0);
    cJSON_Delete(none);
    /* The server hands a bad timestamp to the database: a 500 with its message. */
    OpenintError *e = call_fails(w.org, "listEvents", "{\"since\":\"not-a-date\"}", OPENINT_STATUS_INTERNAL_SERVER, 500);
    CHECK(has_text(openint_error_message(e), "invalid input syntax for type timestamp"));
    openint_error_free(e);
    cJSON_Delete(all);
    world_free(&w);
}

static void test_webhook_and_message_template(void) {
    world w;
    world_new(&w, "{}", "\"max_retries\":0");
    cJSON *h = call_ok(w.org, "handleWebhook",
                       "{\"connector_name\":\"plaid\",\"webhook_type\":\"ITEM\",\"webhook_code\":\"WEBHOOK_UPDATE_ACKNOWLEDGED\","
                       "\"item_id\":\"item_1\"}",
                       NULL);
    cJSON *info = cJSON_GetObjectItemCaseSensitive(h, "info");
    CHECK(has_text(tk_json_str(h, "status"), "error"));
    CHECK(has_text(tk_json_str(info, "connector_name"), "plaid") && has_text(tk_json_str(info, "item_id"), "item_1"));
    cJSON_Delete(h);
    /* The path parameter is not repeated in the body; the other fields are the body. */
    cJSON *log = tk_scenario_requests(&w.s);
    cJSON *body = cJSON_Parse(tk_log_str(cJSON_GetArrayItem(log, 0), "body"));
    CHECKF(body && !cJSON_GetObjectItemCaseSensitive(body, "connector_name") &&
               has_text(tk_json_str(body, "webhook_code"), "WEBHOOK_UPDATE_ACKNOWLEDGED"),
           "webhook body %s", tk_log_str(cJSON_GetArrayItem(log, 0), "body"));
    cJSON_Delete(body);
    cJSON_Delete(log);
    OpenintError *e = call_fails(w.org, "handleWebhook", "{\"connector_name\":\"toggl\",\"x\":1}", OPENINT_STATUS_API_STATUS, 501);
    CHECK(has_text(openint_error_message(e), "does not support webhooks"));
    openint_error_free(e);
    e = call_fails(w.org, "handleWebhook", "{\"connector_name\":\"nope\"}", OPENINT_STATUS_BAD_REQUEST, 400);
    CHECK(has_text(openint_error_body(e), "invalid_enum_value"));
    openint_error_free(e);

    /* The recorded server has no AI API: a 500, retried like any 500 of a GET. */
    e = call_fails(w.org, "messageTemplate", "{\"customer_id\":\"cus_1\",\"language\":\"javascript\","
                   "\"use_environment_variables\":true}", OPENINT_STATUS_INTERNAL_SERVER, 500);
    CHECK(has_text(openint_error_message(e), "AI API URL is not set"));
    openint_error_free(e);
    OpenintClient *retrying = client_with_token(w.s.base_url, w.s.org_key, "\"max_retries\":1");
    int before = tk_scenario_request_count(&w.s);
    OpenintResponse *resp = NULL;
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_call_with(retrying, "messageTemplate", "{\"customer_id\":\"cus_1\"}",
                                                "{\"timeout\":30}", NULL, &resp, &err);
    CHECK(st == OPENINT_STATUS_INTERNAL_SERVER && openint_error_retries(err) == 1);
    CHECKF(tk_scenario_request_count(&w.s) == before + 2, "%d requests", tk_scenario_request_count(&w.s) - before);
    openint_error_free(err);
    openint_client_free(retrying);
    world_free(&w);
}

/* ---- error classes and roles ---------------------------------------------------------------- */

typedef struct {
    const char *who; /* "org", "customer", "jwt", "none", "bad" */
    const char *op, *params;
    OpenintStatus want;
    int http;
    const char *message; /* a part of the server's message */
} error_case;

static const error_case ERRORS[] = {
    /* 400: the server's own validation (the core passes settings through as an object). */
    {"org", "createConnection",
     "{\"connector_config_id\":\"{acme}\",\"customer_id\":\"c\",\"data\":{\"connector_name\":\"nope-connector\"}}",
     OPENINT_STATUS_BAD_REQUEST, 400, "Input validation failed"},
    {"org", "createConnectorConfig", "{\"connector_name\":\"not-a-connector\"}", OPENINT_STATUS_BAD_REQUEST, 400,
     "Invalid connector_name"},
    {"org", "listConnections", "{\"connector_names\":[\"not-a-connector\"]}", OPENINT_STATUS_BAD_REQUEST, 400,
     "Input validation failed"},
    /* 401: a key the server does not know, or a forged JWT. */
    {"bad", "listConnections", NULL, OPENINT_STATUS_AUTHENTICATION, 401, "Invalid API key"},
    {"bad", "viewer", NULL, OPENINT_STATUS_AUTHENTICATION, 401, "Invalid API key"},
    /* 403: no token on a guarded route; a customer on an organization route. */
    {"none", "listConnections", NULL, OPENINT_STATUS_PERMISSION_DENIED, 403, "Authentication required"},
    {"none", "getConnection", "{\"id\":\"{conn}\"}", OPENINT_STATUS_PERMISSION_DENIED, 403, "Authentication required"},
    {"customer", "listCustomers", NULL, OPENINT_STATUS_PERMISSION_DENIED, 403, "Org admin only"},
    {"jwt", "createConnectorConfig", "{\"connector_name\":\"toggl\"}", OPENINT_STATUS_PERMISSION_DENIED, 403,
     "Org admin only"},
    {"jwt", "messageTemplate", "{\"customer_id\":\"c\"}", OPENINT_STATUS_PERMISSION_DENIED, 403, "Org admin only"},
    /* 404: unknown rows; another customer's connection is invisible. */
    {"org", "getConnection", "{\"id\":\"conn_toggl_01DOESNOTEXIST\"}", OPENINT_STATUS_NOT_FOUND, 404,
     "Connection not found"},
    {"customer", "getConnection", "{\"id\":\"{conn}\"}", OPENINT_STATUS_NOT_FOUND, 404, "Connection not found"},
    {"org", "getConnectorConfig", "{\"id\":\"ccfg_toggl_01DOESNOTEXIST\"}", OPENINT_STATUS_NOT_FOUND, 404, "not found"},
    /* 500: database errors the server passes on. */
    {"customer", "listConnectorConfigs", NULL, OPENINT_STATUS_INTERNAL_SERVER, 500, "permission denied"},
    {"jwt", "getConnectorConfig", "{\"id\":\"{acme}\"}", OPENINT_STATUS_INTERNAL_SERVER, 500, "permission denied"},
    {"org", "messageTemplate", "{\"customer_id\":\"c\"}", OPENINT_STATUS_INTERNAL_SERVER, 500, "AI API URL is not set"},
    /* 501: not supported by the connector. */
    {"org", "handleWebhook", "{\"connector_name\":\"greenhouse\"}", OPENINT_STATUS_API_STATUS, 501,
     "does not support webhooks"},
};

static void test_error_classes_and_roles(void) {
    world w;
    world_new(&w, "{\"seed\":{\"connections\":4}}", NULL);
    customer cus = make_customer(w.org, "cus_err_1");
    char *acme = store_find(&w.s, "connector_configs", "connector_name", "acme-apikey", "id");
    char *conn = store_find(&w.s, "connections", NULL, NULL, "id"); /* a seeded customer's, not cus_err_1's */
    const char *pairs[] = {"acme", acme ? acme : "ccfg_x_1", "conn", conn ? conn : "conn_x_1", NULL};
    OpenintClient *org = client_with_token(w.s.base_url, w.s.org_key, "\"max_retries\":0");
    OpenintClient *by_key = client_with_token(w.s.base_url, cus.key, "\"max_retries\":0");
    OpenintClient *by_jwt = client_with_token(w.s.base_url, cus.jwt, "\"max_retries\":0");
    OpenintClient *none = client_with_token(w.s.base_url, NULL, "\"max_retries\":0");
    OpenintClient *bad = client_with_token(w.s.base_url, "key_unknown_0123456789", "\"max_retries\":0");
    for (size_t i = 0; i < sizeof ERRORS / sizeof ERRORS[0]; i++) {
        const error_case *c = &ERRORS[i];
        OpenintClient *cl = !strcmp(c->who, "org") ? org : !strcmp(c->who, "customer") ? by_key
                          : !strcmp(c->who, "jwt") ? by_jwt : !strcmp(c->who, "none") ? none : bad;
        char *params = c->params ? subst(c->params, pairs) : NULL;
        int before = tk_scenario_request_count(&w.s);
        OpenintError *e = call_fails(cl, c->op, params, c->want, c->http);
        CHECKF(has_text(openint_error_message(e), c->message), "%s as %s: message %s, expected %s", c->op, c->who,
               openint_error_message(e), c->message);
        CHECKF(openint_error_retries(e) == 0 && tk_scenario_request_count(&w.s) == before + 1,
               "%s as %s: one request with max_retries 0", c->op, c->who);
        /* The token never shows in what the error carries. */
        const char *tok = cl == org ? w.s.org_key : cl == by_key ? cus.key : cl == by_jwt ? cus.jwt : NULL;
        CHECKF(!tok || (!has_text(openint_error_display(e), tok) && !has_text(openint_error_body(e), tok)),
               "%s as %s: the token shows in the error", c->op, c->who);
        openint_error_free(e);
        free(params);
    }
    openint_client_free(org);
    openint_client_free(by_key);
    openint_client_free(by_jwt);
    openint_client_free(none);
    openint_client_free(bad);
    free(acme);
    free(conn);
    customer_free(&cus);
    world_free(&w);
}

/* ---- bad input -------------------------------------------------------------------------------- */

typedef struct {
    const char *op, *params;
    const char *n1, *n2; /* the message names these */
} bad_call;

static const bad_call BAD_CALLS[] = {
    {"getConection", "{\"id\":\"conn_1\"}", "getConection", "unknown operation"},
    {"", NULL, "operation", NULL},
    {"getConnection", "{\"id\":\"conn_1\",\"bogus\":1}", "getConnection", "bogus"},
    {"getConnection", "{\"id\":5}", "getConnection", "\"id\""},
    {"getConnection", "{}", "getConnection", "missing required parameter \"id\""},
    {"getConnection", NULL, "getConnection", "\"id\""},
    {"getConnection", "{\"id\":\"abc\"}", "\"id\"", "conn_"},
    {"getConnection", "{\"id\":null}", "\"id\"", "null"},
    {"getConnection", "{\"id\":\"conn_1\",\"include_secrets\":\"yes\"}", "include_secrets", NULL},
    {"getConnection", "{\"id\":\"conn_1\",\"refresh_policy\":\"sometimes\"}", "refresh_policy", NULL},
    {"listConnections", "{\"limit\":3001}", "\"limit\"", "3000"},
    {"listConnections", "{\"limit\":-1}", "\"limit\"", NULL},
    {"listConnections", "{\"offset\":1.5}", "\"offset\"", NULL},
    {"listConnections", "{\"connector_names\":[]}", "connector_names", "empty"},
    {"listConnections", "{\"expand\":[\"settings\"]}", "expand", "settings"},
    {"listConnectorConfigs", "{\"expand\":\"connector,bogus\"}", "expand", NULL},
    {"createConnection", "{\"customer_id\":\"c\",\"data\":{}}", "createConnection", "connector_config_id"},
    {"createConnection", "{\"connector_config_id\":\"ccfg_1\",\"customer_id\":\"c\",\"data\":[]}", "\"data\"", NULL},
    {"createConnectorConfig", "{\"connector_name\":\"\"}", "connector_name", NULL},
    {"createConnectorConfig", "{\"connector_name\":\"toggl\",\"config\":null}", "config", NULL},
    {"updateConnectorConfig", "{\"id\":\"ccfg_1\",\"disabled\":\"false\"}", "disabled", NULL},
    {"upsertCustomer", "{\"id\":123}", "\"id\"", NULL},
    {"createToken", "{\"customer_id\":\"c\",\"validity_in_seconds\":\"5\"}", "validity_in_seconds", NULL},
    {"createToken", "{\"customer_id\":\"c\",\"connect_options\":{\"colour\":\"red\"}}", "connect_options", "colour"},
    {"messageTemplate", "{}", "customer_id", NULL},
    {"messageTemplate", "{\"customer_id\":\"c\",\"language\":\"python\"}", "language", NULL},
    {"health", "{\"x\":1}", "health", "x"},
    {"viewer", "[]", "params", "object"},
    {"viewer", "{\"a\":", "params", "JSON"},
};

static void test_bad_input_fails_before_any_request(void) {
    world w;
    world_new(&w, "{}", NULL);
    for (size_t i = 0; i < sizeof BAD_CALLS / sizeof BAD_CALLS[0]; i++) {
        const bad_call *b = &BAD_CALLS[i];
        char what[256];
        snprintf(what, sizeof what, "%s %s", b->op, b->params ? b->params : "NULL");
        OpenintResponse *resp = SENT(OpenintResponse);
        OpenintError *err = NULL;
        OpenintStatus st = openint_client_call(w.org, b->op, b->params, &resp, &err);
        expect_invalid(st, err, what, b->n1, b->n2);
        CHECKF(resp == SENT(OpenintResponse), "%s: response_out written", what);
        openint_error_free(err);
        /* The same through call_with, with options. */
        err = NULL;
        st = openint_client_call_with(w.org, b->op, b->params, "{\"max_retries\":0}", NULL, &resp, &err);
        expect_invalid(st, err, what, b->n1, b->n2);
        openint_error_free(err);
    }
    /* Listing functions refuse operations that are not lists, and lists refuse bad params. */
    const struct {
        const char *op, *params, *n1, *n2;
    } bad_lists[] = {
        {"getConnection", "{\"id\":\"conn_1\"}", "getConnection", "list"},
        {"listConections", NULL, "listConections", NULL},
        {"listEvents", "{\"since\":5}", "since", NULL},
        {"listCustomers", "{\"limit\":\"10\"}", "\"limit\"", NULL},
    };
    for (size_t i = 0; i < sizeof bad_lists / sizeof bad_lists[0]; i++) {
        OpenintPage *page = SENT(OpenintPage);
        OpenintCursor *cur = SENT(OpenintCursor);
        OpenintError *err = NULL;
        OpenintStatus st = openint_client_list(w.org, bad_lists[i].op, bad_lists[i].params, NULL, NULL, &page, &err);
        expect_invalid(st, err, bad_lists[i].op, bad_lists[i].n1, bad_lists[i].n2);
        openint_error_free(err);
        err = NULL;
        st = openint_client_list_cursor(w.org, bad_lists[i].op, bad_lists[i].params, NULL, NULL, &cur, &err);
        expect_invalid(st, err, bad_lists[i].op, bad_lists[i].n1, bad_lists[i].n2);
        openint_error_free(err);
        CHECK(page == SENT(OpenintPage) && cur == SENT(OpenintCursor));
    }
    CHECKF(tk_scenario_request_count(&w.s) == 0, "bad input reached the server: %d requests",
           tk_scenario_request_count(&w.s));
    world_free(&w);
}

void suite_operations(void) {
    tk_run("operations_table_equals_driven_set", test_operations_table_equals_driven_set);
    tk_run("public_routes_for_every_role", test_public_routes_for_every_role);
    tk_run("customers_upsert_and_tokens", test_customers_upsert_and_tokens);
    tk_run("connector_configs_create_update_delete", test_connector_configs_create_update_delete);
    tk_run("connections_with_settings_and_secrets", test_connections_with_settings_and_secrets);
    tk_run("events_filters", test_events_filters);
    tk_run("webhook_and_message_template", test_webhook_and_message_template);
    tk_run("error_classes_and_roles", test_error_classes_and_roles);
    tk_run("bad_input_fails_before_any_request", test_bad_input_fails_before_any_request);
}
