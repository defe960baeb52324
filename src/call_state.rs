//! The per-thread call state: which attempt of which call this thread is running, under which
//! cancel token, and whether any byte of it was written yet.
//!
//! Calls are blocking and run on the calling thread, so an attempt marks the thread with a
//! [`CallScope`] and the transport reads it on each read and write (`on_io`): that is how a
//! socket finds the token that may shut it down, and how the retry policy learns whether a
//! request provably never reached the server. With no token the scope holds nothing to do, so
//! the happy path costs a thread-local read per I/O. This is the one place that keeps state per
//! thread for a call. It is a stack: a logger callback may make a call of its own on the same
//! thread while the outer call is in flight, and the innermost attempt is the one doing I/O.

use crate::cancel::{CallSocket, CancelToken};
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

static NEXT_CALL: AtomicU64 = AtomicU64::new(1);

/// What the transport needs to know about the attempt running on this thread.
struct Current {
    call: u64,
    token: Option<CancelToken>,
    /// The socket last claimed (compared by address, to claim and register it once).
    attached: *const CallSocket,
    /// Whether any byte was written during this attempt: a request that wrote nothing
    /// provably never reached the server, so even a POST that creates something may be retried.
    wrote: bool,
}

thread_local! {
    /// The attempts running on this thread, innermost last: a stack, not a slot, because a
    /// logger callback may make a call of its own while the outer one is in flight (the outer
    /// call's state must survive it, or a POST that reached the server looks unsent and is
    /// sent again, and the outer cancel finds no socket).
    static CURRENT: RefCell<Vec<Current>> = const { RefCell::new(Vec::new()) };
}

/// Marks this thread as running one attempt of a call (under `token`, if any) until dropped.
/// Scopes nest on one thread (a call made from a logger callback); a call's page fetches on
/// other threads make their own.
pub(crate) struct CallScope {
    call: u64,
    token: Option<CancelToken>,
}

impl CallScope {
    pub(crate) fn enter(token: Option<&CancelToken>) -> CallScope {
        let call = NEXT_CALL.fetch_add(1, Ordering::Relaxed);
        CURRENT.with(|c| {
            c.borrow_mut().push(Current {
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
        CURRENT.with(|c| {
            c.borrow()
                .iter()
                .rev()
                .find(|cur| cur.call == self.call)
                .is_some_and(|cur| cur.wrote)
        })
    }
}

impl Drop for CallScope {
    fn drop(&mut self) {
        CURRENT.with(|c| {
            let mut c = c.borrow_mut();
            if let Some(at) = c.iter().rposition(|cur| cur.call == self.call) {
                c.remove(at);
            }
        });
        if let Some(token) = &self.token {
            token.detach(self.call);
        }
    }
}

/// Whether the call running on this thread (the innermost) has been cancelled.
pub(crate) fn current_cancelled() -> bool {
    CURRENT.with(|c| {
        c.borrow()
            .last()
            .and_then(|c| c.token.as_ref())
            .is_some_and(CancelToken::is_cancelled)
    })
}

/// The number of the call running on this thread (the innermost), 0 when none.
pub(crate) fn current_call() -> u64 {
    CURRENT.with(|c| c.borrow().last().map_or(0, |c| c.call))
}

/// Called by the transport before each read or write on `socket`: claims the socket for the
/// current call and registers it with the call's token (once per socket), records a write, and
/// says whether to stop.
pub(crate) fn on_io(socket: &Arc<CallSocket>, writing: bool) -> bool {
    CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        let Some(cur) = c.last_mut() else {
            return false;
        };
        cur.wrote |= writing;
        let ptr = Arc::as_ptr(socket);
        if cur.attached != ptr {
            socket.claim(cur.call);
            if let Some(token) = &cur.token {
                token.attach(cur.call, socket);
            }
            cur.attached = ptr;
        }
        cur.token.as_ref().is_some_and(CancelToken::is_cancelled)
    })
}
