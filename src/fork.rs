//! Fork safety: the id of this process, so that what a parent made (pooled connections, page
//! fetches on threads) is never used by a child, as database drivers do.
//!
//! After `fork()` (Python's `os.fork`, gunicorn's `--preload`, multiprocessing's fork start
//! method) the child holds copies of the parent's sockets: a pooled keep-alive connection used
//! by both would mix their requests and answers. The child has none of the parent's threads
//! either. So each client compares the pid its pool was made in with this one before every
//! request, and makes a new pool in a child; sockets remember their process (a child never
//! reuses one, nor shuts one down, which would cut the parent's connection); a listing drops
//! the page fetches its parent had in flight and fetches them itself.
//!
//! The pid is cached: an `atfork` handler updates it in the child, so reading it costs an
//! atomic load rather than a system call.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Once;

static PID: AtomicU32 = AtomicU32::new(0);

/// The id of this process.
pub(crate) fn pid() -> u32 {
    let pid = PID.load(Ordering::Relaxed);
    if pid != 0 {
        return pid;
    }
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        #[cfg(unix)]
        // SAFETY: registers a handler that only stores getpid() (async-signal-safe) in an
        // atomic; it runs in the child right after fork().
        unsafe {
            libc::pthread_atfork(None, None, Some(in_child));
        }
        PID.store(std::process::id(), Ordering::Relaxed);
    });
    PID.load(Ordering::Relaxed)
}

#[cfg(unix)]
extern "C" fn in_child() {
    // SAFETY: getpid cannot fail.
    PID.store(unsafe { libc::getpid() } as u32, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_pid_is_this_process() {
        assert_eq!(super::pid(), std::process::id());
        assert_eq!(super::pid(), std::process::id());
    }
}
