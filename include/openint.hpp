/*
 * openint.hpp: the C++17 layer over openint.h. Header-only: include it and link libopenint as
 * for C (`pkg-config --cflags --libs openint`). It adds no behaviour of its own: every request,
 * retry, page and error comes from the same C entry points a C program calls.
 *
 *     openint::Client client;                                    // OPENINT_API_KEY, OPENINT_BASE_URL
 *     for (std::string_view connector : client.list("listConnectors", {{"limit", 100}}))
 *         std::cout << connector << '\n';                        // the server's own JSON bytes
 *     openint::Response r = client.call("getConnection", {{"id", "conn_1"}, {"include_secrets", true}});
 *
 * Ownership
 *   Client, Response, Page, Cursor and Cancel each own one C handle (unique_ptr-style): they are
 *   move-only, free their handle in their destructor, and a moved-from object holds nothing
 *   (destroying it is a no-op; using it fails with Status::invalid_argument or reads as empty,
 *   never crashes).
 *   capi() lends the C handle, release() gives it up. Strings returned as std::string_view are
 *   borrowed from the object that returned them: a Response's or Page's until it is destroyed,
 *   a Cursor's item until the cursor's next step. ResponseView (a page's or cursor's answer)
 *   is borrowed the same way. Error and Result own what they hold and are copyable.
 *
 * Errors: two forms of every fallible operation, one code path
 *   - try_xxx(...) never throws: it returns openint::Result<T>, a small std::expected-like type
 *     ([[nodiscard]]; has_value(), operator bool, *, ->, value(), value_or(), error()). This is
 *     the whole API of a build with -fno-exceptions.
 *   - xxx(...) returns T or throws openint::Error (a std::runtime_error). It is
 *     try_xxx(...).value(), declared only when exceptions are enabled.
 *   Result::value() on an error throws that Error, or, without exceptions, prints it and
 *   aborts. An Error carries status() (the OpenintStatus kind), http_status(), code(),
 *   message(), request_id(), method(), url(), body(), retries(); what() is the one-line display
 *   (never the token). Bad input found here (a NUL byte in a string, NaN in a builder, options
 *   built from JSON and from the builder at once) is Status::invalid_argument before any request.
 *
 * Listings
 *   client.list(op, params) is a Cursor: an input range over every item of every page
 *   (range-for; its iterator throws the Error of the page that failed, at that page; iterating
 *   again retries that page). Leaving the loop early (break, return, an exception) destroys the
 *   cursor, which frees everything and cancels the pages prefetched in flight. Without
 *   exceptions, cursor.until_error() is the same range but stops at the error and keeps it in
 *   cursor.error(). Page by page: client.first_page(op, params), page.next(), or the range
 *   client.pages(op, params).
 *
 * Threads
 *   A Client may be used by many threads at once (its methods are const); destroy it only after
 *   every call on it has returned. Pages and cursors stay usable after their client is
 *   destroyed. A Page or Cursor is used by one thread at a time. Response, Error and Cancel may
 *   be read from any thread; Cancel::cancel() may be called from any thread while another is
 *   inside a call (keep the Cancel alive until both are done).
 *
 * Loggers
 *   client.set_logger(level, f) and openint::set_logger(level, f) take any callable
 *   f(openint::LogLevel, std::string_view target, std::string_view message), called from the
 *   thread that made the request (several at once: it must be thread-safe; an exception it
 *   throws is dropped; it must not set or clear a logger). The header owns the callable: it
 *   lives until it is replaced or cleared, or until the client and every page and cursor made
 *   from it are gone; replacing or clearing it waits for the callbacks running it to return, so
 *   once clear_logger() returns the callable is destroyed and never called again. A line
 *   logged after that (a cancelled prefetch finishing late) is dropped, never sent to freed
 *   memory.
 */
#ifndef OPENINT_HPP
#define OPENINT_HPP

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>

#include "openint.h"

#ifndef OPENINT_HPP_EXCEPTIONS
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#define OPENINT_HPP_EXCEPTIONS 1
#else
#define OPENINT_HPP_EXCEPTIONS 0
#endif
#endif

static_assert(OPENINT_ABI_VERSION == 1, "openint.hpp is written for ABI 1 of openint.h");

namespace openint {

// ---- statuses, levels, version -------------------------------------------------------------

/// The kind of an Error (OpenintStatus; the numbers are the C ABI's).
enum class Status : uint32_t {
    ok = OPENINT_STATUS_OK,
    invalid_argument = OPENINT_STATUS_INVALID_ARGUMENT,
    connection = OPENINT_STATUS_CONNECTION,
    timeout = OPENINT_STATUS_TIMEOUT,
    bad_request = OPENINT_STATUS_BAD_REQUEST,
    authentication = OPENINT_STATUS_AUTHENTICATION,
    permission_denied = OPENINT_STATUS_PERMISSION_DENIED,
    not_found = OPENINT_STATUS_NOT_FOUND,
    conflict = OPENINT_STATUS_CONFLICT,
    unprocessable_entity = OPENINT_STATUS_UNPROCESSABLE_ENTITY,
    rate_limited = OPENINT_STATUS_RATE_LIMITED,
    internal_server = OPENINT_STATUS_INTERNAL_SERVER,
    api_status = OPENINT_STATUS_API_STATUS,
    decode = OPENINT_STATUS_DECODE,
    body_too_large = OPENINT_STATUS_BODY_TOO_LARGE,
    internal = OPENINT_STATUS_INTERNAL,
    cancelled = OPENINT_STATUS_CANCELLED,
    protocol = OPENINT_STATUS_PROTOCOL,
    end = OPENINT_STATUS_END,
};

/// Log levels: a logger receives lines at its level and every more severe one.
enum class LogLevel : uint32_t {
    off = OPENINT_LOG_LEVEL_OFF,
    error = OPENINT_LOG_LEVEL_ERROR,
    warn = OPENINT_LOG_LEVEL_WARN,
    info = OPENINT_LOG_LEVEL_INFO,
    debug = OPENINT_LOG_LEVEL_DEBUG,
    trace = OPENINT_LOG_LEVEL_TRACE,
};

/// "ok", "not_found", ... (static text).
inline std::string_view status_name(Status s) noexcept { return openint_status_name(static_cast<uint32_t>(s)); }
/// The version of the library linked, e.g. "0.2.0".
inline std::string_view version() noexcept { return openint_version(); }
/// The operation table as JSON text (see openint_operations_json).
inline std::string_view operations_json() noexcept { return openint_operations_json(); }

namespace detail {
inline std::string_view view(const char *s) noexcept { return s ? std::string_view(s) : std::string_view(); }
inline std::optional<std::string_view> maybe(const char *s) noexcept {
    return s ? std::optional<std::string_view>(s) : std::nullopt;
}
template <class T, void (*Free)(T *)> struct Free_ {
    void operator()(T *p) const noexcept { Free(p); }
};
/// An owned C handle: freed once, by its own *_free, when the owner goes.
template <class T, void (*Free)(T *)> using Owned = std::unique_ptr<T, Free_<T, Free>>;
[[noreturn]] inline void fail_fast(const char *what, std::string_view why) noexcept {
    std::fprintf(stderr, "openint: %s: %.*s\n", what, static_cast<int>(why.size()), why.data());
    std::abort();
}
} // namespace detail

// ---- Error and Result ----------------------------------------------------------------------

/// An error of the library (or of bad input found by this header). Copies share one immutable
/// C error, so copying is cheap and any thread may read it. Absent parts read as empty views.
class Error : public std::runtime_error {
  public:
    /// Takes ownership of `raw` (an error from a failed C call that returned `status`).
    Error(OpenintStatus status, OpenintError *raw)
        : std::runtime_error(describe(status, raw)),
          status_(raw ? static_cast<Status>(openint_error_kind(raw)) : static_cast<Status>(status)) {
        if (raw) raw_.reset(raw, openint_error_free);
    }
    /// An error found on this side, before any request.
    Error(Status status, const std::string &message) : std::runtime_error(message), status_(status) {}

