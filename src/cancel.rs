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
//! How a socket finds its call: calls are blocking and run on the calling thread, so the call
//! sets a thread-local [`CallScope`] and the transport reads it on each I/O. With no token the
//! scope holds nothing to do, so the happy path costs a thread-local read per I/O.

use std::cell::RefCell;
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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

#[derive(Default)]
struct State {
    /// Sockets of the calls running under this token, by call number.
    sockets: Vec<(u64, Arc<TcpStream>)>,
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
        for (_, socket) in sockets {
            // Wakes a read or write blocked on it; the call then fails and drops the socket.
            let _ = socket.shutdown(Shutdown::Both);
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

    fn attach(&self, call: u64, socket: &Arc<TcpStream>) {
        self.inner.state().sockets.push((call, socket.clone()));
        // Fired between the caller's check and the push: shut it down ourselves.
        if self.is_cancelled() {
            let _ = socket.shutdown(Shutdown::Both);
        }
    }

    fn detach(&self, call: u64) {
        self.inner.state().sockets.retain(|(c, _)| *c != call);
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

static NEXT_CALL: AtomicU64 = AtomicU64::new(1);

/// What the transport needs to know about the attempt running on this thread.
struct Current {
    call: u64,
    token: Option<CancelToken>,
    /// The socket last registered with the token (compared by address, to register once).
    attached: *const TcpStream,
    /// Whether any byte was written during this attempt: a request that wrote nothing
    /// provably never reached the server, so even a POST that creates something may be retried.
    wrote: bool,
}

thread_local! {
    static CURRENT: RefCell<Option<Current>> = const { RefCell::new(None) };
}

/// Marks this thread as running one attempt of a call (under `token`, if any) until dropped.
/// Scopes do not nest: a call's page fetches on other threads make their own.
pub(crate) struct CallScope {
    call: u64,
    token: Option<CancelToken>,
}

impl CallScope {
    pub(crate) fn enter(token: Option<&CancelToken>) -> CallScope {
        let call = NEXT_CALL.fetch_add(1, Ordering::Relaxed);
        CURRENT.with(|c| {
            *c.borrow_mut() = Some(Current {
                call,
                token: token.cloned(),
                attached: std::ptr::null(),
                wrote: false,
            })
        });
        CallScope {
            call,
            token: token.cloned(),
        }
    }

    /// Whether any byte of this attempt reached the socket.
    pub(crate) fn wrote(&self) -> bool {
        CURRENT.with(|c| c.borrow().as_ref().is_some_and(|c| c.wrote))
    }
}

impl Drop for CallScope {
    fn drop(&mut self) {
        CURRENT.with(|c| {
            let mut c = c.borrow_mut();
            if c.as_ref().is_some_and(|cur| cur.call == self.call) {
                *c = None;
            }
        });
        if let Some(token) = &self.token {
            token.detach(self.call);
        }
    }
}

/// Whether the call running on this thread has been cancelled.
pub(crate) fn current_cancelled() -> bool {
    CURRENT.with(|c| {
        c.borrow()
            .as_ref()
            .and_then(|c| c.token.as_ref())
            .is_some_and(CancelToken::is_cancelled)
    })
}

/// Called by the transport before each read or write on `socket`: registers the socket with
/// the current call's token (once per socket), records a write, and says whether to stop.
pub(crate) fn on_io(socket: &Arc<TcpStream>, writing: bool) -> bool {
    CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        let Some(cur) = c.as_mut() else {
            return false;
        };
        cur.wrote |= writing;
        let Some(token) = &cur.token else {
            return false;
        };
        let ptr = Arc::as_ptr(socket);
        if cur.attached != ptr {
            token.attach(cur.call, socket);
            cur.attached = ptr;
        }
        token.is_cancelled()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let sock = Arc::new(TcpStream::connect(listener.local_addr().unwrap()).unwrap());
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
}
