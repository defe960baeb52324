//! A SOCKS proxy in the environment (own test binary: it changes the process environment).
//! Issue 18 item 10: `ALL_PROXY=socks5://...` was accepted and ignored, so requests bypassed
//! the proxy the user set. It is refused at creation, unless NO_PROXY exempts the host.

use openint::{Client, ClientOptions, ErrorKind};

#[test]
fn a_socks_proxy_from_the_environment_is_refused_unless_no_proxy_exempts_the_host() {
    // SAFETY (edition 2021 API): this test binary has one test, so no thread reads the
    // environment concurrently.
    for var in [
        "NO_PROXY",
        "no_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
    ] {
        std::env::remove_var(var);
    }
    let options = || {
        ClientOptions::default()
            .base_url("http://api.example.test/v1")
            .token("key_proxy_env_0123456789")
    };
    for proxy in ["socks5://127.0.0.1:1080", "socks4://u:pw@127.0.0.1:1080"] {
        std::env::set_var("ALL_PROXY", proxy);
        let e = Client::new(options())
            .err()
            .expect("a SOCKS proxy is refused");
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
        assert!(
            e.message().contains("ALL_PROXY") && e.message().contains("SOCKS"),
            "{e}"
        );
        assert!(!e.message().contains(":pw@"), "{e}");
        // No proxy at all, asked for explicitly: fine.
        assert!(Client::new(options().proxy(None)).is_ok());
    }
    std::env::set_var("NO_PROXY", "api.example.test");
    assert!(Client::new(options()).is_ok(), "NO_PROXY exempts the host");
    std::env::remove_var("NO_PROXY");
    // An http:// proxy from the environment still works as before.
    std::env::set_var("ALL_PROXY", "http://127.0.0.1:3128");
    assert!(Client::new(options()).is_ok());
    std::env::remove_var("ALL_PROXY");
}