    Status status() const noexcept { return status_; }
    /// The HTTP status of an API status error, else 0.
    uint16_t http_status() const noexcept { return openint_error_http_status(raw_.get()); }
    /// The server's `message`, or a description of what was wrong.
    std::string_view message() const noexcept {
        return raw_ ? detail::view(openint_error_message(raw_.get())) : std::string_view(what());
    }
    /// The server's error `code` ("NOT_FOUND"), empty when absent.
    std::string_view code() const noexcept { return detail::view(openint_error_code(raw_.get())); }
    /// The error body (at most 64 KiB), empty when none.
    std::string_view body() const noexcept { return detail::view(openint_error_body(raw_.get())); }
    std::string_view request_id() const noexcept { return detail::view(openint_error_request_id(raw_.get())); }
    /// The first value of header `name` (any case) of an API status error's answer (say
    /// retry-after), or nullopt; other errors have none.
    std::optional<std::string_view> header(std::string_view name) const {
        if (!raw_ || name.find('\0') != std::string_view::npos) return std::nullopt;
        return detail::maybe(openint_error_header(raw_.get(), std::string(name).c_str()));
    }
    /// The method and URL of the failed request; empty when no request was made.
    std::string_view method() const noexcept { return detail::view(openint_error_method(raw_.get())); }
    std::string_view url() const noexcept { return detail::view(openint_error_url(raw_.get())); }
    uint32_t retries() const noexcept { return openint_error_retries(raw_.get()); }
    /// The whole error in one line (= what()): status and code, message, method and URL, ...
    std::string_view display() const noexcept { return what(); }
    /// The C error, NULL for errors found on this side. Lent: valid while this Error lives.
    const OpenintError *capi() const noexcept { return raw_.get(); }

  private:
    static const char *describe(OpenintStatus status, const OpenintError *raw) noexcept {
        const char *d = raw ? openint_error_display(raw) : nullptr;
        return d ? d : openint_status_name(status);
    }
    std::shared_ptr<OpenintError> raw_;
    Status status_;
};

inline std::ostream &operator<<(std::ostream &os, const Error &e) { return os << e.what(); }

/// Either a T or an Error: the result of every try_ operation (the shape of std::expected).
template <class T> class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

    bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    /// The value; on an error, throws it (or prints it and aborts without exceptions).
    T &value() & {
        check();
        return *std::get_if<0>(&v_);
    }
    const T &value() const & {
        check();
        return *std::get_if<0>(&v_);
    }
    /// By value from a temporary, so `for (auto x : client.try_list(...).value())` is safe.
    T value() && {
        check();
        return std::move(*std::get_if<0>(&v_));
    }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }
    T operator*() && { return std::move(*this).value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    template <class U> T value_or(U &&fallback) const & {
        return has_value() ? *std::get_if<0>(&v_) : static_cast<T>(std::forward<U>(fallback));
    }
    template <class U> T value_or(U &&fallback) && {
        return has_value() ? std::move(*std::get_if<0>(&v_)) : static_cast<T>(std::forward<U>(fallback));
    }
    /// The error. Calling it on a value is a bug: it aborts.
    const Error &error() const & {
        if (has_value()) detail::fail_fast("Result::error()", "called on a value");
        return *std::get_if<1>(&v_);
    }
    Error error() && { return static_cast<const Result &>(*this).error(); }

  private:
    void check() const {
        if (const Error *e = std::get_if<1>(&v_)) {
#if OPENINT_HPP_EXCEPTIONS
            throw *e;
#else
            detail::fail_fast("Result::value() on an error", e->what());
#endif
        }
    }
    std::variant<T, Error> v_;
};

/// Success or an Error.
template <> class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error error) : e_(std::move(error)) {}
    bool has_value() const noexcept { return !e_; }
    explicit operator bool() const noexcept { return has_value(); }
    void value() const {
        if (!e_) return;
#if OPENINT_HPP_EXCEPTIONS
        throw *e_;
#else
        detail::fail_fast("Result::value() on an error", e_->what());
#endif
    }
    const Error &error() const {
        if (!e_) detail::fail_fast("Result::error()", "called on a value");
        return *e_;
    }

  private:
    std::optional<Error> e_;
};

namespace detail {
inline Error invalid(std::string message) { return Error(Status::invalid_argument, message); }
/// Text crossing as a C string must not hold a NUL (C would cut it there).
inline std::optional<Error> nul_check(const char *what, std::string_view s) {
    if (s.find('\0') == std::string_view::npos) return std::nullopt;
    return invalid(std::string(what) + " contains a NUL byte");
}
/// Runs a C function that writes one handle on success; wraps the handle in H.
template <class H, class Raw, class F> Result<H> make(F &&f) {
    Raw *out = nullptr;
    OpenintError *err = nullptr;
    OpenintStatus st = f(&out, &err);
    if (st == OPENINT_STATUS_OK) return H(out);
    return Error(st, err);
}
} // namespace detail

// ---- JSON builder ----------------------------------------------------------------------------

class Object;
class Array;

