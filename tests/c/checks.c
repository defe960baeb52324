/* checks: see checks.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool has_text(const char *s, const char *needle) { return s && needle && strstr(s, needle); }

void new_scenario(const char *config, tk_scenario *s) {
    if (!tk_scenario_new(config, s)) {
        fprintf(stderr, "cannot create scenario %s\n", config);
        exit(2);
    }
}

int64_t json_int(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : -1;
}

void expect_api_error(OpenintStatus st, const OpenintError *err, OpenintStatus want, int http,
                      const char *what) {
    CHECKF(st == want, "%s: status %s, expected %s (%s)", what, tk_status_str(st), tk_status_str(want),
           err ? openint_error_message(err) : "no error");
    CHECKF(err != NULL, "%s: no error", what);
    if (!err) return;
    CHECKF(openint_error_kind(err) == want, "%s: kind %s", what, tk_status_str(openint_error_kind(err)));
    CHECKF(openint_error_http_status(err) == http, "%s: http status %u, expected %d", what,
           (unsigned)openint_error_http_status(err), http);
    const char *body = openint_error_body(err);
    CHECKF(body != NULL, "%s: no body", what);
    cJSON *doc = body ? cJSON_Parse(body) : NULL;
    CHECKF(doc != NULL, "%s: body is not JSON: %s", what, body);
    const char *msg = tk_json_str(doc, "message");
    const char *code = tk_json_str(doc, "code");
    /* The server's message, first (a base URL without /v1 adds a hint after it). */
    CHECKF(msg && openint_error_message(err) && strncmp(openint_error_message(err), msg, strlen(msg)) == 0,
           "%s: message %s, body says %s", what, openint_error_message(err), msg ? msg : "?");
    CHECKF(code && openint_error_code(err) && strcmp(openint_error_code(err), code) == 0, "%s: code %s",
           what, openint_error_code(err));
    /* The real error shape repeats the status (a body the server made up may not). */
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(doc, "data");
    CHECKF(!data || json_int(data, "httpStatus") == http, "%s: body's httpStatus", what);
    /* The request it was: method and URL, and the display line names them all. */
    const char *method = openint_error_method(err), *url = openint_error_url(err);
    CHECKF(method && *method && url && strncmp(url, "http", 4) == 0, "%s: method %s url %s", what,
           method ? method : "(null)", url ? url : "(null)");
    const char *display = openint_error_display(err);
    char status_text[16];
    snprintf(status_text, sizeof status_text, "%d", http);
    CHECKF(has_text(display, status_text) && has_text(display, msg) && has_text(display, url) &&
               has_text(display, method) && (!code || has_text(display, code)),
           "%s: display line %s lacks status, code, message, method or URL", what, display);
    cJSON_Delete(doc);
}

void expect_invalid(OpenintStatus st, OpenintError *err, const char *what, const char *n1,
                    const char *n2) {
    CHECKF(st == OPENINT_STATUS_INVALID_ARGUMENT, "%s: status %s (%s)", what, tk_status_str(st),
           err ? openint_error_message(err) : "");
    CHECKF(err != NULL, "%s: no error object", what);
    if (!err) return;
    const char *msg = openint_error_message(err);
    CHECKF(openint_error_kind(err) == OPENINT_STATUS_INVALID_ARGUMENT, "%s: kind", what);
    CHECKF(has_text(msg, n1) && (!n2 || has_text(msg, n2)), "%s: message %s should name %s %s", what,
           msg, n1, n2 ? n2 : "");
    CHECKF(openint_error_http_status(err) == 0 && openint_error_code(err) == NULL &&
               openint_error_body(err) == NULL && openint_error_request_id(err) == NULL &&
               openint_error_retries(err) == 0,
           "%s: an argument error carries HTTP details", what);
}

