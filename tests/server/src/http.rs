//! A small HTTP/1.1 server on std::net: a thread per connection, keep-alive with
//! Content-Length framing, and each answer sent with one `write_all`. The same code serves
//! plain TCP and TLS streams (`Transport`).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

/// A connection's byte stream: plain TCP, or rustls over TCP.
pub trait Transport: Read + Write {
    /// Ends the connection so the client reads everything sent before (a FIN, not a reset;
    /// TLS says close_notify first).
    fn finish(&mut self);

    /// Whether the client has already closed (or reset) the connection, checked before an
    /// answer goes out: writing to a closed socket succeeds at first, so a write alone cannot
    /// tell.
    fn peer_closed(&self) -> bool;
}

/// A peek that does not wait: end of stream or a reset means the client is gone. Pending
/// bytes (a pipelined request, a TLS alert) say nothing, so they count as still there.
fn tcp_peer_closed(sock: &TcpStream) -> bool {
    if sock.set_nonblocking(true).is_err() {
        return false;
    }
    let gone = match sock.peek(&mut [0u8; 1]) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != io::ErrorKind::WouldBlock && e.kind() != io::ErrorKind::Interrupted,
    };
    let _ = sock.set_nonblocking(false);
    gone
}

impl Transport for TcpStream {
    fn peer_closed(&self) -> bool {
        tcp_peer_closed(self)
    }

    fn finish(&mut self) {
        let _ = self.flush();
        let _ = self.shutdown(Shutdown::Write);
    }
}

impl Transport for rustls::StreamOwned<rustls::ServerConnection, TcpStream> {
    fn peer_closed(&self) -> bool {
        tcp_peer_closed(&self.sock)
    }

    fn finish(&mut self) {
        // Not `flush()`: during a (failed) handshake it would wait for the client. Write what
        // rustls has queued (close_notify, or the alert of a refused handshake) and go.
        if !self.conn.is_handshaking() {
            self.conn.send_close_notify();
        }
        while self.conn.wants_write() {
            if self.conn.write_tls(&mut self.sock).is_err() {
                break;
            }
        }
        let _ = self.sock.shutdown(Shutdown::Write);
    }
}

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 8 * 1024 * 1024;
/// An idle keep-alive connection is closed after this, so stray clients do not pin threads.
const IDLE_TIMEOUT: Duration = Duration::from_secs(300);

pub struct Request {
    pub method: String,
    /// The path as sent, not percent-decoded (the real server does not decode paths either).
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    pub http10: bool,
    /// Lowercased names, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Which connection carried it (numbered from 1 in accept order), so tests can see
    /// keep-alive at work.
    pub conn: u64,
    /// When the whole request had been read (the request log's `t_ms`).
    pub received: Instant,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn wants_close(&self) -> bool {
        let tokens = self
            .headers
            .iter()
            .filter(|(k, _)| k == "connection")
            .flat_map(|(_, v)| v.split(','))
            .map(|t| t.trim().to_ascii_lowercase())
            .collect::<Vec<_>>();
        if self.http10 {
            !tokens.iter().any(|t| t == "keep-alive")
        } else {
            tokens.iter().any(|t| t == "close")
        }
    }
}

pub struct Response {
    pub status: u16,
    pub content_type: Option<&'static str>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Send the full Content-Length but only half the body, then close.
    pub truncate: bool,
    /// Close the connection after this answer.
    pub close: bool,
}

impl Response {
    /// An empty `content_type` sends no Content-Type.
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            content_type: (!content_type.is_empty()).then_some(content_type),
            headers: Vec::new(),
            body: body.into(),
            truncate: false,
            close: false,
        }
    }
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Response {
        Response::new(status, "application/json", body)
    }
}

/// Writes an answer byte by byte as it likes (hostile servers); the connection then closes.
pub type RawWriter = Box<dyn FnOnce(&mut dyn Write) -> io::Result<()>>;

pub enum Outcome {
    Respond(Response),
    /// Close the connection without answering.
    Drop,
    /// Hand the connection's write side to this, then close. `status` is the one its status
    /// line carries (`None` if it has no number there), for the request log.
    Raw {
        status: Option<u16>,
        write: RawWriter,
    },
}

/// Told what went out for a request: the status answered, or `None` when nothing was.
pub type Report = Box<dyn FnMut(Option<u16>)>;

/// A request's outcome, and whom to tell what was sent (a scenario's request log).
pub struct Handled {
    pub outcome: Outcome,
    pub report: Option<Report>,
}

impl From<Outcome> for Handled {
    fn from(outcome: Outcome) -> Handled {
        Handled {
            outcome,
            report: None,
        }
    }
}

/// Counts the bytes a writer accepted, to tell "nothing went out" from a cut answer.
struct Counting<'a, W: Write + ?Sized> {
    inner: &'a mut W,
    written: u64,
}

impl<W: Write + ?Sized> Write for Counting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        418 => "I'm a Teapot",
        422 => "Unprocessable Content",
        425 => "Too Early",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        499 => "Client Closed Request",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