/// One JSON value, rendered: null, a boolean, a number, a string (escaped here), an Object, an
/// Array, or raw JSON text (Json::raw). NaN and infinities have no JSON form: the call that
/// receives them fails with Status::invalid_argument before any request.
class Json {
  public:
    Json(std::nullptr_t) : text_("null") {}
    Json(bool b) : text_(b ? "true" : "false") {}
    template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool> && !std::is_same_v<I, char>,
                                        int> = 0>
    Json(I i) {
        char buf[24];
        auto r = std::to_chars(buf, buf + sizeof buf, i);
        text_.assign(buf, r.ptr);
    }
    template <class F, std::enable_if_t<std::is_floating_point_v<F>, int> = 0> Json(F f) {
        double d = static_cast<double>(f);
        if (!std::isfinite(d)) {
            problem_ = std::isnan(d) ? "NaN is not a JSON number" : "infinity is not a JSON number";
            return;
        }
        char buf[32]; // the shortest text that reads back as the same double, in any locale
        auto r = std::to_chars(buf, buf + sizeof buf, d);
        text_.assign(buf, r.ptr);
    }
    Json(const char *s) {
        if (s) quote(s);
        else text_ = "null";
    }
    Json(std::string_view s) { quote(s); }
    Json(const std::string &s) { quote(s); }
    Json(char) = delete;                           // a character is not a number: pass a string
    template <class T> Json(const T *) = delete;   // nor is a pointer a boolean
    Json(const Object &o);
    Json(const Array &a);

    /// JSON text used as is (the core checks it), e.g. a body rendered by your JSON library.
    static Json raw(std::string_view json) {
        Json j(nullptr);
        j.text_.assign(json.data(), json.size());
        if (json.find('\0') != std::string_view::npos) j.problem_ = "raw JSON contains a NUL byte";
        return j;
    }

    const std::string &text() const noexcept { return text_; }
    /// Why this value cannot be sent; empty when it can.
    const std::string &problem() const noexcept { return problem_; }

    /// `s` as a JSON string: quotes, backslashes and control characters escaped; other bytes
    /// (UTF-8) as they are.
    static void append_quoted(std::string &out, std::string_view s) {
        static const char hex[] = "0123456789abcdef";
        out += '"';
        for (char ch : s) {
            auto c = static_cast<unsigned char>(ch);
            switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (c < 0x20) {
                    const char esc[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                    out.append(esc, sizeof esc);
                } else {
                    out += ch;
                }
            }
        }
        out += '"';
    }

  private:
    void quote(std::string_view s) { append_quoted(text_, s); }
    std::string text_;
    std::string problem_;
    friend class Object;
    friend class Array;
};

/// A JSON object under construction: `Object{{"id", "conn_1"}, {"include_secrets", true}}` or
/// `Object().set("limit", 100)`. Members keep their order; set() appends without looking for
/// an earlier member of the same name (the library then reads the last one).
class Object {
  public:
    Object() = default;
    Object(std::initializer_list<std::pair<std::string_view, Json>> members) {
        for (const auto &m : members) set(m.first, m.second);
    }
    Object &set(std::string_view key, const Json &value) & {
        if (!body_.empty()) body_ += ',';
        Json::append_quoted(body_, key);
        body_ += ':';
        body_ += value.text_;
        if (problem_.empty() && !value.problem_.empty()) {
            problem_ = "\"";
            problem_.append(key.data(), key.size());
            problem_ += "\": " + value.problem_;
        }
        return *this;
    }
    Object &&set(std::string_view key, const Json &value) && { return std::move(set(key, value)); }
    bool empty() const noexcept { return body_.empty(); }
    /// The object's JSON text.
    std::string text() const { return "{" + body_ + "}"; }
    const std::string &problem() const noexcept { return problem_; }

  private:
    std::string body_;
    std::string problem_;
};

/// A JSON array under construction: `Array{"schemas"}` or `Array().push(1).push("two")`.
class Array {
  public:
    Array() = default;
    Array(std::initializer_list<Json> items) {
        for (const auto &i : items) push(i);
    }
    Array &push(const Json &value) & {
        if (!body_.empty()) body_ += ',';
        body_ += value.text_;
        if (problem_.empty() && !value.problem_.empty()) problem_ = "an array item: " + value.problem_;
        return *this;
    }
    Array &&push(const Json &value) && { return std::move(push(value)); }
    std::string text() const { return "[" + body_ + "]"; }
    const std::string &problem() const noexcept { return problem_; }

  private:
    std::string body_;
    std::string problem_;
};

inline Json::Json(const Object &o) : text_(o.text()), problem_(o.problem()) {}
inline Json::Json(const Array &a) : text_(a.text()), problem_(a.problem()) {}

/// The parameters of a call, by name (path, query and body alike): none, JSON object text
/// (`R"({"id":"conn_1"})"`), or an Object (`{{"id", "conn_1"}}`).
class Params {
  public:
    Params() = default;
    Params(std::nullptr_t) {}
    Params(const char *json) : Params(detail::view(json)) { none_ = json == nullptr; }
    Params(std::string_view json) : text_(json), none_(false) {
        if (json.find('\0') != std::string_view::npos) problem_ = "the JSON text contains a NUL byte";
    }
    Params(const std::string &json) : Params(std::string_view(json)) {}
    Params(const Object &o) : text_(o.text()), problem_(o.problem()), none_(false) {}
    Params(std::initializer_list<std::pair<std::string_view, Json>> members) : Params(Object(members)) {}

    /// NULL for none, else the JSON text.
    const char *c_str() const noexcept { return none_ ? nullptr : text_.c_str(); }
    const std::string &problem() const noexcept { return problem_; }

  private:
    std::string text_;
    std::string problem_;
    bool none_ = true;
};

namespace detail {
template <class R, class P> double seconds(std::chrono::duration<R, P> d) {
    return std::chrono::duration<double>(d).count();
}
/// An options object: set by a builder (top-level members, plus up to three objects of
/// members such as extra_headers), or given as JSON text, not both.
class OptionsText {
  public:
    bool empty() const noexcept {
        if (raw_ || !top_.empty()) return false;
        for (const Object &o : sub_)
            if (!o.empty()) return false;
        return true;
    }
    /// Why these options cannot be used; empty when they can.
    const std::string &problem() const noexcept {
        if (!problem_.empty()) return problem_;
        for (const Object &o : sub_)
            if (!o.problem().empty()) return o.problem();
        return top_.problem();
    }
    /// The options' JSON text; empty for none.
    std::string text() const {
        if (raw_) return *raw_;
        Object all = top_;
        for (size_t i = 0; i < 3; i++)
            if (!sub_[i].empty()) all.set(sub_name_[i], sub_[i]);
        return all.empty() ? std::string() : all.text();
    }

