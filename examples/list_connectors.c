/*
 * Lists every connector through the C ABI's cursor and prints the first ten: the main job, in
 * C (.ci/demo runs it). quickstart.c is the shorter program the README shows.
 *
 *   cc -std=c11 -Iinclude examples/list_connectors.c target/release/libopenint.a \
 *      -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -o list_connectors
 *   OPENINT_BASE_URL=http://127.0.0.1:PORT/v1 ./list_connectors [limit]
 *
 * Token and base URL come from OPENINT_API_KEY / OPENINT_BASE_URL (NULL options). A limit of 0
 * asks for zero items, as on the server; without one the page size is 50.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openint.h"

static int fail(const char *what, OpenintStatus status, OpenintError *err) {
    fprintf(stderr, "%s failed (%s): %s\n", what, openint_status_name(status),
            err ? openint_error_message(err) : "");
    openint_error_free(err);
    return 1;
}

/* The value of "key":"..." in a JSON object text: enough for this demo's one-line output. */
static void print_field(const char *json, const char *key) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    const char *start = strstr(json, pattern);
    if (!start) return;
    start += strlen(pattern);
    const char *end = start;
    while (*end && !(*end == '"' && end[-1] != '\\')) end++;
    printf("%.*s", (int)(end - start), start);
}

int main(int argc, char **argv) {
    char params[64];
    snprintf(params, sizeof params, "{\"limit\":%d}", argc > 1 ? atoi(argv[1]) : 50);

    OpenintClient *client = NULL;
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_new(NULL, &client, &err);
    if (st != OPENINT_STATUS_OK) return fail("openint_client_new", st, err);

    OpenintCursor *cursor = NULL;
    st = openint_client_list_cursor(client, "listConnectors", params, NULL, NULL, &cursor, &err);
    if (st != OPENINT_STATUS_OK) {
        openint_client_free(client);
        return fail("openint_client_list_cursor", st, err);
    }

    size_t count = 0;
    const char *item = NULL;
    while ((st = openint_cursor_next(cursor, 0, &item, NULL, &err)) == OPENINT_STATUS_OK) {
        count++;
        if (count <= 10) {
            printf("  %3zu  ", count);
            print_field(item, "name");
            printf("  (");
            print_field(item, "auth_type");
            printf(")\n");
        }
    }
    openint_cursor_free(cursor);
    openint_client_free(client);
    if (st != OPENINT_STATUS_END) return fail("openint_cursor_next", st, err);
    if (count > 10) printf("  ... and %zu more\n", count - 10);
    printf("openint %s (C ABI %u): listed %zu connectors with %s\n", openint_version(),
           openint_abi_version(), count, params);
    return 0;
}