void expect_transport_error(OpenintStatus st, OpenintError *err, OpenintStatus want,
                            const char *what) {
    CHECKF(st == want, "%s: status %s, expected %s (%s)", what, tk_status_str(st), tk_status_str(want),
           err ? openint_error_message(err) : "");
    CHECKF(err && openint_error_kind(err) == want, "%s: kind", what);
    CHECKF(err && openint_error_message(err) && *openint_error_message(err), "%s: empty message", what);
    CHECKF(openint_error_http_status(err) == 0, "%s: an HTTP status", what);
    /* A 2xx answer that could not be decoded may keep (a prefix of) what came instead; a
     * connection or timeout error has no body at all. */
    if (want != OPENINT_STATUS_DECODE)
        CHECKF(openint_error_body(err) == NULL, "%s: a body", what);
}

cJSON *call_ok(const OpenintClient *c, const char *op, const char *params, const char *options) {
    OpenintResponse *resp = NULL;
    OpenintError *err = NULL;
    OpenintStatus st = options ? openint_client_call_with(c, op, params, options, NULL, &resp, &err)
                               : openint_client_call(c, op, params, &resp, &err);
    if (st != OPENINT_STATUS_OK) {
        tk_fail(__FILE__, __LINE__, "%s %s: %s: %s", op, params ? params : "NULL", tk_status_str(st),
                openint_error_display(err));
        openint_error_free(err);
        return NULL;
    }
    CHECKF(openint_response_status(resp) == 200, "%s: HTTP %u", op, (unsigned)openint_response_status(resp));
    size_t len = 0;
    const char *body = openint_response_body(resp, &len);
    cJSON *doc = body ? cJSON_ParseWithLength(body, len) : NULL;
    CHECKF(doc != NULL, "%s: the body is not JSON: %.200s", op, body ? body : "(null)");
    openint_response_free(resp);
    return doc;
}

OpenintError *call_fails(const OpenintClient *c, const char *op, const char *params,
                         OpenintStatus want, int http) {
    OpenintResponse *resp = SENT(OpenintResponse);
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_call(c, op, params, &resp, &err);
    char what[256];
    snprintf(what, sizeof what, "%s %.200s", op, params ? params : "NULL");
    if (st == OPENINT_STATUS_OK) {
        tk_fail(__FILE__, __LINE__, "%s succeeded, expected %s", what, tk_status_str(want));
        openint_response_free(resp);
        return NULL;
    }
    CHECKF(resp == SENT(OpenintResponse), "%s: response_out written on failure", what);
    expect_api_error(st, err, want, http, what);
    return err;
}

OpenintClient *client_with_token(const char *base_url, const char *token, const char *extra) {
    char *members = token ? tk_fmt("\"token\":\"%s\"%s%s", token, extra ? "," : "", extra ? extra : "")
                          : tk_fmt("\"token\":\"\"%s%s", extra ? "," : "", extra ? extra : "");
    OpenintClient *c = tk_client(base_url, members);
    free(members);
    return c;
}

cJSON *log_expect(const tk_scenario *s, int n, const char *what) {
    cJSON *log = tk_scenario_requests(s);
    int got = log ? cJSON_GetArraySize(log) : -1;
    if (got != n) {
        tk_fail(__FILE__, __LINE__, "%s: the server saw %d requests, expected %d", what, got, n);
        cJSON_Delete(log);
        return NULL;
    }
    return log;
}

void world_new(world *w, const char *config, const char *client_extra) {
    new_scenario(config, &w->s);
    w->org = client_with_token(w->s.base_url, w->s.org_key, client_extra);
}

void world_free(world *w) {
    openint_client_free(w->org);
    w->org = NULL;
    tk_scenario_delete(&w->s);
}

char *store_find(const tk_scenario *s, const char *table, const char *key, const char *value,
                 const char *field) {
    cJSON *store = tk_scenario_store(s);
    cJSON *row;
    char *out = NULL;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(store, table)) {
        const char *v = key ? tk_json_str(row, key) : NULL;
        if (key && (!v || strcmp(v, value) != 0)) continue;
        const char *f = tk_json_str(row, field);
        if (f) out = strdup(f);
        break;
    }
    cJSON_Delete(store);
    if (!out) tk_fail(__FILE__, __LINE__, "no %s row with %s = %s in the store", table, key ? key : "-",
                      value ? value : "-");
    return out;
}