  protected:
    OptionsText(const char *sub0, const char *sub1, const char *sub2) : sub_name_{sub0, sub1, sub2} {}
    void set(std::string_view key, const Json &value) {
        conflict(key);
        top_.set(key, value);
    }
    void set_in(size_t sub, std::string_view name, const Json &value) {
        conflict(sub_name_[sub]);
        sub_[sub].set(name, value);
    }
    void set_raw(std::string json) {
        if (json.find('\0') != std::string::npos) problem_ = "the options JSON contains a NUL byte";
        raw_ = std::move(json);
    }

  private:
    void conflict(std::string_view key) {
        if (raw_ && problem_.empty())
            problem_ = "options made from JSON text cannot also be set one by one (" + std::string(key) + ")";
    }
    Object top_;
    Object sub_[3];
    const char *sub_name_[3];
    std::optional<std::string> raw_;
    std::string problem_;
};
} // namespace detail

// ---- Cancel --------------------------------------------------------------------------------

/// A cancel handle: fire it with cancel() from any thread to stop every call made with it
/// (CallOptions::cancel); they fail with Status::cancelled within milliseconds. A fired handle
/// stays fired. Calls keep what they need, so destroying it early is safe.
class Cancel {
  public:
    Cancel() {
        OpenintCancel *c = nullptr;
        if (openint_cancel_new(&c, nullptr) == OPENINT_STATUS_OK) h_.reset(c);
    }
    explicit Cancel(OpenintCancel *adopt) noexcept : h_(adopt) {}
    void cancel() const noexcept { openint_cancel(h_.get()); }
    bool is_cancelled() const noexcept { return openint_cancel_is_cancelled(h_.get()); }
    const OpenintCancel *capi() const noexcept { return h_.get(); }
    OpenintCancel *release() noexcept { return h_.release(); }

  private:
    detail::Owned<OpenintCancel, openint_cancel_free> h_;
};

// ---- options ---------------------------------------------------------------------------------

/// Client options (see openint_client_new): a builder, or ClientOptions::from_json(text).
/// Defaults come from the environment (OPENINT_API_KEY, OPENINT_BASE_URL, proxies). It holds
/// the token: keep its text() out of logs.
class ClientOptions : public detail::OptionsText {
  public:
    ClientOptions() : OptionsText("default_headers", "", "") {}
    static ClientOptions from_json(std::string json) {
        ClientOptions o;
        o.set_raw(std::move(json));
        return o;
    }
    ClientOptions &token(std::string_view t) { return put("token", t); }
    /// The API root, version included (https://api.openint.dev/v1).
    ClientOptions &base_url(std::string_view url) { return put("base_url", url); }
    /// Per attempt (default 60 s).
    template <class R, class P> ClientOptions &timeout(std::chrono::duration<R, P> d) {
        return put("timeout", detail::seconds(d));
    }
    template <class R, class P> ClientOptions &connect_timeout(std::chrono::duration<R, P> d) {
        return put("connect_timeout", detail::seconds(d));
    }
    /// Per call, across retries (default none).
    template <class R, class P> ClientOptions &total_timeout(std::chrono::duration<R, P> d) {
        return put("total_timeout", detail::seconds(d));
    }
    ClientOptions &max_retries(uint32_t n) { return put("max_retries", n); }
    ClientOptions &max_body_bytes(uint64_t n) { return put("max_body_bytes", n); }
    /// A header sent with every request.
    ClientOptions &header(std::string_view name, std::string_view value) {
        set_in(0, name, value);
        return *this;
    }
    ClientOptions &tls_ca_file(std::string_view path) { return put("tls_ca_file", path); }
    ClientOptions &tls_ca_pem(std::string_view pem) { return put("tls_ca_pem", pem); }
    /// "system" (default) or "webpki".
    ClientOptions &tls_roots(std::string_view roots) { return put("tls_roots", roots); }
    ClientOptions &tls_client_cert_file(std::string_view path) { return put("tls_client_cert_file", path); }
    ClientOptions &tls_client_cert_pem(std::string_view pem) { return put("tls_client_cert_pem", pem); }
    ClientOptions &tls_client_key_file(std::string_view path) { return put("tls_client_key_file", path); }
    ClientOptions &tls_client_key_pem(std::string_view pem) { return put("tls_client_key_pem", pem); }
    /// A proxy URL ("http://user:pass@host:3128").
    ClientOptions &proxy(std::string_view url) { return put("proxy", url); }
    /// No proxy, whatever the environment says.
    ClientOptions &no_proxy() { return put("proxy", false); }
    /// Pages a listing keeps in flight (1 to 64; default 1).
    ClientOptions &prefetch(uint32_t pages) { return put("prefetch", pages); }

  private:
    ClientOptions &put(std::string_view key, const Json &value) {
        set(key, value);
        return *this;
    }
};

/// Per-call options (see openint_client_call_with): for one call, one listing (every page it
/// fetches), or one page or cursor step. A builder, or CallOptions::from_json(text); cancel()
/// goes with either.
class CallOptions : public detail::OptionsText {
  public:
    CallOptions() : OptionsText("extra_headers", "extra_query", "extra_body") {}
    static CallOptions from_json(std::string json) {
        CallOptions o;
        o.set_raw(std::move(json));
        return o;
    }
    /// The deadline of the whole call, retries included.
    template <class R, class P> CallOptions &timeout(std::chrono::duration<R, P> d) {
        return put("timeout", detail::seconds(d));
    }
    CallOptions &max_retries(uint32_t n) { return put("max_retries", n); }
    /// Adds or replaces a header for this call.
    CallOptions &header(std::string_view name, std::string_view value) { return sub(0, name, value); }
    /// Removes a header (a default one, or one the library sends).
    CallOptions &remove_header(std::string_view name) { return sub(0, name, nullptr); }
    /// Allows an Authorization header above (refused otherwise).
    CallOptions &allow_authorization_header(bool allow = true) { return put("allow_authorization_header", allow); }
    CallOptions &query(std::string_view name, const Json &value) { return sub(1, name, value); }
    /// A member merged into the JSON body.
    CallOptions &body(std::string_view name, const Json &value) { return sub(2, name, value); }
    /// true: retry like a GET even a POST that creates something; false: never such a retry.
    CallOptions &retry_unsafe(bool retry) { return put("retry_unsafe", retry); }
    CallOptions &prefetch(uint32_t pages) { return put("prefetch", pages); }
    /// Stops the call (a listing: every page it fetches) when `c` is fired. These options point
    /// at `c`: it must outlive the start of each call made with them (a call once started, or
    /// a cursor once made, keeps what it needs).
    CallOptions &cancel(const Cancel &c) {
        cancel_ = c.capi();
        return *this;
    }
    const OpenintCancel *cancel_handle() const noexcept { return cancel_; }

