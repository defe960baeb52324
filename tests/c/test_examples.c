/*
 * The programs in examples/, built by run.sh through the pkg-config file (from another
 * folder) and run here against the local server: their output must be the server's data, their
 * failures must print the real error. Under valgrind (run.sh's last run traces children) they
 * must be clean too.
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

static const char *examples_dir;

void examples_set_dir(const char *dir) { examples_dir = dir; }

#define EXAMPLE_TIMEOUT 300.0 /* seconds: generous, for runs under valgrind */

/* Runs example `name` with OPENINT_BASE_URL / OPENINT_API_KEY (NULL: unset) and up to two
 * arguments. */
static bool run_example(const char *name, const char *base_url, const char *key, const char *arg1, const char *arg2,
                        tk_proc *p) {
    char *path = tk_fmt("%s/%s", examples_dir, name);
    char *env_url = base_url ? tk_fmt("OPENINT_BASE_URL=%s", base_url) : NULL;
    char *env_key = key ? tk_fmt("OPENINT_API_KEY=%s", key) : NULL;
    const char *argv[4] = {path, arg1, arg1 ? arg2 : NULL, NULL};
    const char *env[3] = {NULL, NULL, NULL};
    int e = 0;
    if (env_url) env[e++] = env_url;
    if (env_key) env[e++] = env_key;
    bool ok = tk_spawn(argv, env, EXAMPLE_TIMEOUT, p);
    CHECKF(ok, "%s did not finish", name);
    free(path);
    free(env_url);
    free(env_key);
    return ok;
}

/* Splits text into lines (modifies it); returns the count. */
static int split_lines(char *text, char **lines, int cap) {
    int n = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && n < cap; l = strtok_r(NULL, "\n", &save))
        lines[n++] = l;
    return n;
}

static void test_example_quickstart(void) {
    tk_scenario s;
    new_scenario("{}", &s);
    tk_oracle o;
    CHECK(tk_oracle_get(171, false, &o));
    tk_proc p;
    run_example("quickstart", s.base_url, NULL, NULL, NULL, &p);
    CHECKF(p.exit_code == 0, "quickstart exited %d: %s", p.exit_code, p.err);
    char *shared_out = strdup(p.out);
    /* Every connector, one per line, byte for byte the server's JSON. */
    char **lines = (char **)calloc(1000, sizeof(char *));
    int n = split_lines(p.out, lines, 1000);
    CHECKF(n == 171, "quickstart printed %d lines", n);
    for (int i = 0; i < n && i < o.count; i++)
        CHECKF(tk_oracle_item_bytes_equal(&o, i, lines[i], strlen(lines[i])), "line %d is not connector %d: %.80s", i, i,
               lines[i]);
    CHECKF(p.err && *p.err == '\0', "quickstart wrote to stderr: %s", p.err);
    /* Pages of 100: two requests. */
    CHECK(tk_scenario_request_count(&s) == 2);
    free(lines);
    tk_proc_free(&p);

    /* The static build prints the same. */
    run_example("quickstart_static", s.base_url, NULL, NULL, NULL, &p);
    CHECKF(p.exit_code == 0 && strcmp(p.out, shared_out) == 0, "quickstart_static exited %d: %s", p.exit_code, p.err);
    tk_proc_free(&p);
    free(shared_out);

    /* Failures print the library's own words and free everything (valgrind checks that). */
    run_example("quickstart", "ftp://example.com/v1", NULL, NULL, NULL, &p);
    CHECKF(p.exit_code == 1 && has_text(p.err, "openint_client_new") && has_text(p.err, "base_url"),
           "a bad base URL: exit %d, stderr %s", p.exit_code, p.err);
    CHECK(*p.out == '\0');
    tk_proc_free(&p);
    tk_scenario bad;
    new_scenario("{\"status\":404}", &bad);
    run_example("quickstart", bad.base_url, NULL, NULL, NULL, &p);
    CHECKF(p.exit_code == 1 && has_text(p.err, "404") && has_text(p.err, "NOT_FOUND") && has_text(p.err, "/connector"),
           "a 404: exit %d, stderr %s", p.exit_code, p.err);
    tk_proc_free(&p);
    tk_scenario_delete(&bad);
    tk_oracle_free(&o);
    tk_scenario_delete(&s);
}

static void test_example_list_connectors(void) {
    tk_scenario s;
    new_scenario("{}", &s);
    tk_proc p;
    run_example("list_connectors", s.base_url, NULL, "50", NULL, &p);
    CHECKF(p.exit_code == 0 && has_text(p.out, "listed 171 connectors"), "list_connectors: exit %d: %s%s", p.exit_code,
           p.out, p.err);
    CHECK(tk_scenario_request_count(&s) == 4);
    tk_proc_free(&p);
    tk_scenario_delete(&s);
}

