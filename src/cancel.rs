//! Cancelling calls in flight from another thread.
//!
//! A [`CancelToken`] is cheap to clone and thread-safe. Firing it is sticky (a fired token stays
//! fired, like a Go context), harmless to repeat, and stops every call running under it within
//! milliseconds, whatever the call is doing:
//! - connecting: the connect polls in short slices and checks the token (`transport.rs`);
//! - TLS, sending, waiting for the head, reading the body: the call's socket is registered with
//!   the token while the call runs, and firing shuts it down, which wakes the blocked read or
//!   write at once. The connection is then dropped, never returned to the pool;
//! - a retry back-off: the sleep waits on the token's condition variable.
//!
//! How a socket finds its call: the per-thread call state (`call_state.rs`) registers the
//! socket of the attempt running on this thread with its token. A pooled connection passes
//! from call to call, and may be taken by the next call just before the previous one's attempt
//! ends: a socket belongs to the call that claimed it last ([`CallSocket`]), and a token shuts
//! down only the sockets its own calls still hold.

use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

/// A handle that cancels the calls made with it. Clones share one state.
#[derive(Clone, Default)]
pub struct CancelToken {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    fired: AtomicBool,
    state: Mutex<State>,
    wake: Condvar,
}

/// A connection's socket, shared by the transport that reads and writes it and the cancel
/// token of the call using it.
pub(crate) struct CallSocket {
    stream: TcpStream,
    owner: Mutex<Owner>,
    /// The process that opened it: after a fork, the child neither uses nor shuts down the
    /// parent's sockets (their copies in the child are only closed).
    pid: u32,
}

struct Owner {
    /// The call that claimed the socket last (0: none).
    call: u64,
    /// Shut down by a cancel: never to be used again.
    dead: bool,
}

impl std::fmt::Debug for CallSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("CallSocket").field(&self.stream).finish()
    }
}

impl CallSocket {
    pub(crate) fn new(stream: TcpStream) -> CallSocket {
        CallSocket {
            stream,
            owner: Mutex::new(Owner {
                call: 0,
                dead: false,
            }),
            pid: crate::fork::pid(),
        }
    }

    pub(crate) fn stream(&self) -> &TcpStream {
        &self.stream
    }

    fn owner(&self) -> MutexGuard<'_, Owner> {
        self.owner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `call` uses the socket from now on (a connection taken from the pool, or a new one).
    /// False when a cancel shut it down, or it was opened by the parent of this process: the
    /// connection must not be used.
    pub(crate) fn claim(&self, call: u64) -> bool {
        if self.pid != crate::fork::pid() {
            // A connection inherited from the parent process: never used here.
            return false;
        }
        let mut o = self.owner();
        if !o.dead {
            o.call = call;
        }
        !o.dead
    }

    /// Shuts the socket down if `call` still holds it (a blocked read or write wakes up).
    fn shutdown_for(&self, call: u64) {
        if self.pid != crate::fork::pid() {
            return; // the parent's connection: shutting it down here would cut it there
        }
        let mut o = self.owner();
        if o.call == call && !o.dead {
            o.dead = true;
            let _ = self.stream.shutdown(Shutdown::Both);
        }
    }

    /// Shuts the socket down whoever holds it (the agent's own shutdown), unless it is the
    /// parent's.
    pub(crate) fn shutdown(&self) {
        if self.pid == crate::fork::pid() {
            self.owner().dead = true;
            let _ = self.stream.shutdown(Shutdown::Both);
        }
    }

    fn release(&self, call: u64) {
        let mut o = self.owner();
        if o.call == call {
            o.call = 0;
        }
    }
}

#[derive(Default)]
struct State {
    /// Sockets of the calls running under this token, by call number.
    sockets: Vec<(u64, Arc<CallSocket>)>,
    /// Tokens that fire when this one does (a listing's page fetches).
    children: Vec<Weak<Inner>>,
}

impl std::fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelToken")
            .field("fired", &self.is_cancelled())
            .finish()
    }
}

impl Inner {
    /// The state, even after a panic elsewhere poisoned the lock (it holds plain data).
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn fire(&self) {
        if self.fired.swap(true, Ordering::SeqCst) {
            return;
        }
        let (sockets, children) = {
            let mut st = self.state();
            (
                std::mem::take(&mut st.sockets),
                std::mem::take(&mut st.children),
            )
        };
        for (call, socket) in sockets {
            // Wakes a read or write blocked on it; the call then fails and drops the socket.
            // A socket another call has claimed since (from the pool) is left alone.
            socket.shutdown_for(call);
        }
        for child in children.iter().filter_map(Weak::upgrade) {
            child.fire();
        }
        self.wake.notify_all();
    }
}

impl CancelToken {
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Fires the token: calls running under it stop with `ErrorKind::Cancelled`, and calls
    /// started under it later fail at once. Thread-safe; firing again does nothing.
    pub fn cancel(&self) {
        self.inner.fire();
    }