  private:
    CallOptions &put(std::string_view key, const Json &value) {
        set(key, value);
        return *this;
    }
    CallOptions &sub(size_t which, std::string_view name, const Json &value) {
        set_in(which, name, value);
        return *this;
    }
    const OpenintCancel *cancel_ = nullptr;
};

namespace detail {
/// The C form of options: NULL for none, else the text (kept alive by this object).
struct COptions {
    std::string text;
    std::optional<Error> error;
    explicit COptions(const CallOptions &o) : text(o.text()) {
        if (!o.problem().empty()) error = invalid("options: " + o.problem());
    }
    const char *get() const noexcept { return text.empty() ? nullptr : text.c_str(); }
};
/// The first problem of an operation name, its parameters and its options, if any.
inline std::optional<Error> check_call(const char *what, std::string_view name, const Params &params,
                                       const COptions &opts, const char *params_what = "params") {
    if (auto e = nul_check(what, name)) return e;
    if (!params.problem().empty())
        return invalid(std::string(name) + ": " + params_what + ": " + params.problem());
    return opts.error;
}
} // namespace detail

// ---- responses -------------------------------------------------------------------------------

/// One response header; names are lowercase.
struct Header {
    std::string_view name;
    std::string_view value;
};

/// The headers of a response in arrival order (a repeated name appears once per line).
class Headers {
  public:
    explicit Headers(const OpenintResponse *r) noexcept : r_(r), n_(openint_response_header_count(r)) {}
    size_t size() const noexcept { return n_; }
    Header operator[](size_t i) const noexcept {
        const char *name = nullptr, *value = nullptr;
        if (!openint_response_header_at(r_, i, &name, &value)) return Header{};
        return Header{detail::view(name), detail::view(value)};
    }
    class iterator {
      public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = Header;
        using difference_type = std::ptrdiff_t;
        using pointer = const Header *;
        using reference = Header;
        iterator() = default;
        iterator(const Headers *h, size_t i) : h_(h), i_(i) {}
        Header operator*() const noexcept { return (*h_)[i_]; }
        iterator &operator++() noexcept {
            ++i_;
            return *this;
        }
        iterator operator++(int) noexcept { iterator t = *this; ++i_; return t; }
        bool operator==(const iterator &o) const noexcept { return i_ == o.i_; }
        bool operator!=(const iterator &o) const noexcept { return i_ != o.i_; }

      private:
        const Headers *h_ = nullptr;
        size_t i_ = 0;
    };
    iterator begin() const noexcept { return iterator(this, 0); }
    iterator end() const noexcept { return iterator(this, n_); }

  private:
    const OpenintResponse *r_;
    size_t n_;
};

namespace detail {
/// The accessors of a response, owned (Response) or lent (ResponseView).
template <class D> class ResponseAccess {
  public:
    /// The HTTP status (0 for an empty object).
    uint16_t status() const noexcept { return openint_response_status(raw()); }
    /// The JSON body as the server sent it (empty for a cursor's answer).
    std::string_view body() const noexcept {
        size_t n = 0;
        const char *b = openint_response_body(raw(), &n);
        return b ? std::string_view(b, n) : std::string_view();
    }
    /// The first value of header `name` (any case), or nullopt.
    std::optional<std::string_view> header(std::string_view name) const {
        if (name.find('\0') != std::string_view::npos) return std::nullopt;
        return maybe(openint_response_header(raw(), std::string(name).c_str()));
    }
    Headers headers() const noexcept { return Headers(raw()); }
    /// The x-request-id (or request-id) header, or nullopt.
    std::optional<std::string_view> request_id() const noexcept { return maybe(openint_response_request_id(raw())); }
    /// Retries made before this answer.
    uint32_t retries() const noexcept { return openint_response_retries(raw()); }

  private:
    const OpenintResponse *raw() const noexcept { return static_cast<const D *>(this)->capi(); }
};
} // namespace detail

/// A response lent by a Page or a Cursor: valid until the page is destroyed (a cursor: until
/// its next step). Copyable: it is only a view.
class ResponseView : public detail::ResponseAccess<ResponseView> {
  public:
    explicit ResponseView(const OpenintResponse *r) noexcept : r_(r) {}
    const OpenintResponse *capi() const noexcept { return r_; }

  private:
    const OpenintResponse *r_;
};

/// The answer to a call: status, headers, request id, retries and the JSON body.
class Response : public detail::ResponseAccess<Response> {
  public:
    explicit Response(OpenintResponse *adopt) noexcept : h_(adopt) {}
    ResponseView view() const noexcept { return ResponseView(h_.get()); }
    const OpenintResponse *capi() const noexcept { return h_.get(); }
    OpenintResponse *release() noexcept { return h_.release(); }

  private:
    detail::Owned<OpenintResponse, openint_response_free> h_;
};

// ---- loggers ---------------------------------------------------------------------------------

namespace detail {
using LogFn = std::function<void(LogLevel, std::string_view, std::string_view)>;

/// Every callable installed through this header, by a number that is never reused. The C side
/// gets the number, not a pointer: a line that arrives after its logger was removed (from a
/// prefetch thread the library let finish on its own) finds nothing and is dropped.
struct LogRegistry {
    std::shared_mutex mu;
    std::unordered_map<uintptr_t, LogFn> sinks;
    uintptr_t next = 2; // 1 is the process-wide logger

