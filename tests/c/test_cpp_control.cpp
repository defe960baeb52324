/*
 * C++ request control: a Cancel fired from another thread (a call, a listing), loggers taking
 * any callable (their lifetime: replaced, cleared, outliving the client with its pages; while
 * other threads log), threads sharing a client, and the C++ programs of examples/ (run.sh
 * builds them through pkg-config with g++ and clang++).
 */
#include <atomic>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cpp_tests.hpp"

using namespace cpptest;
using namespace std::chrono_literals;
using openint::Status;

namespace {

const char *examples_dir;

/// Fires `cancel` from another thread once the scenario has logged `n` requests.
struct Canceller {
    openint::Cancel &cancel;
    double fired = 0;
    std::thread t;
    Canceller(openint::Cancel &c, const Scenario &s, int n) : cancel(c) {
        t = std::thread([this, &s, n] {
            wait_requests(s, n, 30.0 * tk_time_scale());
            fired = tk_now();
            cancel.cancel();
        });
    }
    ~Canceller() { join(); }
    void join() {
        if (t.joinable()) t.join();
    }
};

void test_cancel_from_another_thread() {
    Scenario s("{\"latency_ms\":30000}");
    openint::Client c(options_for(s).max_retries(0));
    openint::Cancel cancel;
    Canceller k(cancel, s, 1);
    try {
        c.call("viewer", {}, openint::CallOptions().cancel(cancel));
        CHECKF(false, "the call was not cancelled");
    } catch (const openint::Error &e) {
        double ended = tk_now();
        k.join();
        double after = ended - k.fired;
        CHECKF(e.status() == Status::cancelled && e.method() == "GET" && contains(e.url(), "/viewer"), "%s", e.what());
        CHECKF(after < 0.1 * tk_time_scale(), "returned %.0f ms after the cancel", after * 1e3);
    }
    k.join();
    CHECK(cancel.is_cancelled());
    // A fired handle stays fired: a later call fails at once, without a request.
    auto r = c.try_call("viewer", {}, openint::CallOptions().cancel(cancel));
    CHECK(!r && r.error().status() == Status::cancelled && s.requests() == 1);
}

void test_cancel_a_listing() {
    // The listing keeps the handle for every page: firing it while page 2 is on its way ends
    // the loop there, with the items of page 1 seen.
    int latency = (int)(100 * tk_time_scale());
    std::string config = "{\"seed\":{\"connections\":30},\"latency_ms\":" + std::to_string(latency) + "}";
    Scenario s(config.c_str());
    openint::Client c(options_for(s).max_retries(0));
    int seen = 0;
    std::optional<openint::Cursor> cursor;
    {
        openint::Cancel cancel; // destroyed before the cursor: the cursor keeps what it needs
        cursor = c.list("listConnections", {{"limit", 10}}, openint::CallOptions().cancel(cancel));
        Canceller k(cancel, s, 2);
        try {
            for (std::string_view item : *cursor) seen += !item.empty();
            CHECKF(false, "the listing was not cancelled");
        } catch (const openint::Error &e) {
            CHECKF(e.status() == Status::cancelled && contains(e.url(), "offset=10"), "%s", e.what());
        }
    }
    CHECKF(seen == 10, "%d items before the cancel", seen);
    auto again = cursor->try_next(); // still cancelled
    CHECK(!again && again.error().status() == Status::cancelled);
}

/// What a logger saw; shared with the callable so a test can tell when the callable is gone.
struct Seen {
    std::mutex mu;
    std::vector<std::string> lines;
    std::vector<openint::LogLevel> levels;
    size_t count() {
        std::lock_guard<std::mutex> g(mu);
        return lines.size();
    }
    bool any(std::string_view needle) {
        std::lock_guard<std::mutex> g(mu);
        for (const auto &l : lines)
            if (contains(l, needle)) return true;
        return false;
    }
};

auto recorder(const std::shared_ptr<Seen> &seen) {
    return [seen](openint::LogLevel level, std::string_view target, std::string_view message) {
        std::lock_guard<std::mutex> g(seen->mu);
        seen->lines.push_back(std::string(target) + " " + std::string(message));
        seen->levels.push_back(level);
    };
}

void test_logger_takes_any_callable() {
    Scenario s("{\"fail\":{\"status\":503,\"times\":1,\"match\":\"/viewer\",\"headers\":{\"retry-after-ms\":\"10\"}}}");
    openint::Client c(options_for(s).max_retries(1));
    auto seen = std::make_shared<Seen>();
    c.set_logger(openint::LogLevel::info, recorder(seen));
    CHECK(seen.use_count() == 2); // the client's copy of the callable
    c.call("health");
    CHECKF(seen->count() > 0 && seen->any("openint") && seen->any("/health"), "%zu lines", seen->count());
    CHECK(!seen->any(s.s.org_key)); // the token never shows
    // Levels: at warn, a success logs nothing and a retried attempt logs a warning.
    c.set_logger(openint::LogLevel::warn, recorder(seen));
    size_t before = seen->count();
    c.call("health");
    CHECK(seen->count() == before);
    c.call("viewer");
    CHECKF(seen->count() > before && seen->levels.back() == openint::LogLevel::warn, "%zu lines", seen->count());
    // Cleared: the callable is destroyed when clear_logger returns, and nothing more arrives.
    c.clear_logger();
    CHECK(seen.use_count() == 1);
    before = seen->count();
    c.call("health");
    CHECK(seen->count() == before);

    // A move-only callable; replacing it destroys the old one.
    auto owned = std::make_unique<std::shared_ptr<Seen>>(seen);
    c.set_logger(openint::LogLevel::info, [o = std::move(owned)](auto l, auto t, auto m) { recorder(*o)(l, t, m); });
    c.call("health");
    CHECK(seen->count() > before && seen.use_count() == 2);
    auto other = std::make_shared<Seen>();
    c.set_logger(openint::LogLevel::info, recorder(other));
    CHECK(seen.use_count() == 1);
    // A plain function pointer and a std::function; an empty one clears.
    static std::atomic<int> fn_lines{0};
    c.set_logger(openint::LogLevel::info, +[](openint::LogLevel, std::string_view, std::string_view) { ++fn_lines; });
    CHECK(other.use_count() == 1);
    c.call("health");
    CHECK(fn_lines > 0);
    c.set_logger(openint::LogLevel::info, std::function<void(openint::LogLevel, std::string_view, std::string_view)>());
    int fn_before = fn_lines;
    c.call("health");
    CHECK(fn_lines == fn_before);
    // A callable that throws cannot break the call.
    c.set_logger(openint::LogLevel::info, [](auto, auto, auto) { throw std::runtime_error("logger failed"); });
    CHECK(c.call("health").status() == 200);
    c.clear_logger();

    // The process-wide logger serves clients without one of their own.
    auto global = std::make_shared<Seen>();
    openint::set_logger(openint::LogLevel::info, recorder(global));
    openint::Client plain(options_for(s));
    plain.call("health");
    CHECK(global->count() > 0);
    openint::clear_logger();
    CHECK(global.use_count() == 1);
}

void test_logger_lives_with_pages_and_cursors() {
    // The client's logger also serves its pages and cursors, which outlive the client: the
    // callable lives until the last of them is gone.
    Scenario s;
    auto seen = std::make_shared<Seen>();
    std::optional<openint::Page> page;
    std::optional<openint::Cursor> cursor;
    {
        openint::Client c(options_for(s));
        c.set_logger(openint::LogLevel::info, recorder(seen));
        page = c.first_page("listConnectors", {{"limit", 100}});
        cursor = c.list("listConnectors", {{"limit", 100}});
    }
    size_t before = seen->count();
    CHECK(page->next().has_value());
    CHECK(seen->count() > before && seen.use_count() == 2);
    page.reset();
    CHECK(cursor->next().has_value() && seen.use_count() == 2);
    cursor.reset();
    CHECK(seen.use_count() == 1);

    // A logger that calls the library itself (a line logged inside a line) does not deadlock.
    openint::Client inner(options_for(s));
    auto nested = std::make_shared<Seen>();
    inner.set_logger(openint::LogLevel::info, recorder(nested));
    openint::Client outer(options_for(s));
    std::atomic<bool> once{false};
    outer.set_logger(openint::LogLevel::info, [&inner, &once](auto, auto, auto) {
        if (!once.exchange(true)) (void)inner.try_call("health");
    });
    outer.call("health");
    CHECK(once && nested->count() > 0);
    outer.clear_logger();
}

void test_logger_replaced_while_threads_log() {
    // Threads log through a client while the main thread installs and clears loggers whose
    // callables own heap memory. Once clear_logger() returns, the callable is gone (ASan and
    // valgrind would see a late call) and nothing calls it again.
    Scenario s;
    openint::Client c(options_for(s));
    std::atomic<bool> stop{false};
    std::atomic<int> calls{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; t++)
        threads.emplace_back([&] {
            while (!stop) {
                (void)c.try_call("health");
                ++calls;
            }
        });
    int rounds = 0;
    while (rounds < 20 || calls < 20) {
        auto alive = std::make_shared<int>(rounds);
        auto box = std::make_unique<std::vector<int>>(64, rounds);
        c.set_logger(openint::LogLevel::debug, [alive, b = std::move(box)](auto, auto, auto) {
            volatile int x = (*b)[63] + *alive;
            (void)x;
        });
        sleep_for(0.002);
        c.clear_logger();
        CHECKF(alive.use_count() == 1, "round %d: the callable outlived clear_logger()", rounds);
        rounds++;
    }
    stop = true;
    for (auto &t : threads) t.join();
    CHECK(calls >= 20);
}

void test_threads_share_a_client() {
    Scenario s;
    openint::Client c(options_for(s));
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    std::mutex mu;
    std::vector<std::exception_ptr> errors;
    for (int t = 0; t < 4; t++)
        threads.emplace_back([&, t] {
            try {
                for (int i = 0; i < 5; i++) {
                    size_t n = 0;
                    for (std::string_view item : c.list("listConnectors", {{"limit", 50 + t}})) n += !item.empty();
                    ok += n == 171;
                }
            } catch (...) {
                std::lock_guard<std::mutex> g(mu);
                errors.push_back(std::current_exception());
            }
        });
    for (auto &t : threads) t.join();
    CHECKF(ok == 20 && errors.empty(), "%d listings complete, %zu errors", ok.load(), errors.size());
    // An Error thrown on one thread is read on another.
    auto r = c.try_call("getConnection", {{"id", "conn_x"}});
    std::exception_ptr ep;
    std::thread([&] {
        try {
            (void)r.value();
        } catch (...) {
            ep = std::current_exception();
        }
    }).join();
    try {
        std::rethrow_exception(ep);
    } catch (const openint::Error &e) {
        CHECK(e.http_status() == 404);
    }
}

// ---- the examples ------------------------------------------------------------------------------

struct Proc {
    tk_proc p{};
    ~Proc() { tk_proc_free(&p); }
};

/// Runs example `name` with the scenario's URL and key (NULL: unset) and one argument.
bool run_example(const char *name, const char *base_url, const char *key, const char *arg, Proc &out) {
    std::string path = std::string(examples_dir) + "/" + name;
    std::string env_url = base_url ? std::string("OPENINT_BASE_URL=") + base_url : "";
    std::string env_key = key ? std::string("OPENINT_API_KEY=") + key : "";
    const char *argv[] = {path.c_str(), arg, nullptr};
    const char *env[3] = {nullptr, nullptr, nullptr};
    int e = 0;
    if (base_url) env[e++] = env_url.c_str();
    if (key) env[e++] = env_key.c_str();
    bool ok = tk_spawn(argv, env, 300.0, &out.p);
    CHECKF(ok, "%s did not finish", name);
    return ok;
}

std::vector<std::string> lines_of(const char *text) {
    std::vector<std::string> lines;
    std::string_view t = text ? text : "";
    while (!t.empty()) {
        size_t nl = t.find('\n');
        lines.emplace_back(t.substr(0, nl));
        if (nl == std::string_view::npos) break;
        t.remove_prefix(nl + 1);
    }
    return lines;
}

/// A scenario with three acme-apikey connections of `customer` (and one of another customer).
void seed_connections(const openint::Client &c, const char *customer) {
    openint::Response cfg = c.call("createConnectorConfig", {{"connector_name", "acme-apikey"}, {"config", openint::Object{}}});
    std::string cfg_id = json_member(cfg.body(), "id");
    const char *owners[] = {customer, "cus_someone_else", customer, customer};
    for (int i = 0; i < 4; i++)
        c.call("createConnection",
               {{"connector_config_id", cfg_id},
                {"customer_id", owners[i]},
                {"data", openint::Object{{"connector_name", "acme-apikey"},
                                         {"settings", openint::Object{{"api_key", "sk_cpp_" + std::to_string(i)}}}}}});
}

void test_example_quickstart() {
    Scenario s;
    openint::Client c(options_for(s));
    seed_connections(c, "cus_123");
    tk_oracle o;
    CHECK(tk_oracle_get(171, false, &o));
    Proc p;
    run_example("quickstart_cpp", s.s.base_url, s.s.org_key, nullptr, p);
    CHECKF(p.p.exit_code == 0 && p.p.err && !*p.p.err, "quickstart exited %d: %s", p.p.exit_code, p.p.err);
    std::vector<std::string> lines = lines_of(p.p.out);
    CHECKF(lines.size() == 171 + 1 + 3, "%zu lines", lines.size());
    for (int i = 0; i < 171 && i < (int)lines.size(); i++)
        CHECKF(tk_oracle_item_bytes_equal(&o, i, lines[i].data(), lines[i].size()), "line %d: %.60s", i, lines[i].c_str());
    if (lines.size() == 175) {
        CHECK(contains(json_member(lines[171], "magic_link_url"), "token="));
        for (int i = 172; i < 175; i++)
            CHECKF(contains(lines[i], "\"customer_id\":\"cus_123\"") && contains(lines[i], "\"api_key\":\"sk_cpp_"),
                   "connection line %s", lines[i].c_str());
    }
    tk_oracle_free(&o);
    // Failures print the library's own words (and free everything: valgrind follows it).
    Proc bad;
    run_example("quickstart_cpp", "ftp://example.com/v1", nullptr, nullptr, bad);
    CHECKF(bad.p.exit_code == 1 && has_text(bad.p.err, "base_url") && !*bad.p.out, "bad URL: exit %d, %s",
           bad.p.exit_code, bad.p.err);
    Scenario missing("{\"status\":404}");
    Proc nf;
    run_example("quickstart_cpp", missing.s.base_url, nullptr, nullptr, nf);
    CHECKF(nf.p.exit_code == 1 && has_text(nf.p.err, "404") && has_text(nf.p.err, "NOT_FOUND") &&
               has_text(nf.p.err, "/connector"),
           "404: exit %d, %s", nf.p.exit_code, nf.p.err);
}

void test_example_no_exceptions() {
    // A customer id that would need quoting in JSON: the builder escapes it.
    const char *customer = "cus \"q\" \\ /ne";
    Scenario s;
    openint::Client c(options_for(s));
    seed_connections(c, customer);
    Proc p;
    run_example("no_exceptions_cpp", s.s.base_url, s.s.org_key, customer, p);
    std::vector<std::string> lines = lines_of(p.p.out);
    std::string summary = std::string("3 connections of ") + customer;
    CHECKF(p.p.exit_code == 0 && lines.size() == 3 && has_text(p.p.err, summary.c_str()), "exit %d: %s%s",
           p.p.exit_code, p.p.out, p.p.err);
    for (const auto &l : lines)
        CHECKF(contains(l, "\"api_key\":\"sk_cpp_") && json_member(l, "customer_id") == customer, "%s", l.c_str());
    Scenario down("{\"status\":403}"); // not retried (the example asks for 3 retries)
    Proc e;
    run_example("no_exceptions_cpp", down.s.base_url, down.s.org_key, "cus_ne", e);
    CHECKF(e.p.exit_code == 1 && has_text(e.p.err, "listConnections") && has_text(e.p.err, "403"), "403: exit %d, %s",
           e.p.exit_code, e.p.err);
}

} // namespace

void cpp_set_examples_dir(const char *dir) { examples_dir = dir; }

void cpp_suite_control() {
    tk_run("cpp_cancel_from_another_thread", guarded<test_cancel_from_another_thread>);
    tk_run("cpp_cancel_a_listing", guarded<test_cancel_a_listing>);
    tk_run("cpp_logger_takes_any_callable", guarded<test_logger_takes_any_callable>);
    tk_run("cpp_logger_lives_with_pages_and_cursors", guarded<test_logger_lives_with_pages_and_cursors>);
    tk_run("cpp_logger_replaced_while_threads_log", guarded<test_logger_replaced_while_threads_log>);
    tk_run("cpp_threads_share_a_client", guarded<test_threads_share_a_client>);
    if (!examples_dir) {
        printf("# examples: no --examples-dir given, not run\n");
        return;
    }
    tk_run("cpp_example_quickstart", guarded<test_example_quickstart>);
    tk_run("cpp_example_no_exceptions", guarded<test_example_no_exceptions>);
}