static void test_example_create_token(void) {
    world w;
    world_new(&w, "{}", NULL);
    tk_proc p;
    run_example("create_token", w.s.base_url, w.s.org_key, "cus_example_1", "https://example.com/done", &p);
    CHECKF(p.exit_code == 0, "create_token exited %d: %s", p.exit_code, p.err);
    cJSON *answer = cJSON_Parse(p.out);
    const char *token = tk_json_str(answer, "token");
    CHECKF(token && has_text(tk_json_str(answer, "magic_link_url"), token), "answer %s", p.out);
    CHECK(has_text(tk_json_str(answer, "magic_link_url"), "return_url=https%3A%2F%2Fexample.com%2Fdone"));
    CHECK(has_text(tk_json_str(answer, "magic_link_url"), "view=add"));
    CHECK(has_text(tk_json_str(answer, "api_key"), "key_"));
    tk_proc_free(&p);
    /* The token works: it is the customer's. */
    if (token) {
        OpenintClient *c = client_with_token(w.s.base_url, token, NULL);
        cJSON *v = call_ok(c, "viewer", NULL, NULL);
        CHECK(has_text(tk_json_str(v, "customerId"), "cus_example_1"));
        cJSON_Delete(v);
        openint_client_free(c);
    }
    /* The body sent: the id in the path, validity and connect options in the body. */
    cJSON *log = tk_scenario_requests(&w.s);
    cJSON *req = cJSON_GetArrayItem(log, 0);
    CHECK(has_text(tk_log_str(req, "path"), "/customer/cus_example_1/token"));
    CHECK(has_text(tk_log_str(req, "body"), "\"validity_in_seconds\":3600"));
    cJSON_Delete(log);

    /* Errors: no argument; a customer key on this organization route. */
    run_example("create_token", w.s.base_url, w.s.org_key, NULL, NULL, &p);
    CHECKF(p.exit_code == 2 && has_text(p.err, "usage"), "no argument: exit %d", p.exit_code);
    tk_proc_free(&p);
    run_example("create_token", w.s.base_url, tk_json_str(answer, "api_key"), "cus_example_2", NULL, &p);
    CHECKF(p.exit_code == 1 && has_text(p.err, "403") && has_text(p.err, "Org admin only"), "customer key: exit %d, %s",
           p.exit_code, p.err);
    CHECKF(!has_text(p.err, tk_json_str(answer, "api_key")), "the key shows in the error: %s", p.err);
    tk_proc_free(&p);
    /* A customer id with quotes and a slash reaches the server intact (encoded in the path). */
    run_example("create_token", w.s.base_url, w.s.org_key, "cus \"q\"/1", NULL, &p);
    CHECKF(p.exit_code == 0, "odd customer id: exit %d: %s", p.exit_code, p.err);
    tk_proc_free(&p);
    cJSON_Delete(answer);
    world_free(&w);
}

static void test_example_customer_connections(void) {
    world w;
    world_new(&w, "{}", NULL);
    cJSON *cfg = call_ok(w.org, "createConnectorConfig", "{\"connector_name\":\"acme-apikey\",\"config\":{}}", NULL);
    const char *owners[] = {"cus_ex_a", "cus_ex_b", "cus_ex_a", "cus_ex_a", "cus_ex_b"};
    for (int i = 0; i < 5; i++) {
        char *params = tk_fmt("{\"connector_config_id\":\"%s\",\"customer_id\":\"%s\",\"data\":{\"connector_name\":"
                              "\"acme-apikey\",\"settings\":{\"api_key\":\"sk_example_%d\"}}}",
                              tk_json_str(cfg, "id"), owners[i], i);
        cJSON_Delete(call_ok(w.org, "createConnection", params, NULL));
        free(params);
    }
    cJSON *tok = call_ok(w.org, "createToken", "{\"customer_id\":\"cus_ex_a\"}", NULL);
    /* With the organization's key, then with the customer's own token: the same three. */
    const char *keys[] = {w.s.org_key, tk_json_str(tok, "token")};
    for (int k = 0; k < 2; k++) {
        tk_proc p;
        run_example("customer_connections", w.s.base_url, keys[k], "cus_ex_a", NULL, &p);
        CHECKF(p.exit_code == 0, "customer_connections (key %d) exited %d: %s", k, p.exit_code, p.err);
        char *lines[16];
        int n = split_lines(p.out, lines, 16);
        CHECKF(n == 3, "key %d: %d connections printed", k, n);
        for (int i = 0; i < n; i++) {
            cJSON *c = cJSON_Parse(lines[i]);
            CHECK(has_text(tk_json_str(c, "customer_id"), "cus_ex_a"));
            CHECKF(has_text(tk_json_str(cJSON_GetObjectItemCaseSensitive(c, "settings"), "api_key"), "sk_example_"),
                   "key %d: no secret in %s", k, lines[i]);
            cJSON_Delete(c);
        }
        CHECK(has_text(p.err, "3 connections of cus_ex_a"));
        tk_proc_free(&p);
    }
    cJSON_Delete(tok);
    cJSON_Delete(cfg);
    world_free(&w);
}

void suite_examples(void) {
    if (!examples_dir) {
        printf("# examples: no --examples-dir given, not run\n");
        return;
    }
    tk_run("example_quickstart", test_example_quickstart);
    tk_run("example_list_connectors", test_example_list_connectors);
    tk_run("example_create_token", test_example_create_token);
    tk_run("example_customer_connections", test_example_customer_connections);
}
