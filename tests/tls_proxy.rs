//! TLS trust, mutual TLS and proxies, against the local server in its TLS and proxy modes (its
//! CAs and certificates are generated at its start; nothing leaves 127.0.0.1).

use crate::common;

use common::{start_server, Server};
use openint::*;
use serde_json::Value;
use std::sync::OnceLock;

fn server() -> &'static Server {
    static S: OnceLock<Server> = OnceLock::new();
    S.get_or_init(|| start_server(&["--tls", "--proxy"]))
}

fn authed_proxy() -> &'static Server {
    static S: OnceLock<Server> = OnceLock::new();
    S.get_or_init(|| start_server(&["--tls", "--proxy-auth", "alice:pr0xy-s3cret"]))
}

fn s(v: &Value, k: &str) -> String {
    v[k].as_str()
        .unwrap_or_else(|| panic!("{k} missing in {v}"))
        .to_string()
}

fn proxy_log(srv: &Server) -> Vec<Value> {
    let admin = s(&srv.info, "admin_url");
    let mut r = ureq::get(&format!("{admin}/proxy/requests"))
        .call()
        .unwrap();
    serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap()
}

#[test]
fn the_test_ca_is_trusted_by_the_option_and_refused_without_it() {
    let i = &server().info;
    let url = s(i, "https_base_url");
    let trusted = Client::new(
        ClientOptions::default()
            .base_url(&url)
            .tls_roots(TlsRoots::Pem(s(i, "ca_pem"))),
    )
    .unwrap();
    assert_eq!(trusted.health().unwrap().ok, Some(true));
    for roots in [TlsRoots::System, TlsRoots::WebPki] {
        let c = Client::new(
            ClientOptions::default()
                .base_url(&url)
                .tls_roots(roots.clone())
                .max_retries(0),
        )
        .unwrap();
        let e = c.health().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Connection, "{roots:?}: {e}");
        assert!(
            e.message().contains("TLS") || e.message().to_lowercase().contains("certificate"),
            "{roots:?}: {e}"
        );
    }
    // The same through the C ABI's option names.
    let o = ClientOptions::from_json(Some(
        &serde_json::json!({"base_url": url, "tls_ca_pem": s(i, "ca_pem")}).to_string(),
    ))
    .unwrap();
    assert!(Client::new(o).unwrap().health().is_ok());
    let dir = std::env::temp_dir().join(format!("openint-ca-{}.pem", std::process::id()));
    std::fs::write(&dir, s(i, "ca_pem")).unwrap();
    let o = ClientOptions::from_json(Some(
        &serde_json::json!({"base_url": url, "tls_ca_file": dir.to_str().unwrap()}).to_string(),
    ))
    .unwrap();
    assert!(Client::new(o).unwrap().health().is_ok());
    let _ = std::fs::remove_file(dir);
}

#[test]
fn mutual_tls_is_accepted_with_the_right_certificate_only() {
    let i = &server().info;
    let url = s(i, "mtls_base_url");
    let base = || {
        ClientOptions::default()
            .base_url(&url)
            .tls_roots(TlsRoots::Pem(s(i, "ca_pem")))
            .max_retries(0)
    };
    let ok = Client::new(base().tls_client_cert(s(i, "client_cert_pem"), s(i, "client_key_pem")))
        .unwrap();
    assert_eq!(ok.health().unwrap().ok, Some(true));
    for (what, c) in [
        ("no certificate", Client::new(base()).unwrap()),
        (
            "an untrusted certificate",
            Client::new(base().tls_client_cert(
                s(i, "untrusted_client_cert_pem"),
                s(i, "untrusted_client_key_pem"),
            ))
            .unwrap(),
        ),
    ] {
        let e = c.health().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Connection, "{what}: {e}");
    }
    // A key that does not belong to the certificate is an error at creation, not a panic later.
    let e = Client::new(
        base().tls_client_cert(s(i, "client_cert_pem"), s(i, "untrusted_client_key_pem")),
    )
    .err()
    .unwrap();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
}

#[test]
fn an_explicit_proxy_sees_the_connect_and_the_request_goes_through() {
    let srv = server();
    let i = &srv.info;
    let before = proxy_log(srv).len();
    // HTTPS through the proxy: a CONNECT tunnel.
    let c = Client::new(
        ClientOptions::default()
            .base_url(s(i, "https_base_url"))
            .tls_roots(TlsRoots::Pem(s(i, "ca_pem")))
            .proxy(Some(&s(i, "proxy_url"))),
    )
    .unwrap();
    assert_eq!(c.health().unwrap().ok, Some(true));
    let log = proxy_log(srv);
    let new: Vec<&Value> = log[before..].iter().collect();
    assert!(
        new.iter()
            .any(|r| r["method"] == "CONNECT" && r["result"] == "tunnel"),
        "{new:?}"
    );
    // Plain HTTP through the proxy too.
    let c = Client::new(
        ClientOptions::default()
            .base_url(s(i, "base_url"))
            .proxy(Some(&s(i, "proxy_url"))),
    )
    .unwrap();
    assert_eq!(c.viewer().unwrap().role, Role::Anon);
    assert!(proxy_log(srv).len() > log.len(), "the proxy carried it");
    // `proxy: false` (C ABI) or `proxy(None)` means none, whatever the environment says.
    let o = ClientOptions::from_json(Some(
        &serde_json::json!({"base_url": s(i, "base_url"), "proxy": false}).to_string(),
    ))
    .unwrap();
    assert_eq!(o.proxy, Some(None));
}

#[test]
fn proxy_credentials_work_and_never_show() {
    let srv = authed_proxy();
    let i = &srv.info;
    let proxy = s(i, "proxy_url").replace("http://", "http://alice:pr0xy-s3cret@");
    let c = Client::new(
        ClientOptions::default()
            .base_url(s(i, "https_base_url"))
            .tls_roots(TlsRoots::Pem(s(i, "ca_pem")))
            .proxy(Some(&proxy)),
    )
    .unwrap();
    assert!(c.health().is_ok());
    let log = proxy_log(srv);
    assert!(
        log.iter()
            .any(|r| r["proxy_authorization"]["matched"] == true),
        "{log:?}"
    );
    // Wrong credentials: the error says the proxy refused, without the password.
    let wrong = s(i, "proxy_url").replace("http://", "http://alice:wrong-pass-123@");
    let (lines, logger) = {
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let l2 = lines.clone();
        (
            lines,
            Logger::new(LogLevel::Trace, move |_, _, m| {
                l2.lock().unwrap().push(m.to_string())
            }),
        )
    };
    let c = Client::new(
        ClientOptions::default()
            .base_url(s(i, "https_base_url"))
            .tls_roots(TlsRoots::Pem(s(i, "ca_pem")))
            .proxy(Some(&wrong))
            .max_retries(0)
            .logger(logger),
    )
    .unwrap();
    let e = c.health().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");
    for text in std::iter::once(e.to_string()).chain(lines.lock().unwrap().iter().cloned()) {
        assert!(!text.contains("wrong-pass-123"), "{text}");
    }
    assert!(
        !format!("{:?}", ClientOptions::default().proxy(Some(&wrong))).contains("wrong-pass-123")
    );
}