    /// Never destroyed: such a late line may come after static destructors ran.
    static LogRegistry &get() {
        static LogRegistry *r = new LogRegistry;
        return *r;
    }
};
/// Set while this thread runs a logger: a line logged from inside it (the registry lock is
/// already held for reading) must not lock again.
inline thread_local int log_depth = 0;

inline void log_trampoline(void *user_data, uint32_t level, const char *target, const char *message) {
    LogRegistry &r = LogRegistry::get();
    std::shared_lock<std::shared_mutex> lock(r.mu, std::defer_lock);
    if (log_depth == 0) lock.lock();
    auto it = r.sinks.find(reinterpret_cast<uintptr_t>(user_data));
    if (it == r.sinks.end() || !it->second) return;
    ++log_depth;
#if OPENINT_HPP_EXCEPTIONS
    try { // nothing may unwind into the library
        it->second(static_cast<LogLevel>(level), view(target), view(message));
    } catch (...) {
    }
#else
    it->second(static_cast<LogLevel>(level), view(target), view(message));
#endif
    --log_depth;
}

/// Replaces (or with an empty fn, removes) logger `id`'s callable. The old one is destroyed
/// under the write lock: no callback is running it then, and none will again.
inline void log_store(uintptr_t id, LogFn fn) {
    LogRegistry &r = LogRegistry::get();
    LogFn old; // destroyed after the lock is released (its destructor may do anything)
    std::unique_lock<std::shared_mutex> lock(r.mu);
    auto it = r.sinks.find(id);
    if (it != r.sinks.end()) {
        old = std::move(it->second);
        if (fn) it->second = std::move(fn);
        else r.sinks.erase(it);
    } else if (fn) {
        r.sinks.emplace(id, std::move(fn));
    }
    lock.unlock();
}

/// Any callable as a LogFn; a move-only one is kept behind a shared pointer.
template <class F> LogFn to_log_fn(F &&f) {
    using D = std::decay_t<F>;
    if constexpr (std::is_same_v<D, std::nullptr_t>) {
        return LogFn();
    } else if constexpr (std::is_copy_constructible_v<D>) {
        return LogFn(std::forward<F>(f)); // an empty std::function or a null pointer stays empty
    } else {
        auto p = std::make_shared<D>(std::forward<F>(f));
        return LogFn([p](LogLevel l, std::string_view t, std::string_view m) { (*p)(l, t, m); });
    }
}

/// A client's logger number, shared by the client and every page and cursor made from it
/// (they log through the client's logger): the callable goes when the last of them goes.
class LogSlot {
  public:
    LogSlot() {
        LogRegistry &r = LogRegistry::get();
        std::unique_lock<std::shared_mutex> lock(r.mu);
        id = r.next++;
    }
    ~LogSlot() { log_store(id, nullptr); }
    LogSlot(const LogSlot &) = delete;
    LogSlot &operator=(const LogSlot &) = delete;
    uintptr_t id;
};
using Keep = std::shared_ptr<LogSlot>;

/// Installs `f` at `level` through `install(level, callback, user_data, err)`.
template <class F, class Install> Result<void> set_logger(uintptr_t id, LogLevel level, F &&f, Install install) {
    LogFn fn = to_log_fn(std::forward<F>(f));
    bool on = fn && level != LogLevel::off;
    OpenintError *err = nullptr;
    // Installed first, then stored: lines between the two reach the old callable or none.
    OpenintStatus st = install(static_cast<uint32_t>(level), on ? &log_trampoline : nullptr,
                               reinterpret_cast<void *>(id), &err);
    if (st != OPENINT_STATUS_OK) return Error(st, err);
    log_store(id, on ? std::move(fn) : LogFn());
    return {};
}
} // namespace detail

/// Installs the process-wide logger (for every client without its own): any callable
/// f(LogLevel, std::string_view target, std::string_view message). LogLevel::off or an empty
/// callable removes it (then OPENINT_LOG, if set, logs to stderr).
template <class F> Result<void> try_set_logger(LogLevel level, F &&f) {
    return detail::set_logger(1, level, std::forward<F>(f), [](uint32_t l, OpenintLogCallback cb, void *ud,
                                                                OpenintError **err) {
        return openint_set_logger(l, cb, ud, err);
    });
}
inline Result<void> try_clear_logger() { return try_set_logger(LogLevel::off, detail::LogFn()); }
#if OPENINT_HPP_EXCEPTIONS
template <class F> void set_logger(LogLevel level, F &&f) { try_set_logger(level, std::forward<F>(f)).value(); }
inline void clear_logger() { try_clear_logger().value(); }
#endif

// ---- pages and cursors -------------------------------------------------------------------------

/// One page of a listing: its items (the server's JSON bytes), the envelope's numbers, its
/// answer, and next(). Stays usable after its client is destroyed.
class Page {
  public:
    explicit Page(OpenintPage *adopt, detail::Keep keep = nullptr) noexcept : keep_(std::move(keep)), h_(adopt) {}

    size_t size() const noexcept {
        size_t n = 0;
        return openint_page_item_count(h_.get(), &n, nullptr) == OPENINT_STATUS_OK ? n : 0;
    }
    bool empty() const noexcept { return size() == 0; }
    /// Item `i` (i < size(); an empty view otherwise).
    std::string_view operator[](size_t i) const noexcept {
        const char *item = nullptr;
        size_t len = 0;
        if (openint_page_item(h_.get(), i, &item, &len, nullptr) != OPENINT_STATUS_OK) return {};
        return std::string_view(item, len);
    }
    /// Item `i`, or an error naming the index.
    Result<std::string_view> try_at(size_t i) const {
        const char *item = nullptr;
        size_t len = 0;
        OpenintError *err = nullptr;
        OpenintStatus st = openint_page_item(h_.get(), i, &item, &len, &err);
        if (st != OPENINT_STATUS_OK) return Error(st, err);
        return std::string_view(item, len);
    }
    /// The whole page JSON as the server sent it.
    std::string_view json() const noexcept {
        const char *j = nullptr;
        size_t len = 0;
        if (openint_page_json(h_.get(), &j, &len, nullptr) != OPENINT_STATUS_OK) return {};
        return std::string_view(j, len);
    }
    /// `total` as sent (on GET /connector it is this page's length: never a count of pages).
    std::optional<int64_t> total() const noexcept { return number(openint_page_total); }
    /// `limit` as echoed.
    std::optional<int64_t> limit() const noexcept { return number(openint_page_limit); }
    int64_t offset() const noexcept { return number(openint_page_offset).value_or(0); }
    /// Whether another page may follow (decided by the library, not the server's flag).
    bool has_next() const noexcept {
        bool b = false;
        return openint_page_has_next(h_.get(), &b, nullptr) == OPENINT_STATUS_OK && b;
    }
    /// The page's HTTP answer, lent while this page lives.
    ResponseView response() const noexcept { return ResponseView(openint_page_response(h_.get())); }

    /// The next page, nullopt when the listing is over. `opts` (empty: the listing's own) for
    /// this fetch; this page stays valid.
    Result<std::optional<Page>> try_next(const CallOptions &opts = {}) const {
        detail::COptions o(opts);
        if (o.error) return *o.error;
        OpenintPage *next = nullptr;
        OpenintError *err = nullptr;
        OpenintStatus st = openint_page_next_with(h_.get(), o.get(), opts.cancel_handle(), &next, &err);
        if (st == OPENINT_STATUS_END) return std::optional<Page>();
        if (st != OPENINT_STATUS_OK) return Error(st, err);
        return std::optional<Page>(Page(next, keep_));
    }
#if OPENINT_HPP_EXCEPTIONS
    std::optional<Page> next(const CallOptions &opts = {}) const { return try_next(opts).value(); }
    std::string_view at(size_t i) const { return try_at(i).value(); }
#endif