    pub fn is_cancelled(&self) -> bool {
        self.inner.fired.load(Ordering::SeqCst)
    }

    /// A token that fires when this one does, and can also be fired on its own (used for the
    /// requests of one listing, which stop when the consumer stops).
    pub fn child(&self) -> CancelToken {
        let child = CancelToken::new();
        {
            let mut st = self.inner.state();
            st.children.retain(|c| c.strong_count() > 0);
            st.children.push(Arc::downgrade(&child.inner));
        }
        // Fired before the child was registered: the child is born fired.
        if self.is_cancelled() {
            child.cancel();
        }
        child
    }

    /// Sleeps for `d` unless the token fires first. Returns false when it fired.
    pub(crate) fn sleep(&self, d: Duration) -> bool {
        let end = Instant::now() + d;
        let mut st = self.inner.state();
        loop {
            if self.is_cancelled() {
                return false;
            }
            let Some(left) = end
                .checked_duration_since(Instant::now())
                .filter(|l| !l.is_zero())
            else {
                return true;
            };
            st = self
                .inner
                .wake
                .wait_timeout(st, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    pub(crate) fn attach(&self, call: u64, socket: &Arc<CallSocket>) {
        self.inner.state().sockets.push((call, socket.clone()));
        // Fired between the caller's check and the push: shut it down ourselves.
        if self.is_cancelled() {
            socket.shutdown_for(call);
        }
    }

    /// The call's attempt ended: its sockets are its own no more.
    pub(crate) fn detach(&self, call: u64) {
        self.inner.state().sockets.retain(|(c, socket)| {
            if *c == call {
                socket.release(call);
            }
            *c != call
        });
    }
}

/// Sleeps for `d`, or until `token` fires. Returns false when it fired.
pub(crate) fn sleep(token: Option<&CancelToken>, d: Duration) -> bool {
    match token {
        Some(t) => t.sleep(d),
        None => {
            std::thread::sleep(d);
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call_state::{on_io, CallScope};

    #[test]
    fn firing_is_sticky_and_reaches_children() {
        let parent = CancelToken::new();
        let child = parent.child();
        let grandchild = child.child();
        assert!(!child.is_cancelled());
        parent.cancel();
        parent.cancel();
        assert!(parent.is_cancelled() && child.is_cancelled() && grandchild.is_cancelled());
        assert!(
            parent.child().is_cancelled(),
            "a child of a fired token is fired"
        );
        let lone = CancelToken::new();
        let c = lone.child();
        c.cancel();
        assert!(!lone.is_cancelled(), "a child does not fire its parent");
    }

    #[test]
    fn sleep_wakes_on_cancel() {
        let t = CancelToken::new();
        let t2 = t.clone();
        let start = Instant::now();
        let h = std::thread::spawn(move || t2.sleep(Duration::from_secs(30)));
        std::thread::sleep(Duration::from_millis(20));
        t.cancel();
        assert!(!h.join().unwrap());
        assert!(start.elapsed() < Duration::from_secs(2));
        assert!(CancelToken::new().sleep(Duration::from_millis(1)));
    }

    #[test]
    fn scope_records_writes_and_ends_with_its_drop() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let sock = Arc::new(CallSocket::new(
            TcpStream::connect(listener.local_addr().unwrap()).unwrap(),
        ));
        let token = CancelToken::new();
        {
            let scope = CallScope::enter(Some(&token));
            assert!(!on_io(&sock, false));
            assert!(!scope.wrote());
            assert!(!on_io(&sock, true));
            assert!(scope.wrote());
            assert_eq!(token.inner.state().sockets.len(), 1);
        }
        assert!(
            token.inner.state().sockets.is_empty(),
            "detached at the end"
        );
        assert!(!on_io(&sock, true), "no scope: nothing to do");
    }

    #[test]
    fn a_cancel_shuts_down_only_the_sockets_its_call_still_holds() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let sock = Arc::new(CallSocket::new(
            TcpStream::connect(listener.local_addr().unwrap()).unwrap(),
        ));
        let (mut peer, _) = listener.accept().unwrap();
        let a = CancelToken::new();
        a.attach(1, &sock);
        assert!(sock.claim(1));
        // Back in the pool, taken by call 2 before call 1's attempt ends; then 1 is cancelled.
        assert!(sock.claim(2));
        a.cancel();
        use std::io::{Read, Write};
        (&sock.stream).write_all(b"x").unwrap();
        let mut b = [0u8; 1];
        peer.read_exact(&mut b).unwrap();
        // Held by the cancelled call: shut down, and never handed out again.
        let c = CancelToken::new();
        c.attach(3, &sock);
        assert!(sock.claim(3));
        c.cancel();
        assert!(!sock.claim(4), "a shut-down socket is not reused");
        assert_eq!(peer.read(&mut b).unwrap(), 0, "the peer sees the shutdown");
    }
}
