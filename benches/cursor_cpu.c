/* CPU of one listing through the C ABI cursor (ABI 1 entry points, so any build since the
 * first can be measured): lists every connector of the server at OPENINT_BASE_URL at limit 100
 * and prints the process's user+sys CPU seconds and the item count. Used by
 * benches/engine_cpu.sh to compare the pagination engine with an earlier build. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include "openint.h"

static double cpu_seconds(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int main(void) {
    OpenintClient *client = NULL;
    OpenintError *err = NULL;
    if (openint_client_new(NULL, &client, &err) != OPENINT_STATUS_OK) {
        fprintf(stderr, "%s\n", openint_error_message(err));
        openint_error_free(err);
        return 1;
    }
    double best = 1e9;
    size_t n = 0;
    for (int round = 0; round < 3; round++) { /* the best of 3 walks: the warmest */
        OpenintCursor *cur = NULL;
        if (openint_client_list_connectors_cursor(client, "{\"limit\":100}", &cur, &err) != OPENINT_STATUS_OK) return 1;
        double t = cpu_seconds();
        const char *item;
        n = 0;
        OpenintStatus st;
        while ((st = openint_cursor_next(cur, 0, &item, NULL, &err)) == OPENINT_STATUS_OK) n++;
        double used = cpu_seconds() - t;
        if (st != OPENINT_STATUS_END) {
            fprintf(stderr, "%s\n", openint_error_message(err));
            return 1;
        }
        if (used < best) best = used;
        openint_cursor_free(cur);
    }
    printf("%.4f %zu\n", best, n);
    openint_client_free(client);
    return 0;
}
