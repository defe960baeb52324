//! openint-testserver: the local OpenInt API stand-in every language's tests and benchmarks use.
//! See README.md next to Cargo.toml for the command line, endpoints and scenario keys.

mod admin;
mod api;
mod app;
mod auth;
mod clock;
mod connectors;
mod errors;
mod http;
mod ids;
mod json;
mod query;
mod registry;
mod scenarios;
mod schema;
mod seed;
mod store;
mod zod;

use app::{App, Port};
use scenarios::{Config, Mode};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

const USAGE: &str =
    "usage: openint-testserver [--port N] [--other-port N] [--count N] [--mode real|spec] \
[--token T] [--org-key K] [--gzip] [--exit-on-stdin-eof]";

struct Args {
    port: u16,
    other_port: u16,
    root: Config,
    org_key: String,
    exit_on_stdin_eof: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        port: 0,
        other_port: 0,
        root: Config::default(),
        org_key: app::DEFAULT_ORG_KEY.to_string(),
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

fn accept_loop(listener: TcpListener, app: Arc<App>, port: Port) {
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let app = app.clone();
                // If no thread can be made, the stream is dropped: the client sees a reset.
                let _ = std::thread::Builder::new()
                    .name("conn".into())
                    .spawn(move || http::serve_connection(stream, |req| app.handle(port, req)));
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
    let app = Arc::new(App::new(
        port_of(&main_listener),
        port_of(&other_listener),
        args.root,
        args.org_key,
    ));
    // Render the command-line registry before announcing readiness, so benchmarks time serving.
    app.registry.warm(count);

    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", app.info());
    let _ = out.flush();
    drop(out);

    {
        let app = app.clone();
        std::thread::spawn(move || accept_loop(other_listener, app, Port::Other));
    }
    if args.exit_on_stdin_eof {
        let app = app.clone();
        std::thread::spawn(move || accept_loop(main_listener, app, Port::Main));
        // A harness that dies closes our stdin; that is the signal to go.
        let mut sink = [0u8; 4096];
        let mut stdin = std::io::stdin().lock();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        std::process::exit(0);
    }
    accept_loop(main_listener, app, Port::Main);
}
