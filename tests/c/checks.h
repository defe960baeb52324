/*
 * checks: expectations the C test files share (results of openint calls, their errors, the
 * test server's scenarios), on top of testkit. C11 and C++17.
 */
#ifndef OPENINT_CHECKS_H
#define OPENINT_CHECKS_H

#include <stdbool.h>
#include <stdint.h>

#include "testkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A value no real out-parameter write would produce: proves "written only on success". */
#define SENT(T) ((T *)(uintptr_t)0x5eedu)

bool has_text(const char *s, const char *needle);

/* A scenario, or the run stops: nothing can be tested without one. */
void new_scenario(const char *config, tk_scenario *s);

/* `key` as an integer, -1 when absent or not a number. */
int64_t json_int(const cJSON *obj, const char *key);

/* An API status error: kind, HTTP status, and message/code/body exactly as the server sent. */
void expect_api_error(OpenintStatus st, const OpenintError *err, OpenintStatus want, int http,
                      const char *what);
/* OPENINT_STATUS_INVALID_ARGUMENT whose message names n1 (and n2 when not NULL), with no HTTP
 * details. */
void expect_invalid(OpenintStatus st, OpenintError *err, const char *what, const char *n1,
                    const char *n2);
/* A non-API error of kind `want`, with a message and no HTTP details. */
void expect_transport_error(OpenintStatus st, OpenintError *err, OpenintStatus want,
                            const char *what);

/* Calls `op` with `params` (and `options` through openint_client_call_with when not NULL);
 * the call must succeed with HTTP 200: returns the parsed body (the caller deletes it), or NULL
 * after recording the failure. */
cJSON *call_ok(const OpenintClient *c, const char *op, const char *params, const char *options);

/* Calls `op`; it must fail with `want`/`http` (expect_api_error). Returns the error (the
 * caller frees it), or NULL when the call succeeded. */
OpenintError *call_fails(const OpenintClient *c, const char *op, const char *params,
                         OpenintStatus want, int http);

/* Client helpers: `extra` are more members of the options object, or NULL. */
OpenintClient *client_with_token(const char *base_url, const char *token, const char *extra);

/* A scenario and a client holding its organization key (`client_extra`: more client options,
 * or NULL). */
typedef struct {
    tk_scenario s;
    OpenintClient *org;
} world;
void world_new(world *w, const char *config, const char *client_extra);
void world_free(world *w);

/* Row `i` of a table of the scenario's store ("connections", "connector_configs", "events",
 * "customers") whose string member `key` equals `value` (NULL: any row): a copy of its `field`
 * (malloc'ed; the caller frees it), or NULL. */
char *store_find(const tk_scenario *s, const char *table, const char *key, const char *value,
                 const char *field);

/* The scenario's request log, which must have exactly `n` entries (NULL otherwise, after
 * recording the failure). The caller deletes it. */
cJSON *log_expect(const tk_scenario *s, int n, const char *what);

#ifdef __cplusplus
}
#endif

#endif
