/* testkit: see testkit.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "testkit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* ---- bookkeeping ------------------------------------------------------------------------- */

static pthread_mutex_t tk_lock = PTHREAD_MUTEX_INITIALIZER;
static int tk_failures; /* failed checks in the whole run */
static int tk_passed, tk_failed;
static const char *tk_filter;

void tk_fail(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    pthread_mutex_lock(&tk_lock);
    tk_failures++;
    fprintf(stderr, "    check failed at %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    pthread_mutex_unlock(&tk_lock);
}

int tk_failure_count(void) {
    pthread_mutex_lock(&tk_lock);
    int n = tk_failures;
    pthread_mutex_unlock(&tk_lock);
    return n;
}

void tk_set_filter(const char *filter) { tk_filter = filter; }

/* The filter's comma-separated words: any plain one must be in the name, no -WORD may be. */
static bool tk_selected(const char *name) {
    if (!tk_filter) return true;
    bool wanted = false, any_plain = false;
    for (const char *w = tk_filter; *w;) {
        size_t len = strcspn(w, ",");
        bool exclude = w[0] == '-';
        const char *word = exclude ? w + 1 : w;
        size_t wlen = exclude ? len - 1 : len;
        bool in_name = wlen > 0 && memmem(name, strlen(name), word, wlen) != NULL;
        if (exclude && in_name) return false;
        if (!exclude) {
            any_plain = true;
            wanted = wanted || in_name;
        }
        w += len + (w[len] == ',');
    }
    return wanted || !any_plain;
}

void tk_run(const char *name, tk_test_fn fn) {
    if (!tk_selected(name)) return;
    int before = tk_failure_count();
    double t0 = tk_now();
    fn();
    double dt = tk_now() - t0;
    if (tk_failure_count() == before) {
        tk_passed++;
        printf("ok   %-44s %.2fs\n", name, dt);
    } else {
        tk_failed++;
        printf("FAIL %-44s %.2fs\n", name, dt);
    }
    fflush(stdout);
}

int tk_summary(const char *label) {
    /* Not the "N passed, N failed" form: run.sh adds up every binary into that one line. */
    printf("%s: passed=%d failed=%d\n", label, tk_passed, tk_failed);
    fflush(stdout);
    /* A run that executed nothing is a failure too: a filter typo must not look green. */
    return (tk_failed == 0 && tk_passed > 0) ? 0 : 1;
}

double tk_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double tk_time_scale(void) {
    const char *v = getenv("TK_TIME_SCALE");
    double f = v ? atof(v) : 1.0;
    return f >= 1.0 ? f : 1.0;
}

char *tk_fmt(const char *fmt, ...) {
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    char *out = (char *)malloc((size_t)n + 1);
    if (!out) abort();
    if ((size_t)n < sizeof small) {
        memcpy(out, small, (size_t)n + 1);
        return out;
    }
    va_start(ap, fmt);
    vsnprintf(out, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return out;
}

const char *tk_status_str(OpenintStatus s) {
    static char bufs[8][64];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, 64, "%s (%u)", openint_status_name((uint32_t)s), (unsigned)s);
    return b;
}

/* ---- HTTP ---------------------------------------------------------------------------------- */

/* Splits http://HOST:PORT/path; only loopback hosts are accepted. */
static bool parse_url(const char *url, struct sockaddr_in *addr, char *host, size_t host_cap,
                      const char **path) {
    const char *p = url;
    if (strncmp(p, "http://", 7) != 0) return false;
    p += 7;
    const char *slash = strchr(p, '/');
    size_t hostport_len = slash ? (size_t)(slash - p) : strlen(p);
    if (hostport_len == 0 || hostport_len >= host_cap) return false;
    memcpy(host, p, hostport_len);
    host[hostport_len] = '\0';
    *path = slash ? slash : "/";
    char name[128];
    const char *colon = strrchr(host, ':');
    int port = 80;
    size_t name_len = colon ? (size_t)(colon - host) : strlen(host);
    if (name_len >= sizeof name) return false;
    memcpy(name, host, name_len);
    name[name_len] = '\0';
    if (colon) port = atoi(colon + 1);
    if (strcmp(name, "localhost") == 0) strcpy(name, "127.0.0.1");
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, name, &addr->sin_addr) != 1) return false;
    /* Tests talk to this machine only. */
    return (ntohl(addr->sin_addr.s_addr) >> 24) == 127;
}

