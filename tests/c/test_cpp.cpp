/*
 * C++ tests of include/openint.hpp against the local test server (built by run.sh with g++ and
 * clang++, -std=c++17 -Wall -Wextra -Werror, natively, under ASan and under valgrind). This
 * file: main; clients and their options; calls by id with JSON text and with the builder
 * (escaping, numbers, nesting); errors as exceptions and as Results; responses; moved-from and
 * adopted handles. Every claim about a request is checked in the scenario's request log.
 *
 * usage: test_cpp --server-url http://127.0.0.1:PORT [--label NAME] [--filter S] [--examples-dir D]
 */
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "cpp_tests.hpp"

using namespace cpptest;
using namespace std::chrono_literals;
using openint::Status;

namespace {

/// The Error `f` throws, or nullopt (a failure is recorded by the caller's CHECK).
template <class F> std::optional<openint::Error> thrown(F &&f) {
    try {
        f();
    } catch (const openint::Error &e) {
        return e;
    }
    return std::nullopt;
}

// ---- types -------------------------------------------------------------------------------------

template <class T> constexpr bool move_only_v =
    !std::is_copy_constructible_v<T> && !std::is_copy_assignable_v<T> && std::is_nothrow_move_constructible_v<T> &&
    std::is_nothrow_move_assignable_v<T>;
static_assert(move_only_v<openint::Client> && move_only_v<openint::Response> && move_only_v<openint::Page> &&
                  move_only_v<openint::Cursor> && move_only_v<openint::Cancel>,
              "handles are move-only");
static_assert(std::is_base_of_v<std::runtime_error, openint::Error> && std::is_copy_constructible_v<openint::Error>,
              "Error is a copyable std::runtime_error");
static_assert(std::is_same_v<decltype(std::declval<openint::Result<int> &&>().value()), int>,
              "value() of a temporary Result is a value, not a dangling reference");
static_assert(static_cast<uint32_t>(Status::protocol) == OPENINT_STATUS_PROTOCOL &&
                  static_cast<uint32_t>(Status::end) == OPENINT_STATUS_END,
              "the C numbers");

void test_names_and_version() {
    CHECK(openint::version() == OPENINT_EXPECTED_VERSION);
    CHECK(openint::status_name(Status::not_found) == "not_found");
    CHECK(openint::status_name(Status::cancelled) == "cancelled");
    CHECK(contains(openint::operations_json(), "\"getConnection\""));
}

// ---- clients -----------------------------------------------------------------------------------

void test_client_options() {
    Scenario s;
    // Bad options: an error naming the key, thrown by the constructor, returned by try_create.
    auto e = thrown([] { openint::Client c(openint::ClientOptions::from_json(R"({"max_retries":1,"nope":2})")); });
    CHECKF(e && e->status() == Status::invalid_argument && contains(e->message(), "nope"), "unknown key: %s",
           e ? e->what() : "nothing thrown");
    CHECK(e && e->http_status() == 0 && e->method().empty() && e->url().empty() && e->capi() != nullptr);
    try {
        openint::Client c(openint::ClientOptions().base_url("ftp://example.com/v1"));
        CHECKF(false, "a bad base URL was accepted");
    } catch (const std::exception &ex) { // an openint::Error is a std::exception
        CHECKF(contains(ex.what(), "base_url"), "%s", ex.what());
    }
    auto r = openint::Client::try_create(openint::ClientOptions::from_json("{}").max_retries(1));
    CHECKF(!r && r.error().status() == Status::invalid_argument && contains(r.error().message(), "max_retries") &&
               r.error().capi() == nullptr,
           "JSON and builder at once: %s", r ? "accepted" : r.error().what());
    r = openint::Client::try_create(openint::ClientOptions().timeout(std::chrono::duration<double>(NAN)));
    CHECKF(!r && contains(r.error().message(), "NaN") && contains(r.error().message(), "timeout"), "NaN: %s",
           r ? "accepted" : r.error().what());
    r = openint::Client::try_create(openint::ClientOptions().header("X-Nul", std::string_view("a\0b", 3)));
    CHECKF(!r && r.error().status() == Status::invalid_argument, "a NUL in a header value: %s",
           r ? "accepted" : r.error().what());

    // Every builder option reaches the core (a bad one would fail here); headers reach the server.
    openint::Client c(options_for(s)
                          .header("X-Team", "cpp \"quoted\"")
                          .timeout(5s)
                          .connect_timeout(2000ms)
                          .total_timeout(std::chrono::minutes(1))
                          .max_retries(0)
                          .max_body_bytes(1 << 20)
                          .tls_roots("webpki")
                          .prefetch(2));
    CHECK(c.call("health").status() == 200);
    auto log = s.log();
    CHECKF(log.size() == 1 && has_text(tk_log_header(log[0], "x-team"), "cpp \"quoted\""), "x-team: %s",
           tk_log_header(log[0], "x-team"));
    CHECK(has_text(tk_log_header(log[0], "authorization"), s.s.org_key));

    // JSON options work the same.
    openint::Client j(openint::ClientOptions::from_json(std::string(R"({"base_url":")") + s.s.base_url +
                                                        R"(","default_headers":{"X-Json":"1"},"proxy":false})"));
    CHECK(j.call("health").status() == 200);
    auto log2 = s.log();
    CHECK(log2.size() == 2 && has_text(tk_log_header(log2[1], "x-json"), "1"));

    // max_body_bytes is enforced; a chrono timeout is seconds to the core.
    openint::Client small(options_for(s).max_body_bytes(100).max_retries(0));
    e = thrown([&] { small.call("connectorStatus"); });
    CHECKF(e && e->status() == Status::body_too_large, "%s", e ? e->what() : "no error");
    Scenario slow("{\"latency_ms\":3000}");
    openint::Client hasty(options_for(slow).timeout(200ms).max_retries(0));
    double t0 = tk_now();
    e = thrown([&] { hasty.call("health"); });
    double took = tk_now() - t0;
    CHECKF(e && e->status() == Status::timeout && took < 2.0 * tk_time_scale(), "timeout after %.2f s: %s", took,
           e ? e->what() : "no error");
}

// ---- calls and the builder ---------------------------------------------------------------------

void test_call_with_builder_and_json() {
    Scenario s;
    openint::Client c(options_for(s).max_retries(0));

    // Strings are escaped so that the server reads back exactly the bytes given.
    const std::string tricky = "q\"b\\s/\n\t\r\b\f\x01\x1f z\xc3\xab \xf0\x9f\x98\x80 </script> \xe2\x80\xa8 end";
    openint::Response r = c.call("upsertCustomer", {{"id", tricky}});
    CHECK(r.status() == 200);
    CHECKF(json_member(r.body(), "id") == tricky, "id read back as %s", json_member(r.body(), "id").c_str());
    // A NUL inside a string is data too (\u0000), not the end of the text.
    r = c.call("upsertCustomer", {{"id", std::string_view("nul\0byte", 8)}});
    CHECKF(contains(r.body(), "nul\\u0000byte"), "%.*s", (int)r.body().size(), r.body().data());

    // Numbers, booleans, arrays, nested objects, raw JSON.
    openint::Object meta{{"int", -42},
                         {"big", 9007199254740991LL},
                         {"unsigned", 7u},
                         {"double", 0.1},
                         {"float", 2.5f},
                         {"yes", true},
                         {"no", false},
                         {"none", nullptr},
                         {"list", openint::Array{1, "two", 3.5, openint::Array{}, openint::Object{}}},
                         {"nested", openint::Object{{"deeper", openint::Object{{"k", "v"}}}}},
                         {"raw", openint::Json::raw(R"({"from":"another JSON library","n":[1,2]})")}};
    r = c.call("upsertCustomer", openint::Object().set("id", "cus_cpp_meta").set("metadata", meta));
    std::string_view body = r.body();
    for (const char *want : {"\"int\":-42", "\"big\":9007199254740991", "\"unsigned\":7", "\"double\":0.1",
                             "\"float\":2.5", "\"yes\":true", "\"no\":false", "\"none\":null",
                             "\"list\":[1,\"two\",3.5,[],{}]", "\"nested\":{\"deeper\":{\"k\":\"v\"}}",
                             "\"raw\":{\"from\":\"another JSON library\",\"n\":[1,2]}"})
        CHECKF(contains(body, want), "metadata lacks %s: %.*s", want, (int)body.size(), body.data());

    // createToken: a path parameter, a number in the body, a nested object with a URL.
    r = c.call("createToken", {{"customer_id", "cus_cpp_1"},
                               {"validity_in_seconds", 3600},
                               {"connect_options", openint::Object{{"return_url", "https://example.com/done?a=1&b=2"},
                                                                   {"view", "add"}}}});
    std::string link = json_member(r.body(), "magic_link_url");
    CHECKF(contains(link, "return_url=https%3A%2F%2Fexample.com%2Fdone%3Fa%3D1%26b%3D2") && contains(link, "view=add"),
           "link %s", link.c_str());
    auto log = s.log();
    const cJSON *req = log[log.size() - 1];
    CHECK(has_text(tk_log_str(req, "path"), "/customer/cus_cpp_1/token"));
    CHECKF(has_text(tk_log_str(req, "body"), "\"validity_in_seconds\":3600"), "%s", tk_log_str(req, "body"));

    // A query array and a boolean.
    CHECK(c.call("listConnections", {{"connector_names", openint::Array{"acme-apikey", "toggl"}},
                                     {"include_secrets", true}})
              .status() == 200);
    auto log2 = s.log();
    const char *query = tk_log_str(log2[log2.size() - 1], "query");
    CHECKF(has_text(query, "acme-apikey") && has_text(query, "toggl") && has_text(query, "include_secrets=true"),
           "query %s", query);

    // JSON text in every form; none at all.
    CHECK(c.call("upsertCustomer", R"({"id":"cus_text"})").status() == 200);
    CHECK(c.call("upsertCustomer", std::string(R"({"id":"cus_string"})")).status() == 200);
    CHECK(c.call("upsertCustomer", std::string_view(R"({"id":"cus_view"}xyz)", 17)).status() == 200);
    CHECK(json_member(c.call("viewer", nullptr).body(), "role") == "org");
    CHECK(json_member(c.call("viewer", {}).body(), "role") == "org");
}

void test_bad_input_fails_before_any_request() {
    Scenario s;
    openint::Client c(options_for(s));
    struct Case {
        const char *what;
        openint::Result<openint::Response> r;
        const char *names;
    } cases[] = {
        {"NaN", c.try_call("createToken", {{"customer_id", "c"}, {"validity_in_seconds", NAN}}), "validity_in_seconds"},
        {"infinity in an array", c.try_call("upsertCustomer", {{"metadata", openint::Array{1.0, -INFINITY}}}),
         "infinity"},
        {"a NUL in the operation name", c.try_call(std::string_view("health\0x", 8)), "NUL"},
        {"a NUL in JSON text", c.try_call("viewer", std::string_view("{}\0", 3)), "NUL"},
        {"a NUL in raw JSON", c.try_call("upsertCustomer", {{"metadata", openint::Json::raw(std::string_view("{\0}", 3))}}),
         "NUL"},
        {"an unknown operation", c.try_call("getConnectionz", {{"id", "x"}}), "getConnectionz"},
        {"an unknown parameter", c.try_call("getConnection", {{"id", "conn_x"}, {"bogus", 1}}), "bogus"},
        {"a missing parameter", c.try_call("getConnection"), "id"},
        {"invalid JSON", c.try_call("getConnection", "{\"id\":"), "JSON"},
        {"invalid UTF-8", c.try_call("upsertCustomer", {{"id", "\xff"}}), "UTF-8"},
        {"options from JSON and the builder", c.try_call("health", {}, openint::CallOptions::from_json("{}").max_retries(1)),
         "max_retries"},
        {"an Authorization header not allowed", c.try_call("health", {}, openint::CallOptions().header("Authorization", "x")),
         "Authorization"},
        {"a bad method", c.try_request("TRACE", "/health"), "TRACE"},
        {"a NUL in a path", c.try_request("GET", std::string_view("/a\0b", 4)), "NUL"},
        {"NaN in a raw query", c.try_request("GET", "/connection", {{"limit", NAN}}), "query"},
    };
    for (auto &k : cases) {
        CHECKF(!k.r && k.r.error().status() == Status::invalid_argument && contains(k.r.error().message(), k.names),
               "%s: %s", k.what, k.r ? "accepted" : k.r.error().what());
        CHECKF(!k.r && k.r.error().method().empty() && k.r.error().http_status() == 0, "%s", k.what);
    }
    CHECKF(s.requests() == 0, "%d requests were made", s.requests());
}

// ---- errors --------------------------------------------------------------------------------------

void test_errors() {
    Scenario s("{\"error_headers\":{\"x-request-id\":\"req_cpp_404\"}}");
    openint::Client c(options_for(s).max_retries(0));
    auto e = thrown([&] { c.call("getConnection", {{"id", "conn_missing"}}); });
    CHECK(e.has_value());
    if (!e) return;
    CHECK(e->status() == Status::not_found && e->http_status() == 404);
    CHECK(e->code() == "NOT_FOUND");
    CHECKF(!e->message().empty() && contains(e->body(), e->message()), "message %.*s", (int)e->message().size(),
           e->message().data());
    CHECK(e->request_id() == "req_cpp_404");
    CHECK(e->header("X-Request-ID") == std::optional<std::string_view>("req_cpp_404"));
    CHECK(e->header("content-type").has_value() && !e->header("x-absent"));
    CHECK(!openint::Error(Status::invalid_argument, "local").header("content-type"));
    CHECK(e->method() == "GET");
    CHECKF(contains(e->url(), "/connection/conn_missing"), "url %.*s", (int)e->url().size(), e->url().data());
    CHECK(e->retries() == 0);
    CHECK(contains(e->what(), "404") && contains(e->what(), "NOT_FOUND") && e->display() == e->what());
    CHECK(std::string(e->what()) == openint_error_display(e->capi()));

    // The same error as a Result; copies outlive the original.
    openint::Result<openint::Response> r = c.try_call("getConnection", {{"id", "conn_missing"}});
    CHECK(!r && !r.has_value() && r.error().status() == Status::not_found);
    std::optional<openint::Error> copy;
    {
        openint::Error original = r.error();
        copy = original;
    }
    r = c.try_call("health");
    CHECK(r && r->status() == 200 && (*r).status() == 200);
    CHECK(copy->request_id() == "req_cpp_404" && copy->http_status() == 404);
    // value() throws the Result's error.
    auto again = thrown([&] { (void)c.try_call("getConnection", {{"id", "conn_missing"}}).value(); });
    CHECK(again && again->status() == Status::not_found);
    // Result<void>: a level the C side does not know.
    openint::Result<void> v = c.try_set_logger(static_cast<openint::LogLevel>(9), [](auto, auto, auto) {});
    CHECKF(!v && v.error().status() == Status::invalid_argument && contains(v.error().message(), "level"), "%s",
           v ? "accepted" : v.error().what());
    CHECK(openint::Result<void>().has_value());
    // value_or.
    CHECK(openint::Result<int>(openint::Error(Status::internal, "x")).value_or(7) == 7);
    CHECK(openint::Result<int>(3).value_or(7) == 3);

    // The token never shows in an error; a wrong key is an authentication error.
    const char *secret = "key_cpp_secret_token_0123456789";
    openint::Client wrong(openint::ClientOptions().base_url(s.s.base_url).token(secret).max_retries(0));
    e = thrown([&] { wrong.call("listConnections"); });
    CHECKF(e && e->status() == Status::authentication && e->http_status() == 401, "%s", e ? e->what() : "no error");
    CHECK(e && !contains(e->what(), secret) && !contains(e->body(), secret) && !contains(e->url(), secret));

    // A transport error names the method and URL.
    openint::Client nowhere(openint::ClientOptions().base_url("http://127.0.0.1:1/v1").max_retries(0));
    e = thrown([&] { nowhere.call("health"); });
    CHECKF(e && e->status() == Status::connection && e->method() == "GET" && contains(e->url(), "127.0.0.1:1/v1/health"),
           "%s", e ? e->what() : "no error");

    // Retries: one 503, then the answer, which counts the retry.
    Scenario flaky("{\"fail\":{\"status\":503,\"times\":1,\"headers\":{\"retry-after-ms\":\"10\"}}}");
    openint::Client patient(options_for(flaky).max_retries(1));
    CHECK(patient.call("health").retries() == 1);
}

// ---- responses and the raw request ---------------------------------------------------------------

void test_responses_and_raw_request() {
    Scenario s;
    openint::Client c(options_for(s));
    openint::Response r = c.call("healthEcho", {{"x", 1}});
    CHECK(r.status() == 200 && r.retries() == 0 && !r.request_id());
    CHECK(contains(r.body(), "\"x\":1"));
    std::optional<std::string_view> ct = r.header("Content-Type");
    CHECK(ct && contains(*ct, "application/json"));
    CHECK(r.header("content-type") == ct && !r.header("x-absent") && !r.header(std::string_view("a\0b", 3)));
    size_t n = 0;
    bool saw = false;
    for (openint::Header h : r.headers()) {
        n++;
        saw |= h.name == "content-type" && h.value == *ct;
        CHECKF(h.name.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == std::string_view::npos, "name %.*s",
               (int)h.name.size(), h.name.data());
    }
    CHECK(saw && n == r.headers().size() && n == openint_response_header_count(r.capi()));
    CHECK(r.headers()[n].name.empty()); // past the end: empty
    openint::ResponseView v = r.view();
    CHECK(v.status() == 200 && v.body() == r.body());

    // A request id and a repeated header (a stub: the test server sends neither on success).
    tk_stub *stub = tk_stub_start(TK_STUB_CANNED,
                                  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: req_ok_cpp\r\n"
                                  "X-Multi: first\r\nX-Multi: second\r\nContent-Length: 11\r\n\r\n{\"ok\":true}");
    CHECK(stub != nullptr);
    if (stub) {
        std::string base = "http://127.0.0.1:" + std::to_string(tk_stub_port(stub)) + "/v1";
        openint::Client sc(openint::ClientOptions().base_url(base).max_retries(0));
        openint::Response sr = sc.call("health");
        CHECK(sr.request_id() == std::optional<std::string_view>("req_ok_cpp"));
        std::vector<std::string_view> multi;
        for (auto h : sr.headers())
            if (h.name == "x-multi") multi.push_back(h.value);
        CHECK(multi.size() == 2 && multi[0] == "first" && multi[1] == "second" && sr.header("X-MULTI") == "first");
        tk_stub_stop(stub);
    }

    // The raw request: query and body by object or JSON text.
    r = c.request("POST", "/health", {}, {{"a", 1}, {"b", "two"}});
    CHECKF(contains(r.body(), R"("input":{"a":1,"b":"two"})"), "%.*s", (int)r.body().size(), r.body().data());
    r = c.request("GET", "/connection", R"({"limit":1})");
    CHECK(r.status() == 200);
    auto log = s.log();
    CHECK(has_text(tk_log_str(log[log.size() - 1], "query"), "limit=1"));
    auto e = thrown([&] { c.request("GET", "/connection/conn_nope"); });
    CHECK(e && e->status() == Status::not_found && contains(e->url(), "/connection/conn_nope"));
}

void test_call_options() {
    Scenario s;
    openint::Client c(options_for(s).header("X-Keep", "k").max_retries(0));
    openint::Response r = c.call("healthEcho", {{"a", 1}},
                                 openint::CallOptions()
                                     .header("X-Call", "c1")
                                     .remove_header("X-Keep")
                                     .query("trace", "t1")
                                     .body("extra", openint::Array{true})
                                     .timeout(10s)
                                     .max_retries(1)
                                     .retry_unsafe(false));
    CHECKF(contains(r.body(), R"("extra":[true])"), "%.*s", (int)r.body().size(), r.body().data());
    auto log = s.log();
    const cJSON *req = log[log.size() - 1];
    CHECK(has_text(tk_log_header(req, "x-call"), "c1") && !tk_log_header(req, "x-keep"));
    CHECK(has_text(tk_log_str(req, "query"), "trace=t1"));
    // JSON options; an Authorization header only when allowed.
    CHECK(c.call("viewer", {}, openint::CallOptions::from_json(R"({"extra_headers":{"X-J":"j"}})")).status() == 200);
    openint::Client anonymous(openint::ClientOptions().base_url(s.s.base_url).token(""));
    std::string bearer = std::string("Bearer ") + s.s.org_key;
    openint::Response v = anonymous.call(
        "viewer", {}, openint::CallOptions().header("Authorization", bearer).allow_authorization_header());
    CHECKF(json_member(v.body(), "role") == "org", "%.*s", (int)v.body().size(), v.body().data());
    auto log2 = s.log();
    CHECK(has_text(tk_log_header(log2[log2.size() - 2], "x-j"), "j"));
    CHECK(has_text(tk_log_header(log2[log2.size() - 1], "authorization"), bearer.c_str()));
    // A per-call deadline as a chrono duration; per-call retries.
    Scenario slow("{\"latency_ms\":3000}");
    openint::Client sc(options_for(slow));
    double t0 = tk_now();
    auto e = thrown([&] { sc.call("health", {}, openint::CallOptions().timeout(std::chrono::milliseconds(150))); });
    CHECKF(e && e->status() == Status::timeout && tk_now() - t0 < 2.0 * tk_time_scale(), "%s",
           e ? e->what() : "no error");
    Scenario flaky("{\"fail\":{\"status\":503,\"times\":1,\"headers\":{\"retry-after-ms\":\"10\"}}}");
    openint::Client fc(options_for(flaky).max_retries(0));
    e = thrown([&] { fc.call("health"); });
    CHECK(e && e->status() == Status::internal_server && e->http_status() == 503);
    CHECK(fc.call("health", {}, openint::CallOptions().max_retries(1)).status() == 200); // the 503 was spent
}

// ---- handles -------------------------------------------------------------------------------------

void test_moved_from_and_adopted_handles() {
    Scenario s;
    openint::Client c(options_for(s));
    openint::Client moved = std::move(c);
    // The moved-from client holds nothing: every use is an error, never a crash.
    auto r = c.try_call("health"); // NOLINT(bugprone-use-after-move): the point of the test
    CHECK(!r && r.error().status() == Status::invalid_argument);
    CHECK(!c.try_list("listConnectors") && !c.try_first_page("listConnectors") && !c.try_request("GET", "/health"));
    CHECK(!c.try_set_logger(openint::LogLevel::info, [](auto, auto, auto) {}));
    CHECK(c.capi() == nullptr && moved.capi() != nullptr);

    openint::Response resp = moved.call("health");
    openint::Response resp2 = std::move(resp);
    CHECK(resp.status() == 0 && resp.body().empty() && resp.headers().size() == 0 && !resp.header("x")); // NOLINT
    CHECK(resp2.status() == 200);
    openint::Page page = moved.first_page("listConnectors", {{"limit", 2}});
    openint::Page page2 = std::move(page);
    CHECK(page.size() == 0 && page.json().empty() && page[0].empty() && !page.total() && !page.has_next()); // NOLINT
    CHECK(page.response().status() == 0 && !page.try_next() && !page.try_at(0));
    CHECK(page2.size() == 2);
    openint::Cursor cursor = moved.list("listConnectors");
    openint::Cursor cursor2 = std::move(cursor);
    auto step = cursor.try_next(); // NOLINT
    CHECK(!step && step.error().status() == Status::invalid_argument);
    auto e = thrown([&] {
        for (std::string_view item : cursor) (void)item;
    });
    CHECK(e && e->status() == Status::invalid_argument);
    CHECK(cursor2.next().has_value());
    openint::Cancel cancel;
    openint::Cancel cancel2 = std::move(cancel);
    cancel.cancel(); // NOLINT: a no-op
    CHECK(!cancel.is_cancelled() && !cancel2.is_cancelled());
    // Move assignment frees what the target held (valgrind and ASan see any leak).
    resp2 = moved.call("health");
    page2 = moved.first_page("listConnectors", {{"limit", 1}});
    cursor2 = moved.list("listConnectors");
    CHECK(page2.size() == 1 && resp2.status() == 200);

    // release() gives up the C handle; the constructor adopts one.
    OpenintResponse *raw = resp2.release();
    CHECK(resp2.capi() == nullptr && openint_response_status(raw) == 200);
    openint::Response adopted(raw);
    CHECK(adopted.status() == 200);
    OpenintClient *rc = moved.release();
    openint::Client readopted(rc);
    CHECK(readopted.call("health").status() == 200);
}

} // namespace

