/*
 * C++ listings: range-for over every item (byte for byte the server's, against the registry
 * oracle and the scenario's store), the error of a failed page thrown from the iterator at that
 * page (and the loop resumed), early exits that free everything and cancel prefetched pages,
 * the non-throwing range, and page-at-a-time access.
 */
#include <atomic>
#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cpp_tests.hpp"

using namespace cpptest;
using namespace std::chrono_literals;
using openint::Status;

namespace {

/// The first `count` connectors of the registry oracle.
struct Oracle {
    tk_oracle o;
    explicit Oracle(int count = 171) { CHECK(tk_oracle_get(count, false, &o)); }
    ~Oracle() { tk_oracle_free(&o); }
    Oracle(const Oracle &) = delete;
    /// Whether `items` are the oracle's items from `from` on, byte for byte, all of them.
    bool equals(const std::vector<std::string> &items, int from = 0) const {
        if ((int)items.size() != o.count - from) return false;
        for (size_t i = 0; i < items.size(); i++)
            if (!tk_oracle_item_bytes_equal(&o, from + (int)i, items[i].data(), items[i].size())) return false;
        return true;
    }
};

/// The ids of the scenario's `table` rows, in list order (the store is the oracle).
std::vector<std::string> store_ids(const Scenario &s, const char *table) {
    std::vector<std::string> ids;
    cJSON *store = tk_scenario_store(&s.s);
    const cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(store, table)) ids.push_back(tk_json_str(row, "id"));
    cJSON_Delete(store);
    return ids;
}

void test_range_for_every_item() {
    Scenario s;
    Oracle oracle;
    openint::Client c(options_for(s));
    std::vector<std::string> items;
    for (std::string_view item : c.list("listConnectors", {{"limit", 50}})) items.emplace_back(item);
    CHECKF(oracle.equals(items), "%zu items, not the registry", items.size());
    CHECK(s.requests() == 4);
    // The server's default page size; prefetch; limit 0 (zero items, as on the server).
    items.clear();
    for (std::string_view item : c.list("listConnectors")) items.emplace_back(item);
    CHECK(oracle.equals(items));
    items.clear();
    for (std::string_view item : c.list("listConnectors", R"({"limit":40})", openint::CallOptions().prefetch(4)))
        items.emplace_back(item);
    CHECK(oracle.equals(items));
    int n = 0;
    for (std::string_view item : c.list("listConnectors", {{"limit", 0}})) n += (int)item.size() > 0;
    CHECK(n == 0);

    // A database list across pages: every row once, in the store's order.
    Scenario db("{\"seed\":{\"connections\":120}}");
    openint::Client dc(options_for(db));
    std::vector<std::string> ids;
    // (refresh_policy "none": a refresh of an expired OAuth token would move its row.)
    for (std::string_view item :
         dc.list("listConnections", {{"limit", 50}, {"include_secrets", true}, {"refresh_policy", "none"}})) {
        ids.push_back(json_member(item, "id"));
        CHECK(contains(item, "\"settings\""));
    }
    CHECKF(ids == store_ids(db, "connections"), "%zu ids, not the store's", ids.size());
}

void test_error_thrown_at_the_failed_page() {
    // The page at offset 100 fails once (a 500, no retries): the loop gets the 100 items
    // before it, then the error; iterating the same cursor again retries that page.
    Scenario s("{\"fail\":{\"status\":500,\"match\":\"offset=100\",\"times\":1}}");
    Oracle oracle;
    openint::Client c(options_for(s).max_retries(0));
    openint::Cursor cursor = c.list("listConnectors", {{"limit", 50}});
    std::vector<std::string> items;
    try {
        for (std::string_view item : cursor) items.emplace_back(item);
        CHECKF(false, "no error after %zu items", items.size());
    } catch (const openint::Error &e) {
        CHECKF(e.status() == Status::internal_server && e.http_status() == 500 && e.method() == "GET" &&
                   contains(e.url(), "offset=100"),
               "%s", e.what());
    }
    CHECKF(items.size() == 100, "%zu items before the error", items.size());
    for (std::string_view item : cursor) items.emplace_back(item);
    CHECKF(oracle.equals(items), "%zu items after the retry", items.size());

    // The same with pages prefetched in flight, and the cursor a temporary of the loop: it
    // is destroyed while the exception leaves the loop (ASan and valgrind see any leak).
    Scenario p("{\"fail\":{\"status\":500,\"match\":\"offset=100\",\"times\":1}}");
    openint::Client pc(options_for(p).max_retries(0));
    items.clear();
    try {
        for (std::string_view item : pc.list("listConnectors", {{"limit", 50}}, openint::CallOptions().prefetch(4)))
            items.emplace_back(item);
        CHECKF(false, "no error with prefetch");
    } catch (const openint::Error &e) {
        CHECK(e.http_status() == 500 && contains(e.url(), "offset=100"));
    }
    CHECKF(items.size() == 100, "%zu items before the error with prefetch", items.size());

    // Without exceptions: until_error() stops at the error and keeps it; again resumes.
    Scenario q("{\"fail\":{\"status\":503,\"match\":\"offset=50\",\"times\":1}}");
    openint::Client qc(options_for(q).max_retries(0));
    openint::Cursor qcur = qc.list("listConnectors", {{"limit", 50}});
    items.clear();
    for (std::string_view item : qcur.until_error()) items.emplace_back(item);
    CHECK(items.size() == 50 && qcur.error() && qcur.error()->http_status() == 503);
    for (std::string_view item : qcur.until_error()) items.emplace_back(item);
    CHECK(oracle.equals(items) && !qcur.error());
}