static bool write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

bool tk_http(const char *method, const char *url, const char *body, tk_http_resp *out) {
    struct sockaddr_in addr;
    char host[256];
    const char *path;
    out->status = -1;
    out->body = NULL;
    out->len = 0;
    if (!parse_url(url, &addr, host, sizeof host, &path)) return false;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    struct timeval tv;
    tv.tv_sec = 120; /* the registry of 100,000 items takes a while to render the first time */
    tv.tv_usec = 0;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return false;
    }
    size_t body_len = body ? strlen(body) : 0;
    char head[1024];
    int hl = snprintf(head, sizeof head,
                      "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n"
                      "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                      method, path, host, body_len);
    if (hl <= 0 || (size_t)hl >= sizeof head || !write_all(fd, head, (size_t)hl) ||
        (body_len && !write_all(fd, body, body_len))) {
        close(fd);
        return false;
    }
    /* Connection: close, so the answer ends at EOF. */
    size_t cap = 64 * 1024, len = 0;
    char *buf = (char *)malloc(cap + 1);
    if (!buf) {
        close(fd);
        return false;
    }
    for (;;) {
        if (len == cap) {
            cap *= 2;
            char *nb = (char *)realloc(buf, cap + 1);
            if (!nb) break;
            buf = nb;
        }
        ssize_t n = recv(fd, buf + len, cap - len, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    char *sep = strstr(buf, "\r\n\r\n");
    if (strncmp(buf, "HTTP/1.", 7) != 0 || !sep) {
        free(buf);
        return false;
    }
    out->status = atoi(buf + 9);
    size_t off = (size_t)(sep + 4 - buf);
    out->len = len - off;
    memmove(buf, buf + off, out->len + 1);
    out->body = buf;
    return true;
}

void tk_http_resp_free(tk_http_resp *r) {
    free(r->body);
    r->body = NULL;
}

/* ---- the server ---------------------------------------------------------------------------- */

static char server_root[128];
static char server_base[160];
static pid_t server_pid = -1;
static int server_stdin = -1;

static bool read_info_line(int fd, char *line, size_t cap) {
    size_t n = 0;
    while (n + 1 < cap) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        if (c == '\n') break;
        line[n++] = c;
    }
    line[n] = '\0';
    return true;
}

static bool set_root_from_info(const char *info) {
    cJSON *j = cJSON_Parse(info);
    cJSON *port = j ? cJSON_GetObjectItemCaseSensitive(j, "port") : NULL;
    bool ok = cJSON_IsNumber(port);
    if (ok) snprintf(server_root, sizeof server_root, "http://127.0.0.1:%d", port->valueint);
    cJSON_Delete(j);
    return ok;
}

bool tk_server_init(const char *root_url, const char *bin, const char *extra_args) {
    if (root_url && *root_url) {
        snprintf(server_root, sizeof server_root, "%s", root_url);
        size_t l = strlen(server_root);
        if (l && server_root[l - 1] == '/') server_root[l - 1] = '\0';
    } else {
        if (!bin) return false;
        int in_pipe[2], out_pipe[2];
        if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0) return false;
        char args_copy[512];
        snprintf(args_copy, sizeof args_copy, "%s", extra_args ? extra_args : "");
        char *argv[32];
        int argc = 0;
        argv[argc++] = (char *)bin;
        argv[argc++] = (char *)"--port";
        argv[argc++] = (char *)"0";
        argv[argc++] = (char *)"--exit-on-stdin-eof";
        for (char *tok = strtok(args_copy, " "); tok && argc < 31; tok = strtok(NULL, " "))
            argv[argc++] = tok;
        argv[argc] = NULL;
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
        posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
        posix_spawn_file_actions_addclose(&fa, in_pipe[1]);
        posix_spawn_file_actions_addclose(&fa, out_pipe[0]);
        int rc = posix_spawn(&server_pid, bin, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        close(in_pipe[0]);
        close(out_pipe[1]);
        if (rc != 0) {
            fprintf(stderr, "cannot start %s: %s\n", bin, strerror(rc));
            close(in_pipe[1]);
            close(out_pipe[0]);
            server_pid = -1;
            return false;
        }
        server_stdin = in_pipe[1];
        char line[1024];
        bool ok = read_info_line(out_pipe[0], line, sizeof line) && set_root_from_info(line);
        close(out_pipe[0]);
        if (!ok) {
            fprintf(stderr, "the test server printed no startup line\n");
            tk_server_stop();
            return false;
        }
    }
    snprintf(server_base, sizeof server_base, "%s/v1", server_root);
    /* The admin API answering is the readiness check. */
    char url[256];
    snprintf(url, sizeof url, "%s/__admin", server_root);
    tk_http_resp r;
    bool ok = tk_http("GET", url, NULL, &r) && r.status == 200;
    tk_http_resp_free(&r);
    if (!ok) fprintf(stderr, "the test server at %s does not answer\n", server_root);
    return ok;
}

const char *tk_server_root(void) { return server_root; }
const char *tk_server_base_url(void) { return server_base; }

void tk_server_stop(void) {
    if (server_stdin >= 0) {
        close(server_stdin); /* --exit-on-stdin-eof: the server exits on its own */
        server_stdin = -1;
    }
    if (server_pid > 0) {
        int st;
        waitpid(server_pid, &st, 0);
        server_pid = -1;
    }
}

/* ---- scenarios ----------------------------------------------------------------------------- */

static bool copy_str(cJSON *obj, const char *key, char *dst, size_t cap) {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsString(v) || strlen(v->valuestring) >= cap) return false;
    strcpy(dst, v->valuestring);
    return true;
}

