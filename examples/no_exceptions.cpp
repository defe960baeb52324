// A customer's connections with their credentials (listConnections with include_secrets), in a
// program built without exceptions: every fallible call is the try_ form, which returns an
// openint::Result (has_value(), ->, error()), and the listing's until_error() range stops at a
// failed page and keeps its error. Any customer id works: the builder escapes it.
//
//   c++ -std=c++17 -fno-exceptions examples/no_exceptions.cpp $(pkg-config --cflags --libs openint)
//   OPENINT_API_KEY=<key> ./no_exceptions CUSTOMER_ID
#include <cstdio>

#include "openint.hpp"

static int fail(const char *what, const openint::Error &e) {
    std::fprintf(stderr, "%s: %s\n", what, e.what()); // the whole error in one line
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CUSTOMER_ID\n", argv[0]);
        return 2;
    }
    openint::Result<openint::Client> client = openint::Client::try_create(openint::ClientOptions().max_retries(3));
    if (!client) return fail("openint client", client.error());

    // refresh_policy "none": the credentials as stored, without refreshing expired OAuth tokens.
    openint::Result<openint::Cursor> cursor = client->try_list(
        "listConnections",
        {{"customer_id", argv[1]}, {"include_secrets", true}, {"refresh_policy", "none"}, {"limit", 100}});
    if (!cursor) return fail("listConnections", cursor.error());
    size_t count = 0;
    for (std::string_view connection : cursor->until_error()) {
        std::printf("%.*s\n", static_cast<int>(connection.size()), connection.data());
        count++;
    }
    if (const openint::Error *e = cursor->error()) return fail("listConnections", *e);
    std::fprintf(stderr, "%zu connections of %s\n", count, argv[1]);
    return 0;
}
