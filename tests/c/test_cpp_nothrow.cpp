/*
 * The non-throwing API of include/openint.hpp in a build with -fno-exceptions (run.sh builds it
 * with g++ and with clang++ + ASan): every fallible operation through try_ and Result, the
 * listing's until_error() range stopping at a failed page and resuming, pages, loggers,
 * cancellation, and Result::value() on an error printing it and aborting.
 *
 * usage: test_cpp_nothrow --server-url http://127.0.0.1:PORT [--label NAME] [--filter S]
 *        test_cpp_nothrow --abort-on-error URL   (a child of the value() test)
 */
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#error "build this file with -fno-exceptions"
#endif

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cpp_tests.hpp"

using namespace cpptest;
using namespace std::chrono_literals;
using openint::Status;

namespace {

void test_clients_and_calls() {
    Scenario s("{\"error_headers\":{\"x-request-id\":\"req_ne\"}}");
    auto bad = openint::Client::try_create(openint::ClientOptions::from_json(R"({"nope":1})"));
    CHECK(!bad && bad.error().status() == Status::invalid_argument && contains(bad.error().message(), "nope"));
    auto client = openint::Client::try_create(options_for(s).max_retries(0).timeout(10s));
    CHECK(client.has_value());
    if (!client) return;
    auto r = client->try_call("upsertCustomer", {{"id", "cus \"ne\""}, {"metadata", openint::Object{{"n", 1.5}}}});
    CHECK(r && r->status() == 200 && json_member(r->body(), "id") == "cus \"ne\"");
    auto missing = client->try_call("getConnection", {{"id", "conn_none"}});
    CHECK(!missing && missing.error().status() == Status::not_found && missing.error().http_status() == 404);
    CHECK(!missing && missing.error().request_id() == "req_ne" && contains(missing.error().url(), "conn_none"));
    auto nan = client->try_call("createToken", {{"customer_id", "c"}, {"validity_in_seconds", NAN}});
    CHECK(!nan && nan.error().status() == Status::invalid_argument);
    auto raw = client->try_request("POST", "/health", {}, R"({"k":"v"})");
    CHECK(raw && contains(raw->body(), R"("k":"v")"));
    CHECK(client->try_set_logger(openint::LogLevel::info, [](auto, auto, auto) {}).has_value());
    CHECK(client->try_clear_logger().has_value());
    CHECK(openint::try_set_logger(openint::LogLevel::info, [](auto, auto, auto) {}).has_value());
    CHECK(openint::try_clear_logger().has_value());
}

void test_listing_until_error() {
    Scenario s("{\"fail\":{\"status\":500,\"match\":\"offset=100\",\"times\":1}}");
    auto client = openint::Client::try_create(options_for(s).max_retries(0));
    CHECK(client.has_value());
    if (!client) return;
    auto cursor = client->try_list("listConnectors", {{"limit", 50}}, openint::CallOptions().prefetch(2));
    CHECK(cursor.has_value());
    if (!cursor) return;
    std::vector<std::string> items;
    for (std::string_view item : cursor->until_error()) items.emplace_back(item);
    const openint::Error *e = cursor->error();
    CHECKF(items.size() == 100 && e && e->http_status() == 500 && contains(e->url(), "offset=100"), "%zu items, %s",
           items.size(), e ? e->what() : "no error");
    for (std::string_view item : cursor->until_error()) items.emplace_back(item); // retries that page
    CHECK(items.size() == 171 && !cursor->error());
    tk_oracle o;
    CHECK(tk_oracle_get(171, false, &o));
    for (int i = 0; i < 171 && i < (int)items.size(); i++)
        CHECKF(tk_oracle_item_bytes_equal(&o, i, items[i].data(), items[i].size()), "item %d", i);
    tk_oracle_free(&o);
    // Step by step, and a break: the cursor frees everything when it goes.
    auto again = client->try_list("listConnectors", {{"limit", 10}}, openint::CallOptions().prefetch(4));
    int n = 0;
    while (again) {
        auto step = again->try_next();
        if (!step || !*step || ++n == 15) break;
    }
    CHECK(n == 15);
    auto bad = client->try_list("listNothing");
    CHECK(!bad && contains(bad.error().message(), "listNothing"));
}

void test_pages_and_cancel() {
    Scenario s;
    auto client = openint::Client::try_create(options_for(s));
    CHECK(client.has_value());
    if (!client) return;
    auto page = client->try_first_page("listConnectors", {{"limit", 80}});
    size_t items = 0;
    int pages = 0;
    while (page) {
        pages++;
        items += page->size();
        auto next = page->try_next();
        if (!next || !*next) break;
        page = std::move(**next);
    }
    CHECK(pages == 3 && items == 171);
    CHECK(page && page->try_at(500).value_or("none") == "none");
    openint::Cancel cancel;
    cancel.cancel();
    auto r = client->try_call("health", {}, openint::CallOptions().cancel(cancel));
    CHECK(!r && r.error().status() == Status::cancelled);
}

void test_value_on_an_error_aborts(const char *self) {
    // Without exceptions, value() on an error prints the error and aborts (in a child).
    std::string url = tk_server_base_url();
    const char *argv[] = {self, "--abort-on-error", url.c_str(), nullptr};
    tk_proc p;
    CHECK(tk_spawn(argv, nullptr, 120.0, &p));
    CHECKF(p.exit_code == -1 && has_text(p.err, "Result::value() on an error") && has_text(p.err, "conn_zzz") &&
               !has_text(p.out, "unreachable"),
           "exit %d: %s", p.exit_code, p.err);
    tk_proc_free(&p);
}

const char *self_path;
void run_value_test() { test_value_on_an_error_aborts(self_path); }

} // namespace

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "--abort-on-error")) {
        auto client = openint::Client::try_create(openint::ClientOptions().base_url(argv[2]).max_retries(0));
        openint::Response r = client->try_call("getConnection", {{"id", "conn_zzz"}}).value(); // aborts
        printf("unreachable %d\n", r.status());
        return 0;
    }
    const char *url = nullptr;
    const char *label = "C++ without exceptions";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--server-url") && i + 1 < argc) url = argv[++i];
        else if (!strcmp(argv[i], "--label") && i + 1 < argc) label = argv[++i];
        else if (!strcmp(argv[i], "--filter") && i + 1 < argc) tk_set_filter(argv[++i]);
        else if (!strcmp(argv[i], "--examples-dir") && i + 1 < argc) i++; // the C++ examples run elsewhere
        else {
            fprintf(stderr, "usage: %s --server-url URL [--label L] [--filter S]\n", argv[0]);
            return 2;
        }
    }
    if (!tk_server_init(url, nullptr, nullptr)) {
        fprintf(stderr, "no test server: give --server-url\n");
        return 2;
    }
    self_path = "/proc/self/exe";
    tk_run("nothrow_clients_and_calls", test_clients_and_calls);
    tk_run("nothrow_listing_until_error", test_listing_until_error);
    tk_run("nothrow_pages_and_cancel", test_pages_and_cancel);
    tk_run("nothrow_value_on_an_error_aborts", run_value_test);
    return tk_summary(label);
}