bool tk_scenario_new(const char *config_json, tk_scenario *out) {
    char url[256];
    snprintf(url, sizeof url, "%s/__admin/scenarios", server_root);
    tk_http_resp r;
    memset(out, 0, sizeof *out);
    if (!tk_http("POST", url, config_json, &r)) return false;
    bool ok = false;
    if (r.status == 200) {
        cJSON *j = cJSON_Parse(r.body);
        ok = j && copy_str(j, "id", out->id, sizeof out->id) &&
             copy_str(j, "base_url", out->base_url, sizeof out->base_url) &&
             copy_str(j, "other_base_url", out->other_base_url, sizeof out->other_base_url) &&
             copy_str(j, "org_key", out->org_key, sizeof out->org_key);
        cJSON_Delete(j);
    } else {
        fprintf(stderr, "scenario %s refused: %d %s\n", config_json, r.status, r.body);
    }
    tk_http_resp_free(&r);
    return ok;
}

cJSON *tk_scenario_requests(const tk_scenario *s) {
    char url[256];
    snprintf(url, sizeof url, "%s/__admin/scenarios/%s/requests", server_root, s->id);
    tk_http_resp r;
    if (!tk_http("GET", url, NULL, &r)) return NULL;
    cJSON *j = r.status == 200 ? cJSON_Parse(r.body) : NULL;
    tk_http_resp_free(&r);
    if (j && !cJSON_IsArray(j)) {
        cJSON_Delete(j);
        j = NULL;
    }
    return j;
}