void test_break_frees_and_cancels_prefetch() {
    // A database list whose total announces 10 pages: after the first page the cursor keeps
    // 4 more in flight. Leaving the loop destroys the cursor, which must return at once, free
    // everything, and cancel those 4 requests: each one's thread logs its attempt as
    // cancelled, without an answer, long before the server's latency is over.
    int latency = (int)(600 * tk_time_scale());
    std::string config = "{\"seed\":{\"connections\":100},\"latency_ms\":" + std::to_string(latency) + "}";
    Scenario s(config.c_str());
    struct Lines {
        std::mutex mu;
        std::vector<std::string> all;
        std::vector<std::string> cancelled() {
            std::lock_guard<std::mutex> g(mu);
            std::vector<std::string> out;
            for (const auto &l : all)
                if (contains(l, "cancelled")) out.push_back(l);
            return out;
        }
    };
    auto lines = std::make_shared<Lines>();
    openint::Client c(options_for(s).max_retries(0));
    // A callable owning heap memory: a call into it after it is gone would be a use-after-free
    // (ASan, valgrind), e.g. from a prefetch thread finishing after the client.
    auto owned = std::make_unique<std::string>("owned");
    c.set_logger(openint::LogLevel::info, [owned = std::move(owned), lines](auto, auto, std::string_view m) {
        std::lock_guard<std::mutex> g(lines->mu);
        lines->all.push_back(*owned + ": " + std::string(m));
    });
    double broke = 0, freed = 0;
    std::string first;
    for (std::string_view item : c.list("listConnections", {{"limit", 10}}, openint::CallOptions().prefetch(4))) {
        first = std::string(item);
        CHECKF(wait_requests(s, 5, 0.5 * latency / 1000.0), "%d requests in flight", s.requests() - 1);
        broke = tk_now();
        break;
    }
    freed = tk_now();
    CHECK(contains(first, "\"id\":\"conn_"));
    CHECKF(freed - broke < 0.1 * tk_time_scale(), "leaving the loop took %.0f ms", (freed - broke) * 1e3);
    double end = tk_now() + 0.5 * latency / 1000.0;
    while (lines->cancelled().size() < 4 && tk_now() < end) sleep_for(0.005);
    std::vector<std::string> cancelled = lines->cancelled();
    CHECKF(cancelled.size() == 4, "%zu attempts cancelled", cancelled.size());
    for (const char *offset : {"offset=10", "offset=20", "offset=30", "offset=40"}) {
        bool found = false;
        for (const auto &l : cancelled) found |= contains(l, offset) && contains(l, "no answer");
        CHECKF(found, "no cancelled attempt for %s", offset);
    }
    CHECK(s.requests() == 5);
    // The same early exit, with the client gone at once: whatever its threads log late is
    // dropped, never sent to the freed callable.
    {
        std::string quick = "{\"seed\":{\"connections\":100},\"latency_ms\":" + std::to_string(latency / 10) + "}";
        Scenario q(quick.c_str());
        openint::Client gone(options_for(q).max_retries(0));
        gone.set_logger(openint::LogLevel::debug, [o = std::make_unique<int>(1)](auto, auto, auto) { (void)*o; });
        for (std::string_view item : gone.list("listConnections", {{"limit", 10}}, openint::CallOptions().prefetch(4))) {
            (void)item;
            break;
        }
    }
}