/// Why a request could not be read; answered with this status, then the connection closes.
pub struct BadRequest(pub u16, pub &'static str);

fn read_line<S: Read>(
    r: &mut BufReader<S>,
    budget: &mut usize,
) -> Result<Option<String>, BadRequest> {
    let mut line = Vec::new();
    let n = r
        .by_ref()
        .take(*budget as u64 + 1)
        .read_until(b'\n', &mut line)
        .map_err(|_| BadRequest(0, "read error"))?;
    if n == 0 {
        return Ok(None);
    }
    if n > *budget {
        return Err(BadRequest(431, "request head too large"));
    }
    *budget -= n;
    if line.last() != Some(&b'\n') {
        return Err(BadRequest(0, "connection closed mid-request"));
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Some(String::from_utf8_lossy(&line).into_owned()))
}

/// Reads one request. `Ok(None)` is a clean end of the connection between requests.
pub fn read_request<S: Read + Write>(r: &mut BufReader<S>) -> Result<Option<Request>, BadRequest> {
    let mut budget = MAX_HEAD;
    // RFC 9112 lets servers skip empty lines before a request line.
    let line = loop {
        match read_line(r, &mut budget)? {
            None => return Ok(None),
            Some(l) if l.is_empty() => continue,
            Some(l) => break l,
        }
    };
    let mut parts = line.split(' ');
    let (method, target, version) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v), None) if !m.is_empty() && !t.is_empty() => (m, t, v),
        _ => return Err(BadRequest(400, "malformed request line")),
    };
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ => return Err(BadRequest(400, "unsupported HTTP version")),
    };
    // Absolute-form targets (as sent to proxies) are reduced to their path and query.
    let target = match target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
    {
        Some(rest) => rest.find('/').map_or("/", |at| &rest[at..]),
        None => target,
    };
    let target = target.split('#').next().unwrap_or("");
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, q),
        None => (target, ""),
    };
    let mut headers = Vec::new();
    loop {
        let line =
            read_line(r, &mut budget)?.ok_or(BadRequest(0, "connection closed mid-request"))?;
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or(BadRequest(400, "malformed header line"))?;
        if name.is_empty() || name.contains(|c: char| c.is_whitespace()) {
            return Err(BadRequest(400, "malformed header name"));
        }
        headers.push((
            name.to_ascii_lowercase(),
            value.trim_matches(|c| c == ' ' || c == '\t').to_string(),
        ));
        if headers.len() > 200 {
            return Err(BadRequest(431, "too many headers"));
        }
    }
    let mut req = Request {
        method: method.to_string(),
        path: path.to_string(),
        query: query.to_string(),
        http10,
        headers,
        body: Vec::new(),
        conn: 0,
        received: Instant::now(),
    };
    let chunked = req.header("transfer-encoding").is_some_and(|v| {
        v.to_ascii_lowercase()
            .split(',')
            .any(|t| t.trim() == "chunked")
    });
    if req
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
        && !http10
    {
        // curl waits for this before sending bodies over 1 KB.
        let _ = r.get_mut().write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        let _ = r.get_mut().flush();
    }
    if chunked {
        req.body = read_chunked(r)?;
    } else if let Some(len) = req.header("content-length") {
        let len: usize = len
            .trim()
            .parse()
            .map_err(|_| BadRequest(400, "bad Content-Length"))?;
        if len > MAX_BODY {
            return Err(BadRequest(413, "body too large"));
        }
        req.body = vec![0; len];
        r.read_exact(&mut req.body)
            .map_err(|_| BadRequest(0, "connection closed mid-body"))?;
    }
    req.received = Instant::now();
    Ok(Some(req))
}

pub(crate) fn read_chunked<S: Read>(r: &mut BufReader<S>) -> Result<Vec<u8>, BadRequest> {
    let mut body = Vec::new();
    loop {
        let mut budget = 4096;
        let line = read_line(r, &mut budget)?.ok_or(BadRequest(0, "connection closed mid-body"))?;
        let size = line.split(';').next().unwrap_or("").trim();
        let size =
            usize::from_str_radix(size, 16).map_err(|_| BadRequest(400, "bad chunk size"))?;
        if size == 0 {
            // Trailers, up to the empty line.
            let mut budget = MAX_HEAD;
            while !read_line(r, &mut budget)?
                .ok_or(BadRequest(0, "connection closed mid-body"))?
                .is_empty()
            {}
            return Ok(body);
        }
        if body.len() + size > MAX_BODY {
            return Err(BadRequest(413, "body too large"));
        }
        let at = body.len();
        body.resize(at + size, 0);
        r.read_exact(&mut body[at..])
            .map_err(|_| BadRequest(0, "connection closed mid-body"))?;
        let mut crlf = [0u8; 2];
        r.read_exact(&mut crlf)
            .map_err(|_| BadRequest(0, "connection closed mid-body"))?;
        if &crlf != b"\r\n" {
            return Err(BadRequest(400, "bad chunk framing"));
        }
    }
}

