//! openint-testserver: the local OpenInt API stand-in every language's tests and benchmarks use.
//! See README.md next to Cargo.toml for the command line, endpoints and scenario keys.

mod admin;
mod api;
mod app;
mod auth;
mod clock;
mod connectors;
mod errors;
mod hostile;
mod http;
mod ids;
mod json;
mod proxy;
mod query;
mod registry;
mod scenarios;
mod schema;
mod seed;
mod store;
mod tls;
mod zod;

use app::{App, Port};
use scenarios::{Config, Mode};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

const USAGE: &str =
    "usage: openint-testserver [--port N] [--other-port N] [--count N] [--mode real|spec] \
[--token T] [--org-key K] [--gzip] [--tls] [--https-port N] [--mtls-port N] [--proxy] \
[--proxy-port N] [--proxy-auth USER:PASS] [--exit-on-stdin-eof]";

struct Args {
    port: u16,
    other_port: u16,
    root: Config,
    org_key: String,
    tls: bool,
    https_port: u16,
    mtls_port: u16,
    proxy: bool,
    proxy_port: u16,
    proxy_auth: Option<String>,
    exit_on_stdin_eof: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        port: 0,
        other_port: 0,
        root: Config::default(),
        org_key: app::DEFAULT_ORG_KEY.to_string(),
        tls: false,
        https_port: 0,
        mtls_port: 0,
        proxy: false,
        proxy_port: 0,
        proxy_auth: None,
        exit_on_stdin_eof: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        // Both `--key value` and `--key=value`.
        let (key, inline) = match arg.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or(format!("{name} needs a value"))
        };
        match key.as_str() {
            "--port" => args.port = value("--port")?.parse().map_err(|_| "bad --port")?,
            "--other-port" => {
                args.other_port = value("--other-port")?
                    .parse()
                    .map_err(|_| "bad --other-port")?
            }
            "--count" => {
                let n: usize = value("--count")?.parse().map_err(|_| "bad --count")?;
                if n > registry::MAX_COUNT {
                    return Err(format!("--count must be at most {}", registry::MAX_COUNT));
                }
                args.root.count = n;
            }
            "--mode" => {
                args.root.mode =
                    Mode::parse(&value("--mode")?).ok_or("--mode must be real or spec")?
            }
            "--token" => args.root.token = Some(value("--token")?),
            "--org-key" => {
                let key = value("--org-key")?;
                if key.is_empty() || key.contains('.') || key.contains(char::is_whitespace) {
                    return Err("--org-key must be a non-empty token without dots or spaces".into());
                }
                args.org_key = key;
            }
            "--gzip" if inline.is_none() => args.root.gzip = true,
            "--tls" if inline.is_none() => args.tls = true,
            "--https-port" => {
                args.https_port = value("--https-port")?
                    .parse()
                    .map_err(|_| "bad --https-port")?
            }
            "--mtls-port" => {
                args.mtls_port = value("--mtls-port")?
                    .parse()
                    .map_err(|_| "bad --mtls-port")?
            }
            "--proxy" if inline.is_none() => args.proxy = true,
            "--proxy-port" => {
                args.proxy_port = value("--proxy-port")?
                    .parse()
                    .map_err(|_| "bad --proxy-port")?
            }
            "--proxy-auth" => {
                let auth = value("--proxy-auth")?;
                if !auth.contains(':') {
                    return Err("--proxy-auth must be USER:PASS".into());
                }
                args.proxy_auth = Some(auth);
                args.proxy = true;
            }
            "--exit-on-stdin-eof" if inline.is_none() => args.exit_on_stdin_eof = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ => return Err(format!("unknown argument {key:?}")),
        }
    }
    Ok(args)
}

fn bind(port: u16) -> TcpListener {
    TcpListener::bind(("127.0.0.1", port)).unwrap_or_else(|e| {
        eprintln!("openint-testserver: cannot bind 127.0.0.1:{port}: {e}");
        std::process::exit(1);
    })
}

/// How a listener's connections are served.
#[derive(Clone)]
enum Wire {
    Plain,
    Tls(Arc<rustls::ServerConfig>),
}

fn accept_loop(listener: TcpListener, app: Arc<App>, port: Port, wire: Wire) {
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let app = app.clone();
                let wire = wire.clone();
                // If no thread can be made, the stream is dropped: the client sees a reset.
                let _ = std::thread::Builder::new()
                    .name("conn".into())
                    .spawn(move || {
                        http::prepare(&stream);
                        let handle = |req: &http::Request| app.handle(port, req);
                        match wire {
                            Wire::Plain => http::serve_connection(stream, handle),
                            // The handshake runs on the first read; a failed one closes the socket.
                            Wire::Tls(config) => {
                                if let Ok(conn) = rustls::ServerConnection::new(config) {
                                    http::serve_connection(
                                        rustls::StreamOwned::new(conn, stream),
                                        handle,
                                    )
                                }
                            }
                        }
                    });
            }
            // E.g. out of file descriptors: back off instead of spinning.
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

fn main() {
    let args = parse_args().unwrap_or_else(|e| {
        eprintln!("openint-testserver: {e}\n{USAGE}");
        std::process::exit(2);
    });
    let main_listener = bind(args.port);
    let other_listener = bind(args.other_port);
    let port_of = |l: &TcpListener| l.local_addr().expect("bound socket has an address").port();
    let count = args.root.count;
    let mut app = App::new(
        port_of(&main_listener),
        port_of(&other_listener),
        args.root,
        args.org_key,
    );
    let mut tls_listeners = None;
    if args.tls {
        let pki = tls::Pki::generate().unwrap_or_else(|e| {
            eprintln!("openint-testserver: {e}");
            std::process::exit(1);
        });
        let (https, mtls) = (bind(args.https_port), bind(args.mtls_port));
        let wires = (Wire::Tls(pki.server.clone()), Wire::Tls(pki.mtls.clone()));
        app.tls = Some(app::TlsInfo {
            https_port: port_of(&https),
            mtls_port: port_of(&mtls),
            pki,
        });
        tls_listeners = Some((https, mtls, wires));
    }
    let mut proxy_listener = None;
    if args.proxy {
        let listener = bind(args.proxy_port);
        let proxy = Arc::new(proxy::Proxy::new(args.proxy_auth));
        app.proxy = Some((port_of(&listener), proxy.clone()));
        proxy_listener = Some((listener, proxy));
    }
    let app = Arc::new(app);
    // Render the command-line registry before announcing readiness, so benchmarks time serving.
    app.registry.warm(count);

    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", app.info());
    let _ = out.flush();
    drop(out);

    let spawn = |listener: TcpListener, port: Port, wire: Wire| {
        let app = app.clone();
        std::thread::spawn(move || accept_loop(listener, app, port, wire));
    };
    spawn(other_listener, Port::Other, Wire::Plain);
    if let Some((https, mtls, (https_wire, mtls_wire))) = tls_listeners {
        spawn(https, Port::Https, https_wire);
        spawn(mtls, Port::Mtls, mtls_wire);
    }
    if let Some((listener, proxy)) = proxy_listener {
        std::thread::spawn(move || proxy.serve(listener));
    }
    if args.exit_on_stdin_eof {
        spawn(main_listener, Port::Main, Wire::Plain);
        // A harness that dies closes our stdin; that is the signal to go.
        let mut sink = [0u8; 4096];
        let mut stdin = std::io::stdin().lock();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        std::process::exit(0);
    }
    accept_loop(main_listener, app, Port::Main, Wire::Plain);
}
