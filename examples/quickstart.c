/*
 * The README's C quick start: every connector, one JSON object per line.
 *
 *   cargo build --release -p openint && bash examples/openint.pc.sh
 *   export PKG_CONFIG_PATH=$PWD/target/release
 *   cc -std=c11 examples/quickstart.c $(pkg-config --cflags --libs openint) -o quickstart
 *   OPENINT_API_KEY=... ./quickstart
 *
 * The token and the base URL come from OPENINT_API_KEY and OPENINT_BASE_URL.
 */
#include <stdio.h>

#include "openint.h"

int main(void) {
    OpenintClient *client = NULL;
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_new("{\"max_retries\":3}", &client, &err);
    if (st != OPENINT_STATUS_OK) {
        fprintf(stderr, "openint_client_new: %s\n", openint_error_display(err));
        openint_error_free(err);
        return 1;
    }

    /* A cursor walks every page. Leave "limit" out for the server's default (50 a page);
     * "limit": 0 means zero items, as on the server. */
    OpenintCursor *cur = NULL;
    st = openint_client_list_cursor(client, "listConnectors", "{\"limit\":100}", NULL, NULL, &cur, &err);
    if (st == OPENINT_STATUS_OK) {
        const char *item;
        size_t len;
        while ((st = openint_cursor_next(cur, 0, &item, &len, &err)) == OPENINT_STATUS_OK)
            puts(item); /* the connector's JSON, borrowed until the next call */
        openint_cursor_free(cur);
    }

    int rc = 0;
    if (st != OPENINT_STATUS_END) { /* END is not an error */
        fprintf(stderr, "%s\n", openint_error_display(err));
        openint_error_free(err);
        rc = 1;
    }
    openint_client_free(client);
    return rc;
}
