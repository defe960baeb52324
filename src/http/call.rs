//! How one call runs: its options, its cancel token, and for a listing's pages the pause they
//! share when the server asks them to slow down and the bytes its pages fetched ahead may hold.

use super::agent::Http;
use crate::cancel::{self, CancelToken};
use crate::params::RequestOptions;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The most the pages a listing fetched ahead (prefetch) may hold at once, in body bytes, when
/// `max_body_bytes` is not smaller.
pub(crate) const PREFETCH_BUDGET: u64 = 16 << 20;

/// The bytes a listing's pages fetched ahead may hold at once: their bodies are charged to it
/// as they are read, and a page that would go past it stops being read (the consumer fetches
/// it itself when it gets there). Given back when the page is consumed or forgotten.
#[derive(Debug)]
pub(crate) struct Budget {
    limit: u64,
    used: AtomicU64,
}

impl Budget {
    /// The budget of a listing on `http`: `PREFETCH_BUDGET`, or `max_body_bytes` if smaller.
    pub(crate) fn for_listing(http: &Http) -> Arc<Budget> {
        Arc::new(Budget {
            limit: PREFETCH_BUDGET.min(http.cfg.max_body_bytes),
            used: AtomicU64::new(0),
        })
    }

    pub(crate) fn limit(&self) -> u64 {
        self.limit
    }

    /// Takes `n` bytes; false (nothing taken) when they do not fit.
    fn take(&self, n: u64) -> bool {
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |u| {
                u.checked_add(n).filter(|&t| t <= self.limit)
            })
            .is_ok()
    }
}

/// Bytes one page holds of a [`Budget`], given back when it is dropped.
#[derive(Debug)]
pub(crate) struct Charge {
    budget: Arc<Budget>,
    bytes: u64,
}

impl Charge {
    pub(super) fn new(budget: &Arc<Budget>) -> Charge {
        Charge {
            budget: budget.clone(),
            bytes: 0,
        }
    }

    /// Charges `n` more bytes; false when the budget cannot hold them.
    pub(super) fn grow(&mut self, n: u64) -> bool {
        let ok = self.budget.take(n);
        if ok {
            self.bytes += n;
        }
        ok
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        self.budget.used.fetch_sub(self.bytes, Ordering::AcqRel);
    }
}

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
/// listing's own cancel token (a child of the caller's), and for a page fetched ahead the
/// listing's byte budget.
pub(crate) struct CallCtx<'a> {
    pub opts: &'a RequestOptions,
    pub cancel: Option<&'a CancelToken>,
    pub gate: Option<&'a Gate>,
    pub budget: Option<&'a Arc<Budget>>,
}

impl<'a> CallCtx<'a> {
    pub(crate) fn new(opts: &'a RequestOptions) -> Self {
        CallCtx {
            opts,
            cancel: opts.cancel.as_ref(),
            gate: None,
            budget: None,
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

    #[test]
    fn charges_stay_within_the_budget_and_go_back_when_dropped() {
        let budget = Arc::new(Budget {
            limit: 100,
            used: AtomicU64::new(0),
        });
        let mut a = Charge::new(&budget);
        let mut b = Charge::new(&budget);
        assert!(a.grow(60));
        assert!(!b.grow(41), "past the budget");
        assert!(b.grow(40));
        assert!(!a.grow(1));
        drop(a);
        assert!(b.grow(60));
        drop(b);
        assert_eq!(budget.used.load(Ordering::Acquire), 0);
    }
}
