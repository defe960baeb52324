//! `--tls` (HTTPS and mTLS ports with generated certificates) and `--proxy` (a forward proxy
//! with CONNECT, absolute-form requests and Basic proxy auth).

use crate::common;

use common::{raw_request, read_response, request, Resp, Server};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use serde_json::{json, Value};
use std::io::{BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

fn client_config(info: &Value, client: Option<(&str, &str)>) -> Arc<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    let ca = info["ca_pem"].as_str().unwrap();
    roots
        .add(CertificateDer::from_pem_slice(ca.as_bytes()).unwrap())
        .unwrap();
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let config = match client {
        None => builder.with_no_client_auth(),
        Some((cert, key)) => {
            let cert = info[cert].as_str().unwrap();
            let key = info[key].as_str().unwrap();
            builder
                .with_client_auth_cert(
                    vec![CertificateDer::from_pem_slice(cert.as_bytes()).unwrap()],
                    PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap(),
                )
                .unwrap()
        }
    };
    Arc::new(config)
}

/// One request over TLS on `tcp`; `None` when the handshake or the answer fails.
fn tls_request(tcp: TcpStream, config: Arc<ClientConfig>, host: &str, path: &str) -> Option<Resp> {
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let name = ServerName::try_from(host.to_string()).unwrap();
    let conn = ClientConnection::new(config, name).unwrap();
    let mut tls = StreamOwned::new(conn, tcp);
    tls.write_all(&raw_request("GET", path, &[], b"")).ok()?;
    read_response(&mut BufReader::new(tls), false)
}

fn tls_get(port: u16, config: Arc<ClientConfig>, path: &str) -> Option<Resp> {
    tls_request(
        TcpStream::connect(("127.0.0.1", port)).unwrap(),
        config,
        "127.0.0.1",
        path,
    )
}

#[test]
fn https_and_mtls() {
    let srv = Server::start(&["--tls"]);
    let info = srv.info.clone();
    for key in [
        "ca_pem",
        "client_cert_pem",
        "client_key_pem",
        "untrusted_client_cert_pem",
        "untrusted_client_key_pem",
    ] {
        assert!(info[key].as_str().unwrap().contains("-----BEGIN"), "{key}");
    }
    let https = info["https_port"].as_u64().unwrap() as u16;
    let mtls = info["mtls_port"].as_u64().unwrap() as u16;
    assert_eq!(
        info["https_base_url"],
        format!("https://127.0.0.1:{https}/v1")
    );
    assert_eq!(
        info["mtls_base_url"],
        format!("https://127.0.0.1:{mtls}/v1")
    );

    // HTTPS: same routes, scenarios and logs; the certificate is good for localhost too.
    let plain = client_config(&info, None);
    let r = tls_get(https, plain.clone(), "/v1/health").expect("an HTTPS answer");
    assert_eq!(r.json(), json!({"ok": true}));
    let api = srv.scenario(json!({"redirect": "same_origin"}));
    let r = tls_get(https, plain.clone(), &api.path("/v1/connector?limit=1")).unwrap();
    assert!(r
        .header("location")
        .unwrap()
        .starts_with(&format!("https://127.0.0.1/s/{}/", api.id)));
    assert_eq!(api.log()[0]["port"], "https");
    let tcp = TcpStream::connect(("127.0.0.1", https)).unwrap();
    assert_eq!(
        tls_request(tcp, plain.clone(), "localhost", "/v1/health")
            .unwrap()
            .status,
        200
    );
    let created = request(srv.port, "POST", "/__admin/scenarios", &[], b"{}").json();
    assert_eq!(
        created["https_base_url"],
        format!(
            "https://127.0.0.1:{https}/s/{}/v1",
            created["id"].as_str().unwrap()
        )
    );
    // Plain HTTP on the TLS port gets no HTTP answer.
    assert!(common::try_request(https, "GET", "/v1/health", &[], b"").is_none());

    // mTLS: the client certificate is required, and must come from the client CA.
    assert!(
        tls_get(mtls, plain, "/v1/health").is_none(),
        "no client certificate"
    );
    let good = client_config(&info, Some(("client_cert_pem", "client_key_pem")));
    assert_eq!(tls_get(mtls, good, "/v1/health").unwrap().status, 200);
    let bad = client_config(
        &info,
        Some(("untrusted_client_cert_pem", "untrusted_client_key_pem")),
    );
    assert!(
        tls_get(mtls, bad, "/v1/health").is_none(),
        "untrusted client certificate"
    );
    let log = request(
        srv.port,
        "GET",
        "/__admin/scenarios/default/requests",
        &[],
        b"",
    )
    .json();
    assert!(log.as_array().unwrap().iter().any(|e| e["port"] == "mtls"));
}

fn proxy_log(srv: &Server) -> Vec<Value> {
    request(srv.port, "GET", "/__admin/proxy/requests", &[], b"")
        .json()
        .as_array()
        .unwrap()
        .clone()
}