void cpp_suite_calls() {
    tk_run("cpp_names_and_version", guarded<test_names_and_version>);
    tk_run("cpp_client_options", guarded<test_client_options>);
    tk_run("cpp_call_with_builder_and_json", guarded<test_call_with_builder_and_json>);
    tk_run("cpp_bad_input_fails_before_any_request", guarded<test_bad_input_fails_before_any_request>);
    tk_run("cpp_errors", guarded<test_errors>);
    tk_run("cpp_responses_and_raw_request", guarded<test_responses_and_raw_request>);
    tk_run("cpp_call_options", guarded<test_call_options>);
    tk_run("cpp_moved_from_and_adopted_handles", guarded<test_moved_from_and_adopted_handles>);
}

int main(int argc, char **argv) {
    const char *url = getenv("OPENINT_TESTSERVER_URL");
    const char *label = "C++ tests";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--server-url") && i + 1 < argc) url = argv[++i];
        else if (!strcmp(argv[i], "--label") && i + 1 < argc) label = argv[++i];
        else if (!strcmp(argv[i], "--filter") && i + 1 < argc) tk_set_filter(argv[++i]);
        else if (!strcmp(argv[i], "--examples-dir") && i + 1 < argc) cpp_set_examples_dir(argv[++i]);
        else {
            fprintf(stderr, "usage: %s --server-url URL [--label L] [--filter S] [--examples-dir D]\n", argv[0]);
            return 2;
        }
    }
    if (!tk_server_init(url, nullptr, nullptr)) {
        fprintf(stderr, "no test server: give --server-url\n");
        return 2;
    }
    printf("# %s: openint %.*s, server %s\n", label, (int)openint::version().size(), openint::version().data(),
           tk_server_root());
    cpp_suite_calls();
    cpp_suite_lists();
    cpp_suite_control();
    return tk_summary(label);
}