/// The header lines of an answer (status line to the last header, without the blank line).
pub fn head_lines(resp: &Response, close: bool) -> String {
    let mut head = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    if let Some(ct) = resp.content_type {
        head.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    // A 204 has no body and, per RFC 9110, no Content-Length.
    if resp.status != 204 {
        head.push_str(&format!("Content-Length: {}\r\n", resp.body.len()));
    }
    for (k, v) in &resp.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(if close {
        "Connection: close\r\n"
    } else {
        "Connection: keep-alive\r\n"
    });
    head
}

/// `head_only` answers HEAD: the same head, no body bytes, so keep-alive framing holds.
fn write_response(
    w: &mut impl Write,
    resp: &Response,
    close: bool,
    head_only: bool,
) -> io::Result<()> {
    let head = head_lines(resp, close);
    let sent = match (head_only, resp.truncate) {
        (true, _) => 0,
        (false, true) => resp.body.len() / 2,
        (false, false) => resp.body.len(),
    };
    let mut buf = Vec::with_capacity(head.len() + 2 + sent);
    buf.extend_from_slice(head.as_bytes());
    buf.extend_from_slice(b"\r\n");
    buf.extend_from_slice(&resp.body[..sent]);
    w.write_all(&buf)?;
    w.flush()
}

/// Numbers connections from 1 in accept order, across all ports.
pub fn next_conn_id() -> u64 {
    static CONNECTIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    CONNECTIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1
}

/// Socket options every connection gets before any byte is read.
pub fn prepare(stream: &TcpStream) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
}

/// Serves one connection until the client closes it, asks to, or an answer requires it.
pub fn serve_connection<S: Transport>(stream: S, mut handle: impl FnMut(&Request) -> Handled) {
    let conn = next_conn_id();
    let mut reader = BufReader::with_capacity(16 * 1024, stream);
    loop {
        let req = match read_request(&mut reader) {
            Ok(Some(mut req)) => {
                req.conn = conn;
                req
            }
            Ok(None) => break,
            Err(BadRequest(0, _)) => break,
            Err(BadRequest(status, why)) => {
                let body = crate::errors::error_body(status, why, None, None);
                let _ =
                    write_response(reader.get_mut(), &Response::json(status, body), true, false);
                break;
            }
        };
        let close = req.wants_close();
        let Handled {
            outcome,
            mut report,
        } = handle(&req);
        // The status is logged before the bytes go out, so a client that has its answer
        // finds it in the log; it is taken back if not one byte could be sent. A client that
        // hung up while the answer was prepared (latency) gets nothing logged either.
        let status = match &outcome {
            Outcome::Drop => None,
            Outcome::Raw { status, .. } => *status,
            Outcome::Respond(resp) => Some(resp.status),
        };
        let answered = status.filter(|_| report.is_some() && !reader.get_ref().peer_closed());
        match (answered, report.as_mut()) {
            (Some(_), Some(r)) => r(answered),
            // Nothing to log (the entry's status stays null), nor to take back later.
            _ => report = None,
        }
        let mut out = Counting {
            inner: reader.get_mut(),
            written: 0,
        };
        let (sent, keep) = match outcome {
            Outcome::Drop => break,
            Outcome::Raw { write, .. } => (write(&mut out), false),
            Outcome::Respond(resp) => {
                let close = close || resp.truncate || resp.close;
                let sent = write_response(&mut out, &resp, close, req.method == "HEAD");
                (sent, !close)
            }
        };
        if sent.is_err() && out.written == 0 {
            if let Some(report) = report.as_mut() {
                report(None);
            }
        }
        if sent.is_err() || !keep {
            break;
        }
    }
    reader.get_mut().finish();
}

/// Whether an Accept-Encoding value allows gzip (an explicit `gzip;q=0` refuses it).
pub fn accepts_gzip(value: &str) -> bool {
    let mut star = None;
    for part in value.split(',') {
        let mut it = part.split(';');
        let coding = it.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = it
            .filter_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .or_else(|| p.trim().strip_prefix("Q="))
            })
            .filter_map(|q| q.trim().parse::<f32>().ok())
            .next()
            .unwrap_or(1.0);
        match coding.as_str() {
            "gzip" | "x-gzip" => return q > 0.0,
            "*" => star = Some(q > 0.0),
            _ => {}
        }
    }
    star.unwrap_or(false)
}

pub fn gzip(body: &[u8]) -> Vec<u8> {
    use flate2::{write::GzEncoder, Compression};
    // Fast level: pages reach 10 MB and the benchmarks should time the client, not zlib.
    let mut enc = GzEncoder::new(Vec::with_capacity(body.len() / 4 + 64), Compression::fast());
    enc.write_all(body).expect("writing to a Vec");
    enc.finish().expect("writing to a Vec")
}

#[cfg(test)]
mod tests {
    use super::accepts_gzip;

    #[test]
    fn accept_encoding() {
        assert!(accepts_gzip("gzip, deflate, br"));
        assert!(accepts_gzip("GZIP"));
        assert!(accepts_gzip("*"));
        assert!(accepts_gzip("br;q=1.0, gzip;q=0.8"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("*, gzip;q=0"));
        assert!(!accepts_gzip("identity"));
        assert!(!accepts_gzip(""));
    }
}
