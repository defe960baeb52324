/*
 * Creates a Connect token for a customer (createToken): the JWT a customer-facing app hands to
 * OpenInt Connect, the magic link that opens Connect with it, and the customer's API key. The
 * customer is created when it does not exist yet. Needs the organization's key.
 *
 *   cc -std=c11 examples/create_token.c $(pkg-config --cflags --libs openint) -o create_token
 *   OPENINT_API_KEY=<org key> ./create_token CUSTOMER_ID [RETURN_URL]
 *
 * Prints the answer's JSON: {"token":"...","magic_link_url":"...","api_key":"key_..."}.
 * It is a secret of the customer: keep it out of logs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openint.h"

/* `s` as a JSON string (quotes included) in `out`; false when it does not fit. */
static int json_string(char *out, size_t cap, const char *s) {
    size_t n = 0;
    if (cap < 3) return 0;
    out[n++] = '"';
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        size_t len;
        if (c == '"' || c == '\\') len = (size_t)snprintf(esc, sizeof esc, "\\%c", c);
        else if (c < 0x20) len = (size_t)snprintf(esc, sizeof esc, "\\u%04x", c);
        else len = (size_t)snprintf(esc, sizeof esc, "%c", c);
        if (n + len + 2 > cap) return 0;
        memcpy(out + n, esc, len);
        n += len;
    }
    out[n++] = '"';
    out[n] = '\0';
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s CUSTOMER_ID [RETURN_URL]\n", argv[0]);
        return 2;
    }
    char id[512], url[1024] = "";
    if (!json_string(id, sizeof id, argv[1]) || (argc == 3 && !json_string(url, sizeof url, argv[2]))) {
        fprintf(stderr, "the customer id or the return URL is too long\n");
        return 2;
    }
    char params[2048];
    if (argc == 3)
        snprintf(params, sizeof params,
                 "{\"customer_id\":%s,\"validity_in_seconds\":3600,"
                 "\"connect_options\":{\"return_url\":%s,\"view\":\"add\"}}",
                 id, url);
    else
        snprintf(params, sizeof params, "{\"customer_id\":%s,\"validity_in_seconds\":3600}", id);

    OpenintClient *client = NULL;
    OpenintError *err = NULL;
    OpenintStatus st = openint_client_new(NULL, &client, &err);
    if (st != OPENINT_STATUS_OK) {
        fprintf(stderr, "openint_client_new: %s\n", openint_error_display(err));
        openint_error_free(err);
        return 1;
    }
    OpenintResponse *resp = NULL;
    st = openint_client_call(client, "createToken", params, &resp, &err);
    int rc = 0;
    if (st == OPENINT_STATUS_OK) {
        puts(openint_response_body(resp, NULL));
        openint_response_free(resp);
    } else {
        /* The display line: status, code, the server's message, method, URL, request id. */
        fprintf(stderr, "createToken: %s\n", openint_error_display(err));
        openint_error_free(err);
        rc = 1;
    }
    openint_client_free(client);
    return rc;
}
