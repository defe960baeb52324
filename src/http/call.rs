//! How one call runs: its options, its cancel token, and for a listing's pages the pause they
//! share when the server asks them to slow down.

use crate::cancel::{self, CancelToken};
use crate::params::RequestOptions;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A pause shared by the requests of one listing: a 429 or 503 on any of them holds all of
/// them back until the time the server asked for, instead of each backing off on its own.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    until: Mutex<Option<Instant>>,
}

impl Gate {
    pub(super) fn pause(&self, wait: Duration) {
        let mut until = self.until.lock().unwrap_or_else(|p| p.into_inner());
        let t = Instant::now() + wait;
        if !matches!(*until, Some(u) if u >= t) {
            *until = Some(t);
        }
    }

    /// How long the pause lasts from now (`None`: no pause).
    pub(super) fn left(&self) -> Option<Duration> {
        let until = *self.until.lock().unwrap_or_else(|p| p.into_inner());
        until.and_then(|u| u.checked_duration_since(Instant::now()))
    }

    /// Waits until the pause is over. False when cancelled meanwhile.
    pub(super) fn wait(&self, cancel: Option<&CancelToken>) -> bool {
        match self.left() {
            Some(left) => cancel::sleep(cancel, left),
            None => true,
        }
    }
}

/// How one call runs: its options, and for a listing's pages the shared pause and the
/// listing's own cancel token (a child of the caller's).
pub(crate) struct CallCtx<'a> {
    pub opts: &'a RequestOptions,
    pub cancel: Option<&'a CancelToken>,
    pub gate: Option<&'a Gate>,
}

impl<'a> CallCtx<'a> {
    pub(crate) fn new(opts: &'a RequestOptions) -> Self {
        CallCtx {
            opts,
            cancel: opts.cancel.as_ref(),
            gate: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gates_pause_together() {
        let g = Gate::default();
        g.pause(Duration::from_millis(50));
        g.pause(Duration::from_millis(10)); // a shorter pause does not shorten it
        let t = Instant::now();
        assert!(g.wait(None));
        assert!(t.elapsed() >= Duration::from_millis(40));
        let token = CancelToken::new();
        g.pause(Duration::from_secs(30));
        token.cancel();
        assert!(!g.wait(Some(&token)));
    }
}