int tk_scenario_request_count(const tk_scenario *s) {
    cJSON *j = tk_scenario_requests(s);
    int n = j ? cJSON_GetArraySize(j) : -1;
    cJSON_Delete(j);
    return n;
}

void tk_scenario_delete(const tk_scenario *s) {
    char url[256];
    snprintf(url, sizeof url, "%s/__admin/scenarios/%s", server_root, s->id);
    tk_http_resp r;
    tk_http("DELETE", url, NULL, &r);
    tk_http_resp_free(&r);
}

cJSON *tk_scenario_store(const tk_scenario *s) {
    char url[256];
    snprintf(url, sizeof url, "%s/__admin/scenarios/%s/store", server_root, s->id);
    tk_http_resp r;
    if (!tk_http("GET", url, NULL, &r)) return NULL;
    cJSON *j = r.status == 200 ? cJSON_ParseWithLength(r.body, r.len) : NULL;
    tk_http_resp_free(&r);
    if (j && !cJSON_IsObject(j)) {
        cJSON_Delete(j);
        j = NULL;
    }
    return j;
}

const char *tk_json_str(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

const char *tk_log_header(const cJSON *entry, const char *name) {
    return tk_json_str(cJSON_GetObjectItemCaseSensitive(entry, "headers"), name);
}

const char *tk_log_str(const cJSON *entry, const char *key) { return tk_json_str(entry, key); }

int tk_log_conn(const cJSON *entry) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(entry, "conn");
    return cJSON_IsNumber(v) ? v->valueint : -1;
}

/* ---- oracle -------------------------------------------------------------------------------- */

static size_t skip_ws(const char *t, size_t len, size_t i) {
    while (i < len && (t[i] == ' ' || t[i] == '\n' || t[i] == '\r' || t[i] == '\t')) i++;
    return i;
}

size_t tk_json_skip_value(const char *t, size_t len, size_t i) {
    i = skip_ws(t, len, i);
    if (i >= len) return 0;
    int depth = 0;
    do {
        char c = t[i];
        if (c == '"') {
            for (i++; i < len && t[i] != '"'; i++)
                if (t[i] == '\\') i++;
            if (i >= len) return 0;
            i++;
        } else if (c == '{' || c == '[') {
            depth++;
            i++;
        } else if (c == '}' || c == ']') {
            if (depth == 0) return 0;
            depth--;
            i++;
        } else if (depth == 0) {
            /* a scalar: up to the next delimiter */
            while (i < len && !strchr(",]} \t\r\n", t[i])) i++;
        } else {
            i++;
        }
    } while (depth > 0 && i < len);
    return depth == 0 ? i : 0;
}

bool tk_oracle_get(int count, bool expand, tk_oracle *out) {
    char url[256];
    memset(out, 0, sizeof *out);
    snprintf(url, sizeof url, "%s/__admin/registry?count=%d%s", server_root, count,
             expand ? "&expand=schemas" : "");
    tk_http_resp r;
    if (!tk_http("GET", url, NULL, &r) || r.status != 200) {
        tk_http_resp_free(&r);
        return false;
    }
    out->text = r.body;
    out->len = r.len;
    out->items = cJSON_ParseWithLength(out->text, out->len);
    if (!cJSON_IsArray(out->items)) {
        tk_oracle_free(out);
        return false;
    }
    out->count = cJSON_GetArraySize(out->items);
    out->start = (size_t *)calloc((size_t)out->count + 1, sizeof(size_t));
    out->end = (size_t *)calloc((size_t)out->count + 1, sizeof(size_t));
    size_t i = skip_ws(out->text, out->len, 0);
    if (i >= out->len || out->text[i] != '[') {
        tk_oracle_free(out);
        return false;
    }
    i++;
    for (int k = 0; k < out->count; k++) {
        i = skip_ws(out->text, out->len, i);
        out->start[k] = i;
        size_t e = tk_json_skip_value(out->text, out->len, i);
        if (e == 0) {
            tk_oracle_free(out);
            return false;
        }
        out->end[k] = e;
        i = skip_ws(out->text, out->len, e);
        if (i < out->len && out->text[i] == ',') i++;
    }
    return true;
}