    class iterator {
      public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = std::string_view;
        using difference_type = std::ptrdiff_t;
        using pointer = const std::string_view *;
        using reference = std::string_view;
        iterator() = default;
        iterator(const Page *p, size_t i) : p_(p), i_(i) {}
        std::string_view operator*() const noexcept { return (*p_)[i_]; }
        iterator &operator++() noexcept {
            ++i_;
            return *this;
        }
        iterator operator++(int) noexcept { iterator t = *this; ++i_; return t; }
        bool operator==(const iterator &o) const noexcept { return i_ == o.i_; }
        bool operator!=(const iterator &o) const noexcept { return i_ != o.i_; }

      private:
        const Page *p_ = nullptr;
        size_t i_ = 0;
    };
    iterator begin() const noexcept { return iterator(this, 0); }
    iterator end() const noexcept { return iterator(this, size()); }

    const OpenintPage *capi() const noexcept { return h_.get(); }
    OpenintPage *release() noexcept { return h_.release(); }

  private:
    std::optional<int64_t> number(OpenintStatus (*get)(const OpenintPage *, int64_t *, OpenintError **)) const noexcept {
        int64_t v = -1;
        if (get(h_.get(), &v, nullptr) != OPENINT_STATUS_OK || v < 0) return std::nullopt;
        return v;
    }
    detail::Keep keep_; // declared first: the page is freed before its logger can go
    detail::Owned<OpenintPage, openint_page_free> h_;
};

#if OPENINT_HPP_EXCEPTIONS
/// The pages of a listing as a range: `for (const Page &page : client.pages(...))`. An error
/// fetching a page is thrown from the iterator.
class Pages {
  public:
    Pages(Page first, CallOptions opts) : cur_(std::move(first)), opts_(std::move(opts)) {}
    struct sentinel {};
    class iterator {
      public:
        using iterator_category = std::input_iterator_tag;
        using value_type = Page;
        using difference_type = std::ptrdiff_t;
        using pointer = const Page *;
        using reference = const Page &;
        explicit iterator(Pages *p) : p_(p) {}
        const Page &operator*() const { return *p_->cur_; }
        const Page *operator->() const { return &*p_->cur_; }
        iterator &operator++() {
            std::optional<Page> next = p_->cur_->next(p_->opts_);
            p_->cur_ = std::move(next); // the previous page is freed here
            return *this;
        }
        bool operator==(sentinel) const noexcept { return !p_->cur_; }
        bool operator!=(sentinel) const noexcept { return bool(p_->cur_); }

      private:
        Pages *p_;
    };
    iterator begin() & { return iterator(this); }
    sentinel end() & { return {}; }

  private:
    std::optional<Page> cur_;
    CallOptions opts_;
};
#endif

/// Every item of a listing, across pages, one at a time (the item is lent until the next
/// step). An input range; see the file's comment for errors and early exits.
class Cursor {
  public:
    explicit Cursor(OpenintCursor *adopt, detail::Keep keep = nullptr) noexcept : keep_(std::move(keep)), h_(adopt) {}

    /// The next item, nullopt after the last. On an error, calling again retries that page.
    /// `opts` (empty: the cursor's own) apply to a page fetch this step makes.
    Result<std::optional<std::string_view>> try_next() {
        const char *item = nullptr;
        size_t len = 0;
        OpenintError *err = nullptr;
        OpenintStatus st = openint_cursor_next(h_.get(), 0, &item, &len, &err);
        return step(st, item, len, err);
    }
    Result<std::optional<std::string_view>> try_next(const CallOptions &opts) {
        detail::COptions o(opts);
        if (o.error) return *o.error;
        const char *item = nullptr;
        size_t len = 0;
        OpenintError *err = nullptr;
        OpenintStatus st = openint_cursor_next_with(h_.get(), o.get(), opts.cancel_handle(), &item, &len, &err);
        return step(st, item, len, err);
    }
#if OPENINT_HPP_EXCEPTIONS
    std::optional<std::string_view> next() { return try_next().value(); }
    std::optional<std::string_view> next(const CallOptions &opts) { return try_next(opts).value(); }
#endif
    /// The answer of the page the last item came from (its body is empty), lent until the
    /// next step; status() 0 before the first item.
    ResponseView response() const noexcept { return ResponseView(openint_cursor_response(h_.get())); }

    /// The error that ended the last until_error() loop; nullptr if it ran to the end.
    const Error *error() const noexcept { return error_ ? &*error_ : nullptr; }

    struct sentinel {};
    /// The iterator of both ranges: `Throw` throws the error, else it is kept in error().
    template <bool Throw> class basic_iterator {
      public:
        using iterator_category = std::input_iterator_tag;
        using value_type = std::string_view;
        using difference_type = std::ptrdiff_t;
        using pointer = const std::string_view *;
        using reference = std::string_view;
        explicit basic_iterator(Cursor *c) : c_(c) { ++*this; }
        std::string_view operator*() const noexcept { return item_; }
        basic_iterator &operator++() {
            auto r = c_->try_next();
            if (r.has_value()) {
                done_ = !r->has_value();
                if (!done_) item_ = **r;
                return *this;
            }
            done_ = true;
#if OPENINT_HPP_EXCEPTIONS
            if constexpr (Throw) throw std::move(r).error();
#endif
            c_->error_ = std::move(r).error();
            return *this;
        }
        bool operator==(sentinel) const noexcept { return done_; }
        bool operator!=(sentinel) const noexcept { return !done_; }

      private:
        Cursor *c_;
        std::string_view item_;
        bool done_ = false;
    };

#if OPENINT_HPP_EXCEPTIONS
    using iterator = basic_iterator<true>;
    /// Fetches the first item (or retries the page that failed last time).
    iterator begin() & { return iterator(this); }
    sentinel end() & { return {}; }
#endif

    /// The range that does not throw: it stops at an error, which error() then holds.
    class UntilError {
      public:
        explicit UntilError(Cursor *c) : c_(c) {}
        basic_iterator<false> begin() {
            c_->error_.reset();
            return basic_iterator<false>(c_);
        }
        sentinel end() { return {}; }

      private:
        Cursor *c_;
    };
    /// Only on a named cursor: check error() after the loop.
    UntilError until_error() & { return UntilError(this); }
    UntilError until_error() && = delete;

    OpenintCursor *capi() const noexcept { return h_.get(); }
    OpenintCursor *release() noexcept { return h_.release(); }

  private:
    static Result<std::optional<std::string_view>> step(OpenintStatus st, const char *item, size_t len,
                                                        OpenintError *err) {
        if (st == OPENINT_STATUS_OK) return std::optional<std::string_view>(std::string_view(item, len));
        if (st == OPENINT_STATUS_END) return std::optional<std::string_view>();
        return Error(st, err);
    }
    detail::Keep keep_; // declared first: the cursor is freed before its logger can go
    detail::Owned<OpenintCursor, openint_cursor_free> h_;
    std::optional<Error> error_;
};

