/*
 * Shared by the C++ tests of include/openint.hpp (test_cpp*.cpp): scenarios as RAII objects,
 * clients on a scenario, and the suites test_cpp.cpp's main runs. The harness is testkit's
 * (CHECK, tk_run, the test server), so the C++ runs report like the C ones.
 */
#ifndef OPENINT_CPP_TESTS_HPP
#define OPENINT_CPP_TESTS_HPP

#include <chrono>
#include <exception>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "checks.h"
#include "openint.hpp"
#include "testkit.h"

namespace cpptest {

/// A scenario of the test server, deleted with the object.
struct Scenario {
    tk_scenario s;
    explicit Scenario(const char *config = "{}") { new_scenario(config, &s); }
    ~Scenario() { tk_scenario_delete(&s); }
    Scenario(const Scenario &) = delete;
    Scenario &operator=(const Scenario &) = delete;
    int requests() const { return tk_scenario_request_count(&s); }
    /// The request log (cJSON array, deleted with the object).
    struct Log {
        cJSON *json;
        ~Log() { cJSON_Delete(json); }
        int size() const { return cJSON_GetArraySize(json); }
        const cJSON *operator[](int i) const { return cJSON_GetArrayItem(json, i); }
    };
    Log log() const { return Log{tk_scenario_requests(&s)}; }
};

/// Options for a client of `s` with its organization key.
inline openint::ClientOptions options_for(const Scenario &s) {
    return openint::ClientOptions().base_url(s.s.base_url).token(s.s.org_key).no_proxy();
}

inline bool contains(std::string_view s, std::string_view needle) { return s.find(needle) != std::string_view::npos; }

/// A JSON value's string member, or "" (parsed with cJSON).
inline std::string json_member(std::string_view json, const char *key) {
    cJSON *j = cJSON_ParseWithLength(json.data(), json.size());
    const char *v = tk_json_str(j, key);
    std::string out = v ? v : "";
    cJSON_Delete(j);
    return out;
}

inline void sleep_for(double seconds) {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

/// Waits (at most `timeout` seconds) until the scenario has logged `n` requests.
inline bool wait_requests(const Scenario &s, int n, double timeout) {
    double end = tk_now() + timeout;
    while (s.requests() < n) {
        if (tk_now() > end) return false;
        sleep_for(0.002);
    }
    return true;
}

/// Test `F`, with an exception it lets out recorded as a failure (not the end of the run).
template <void (*F)()> void guarded() {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
    try {
        F();
    } catch (const std::exception &e) {
        tk_fail(__FILE__, __LINE__, "unexpected exception: %s", e.what());
    }
#else
    F();
#endif
}

} // namespace cpptest

// The suites (each registers its tests with tk_run).
void cpp_suite_calls();   // test_cpp.cpp: clients, calls, the builder, errors, responses, handles
void cpp_suite_lists();   // test_cpp_lists.cpp: cursors, pages, errors mid-listing, early exits
void cpp_suite_control(); // test_cpp_control.cpp: cancel, loggers, threads, the C++ examples
void cpp_set_examples_dir(const char *dir);

#endif
