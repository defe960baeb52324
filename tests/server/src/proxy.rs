//! `--proxy`: a forward HTTP proxy for the SDK's proxy tests. It tunnels `CONNECT host:port`
//! and relays absolute-form requests (`GET http://127.0.0.1:PORT/v1/... HTTP/1.1`), to
//! `127.0.0.1`/`localhost` targets only, optionally behind `Proxy-Authorization: Basic`
//! (`--proxy-auth user:pass`; 407 otherwise). Each request is recorded for
//! `GET /__admin/proxy/requests`: what was asked, whether credentials were sent and whether they
//! matched, never the password.
//!
//! One request per client connection: a relayed request is sent upstream with
//! `Connection: close` and the answer is copied back until the upstream closes.

use crate::http::{next_conn_id, prepare};
use crate::json::{obj, s, V};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

const MAX_HEAD: usize = 64 * 1024;
const MAX_LOG: usize = 10_000;

pub struct Proxy {
    /// `user:pass` the clients must send, if any.
    auth: Option<String>,
    log: Mutex<VecDeque<String>>,
}

struct Head {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn read_head(r: &mut BufReader<TcpStream>) -> Option<Head> {
    let mut lines = Vec::new();
    let mut total = 0;
    loop {
        let mut line = String::new();
        let n = r.read_line(&mut line).ok()?;
        total += n;
        if n == 0 || total > MAX_HEAD {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        if line.is_empty() {
            if lines.is_empty() {
                continue;
            }
            break;
        }
        lines.push(line);
    }
    let mut first = lines[0].split(' ');
    let (method, target) = (first.next()?.to_string(), first.next()?.to_string());
    let headers = lines[1..]
        .iter()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(Head {
        method,
        target,
        headers,
    })
}

/// `host:port` of a loopback target; anything else is refused.
fn loopback(authority: &str) -> Option<(String, u16)> {
    let (host, port) = authority.rsplit_once(':')?;
    let port: u16 = port.parse().ok()?;
    matches!(host, "127.0.0.1" | "localhost").then(|| ("127.0.0.1".to_string(), port))
}

fn reply(client: &mut TcpStream, status: &str, extra: &str) {
    let _ = client.write_all(
        format!("HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    );
}

/// Copies until EOF, then passes the end on.
fn pipe(mut from: impl Read, mut to: TcpStream) {
    let _ = std::io::copy(&mut from, &mut to);
    let _ = to.shutdown(Shutdown::Write);
}

impl Proxy {
    pub fn new(auth: Option<String>) -> Proxy {
        Proxy {
            auth,
            log: Mutex::new(VecDeque::new()),
        }
    }

    pub fn log_json(&self) -> String {
        let log = self.log.lock().unwrap();
        format!("[{}]", log.iter().cloned().collect::<Vec<_>>().join(","))
    }

    fn record(
        &self,
        conn: u64,
        head: &Head,
        auth: (bool, Option<bool>, Option<String>),
        result: &str,
    ) {
        let (present, matched, user) = auth;
        let entry = obj([
            ("conn", V::Int(conn as i64)),
            ("method", s(&head.method)),
            ("target", s(&head.target)),
            (
                "proxy_authorization",
                obj([
                    ("present", V::Bool(present)),
                    ("matched", matched.map_or(V::Null, V::Bool)),
                    ("user", user.map_or(V::Null, V::Str)),
                ]),
            ),
            ("result", s(result)),
        ])
        .render();
        let mut log = self.log.lock().unwrap();
        if log.len() >= MAX_LOG {
            log.pop_front();
        }
        log.push_back(entry);
    }

    pub fn serve(self: Arc<Self>, listener: TcpListener) {
        for stream in listener.incoming().flatten() {
            let me = self.clone();
            let _ = std::thread::Builder::new()
                .name("proxy".into())
                .spawn(move || me.connection(stream));
        }
    }

    fn connection(&self, client: TcpStream) {
        prepare(&client);
        let conn = next_conn_id();
        let Ok(mut writer) = client.try_clone() else {
            return;
        };
        let mut reader = BufReader::new(client);
        let Some(head) = read_head(&mut reader) else {
            return;
        };
        // Credentials: present? matching? (only the user name is kept)
        let sent = head
            .header("proxy-authorization")
            .and_then(|v| {
                v.strip_prefix("Basic ")
                    .or_else(|| v.strip_prefix("basic "))
            })
            .map(|b| {
                crate::ids::b64_decode(b.trim()).map(|d| String::from_utf8_lossy(&d).into_owned())
            });
        let present = head.header("proxy-authorization").is_some();
        let user = sent
            .clone()
            .flatten()
            .and_then(|c| c.split_once(':').map(|(u, _)| u.to_string()));
        let matched = self
            .auth
            .as_ref()
            .map(|want| sent.clone().flatten().as_deref() == Some(want.as_str()));
        let auth = (present, matched, user);
        if matched == Some(false) {
            self.record(conn, &head, auth, "refused: proxy authentication required");
            reply(
                &mut writer,
                "407 Proxy Authentication Required",
                "Proxy-Authenticate: Basic realm=\"openint-testserver\"\r\n",
            );
            return;
        }
        if head.method.eq_ignore_ascii_case("CONNECT") {
            self.tunnel(conn, head, auth, reader, writer);
        } else {
            self.relay(conn, head, auth, reader, writer);
        }
    }

    fn tunnel(
        &self,
        conn: u64,
        head: Head,
        auth: (bool, Option<bool>, Option<String>),
        reader: BufReader<TcpStream>,
        mut writer: TcpStream,
    ) {
        let Some((host, port)) = loopback(&head.target) else {
            self.record(conn, &head, auth, "refused: not a 127.0.0.1 target");
            reply(&mut writer, "403 Forbidden", "");
            return;
        };
        let Ok(upstream) = TcpStream::connect((host.as_str(), port)) else {
            self.record(conn, &head, auth, "upstream unreachable");
            reply(&mut writer, "502 Bad Gateway", "");
            return;
        };
        self.record(conn, &head, auth, "tunnel");
        let _ = upstream.set_nodelay(true);
        let _ = writer.write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n");
        let (Ok(up_read), Ok(up_write)) = (upstream.try_clone(), upstream.try_clone()) else {
            return;
        };
        let back = std::thread::spawn(move || pipe(up_read, writer));
        // The reader may already hold bytes the client sent after the CONNECT head.
        pipe(reader, up_write);
        let _ = back.join();
    }

    fn relay(
        &self,
        conn: u64,
        head: Head,
        auth: (bool, Option<bool>, Option<String>),
        mut reader: BufReader<TcpStream>,
        mut writer: TcpStream,
    ) {
        let Some(rest) = head.target.strip_prefix("http://") else {
            self.record(conn, &head, auth, "refused: not a proxy request");
            reply(&mut writer, "400 Bad Request", "");
            return;
        };
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let path = if path.is_empty() { "/" } else { path };
        let Some((host, port)) = loopback(authority) else {
            self.record(conn, &head, auth, "refused: not a 127.0.0.1 target");
            reply(&mut writer, "403 Forbidden", "");
            return;
        };
        // The body: Content-Length, or chunked (de-chunked and sent with a length).
        let mut body = Vec::new();
        let chunked = head
            .header("transfer-encoding")
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
        if chunked {
            match crate::http::read_chunked(&mut reader) {
                Ok(b) => body = b,
                Err(_) => return,
            }
        } else if let Some(len) = head
            .header("content-length")
            .and_then(|v| v.parse::<usize>().ok())
        {
            body.resize(len.min(8 * 1024 * 1024), 0);
            if reader.read_exact(&mut body).is_err() {
                return;
            }
        }
        let Ok(mut upstream) = TcpStream::connect((host.as_str(), port)) else {
            self.record(conn, &head, auth, "upstream unreachable");
            reply(&mut writer, "502 Bad Gateway", "");
            return;
        };
        self.record(conn, &head, auth, "forwarded");
        let hop = [
            "proxy-authorization",
            "proxy-connection",
            "connection",
            "keep-alive",
            "transfer-encoding",
            "content-length",
        ];
        let mut out = format!("{} {path} HTTP/1.1\r\n", head.method);
        for (k, v) in &head.headers {
            if !hop.contains(&k.to_ascii_lowercase().as_str()) {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
        }
        if !body.is_empty() || matches!(head.method.as_str(), "POST" | "PUT" | "PATCH") {
            out.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        out.push_str("Connection: close\r\n\r\n");
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&body);
        if upstream.write_all(&bytes).is_err() {
            return;
        }
        pipe(upstream, writer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_credentials() {
        assert_eq!(loopback("127.0.0.1:80"), Some(("127.0.0.1".into(), 80)));
        assert_eq!(loopback("localhost:8080").unwrap().1, 8080);
        assert!(loopback("example.com:443").is_none());
        assert!(loopback("127.0.0.1").is_none());
        assert_eq!(
            crate::ids::b64_decode("dXNlcjpwYXNz").unwrap(),
            b"user:pass"
        );
    }
}