// ---- Client ----------------------------------------------------------------------------------

/// A client: every operation by id, listings, the raw request, its logger. Thread-safe.
class Client {
  public:
    /// A client with `options`; without exceptions use try_create.
    static Result<Client> try_create(const ClientOptions &options = {}) {
        if (openint_abi_version() != OPENINT_ABI_VERSION)
            return detail::invalid("libopenint has ABI " + std::to_string(openint_abi_version()) +
                                   ", openint.hpp needs " + std::to_string(OPENINT_ABI_VERSION));
        if (!options.problem().empty()) return detail::invalid("client options: " + options.problem());
        std::string text = options.text();
        return detail::make<Client, OpenintClient>([&](OpenintClient **out, OpenintError **err) {
            return openint_client_new(text.empty() ? nullptr : text.c_str(), out, err);
        });
    }
#if OPENINT_HPP_EXCEPTIONS
    explicit Client(const ClientOptions &options = {}) : Client(try_create(options).value()) {}
#endif
    explicit Client(OpenintClient *adopt) : keep_(std::make_shared<detail::LogSlot>()), h_(adopt) {}

    /// Calls operation `op` ("getConnection", ...; see operations_json()) with its parameters by
    /// name. A list operation answers its first page's JSON.
    Result<Response> try_call(std::string_view op, const Params &params = {}, const CallOptions &opts = {}) const {
        detail::COptions o(opts);
        if (auto e = detail::check_call("the operation name", op, params, o)) return *e;
        std::string name(op);
        return detail::make<Response, OpenintResponse>([&](OpenintResponse **out, OpenintError **err) {
            return openint_client_call_with(h_.get(), name.c_str(), params.c_str(), o.get(), opts.cancel_handle(), out,
                                            err);
        });
    }
    /// The raw request, for endpoints the table does not know yet: `method` ("GET", "POST",
    /// "PUT", "DELETE"), `path` under the base URL (URL-encoded), `query` and `body` objects.
    Result<Response> try_request(std::string_view method, std::string_view path, const Params &query = {},
                                 const Params &body = {}, const CallOptions &opts = {}) const {
        detail::COptions o(opts);
        if (auto e = detail::check_call("the method", method, query, o, "query")) return *e;
        if (auto e = detail::check_call("the path", path, body, o, "body")) return *e;
        std::string m(method), p(path);
        return detail::make<Response, OpenintResponse>([&](OpenintResponse **out, OpenintError **err) {
            return openint_client_request(h_.get(), m.c_str(), p.c_str(), query.c_str(), body.c_str(), o.get(),
                                          opts.cancel_handle(), out, err);
        });
    }
    /// Every item of list operation `op`. Validated now; the first page is fetched by the
    /// first step. `opts` apply to every page.
    Result<Cursor> try_list(std::string_view op, const Params &params = {}, const CallOptions &opts = {}) const {
        detail::COptions o(opts);
        if (auto e = detail::check_call("the operation name", op, params, o)) return *e;
        std::string name(op);
        OpenintCursor *c = nullptr;
        OpenintError *err = nullptr;
        OpenintStatus st = openint_client_list_cursor(h_.get(), name.c_str(), params.c_str(), o.get(),
                                                      opts.cancel_handle(), &c, &err);
        if (st != OPENINT_STATUS_OK) return Error(st, err);
        return Cursor(c, keep_);
    }
    /// The first page of list operation `op`; `opts` apply to every page fetched from it.
    Result<Page> try_first_page(std::string_view op, const Params &params = {}, const CallOptions &opts = {}) const {
        detail::COptions o(opts);
        if (auto e = detail::check_call("the operation name", op, params, o)) return *e;
        std::string name(op);
        OpenintPage *p = nullptr;
        OpenintError *err = nullptr;
        OpenintStatus st =
            openint_client_list(h_.get(), name.c_str(), params.c_str(), o.get(), opts.cancel_handle(), &p, &err);
        if (st != OPENINT_STATUS_OK) return Error(st, err);
        return Page(p, keep_);
    }

    /// This client's logger (and its pages' and cursors'), in place of the process-wide one:
    /// any callable f(LogLevel, std::string_view target, std::string_view message).
    /// LogLevel::off or an empty callable goes back to the process-wide one.
    template <class F> Result<void> try_set_logger(LogLevel level, F &&f) const {
        const OpenintClient *c = h_.get();
        if (!keep_) return detail::invalid("this client was moved from");
        return detail::set_logger(keep_->id, level, std::forward<F>(f),
                                  [c](uint32_t l, OpenintLogCallback cb, void *ud, OpenintError **err) {
                                      return openint_client_set_logger(c, l, cb, ud, err);
                                  });
    }
    Result<void> try_clear_logger() const { return try_set_logger(LogLevel::off, detail::LogFn()); }

#if OPENINT_HPP_EXCEPTIONS
    Response call(std::string_view op, const Params &params = {}, const CallOptions &opts = {}) const {
        return try_call(op, params, opts).value();
    }
    Response request(std::string_view method, std::string_view path, const Params &query = {},
                     const Params &body = {}, const CallOptions &opts = {}) const {
        return try_request(method, path, query, body, opts).value();
    }
    Cursor list(std::string_view op, const Params &params = {}, const CallOptions &opts = {}) const {
        return try_list(op, params, opts).value();
    }
    Page first_page(std::string_view op, const Params &params = {}, const CallOptions &opts = {}) const {
        return try_first_page(op, params, opts).value();
    }
    /// The pages of `op` as a range (the first is fetched now).
    Pages pages(std::string_view op, const Params &params = {}, const CallOptions &opts = {}) const {
        return Pages(first_page(op, params, opts), opts);
    }
    template <class F> void set_logger(LogLevel level, F &&f) const {
        try_set_logger(level, std::forward<F>(f)).value();
    }
    void clear_logger() const { try_clear_logger().value(); }
#endif

    const OpenintClient *capi() const noexcept { return h_.get(); }
    /// Gives up the C client. Its logger (if set through this object) is removed first.
    OpenintClient *release() noexcept {
        if (h_) (void)openint_client_set_logger(h_.get(), 0, nullptr, nullptr, nullptr);
        return h_.release();
    }

  private:
    detail::Keep keep_; // declared first: the client is freed before its logger can go
    detail::Owned<OpenintClient, openint_client_free> h_;
};

} // namespace openint

#endif // OPENINT_HPP