fn via_proxy(proxy: u16, raw: &[u8]) -> (Option<Resp>, TcpStream) {
    let mut s = TcpStream::connect(("127.0.0.1", proxy)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(raw).unwrap();
    let r = read_response(
        &mut BufReader::new(s.try_clone().unwrap()),
        raw.starts_with(b"CONNECT"),
    );
    (r, s)
}

#[test]
fn forward_proxy() {
    let srv = Server::start(&["--proxy", "--tls"]);
    let proxy = srv.info["proxy_port"].as_u64().unwrap() as u16;
    assert_eq!(srv.info["proxy_url"], format!("http://127.0.0.1:{proxy}"));
    let target = format!("http://127.0.0.1:{}/v1/health", srv.port);
    let (r, mut s) = via_proxy(
        proxy,
        &raw_request(
            "POST",
            &target,
            &[("Content-Type", "application/json")],
            b"{\"a\":1}",
        ),
    );
    assert_eq!(r.unwrap().json(), json!({"input": {"a": 1}}));
    let mut rest = Vec::new();
    assert_eq!(
        s.read_to_end(&mut rest).unwrap(),
        0,
        "one request per proxied connection"
    );
    // CONNECT tunnels bytes, here HTTPS to the TLS port.
    let https = srv.info["https_port"].as_u64().unwrap();
    let connect = format!("CONNECT 127.0.0.1:{https} HTTP/1.1\r\nHost: 127.0.0.1:{https}\r\n\r\n");
    let (r, s) = via_proxy(proxy, connect.as_bytes());
    assert_eq!(r.unwrap().status, 200);
    let r = tls_request(s, client_config(&srv.info, None), "127.0.0.1", "/v1/health").unwrap();
    assert_eq!(r.json(), json!({"ok": true}));
    // Only loopback targets.
    let (r, _) = via_proxy(proxy, b"CONNECT example.com:443 HTTP/1.1\r\n\r\n");
    assert_eq!(r.unwrap().status, 403);
    let (r, _) = via_proxy(proxy, &raw_request("GET", "http://example.com/", &[], b""));
    assert_eq!(r.unwrap().status, 403);
    let log = proxy_log(&srv);
    assert_eq!(log[0]["method"], "POST");
    assert_eq!(log[0]["result"], "forwarded");
    assert_eq!(log[1]["result"], "tunnel");
    assert_eq!(
        log[0]["proxy_authorization"],
        json!({"present": false, "matched": null, "user": null})
    );
}

#[test]
fn proxy_authentication() {
    let srv = Server::start(&["--proxy-auth", "user:s3cret"]);
    let proxy = srv.info["proxy_port"].as_u64().unwrap() as u16;
    let target = format!("http://127.0.0.1:{}/v1/health", srv.port);
    let (r, _) = via_proxy(proxy, &raw_request("GET", &target, &[], b""));
    let r = r.unwrap();
    assert_eq!(r.status, 407);
    assert!(r.header("proxy-authenticate").unwrap().starts_with("Basic"));
    // base64("user:wrong"), then base64("user:s3cret").
    let (r, _) = via_proxy(
        proxy,
        &raw_request(
            "GET",
            &target,
            &[("Proxy-Authorization", "Basic dXNlcjp3cm9uZw==")],
            b"",
        ),
    );
    assert_eq!(r.unwrap().status, 407);
    let (r, _) = via_proxy(
        proxy,
        &raw_request(
            "GET",
            &target,
            &[("Proxy-Authorization", "Basic dXNlcjpzM2NyZXQ=")],
            b"",
        ),
    );
    assert_eq!(r.unwrap().status, 200);
    let connect = format!(
        "CONNECT 127.0.0.1:{} HTTP/1.1\r\nProxy-Authorization: Basic dXNlcjpzM2NyZXQ=\r\n\r\n",
        srv.port
    );
    let (r, mut s) = via_proxy(proxy, connect.as_bytes());
    assert_eq!(r.unwrap().status, 200);
    s.write_all(&raw_request("GET", "/v1/health", &[], b""))
        .unwrap();
    assert_eq!(
        read_response(&mut BufReader::new(s), false).unwrap().status,
        200
    );
    let log = proxy_log(&srv);
    let auth: Vec<Value> = log
        .iter()
        .map(|e| e["proxy_authorization"].clone())
        .collect();
    assert_eq!(
        auth[0],
        json!({"present": false, "matched": false, "user": null})
    );
    assert_eq!(
        auth[1],
        json!({"present": true, "matched": false, "user": "user"})
    );
    assert_eq!(
        auth[2],
        json!({"present": true, "matched": true, "user": "user"})
    );
    // The origin server never sees the proxy credentials; the log never holds the password.
    let origin = request(
        srv.port,
        "GET",
        "/__admin/scenarios/default/requests",
        &[],
        b"",
    )
    .json();
    assert!(origin
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["headers"].get("proxy-authorization").is_none()));
    assert!(!serde_json::to_string(&log).unwrap().contains("s3cret"));
    assert!(!serde_json::to_string(&log)
        .unwrap()
        .contains("dXNlcjpzM2NyZXQ"));
}
