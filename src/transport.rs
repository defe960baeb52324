//! The socket layer under ureq: a TCP connector whose connect can be cancelled, a transport that
//! registers its socket with the current call's cancel token (see `call_state.rs`), and a resolver
//! that answers IP literals directly and caches names.
//!
//! The connector chain mirrors ureq's `DefaultConnector` (CONNECT proxy, TCP, rustls) with our
//! TCP connector in place of ureq's, so proxies and TLS behave as in ureq.

use crate::call_state;
use crate::cancel::CallSocket;
use std::io;
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectProxyConnector, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout,
    RustlsConnector, ShutdownHandle, Transport,
};

/// How often a connect or a name lookup in progress looks at its cancel token.
const CANCEL_POLL: Duration = Duration::from_millis(10);

/// The connector chain of every client.
pub(crate) fn connector() -> impl Connector<(), Out = impl Transport> {
    ().chain(ConnectProxyConnector::default())
        .chain(CancellableTcpConnector)
        .chain(RustlsConnector::default())
}

/// The error a cancelled call's I/O returns. Not `Interrupted`: readers such as
/// `read_to_end` retry that kind forever.
fn cancelled() -> ureq::Error {
    ureq::Error::Io(io::Error::other("call cancelled"))
}

/// Opens TCP connections that a cancel token can interrupt while they connect.
#[derive(Debug)]
pub(crate) struct CancellableTcpConnector;

impl<In: Transport> Connector<In> for CancellableTcpConnector {
    type Out = Either<In, SocketTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        if chained.is_some() {
            // A proxy connection already stands; use it.
            return Ok(chained.map(Either::A));
        }
        let deadline = details.timeout.not_zero().map(|t| Instant::now() + *t);
        let mut last = None;
        for (i, addr) in details.addrs.iter().enumerate() {
            // Later addresses share what is left of the time.
            let left = deadline.map(|d| {
                d.saturating_duration_since(Instant::now()) / (details.addrs.len() - i) as u32
            });
            match connect(*addr, left) {
                Ok(stream) => {
                    let config = details.config;
                    if config.no_delay() {
                        stream.set_nodelay(true)?;
                    }
                    // Shared, so a cancel can shut it down while a read on it is blocked.
                    let socket = Arc::new(CallSocket::new(stream));
                    (details.register_shutdown)(
                        Arc::downgrade(&socket) as std::sync::Weak<dyn ShutdownHandle>
                    )?;
                    return Ok(Some(Either::B(SocketTransport {
                        buffers: LazyBuffers::new(
                            config.input_buffer_size(),
                            config.output_buffer_size(),
                        ),
                        socket,
                        read_timeout: None,
                        write_timeout: None,
                    })));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => return Err(cancelled()),
                Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                    last = Some(ureq::Error::Timeout(ureq::Timeout::Connect))
                }
                Err(e) => last = Some(ureq::Error::Io(e)),
            }
        }
        Err(last.unwrap_or(ureq::Error::ConnectionFailed))
    }
}

/// A TCP socket as a ureq transport (what ureq's own does), plus the cancel hook before every
/// read and write.
#[derive(Debug)]
pub(crate) struct SocketTransport {
    buffers: LazyBuffers,
    socket: Arc<CallSocket>,
    /// The timeouts last set on the socket, so they are set only when they change.
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
}

fn timed_out(e: io::Error, timeout: &NextTimeout) -> ureq::Error {
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ureq::Error::Timeout(timeout.reason),
        _ => ureq::Error::Io(e),
    }
}

