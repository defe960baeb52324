/*
 * Lists a customer's connections with their secrets (listConnections with include_secrets):
 * each connection's JSON on one line, `settings` included (API keys, OAuth tokens). Run it with
 * the organization's key, or with the customer's own key or Connect token (then only that
 * customer's connections are visible anyway).
 *
 *   cc -std=c11 examples/customer_connections.c $(pkg-config --cflags --libs openint) \
 *      -o customer_connections
 *   OPENINT_API_KEY=<key> ./customer_connections CUSTOMER_ID
 */
#include <stdio.h>
#include <string.h>

#include "openint.h"

int main(int argc, char **argv) {
    if (argc != 2 || strpbrk(argv[1], "\"\\") || strlen(argv[1]) > 400) {
        fprintf(stderr, "usage: %s CUSTOMER_ID (no quotes or backslashes)\n", argv[0]);
        return 2;
    }
    /* refresh_policy "none": list the credentials as stored, without refreshing expired OAuth
     * tokens on the way (a refresh also moves the row to the front of the order). */
    char params[512];
    snprintf(params, sizeof params,
             "{\"customer_id\":\"%s\",\"include_secrets\":true,\"refresh_policy\":\"none\",\"limit\":100}", argv[1]);

    OpenintClient *client = NULL;
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_new(NULL, &client, &err);
    if (st != OPENINT_STATUS_OK) {
        fprintf(stderr, "openint_client_new: %s\n", openint_error_display(err));
        openint_error_free(err);
        return 1;
    }
    OpenintCursor *cur = NULL;
    st = openint_client_list_cursor(client, "listConnections", params, NULL, NULL, &cur, &err);
    size_t count = 0;
    if (st == OPENINT_STATUS_OK) {
        const char *item;
        while ((st = openint_cursor_next(cur, 0, &item, NULL, &err)) == OPENINT_STATUS_OK) {
            puts(item);
            count++;
        }
        openint_cursor_free(cur);
    }
    int rc = 0;
    if (st != OPENINT_STATUS_END) {
        fprintf(stderr, "listConnections: %s\n", openint_error_display(err));
        openint_error_free(err);
        rc = 1;
    } else {
        fprintf(stderr, "%zu connections of %s\n", count, argv[1]);
    }
    openint_client_free(client);
    return rc;
}