void tk_oracle_free(tk_oracle *o) {
    free(o->text);
    cJSON_Delete(o->items);
    free(o->start);
    free(o->end);
    memset(o, 0, sizeof *o);
}

bool tk_oracle_item_bytes_equal(const tk_oracle *o, int i, const char *json, size_t len) {
    if (i < 0 || i >= o->count) return false;
    size_t olen = o->end[i] - o->start[i];
    return olen == len && memcmp(o->text + o->start[i], json, len) == 0;
}

/* ---- openint helpers ----------------------------------------------------------------------- */

OpenintClient *tk_client(const char *base_url, const char *extra) {
    char opts[1024];
    snprintf(opts, sizeof opts, "{\"base_url\":\"%s\"%s%s}", base_url, extra ? "," : "",
             extra ? extra : "");
    OpenintClient *c = NULL;
    OpenintError *e = NULL;
    OpenintStatus st = openint_client_new(opts, &c, &e);
    if (st != OPENINT_STATUS_OK) {
        fprintf(stderr, "openint_client_new(%s) failed: %s: %s\n", opts, tk_status_str(st),
                openint_error_message(e));
        openint_error_free(e);
        exit(2);
    }
    return c;
}

/* ---- child processes ------------------------------------------------------------------------ */

typedef struct {
    char *data;
    size_t len, cap;
} grow_buf;