impl Transport for SocketTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        if call_state::on_io(&self.socket, true) {
            return Err(cancelled());
        }
        let timeout = timeout.for_write();
        let t = timeout.not_zero().map(|t| *t);
        if t != self.write_timeout {
            self.socket.stream().set_write_timeout(t)?;
            self.write_timeout = t;
        }
        let output = &self.buffers.output()[..amount];
        self.socket
            .stream()
            .write_all(output)
            .map_err(|e| timed_out(e, &timeout))
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        if call_state::on_io(&self.socket, false) {
            return Err(cancelled());
        }
        let timeout = timeout.for_read();
        let t = timeout.not_zero().map(|t| *t);
        if t != self.read_timeout {
            self.socket.stream().set_read_timeout(t)?;
            self.read_timeout = t;
        }
        let input = self.buffers.input_append_buf();
        let n = loop {
            match self.socket.stream().read(input) {
                // A signal: read again, unless it was a cancel shutting the socket down.
                Err(e)
                    if e.kind() == io::ErrorKind::Interrupted
                        && !call_state::current_cancelled() => {}
                r => break r.map_err(|e| timed_out(e, &timeout))?,
            }
        };
        self.buffers.input_appended(n);
        Ok(n > 0)
    }

    fn is_open(&mut self) -> bool {
        // Asked as a connection leaves or enters the pool: the call asking holds it from now on,
        // so a cancel of the call that used it before cannot shut it down under this one.
        if !self.socket.claim(call_state::current_call()) {
            return false;
        }
        // Probe without blocking: a pooled socket with bytes waiting or closed is not reused.
        let mut stream = self.socket.stream();
        if stream.set_nonblocking(true).is_err() {
            return false;
        }
        let mut b = [0u8];
        let open = matches!(stream.read(&mut b), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
        open && stream.set_nonblocking(false).is_ok()
    }
}

impl ShutdownHandle for CallSocket {
    fn shutdown(&self) {
        CallSocket::shutdown(self);
    }
}

/// Connects to `addr` within `timeout`, giving up at once when the current call is cancelled.
#[cfg(unix)]
fn connect(addr: SocketAddr, timeout: Option<Duration>) -> io::Result<TcpStream> {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

    if call_state::current_cancelled() {
        return Err(io::ErrorKind::Interrupted.into());
    }
    let family = if addr.is_ipv4() {
        libc::AF_INET
    } else {
        libc::AF_INET6
    };
    // SAFETY: plain socket(2); the result is checked and owned at once.
    let fd = unsafe { libc::socket(family, libc::SOCK_STREAM, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fd is a fresh socket that nothing else owns.
    let socket = unsafe { OwnedFd::from_raw_fd(fd) };
    let stream = TcpStream::from(socket);
    set_cloexec(&stream)?;
    // Non-blocking only while connecting, so the wait below can look at the cancel token.
    stream.set_nonblocking(true)?;
    let (storage, len) = sockaddr(addr);
    // SAFETY: storage holds a valid sockaddr of `len` bytes for this family.
    let rc = unsafe {
        libc::connect(
            stream.as_raw_fd(),
            &storage as *const libc::sockaddr_storage as *const libc::sockaddr,
            len,
        )
    };
    if rc != 0 {
        let err = io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EINPROGRESS) {
            return Err(err);
        }
        wait_writable(&stream, timeout)?;
        if let Some(err) = stream.take_error()? {
            return Err(err);
        }
    }
    stream.set_nonblocking(false)?;
    Ok(stream)
}

#[cfg(unix)]
fn set_cloexec(stream: &TcpStream) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: fcntl on a valid descriptor we own.
    let rc = unsafe { libc::fcntl(stream.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Waits for a non-blocking connect to finish, in slices so a cancel is seen within
/// `CANCEL_POLL`. On the happy path the first poll returns as soon as the connection is up.
#[cfg(unix)]
fn wait_writable(stream: &TcpStream, timeout: Option<Duration>) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let deadline = timeout.map(|t| Instant::now() + t);
    loop {
        if call_state::current_cancelled() {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let mut slice = CANCEL_POLL;
        if let Some(d) = deadline {
            let left = d.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::ErrorKind::TimedOut.into());
            }
            slice = slice.min(left);
        }
        let mut pfd = libc::pollfd {
            fd: stream.as_raw_fd(),
            events: libc::POLLOUT,
            revents: 0,
        };
        let ms = slice.as_millis().clamp(1, 1000) as libc::c_int;
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut pfd, 1, ms) };
        if n > 0 {
            return Ok(());
        }
        if n < 0 {
            let err = io::Error::last_os_error();
            if err.kind() != io::ErrorKind::Interrupted {
                return Err(err);
            }
        }
    }
}

#[cfg(unix)]
fn sockaddr(addr: SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: an all-zero sockaddr_storage is valid; the family's fields are set below.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            // SAFETY: sockaddr_storage is large enough and aligned for sockaddr_in.
            let sin = unsafe { &mut *(&mut storage as *mut _ as *mut libc::sockaddr_in) };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_port = a.port().to_be();
            sin.sin_addr = libc::in_addr {
                s_addr: u32::from_ne_bytes(a.ip().octets()),
            };
            std::mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            // SAFETY: sockaddr_storage is large enough and aligned for sockaddr_in6.
            let sin6 = unsafe { &mut *(&mut storage as *mut _ as *mut libc::sockaddr_in6) };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_port = a.port().to_be();
            sin6.sin6_addr = libc::in6_addr {
                s6_addr: a.ip().octets(),
            };
            sin6.sin6_flowinfo = a.flowinfo();
            sin6.sin6_scope_id = a.scope_id();
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (storage, len as libc::socklen_t)
}