void test_pages() {
    Scenario s;
    Oracle oracle;
    std::optional<openint::Page> page;
    {
        openint::Client c(options_for(s));
        page = c.first_page("listConnectors", {{"limit", 50}});
    } // the page outlives its client
    CHECK(page->size() == 50 && !page->empty());
    CHECK(page->total() == std::optional<int64_t>(50) && page->limit() == std::optional<int64_t>(50));
    CHECK(page->offset() == 0 && page->has_next());
    CHECK(page->json().substr(0, 10) == "{\"items\":[");
    CHECK(page->response().status() == 200 && page->response().body() == page->json());
    CHECK(page->response().header("content-type").has_value());
    std::vector<std::string> items;
    for (std::string_view item : *page) items.emplace_back(item);
    CHECK((*page)[50].empty() && page->at(49) == (*page)[49]);
    auto bad = page->try_at(50);
    CHECK(!bad && bad.error().status() == Status::invalid_argument && contains(bad.error().message(), "50"));
    CHECK(page->try_at(50).value_or("fallback") == "fallback");
    try {
        (void)page->at(1000);
        CHECKF(false, "at(1000) did not throw");
    } catch (const openint::Error &e) {
        CHECK(e.status() == Status::invalid_argument);
    }
    int pages = 1;
    while (std::optional<openint::Page> next = page->next()) {
        pages++;
        CHECK(next->offset() == 50 * (pages - 1));
        for (std::string_view item : *next) items.emplace_back(item);
        page = std::move(next);
    }
    CHECK(pages == 4 && !page->has_next() && oracle.equals(items));

    // The pages as a range; per-page options.
    openint::Client c(options_for(s));
    items.clear();
    pages = 0;
    for (const openint::Page &p : c.pages("listConnectors", {{"limit", 60}}, openint::CallOptions().timeout(30s))) {
        pages++;
        for (std::string_view item : p) items.emplace_back(item);
    }
    CHECK(pages == 3 && oracle.equals(items));
    // A failed page is thrown from the range's iterator.
    Scenario f("{\"fail\":{\"status\":502,\"match\":\"offset=60\",\"times\":1}}");
    openint::Client fc(options_for(f).max_retries(0));
    pages = 0;
    try {
        for (const openint::Page &p : fc.pages("listConnectors", {{"limit", 60}})) pages += p.size() == 60;
        CHECKF(false, "no error");
    } catch (const openint::Error &e) {
        CHECK(e.http_status() == 502 && contains(e.url(), "offset=60"));
    }
    CHECK(pages == 1);
    // try_next with a per-fetch deadline (a cancel of its own too).
    openint::Cancel cancel;
    auto first = c.try_first_page("listConnectors", {{"limit", 100}});
    CHECK(first.has_value());
    if (!first) return;
    auto second = first->try_next(openint::CallOptions().timeout(20s).cancel(cancel));
    CHECK(second && *second && (*second)->size() == 71);
    auto third = (*second)->try_next();
    CHECK(third && !*third);
}

void test_cursor_steps() {
    Scenario s;
    Oracle oracle;
    openint::Client c(options_for(s));
    openint::Cursor cursor = c.list("listConnectors", {{"limit", 100}});
    CHECK(cursor.response().status() == 0 && s.requests() == 0); // nothing fetched yet
    std::vector<std::string> items;
    std::optional<std::string_view> item = cursor.next();
    CHECK(item && cursor.response().status() == 200 && cursor.response().header("content-type"));
    items.emplace_back(*item);
    while ((item = cursor.next(openint::CallOptions().timeout(30s)))) items.emplace_back(*item);
    CHECK(oracle.equals(items) && !cursor.next() && !cursor.next()); // END again and again
    // The non-throwing steps.
    openint::Cursor again = c.list("listConnectors", {{"limit", 171}});
    auto r = again.try_next();
    CHECK(r && *r && tk_oracle_item_bytes_equal(&oracle.o, 0, (*r)->data(), (*r)->size()));
    // Bad listings fail before any request.
    int before = s.requests();
    auto bad = c.try_list("getConnection", {{"id", "x"}});
    CHECKF(!bad && bad.error().status() == Status::invalid_argument, "%s", bad ? "accepted" : bad.error().what());
    bad = c.try_list("listConnectors", {{"limit", -1}});
    CHECKF(!bad && contains(bad.error().message(), "limit"), "%s", bad ? "accepted" : bad.error().what());
    bad = c.try_list("listConnectors", {{"limit", NAN}});
    CHECK(!bad && contains(bad.error().message(), "NaN"));
    auto badp = c.try_first_page("listConnections", {{"nope", 1}});
    CHECK(!badp && contains(badp.error().message(), "nope"));
    CHECK(s.requests() == before);
    // Options made wrong are refused at the step that uses them.
    auto step = again.try_next(openint::CallOptions::from_json("{}").timeout(1s));
    CHECK(!step && step.error().status() == Status::invalid_argument);
}

} // namespace

void cpp_suite_lists() {
    tk_run("cpp_range_for_every_item", guarded<test_range_for_every_item>);
    tk_run("cpp_error_thrown_at_the_failed_page", guarded<test_error_thrown_at_the_failed_page>);
    tk_run("cpp_break_frees_and_cancels_prefetch", guarded<test_break_frees_and_cancels_prefetch>);
    tk_run("cpp_pages", guarded<test_pages>);
    tk_run("cpp_cursor_steps", guarded<test_cursor_steps>);
}