static void grow_append(grow_buf *b, const char *data, size_t n) {
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = (char *)realloc(b->data, b->cap);
        if (!b->data) abort();
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

bool tk_spawn(const char *const *argv, const char *const *env, double timeout_s, tk_proc *out) {
    memset(out, 0, sizeof *out);
    out->exit_code = -1;
    /* The environment: ours without OPENINT_*, then the overrides. */
    size_t n = 0, m = 0;
    while (environ[n]) n++;
    while (env && env[m]) m++;
    char **envp = (char **)calloc(n + m + 1, sizeof(char *));
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "OPENINT_", 8) != 0) envp[k++] = environ[i];
    for (size_t i = 0; i < m; i++) envp[k++] = (char *)env[i];
    int po[2], pe[2];
    if (pipe(po) != 0) {
        free(envp);
        return false;
    }
    if (pipe(pe) != 0) {
        close(po[0]);
        close(po[1]);
        free(envp);
        return false;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, po[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
    posix_spawn_file_actions_addclose(&fa, po[0]);
    posix_spawn_file_actions_addclose(&fa, pe[0]);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    free(envp);
    close(po[1]);
    close(pe[1]);
    grow_buf bo = {NULL, 0, 0}, be = {NULL, 0, 0};
    grow_append(&bo, "", 0);
    grow_append(&be, "", 0);
    if (rc != 0) {
        close(po[0]);
        close(pe[0]);
        out->out = bo.data;
        out->err = be.data;
        return false;
    }
    double deadline = tk_now() + timeout_s;
    bool open_o = true, open_e = true, killed = false;
    while (open_o || open_e) {
        struct pollfd p[2];
        p[0].fd = open_o ? po[0] : -1;
        p[0].events = POLLIN;
        p[1].fd = open_e ? pe[0] : -1;
        p[1].events = POLLIN;
        p[0].revents = p[1].revents = 0;
        double left = deadline - tk_now();
        if (left <= 0 && !killed) {
            kill(pid, SIGKILL);
            killed = true;
        }
        int r = poll(p, 2, left > 0 ? (int)(left * 1000) + 1 : 100);
        if (r < 0 && errno != EINTR) break;
        char buf[65536];
        for (int i = 0; i < 2; i++) {
            if (!p[i].revents) continue;
            ssize_t got = read(i == 0 ? po[0] : pe[0], buf, sizeof buf);
            if (got > 0) grow_append(i == 0 ? &bo : &be, buf, (size_t)got);
            else if (i == 0) open_o = false;
            else open_e = false;
        }
    }
    close(po[0]);
    close(pe[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    out->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    out->out = bo.data;
    out->err = be.data;
    return !killed;
}

void tk_proc_free(tk_proc *p) {
    free(p->out);
    free(p->err);
    p->out = p->err = NULL;
}

/* ---- stub servers -------------------------------------------------------------------------- */

#define STUB_MAX_CONNS 64

typedef struct {
    int fd;
    char *buf; /* bytes of the request being read */
    size_t len, cap;
} stub_conn;

struct tk_stub {
    tk_stub_mode mode;
    int listen_fd;
    int port;
    int wake[2]; /* a byte here stops the thread */
    pthread_t thread;
    bool has_thread;
    char *canned;
    size_t canned_len;
    pthread_mutex_t lock;
    int requests;
    stub_conn conns[STUB_MAX_CONNS];
    int nconns;
};

static int stub_listen(int backlog, int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0x7f000001);
    socklen_t al = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, backlog) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &al) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* A non-blocking connect to the stub; the socket, or -1. */
static int stub_connect_nb(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0x7f000001);
    a.sin_port = htons((uint16_t)port);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Whether a non-blocking connect completed within `ms`. */
static bool stub_connected_within(int fd, int ms) {
    struct pollfd p;
    p.fd = fd;
    p.events = POLLOUT;
    p.revents = 0;
    if (poll(&p, 1, ms) != 1) return false;
    int err = 0;
    socklen_t el = sizeof err;
    return getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0;
}

static void stub_add_conn(tk_stub *s, int fd) {
    pthread_mutex_lock(&s->lock);
    if (s->nconns < STUB_MAX_CONNS) {
        stub_conn *c = &s->conns[s->nconns++];
        memset(c, 0, sizeof *c);
        c->fd = fd;
    } else {
        close(fd);
    }
    pthread_mutex_unlock(&s->lock);
}

/* Length of a complete request at the start of c->buf (head and Content-Length body), or 0. */
static size_t stub_request_len(const stub_conn *c) {
    if (c->len < 4) return 0;
    const char *end = (const char *)memmem(c->buf, c->len, "\r\n\r\n", 4);
    if (!end) return 0;
    size_t head = (size_t)(end - c->buf) + 4;
    size_t body = 0;
    for (const char *p = c->buf; p && p < end; p = (const char *)memchr(p, '\n', (size_t)(end - p))) {
        if (*p == '\n') p++;
        if (strncasecmp(p, "content-length:", 15) == 0) body = (size_t)strtoul(p + 15, NULL, 10);
    }
    return c->len >= head + body ? head + body : 0;
}

static void stub_write(int fd, const char *data, size_t len) {
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        data += n;
        len -= (size_t)n;
    }
}

/* Reads what a connection sent; answers complete requests. False: the connection is over. */
static bool stub_serve(tk_stub *s, stub_conn *c) {
    if (c->len == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16384;
        c->buf = (char *)realloc(c->buf, c->cap);
        if (!c->buf) abort();
    }
    ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (n <= 0) return false;
    c->len += (size_t)n;
    size_t req;
    while ((req = stub_request_len(c)) > 0) {
        pthread_mutex_lock(&s->lock);
        s->requests++;
        pthread_mutex_unlock(&s->lock);
        memmove(c->buf, c->buf + req, c->len - req);
        c->len -= req;
        stub_write(c->fd, s->canned, s->canned_len);
    }
    return true;
}