/// Elsewhere: std's connect (a cancel is seen once connected).
#[cfg(not(unix))]
fn connect(addr: SocketAddr, timeout: Option<Duration>) -> io::Result<TcpStream> {
    if call_state::current_cancelled() {
        return Err(io::ErrorKind::Interrupted.into());
    }
    match timeout {
        Some(t) => TcpStream::connect_timeout(&addr, t.max(Duration::from_millis(1))),
        None => TcpStream::connect(addr),
    }
}

/// What ureq's address list holds.
const MAX_ADDRS: usize = 16;

/// How long a looked-up address is reused.
const DNS_TTL: Duration = Duration::from_secs(30);

/// ureq looks the host up before every request, pooled connection or not, on a new thread
/// when a timeout is set: about 100 µs per request, more under load. This resolver answers IP
/// literals directly, caches names for `DNS_TTL`, and lets a cancel stop a slow lookup.
#[derive(Debug, Default)]
pub(crate) struct CachingResolver {
    cache: Mutex<CacheEntry>,
}

type CacheEntry = Option<(String, u16, Instant, Vec<SocketAddr>)>;

impl CachingResolver {
    /// The cache, even after a panic elsewhere poisoned its lock (it holds plain data).
    fn cached(&self) -> std::sync::MutexGuard<'_, CacheEntry> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let port = uri.port_u16().or(match uri.scheme_str() {
            Some("https") => Some(443),
            Some("http") => Some(80),
            _ => None,
        });
        let (Some(host), Some(port)) = (uri.host(), port) else {
            return DefaultResolver::default().resolve(uri, config, timeout);
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let mut out = self.empty();
        if let Ok(ip) = host.parse::<IpAddr>() {
            out.push(SocketAddr::new(ip, port));
            return Ok(out);
        }
        if let Some((h, p, at, addrs)) = self.cached().as_ref() {
            if h == host && *p == port && at.elapsed() < DNS_TTL {
                addrs.iter().take(MAX_ADDRS).for_each(|a| out.push(*a));
                return Ok(out);
            }
        }
        let found = lookup(uri, config, timeout)?;
        *self.cached() = Some((host.to_string(), port, Instant::now(), found.clone()));
        found.iter().take(MAX_ADDRS).for_each(|a| out.push(*a));
        Ok(out)
    }
}

/// A name lookup on a helper thread (getaddrinfo cannot be interrupted), waited for in slices
/// so that a cancelled call returns at once; the helper ends when the lookup does.
fn lookup(
    uri: &Uri,
    config: &ureq::config::Config,
    timeout: NextTimeout,
) -> Result<Vec<SocketAddr>, ureq::Error> {
    let (tx, rx) = mpsc::channel();
    let (uri, config) = (uri.clone(), config.clone());
    std::thread::Builder::new()
        .name("openint-dns".into())
        .spawn(move || {
            let r = DefaultResolver::default()
                .resolve(&uri, &config, timeout)
                .map(|a| a.iter().copied().collect::<Vec<_>>());
            let _ = tx.send(r);
        })
        .map_err(ureq::Error::Io)?;
    loop {
        match rx.recv_timeout(CANCEL_POLL) {
            Ok(r) => return r,
            Err(mpsc::RecvTimeoutError::Timeout) if call_state::current_cancelled() => {
                return Err(cancelled())
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return Err(ureq::Error::HostNotFound),
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::call_state::CallScope;
    use crate::cancel::CancelToken;
    use std::net::TcpListener;

    #[test]
    fn connects_and_refuses_like_std() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let s = connect(addr, Some(Duration::from_secs(2))).unwrap();
        assert_eq!(s.peer_addr().unwrap(), addr);
        drop(listener);
        let e = connect(addr, Some(Duration::from_secs(2))).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::ConnectionRefused);
    }

    #[test]
    fn a_cancelled_call_does_not_connect() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let token = CancelToken::new();
        token.cancel();
        let _scope = CallScope::enter(Some(&token));
        let e = connect(listener.local_addr().unwrap(), None).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::Interrupted);
    }
}
