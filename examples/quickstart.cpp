// The README's C++ quick start (a test keeps the two equal and runs it against the local
// server): every connector, a customer and its Connect link, then the customer's connections
// with their credentials. The token and base URL come from OPENINT_API_KEY and OPENINT_BASE_URL.
//
//   cargo build --release -p openint && bash examples/openint.pc.sh
//   export PKG_CONFIG_PATH=$PWD/target/release
//   c++ -std=c++17 examples/quickstart.cpp $(pkg-config --cflags --libs openint) -o quickstart
#include <iostream>

#include "openint.hpp"

int main() try {
    using namespace std::chrono_literals;
    openint::Client client(openint::ClientOptions().max_retries(3).timeout(30s));

    // Every connector, 100 a page (leave "limit" out for the server's 50; 0 means zero items).
    // Each item is the server's JSON, lent until the loop's next step.
    for (std::string_view connector : client.list("listConnectors", {{"limit", 100}}))
        std::cout << connector << '\n';

    // A customer, and a Connect link for it that is valid for an hour. The answer,
    // {"token":"...","magic_link_url":"...","api_key":"..."}, is the customer's secret.
    client.call("upsertCustomer", {{"id", "cus_123"}, {"metadata", openint::Object{{"plan", "pro"}}}});
    openint::Response token = client.call("createToken", {{"customer_id", "cus_123"}, {"validity_in_seconds", 3600}});
    std::cout << token.body() << '\n';

    // The customer's connections with their credentials, across every page.
    for (std::string_view connection :
         client.list("listConnections", {{"customer_id", "cus_123"}, {"include_secrets", true}}))
        std::cout << connection << '\n';
    return 0;
} catch (const openint::Error &e) {
    std::cerr << e.what() << '\n'; // status and code, message, method and URL, request id
    return 1;
}