static void *stub_main(void *p) {
    tk_stub *s = (tk_stub *)p;
    for (;;) {
        struct pollfd fds[STUB_MAX_CONNS + 2];
        int map[STUB_MAX_CONNS + 2];
        int n = 0;
        fds[n].fd = s->wake[0];
        fds[n].events = POLLIN;
        map[n++] = -1;
        fds[n].fd = s->listen_fd;
        fds[n].events = POLLIN;
        map[n++] = -1;
        pthread_mutex_lock(&s->lock);
        /* A silent stub never reads: the peer's bytes stay in the socket buffers. */
        for (int i = 0; i < s->nconns && s->mode != TK_STUB_SILENT; i++) {
            if (s->conns[i].fd < 0) continue;
            fds[n].fd = s->conns[i].fd;
            fds[n].events = POLLIN;
            map[n++] = i;
        }
        pthread_mutex_unlock(&s->lock);
        for (int i = 0; i < n; i++) fds[i].revents = 0;
        if (poll(fds, (nfds_t)n, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[0].revents) break;
        if (fds[1].revents & POLLIN) {
            int fd = accept(s->listen_fd, NULL, NULL);
            if (fd >= 0) stub_add_conn(s, fd);
        }
        for (int i = 2; i < n; i++) {
            if (!fds[i].revents) continue;
            stub_conn *c = &s->conns[map[i]];
            if (!stub_serve(s, c)) {
                close(c->fd);
                c->fd = -1;
            }
        }
    }
    return NULL;
}

tk_stub *tk_stub_start(tk_stub_mode mode, const char *canned) {
    tk_stub *s = (tk_stub *)calloc(1, sizeof *s);
    if (!s) return NULL;
    s->mode = mode;
    s->wake[0] = s->wake[1] = -1;
    pthread_mutex_init(&s->lock, NULL);
    s->listen_fd = stub_listen(mode == TK_STUB_BACKLOG_FULL ? 0 : 16, &s->port);
    if (s->listen_fd < 0) {
        tk_stub_stop(s);
        return NULL;
    }
    if (mode == TK_STUB_BACKLOG_FULL) {
        /* Connections the kernel completes fill the queue; once one stays pending, every
         * later SYN is dropped. */
        for (int i = 0; i < 8; i++) {
            int fd = stub_connect_nb(s->port);
            if (fd < 0) break;
            bool done = stub_connected_within(fd, 200);
            stub_add_conn(s, fd);
            if (!done) break;
        }
        return s;
    }
    if (mode == TK_STUB_CANNED) {
        s->canned = strdup(canned ? canned : "");
        s->canned_len = strlen(s->canned);
    }
    if (pipe(s->wake) != 0 || pthread_create(&s->thread, NULL, stub_main, s) != 0) {
        tk_stub_stop(s);
        return NULL;
    }
    s->has_thread = true;
    return s;
}

int tk_stub_port(const tk_stub *s) { return s ? s->port : -1; }

int tk_stub_requests(const tk_stub *s) {
    tk_stub *m = (tk_stub *)s;
    pthread_mutex_lock(&m->lock);
    int n = m->requests;
    pthread_mutex_unlock(&m->lock);
    return n;
}

bool tk_stub_connect_hangs(const tk_stub *s, double seconds) {
    int fd = stub_connect_nb(s->port);
    if (fd < 0) return false;
    bool hangs = !stub_connected_within(fd, (int)(seconds * 1000));
    close(fd);
    return hangs;
}

void tk_stub_stop(tk_stub *s) {
    if (!s) return;
    if (s->has_thread) {
        char b = 0;
        if (write(s->wake[1], &b, 1) != 1) { /* the thread then never wakes: leave it */ }
        pthread_join(s->thread, NULL);
    }
    for (int i = 0; i < s->nconns; i++) {
        if (s->conns[i].fd >= 0) close(s->conns[i].fd);
        free(s->conns[i].buf);
    }
    if (s->listen_fd >= 0) close(s->listen_fd);
    if (s->wake[0] >= 0) close(s->wake[0]);
    if (s->wake[1] >= 0) close(s->wake[1]);
    free(s->canned);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
