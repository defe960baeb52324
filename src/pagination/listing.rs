//! What the pages of one listing share (the request, the options, the cancel token of its
//! requests, the pause a 429 imposes on all of them) and prefetching: which pages are put in
//! flight, taken in order, dropped or fetched again.

use super::envelope::{PageData, DEFAULT_LIMIT};
use crate::cancel::CancelToken;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{Budget, CallCtx, Charge, Gate, Http};
use crate::log::LogScope;
use crate::operations::Paging;
use crate::params::{Prepared, RequestOptions};
use crate::redact::strip_userinfo;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long dropping a listing waits for its cancelled prefetch threads to end.
const DROP_WAIT: Duration = Duration::from_secs(1);

/// How often a step waiting for a page in flight looks at its cancel token.
const POLL: Duration = Duration::from_millis(10);

/// A page request on its way, with the token that stops it. Its page, once read, holds its
/// bytes of the listing's budget until it is taken (or dropped, unread, with the receiver).
struct InFlight {
    offset: u64,
    result: Receiver<Result<(PageData, Option<Charge>)>>,
    cancel: CancelToken,
}

/// What the pages of one listing share: the request, the options, the cancel token of its
/// requests (fired when the listing is dropped), the shared pause, and the pages in flight.
pub(crate) struct Listing {
    pub(super) http: Arc<Http>,
    base: Prepared,
    paging: Paging,
    opts: RequestOptions,
    cancel: CancelToken,
    gate: Arc<Gate>,
    prefetch: usize,
    ahead: Mutex<VecDeque<InFlight>>,
    /// Set when rows changed under a prefetched walk: it goes on one page at a time.
    sequential: AtomicBool,
    /// The process whose threads fetch the pages in flight (a forked child has none of them).
    pid: AtomicU32,
    /// The body bytes the pages fetched ahead may hold at once (`PREFETCH_BUDGET`, or
    /// `max_body_bytes` if smaller), and the biggest page seen: no more pages are put in flight
    /// than that many fit in the budget.
    budget: Arc<Budget>,
    largest: AtomicU64,
    /// The lines of the prefetch threads, stopped when the listing is dropped (issue 18).
    log_scope: LogScope,
}

impl Drop for Listing {
    fn drop(&mut self) {
        // The consumer stopped: requests still in flight stop too, and their pages are freed.
        self.cancel.cancel();
        // Their threads end at once (a cancel shuts their sockets); waiting for them, bounded,
        // lets them log the cancelled attempts while the host's logger is surely alive. Past
        // the bound, or for a thread not waited for, the closed scope drops their lines: the
        // host may free its logger's user data once the last page or cursor is freed.
        // In a forked child those threads are the parent's: none runs here, none is waited for.
        let until = Instant::now() + DROP_WAIT;
        let forked = *self.pid.get_mut() != crate::fork::pid();
        let ahead = self.ahead.get_mut().unwrap_or_else(|p| p.into_inner());
        for flight in ahead.drain(..).filter(|_| !forked) {
            let _ = flight
                .result
                .recv_timeout(until.saturating_duration_since(Instant::now()));
        }
        self.log_scope.close();
    }
}

impl Listing {
    pub(crate) fn new(
        http: Arc<Http>,
        base: Prepared,
        paging: Paging,
        opts: RequestOptions,
        prefetch: usize,
    ) -> Arc<Listing> {
        let cancel = opts
            .cancel
            .as_ref()
            .map(CancelToken::child)
            .unwrap_or_default();
        Arc::new(Listing {
            base,
            paging,
            opts,
            cancel,
            gate: Arc::default(),
            prefetch: prefetch.max(1),
            ahead: Mutex::default(),
            sequential: AtomicBool::new(false),
            log_scope: LogScope::default(),
            pid: AtomicU32::new(crate::fork::pid()),
            budget: Budget::for_listing(&http),
            largest: AtomicU64::new(0),
            http,
        })
    }

    fn ahead(&self) -> MutexGuard<'_, VecDeque<InFlight>> {
        self.ahead.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn request_at(&self, offset: u64) -> Prepared {
        let mut req = self.base.clone();
        // The first page keeps the caller's own offset (or none); the engine sets the rest.
        if offset != self.first_offset() {
            req.query.set(Cow::Borrowed("offset"), offset.to_string());
        }
        req
    }

    fn first_offset(&self) -> u64 {
        self.base
            .query
            .get("offset")
            .and_then(|o| o.parse().ok())
            .unwrap_or(0)
    }

    /// Fetches the page at `offset` on this thread. `over` overrides the listing's options for
    /// this fetch (a Go context's deadline and cancel, say).
    fn fetch(&self, offset: u64, over: Option<&RequestOptions>) -> Result<PageData> {
        let merged;
        let opts = match over {
            Some(o) => {
                merged = self.opts.merged(o);
                &merged
            }
            None => &self.opts,
        };
        // A per-call cancel token replaces the listing's for this fetch.
        let cancel = over.and_then(|o| o.cancel.as_ref()).or(Some(&self.cancel));
        let ctx = CallCtx {
            opts,
            cancel,
            gate: Some(&self.gate),
            budget: None,
        };
        fetch_page(&self.http, &self.request_at(offset), offset, &ctx).map(|(page, _)| page)
    }

    /// The first page.
    pub(super) fn first(&self, over: Option<&RequestOptions>) -> Result<PageData> {
        let offset = self.first_offset();
        // Where `total` tells nothing (`GET /connector`), the pages after the first are
        // speculated at once, alongside it: k pages cost one round trip, not two.
        let step = self
            .base
            .query
            .get("limit")
            .map_or(Some(DEFAULT_LIMIT), |l| l.parse().ok());
        if let (Paging::TotalIsPageLength, Some(step @ 1..)) = (self.paging, step) {
            if self.prefetch > 1 {
                let mut ahead = self.ahead();
                for i in 1..self.prefetch as u64 {
                    ahead.push_back(self.spawn(offset + i * step));
                }
            }
        }
        let (data, _) = self.take_or_fetch(offset, over)?;
        self.schedule(&data);
        Ok(data)
    }

    /// The page after `page`, `None` when `page` was the last.
    pub(super) fn next_after(
        &self,
        page: &PageData,
        over: Option<&RequestOptions>,
    ) -> Result<Option<PageData>> {
        let Some(offset) = page.next_offset() else {
            self.drop_ahead(0);
            return Ok(None);
        };
        let (mut data, prefetched) = self.take_or_fetch(offset, over)?;
        // A page fetched ahead was answered some time after the page before it. If the row
        // count moved in between, rows may have shifted across the boundary (an insert at the
        // front then the other page first could skip rows, which a sequential walk never
        // does): fetch it again now, and walk the rest one page at a time.
        if prefetched && self.paging == Paging::TotalIsCount && data.total != page.total {
            self.sequential.store(true, Ordering::Relaxed);
            self.drop_ahead(0);
            data = self.fetch(offset, over)?;
        }
        // A server that ignores `offset` answers the same page again: stop rather than loop.
        if data.len() > 0 && data.first_item() == page.first_item() {
            return Err(Error::decode(format!(
                "{} {} returned the same items at offset {offset} as at offset {}: the server ignores `offset`, so the listing cannot go on",
                self.base.method.as_str(),
                self.http.url(&self.base),
                page.offset
            ))
            .redacted(&self.http.secrets));
        }
        self.schedule(&data);
        Ok(Some(data))
    }

    /// The page at `offset`: from the pages in flight if one is (then `true`), else fetched now.
    fn take_or_fetch(
        &self,
        offset: u64,
        over: Option<&RequestOptions>,
    ) -> Result<(PageData, bool)> {
        let taken = {
            let mut ahead = self.ahead();
            let pid = crate::fork::pid();
            if self.pid.swap(pid, Ordering::Relaxed) != pid {
                // Forked since: the threads fetching these pages are the parent's and never
                // answer here. Forgotten, not cancelled (a cancel must not touch the parent's
                // sockets); this process fetches the pages itself.
                ahead.clear();
            }
            // Pages before `offset` will not be asked for again.
            while ahead.front().is_some_and(|f| f.offset < offset) {
                if let Some(stale) = ahead.pop_front() {
                    stale.cancel.cancel();
                }
            }
            match ahead.front() {
                Some(f) if f.offset == offset => ahead.pop_front(),
                _ => None,
            }
        };
        let Some(flight) = taken else {
            return Ok((self.fetch(offset, over)?, false));
        };
        // The step's bound holds whatever the page in flight is doing (hanging, paused by a
        // 429, reading an endless body): it was sent under the listing's options, not this
        // step's.
        let deadline = match over {
            Some(o) => self.http.deadline(&self.opts.merged(o)),
            None => self.http.deadline(&self.opts),
        };
        let stop = over.and_then(|o| o.cancel.as_ref());
        loop {
            let left = match deadline {
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => {
                        flight.cancel.cancel();
                        return Err(self.timed_out_waiting(offset));
                    }
                },
                None => None,
            };
            let slice = left.map_or(POLL, |l| l.min(POLL));
            match flight.result.recv_timeout(slice) {
                // Its bytes go back to the budget: it is the consumer's page now.
                Ok(Ok((page, _charge))) => return Ok((page, true)),
                // Left off at the budget (or truly too large: then this fetch says so).
                Ok(Err(e)) if e.kind() == ErrorKind::BodyTooLarge => {
                    return Ok((self.fetch_within(offset, over, deadline)?, false))
                }
                Ok(Err(e)) => return Err(e),
                Err(RecvTimeoutError::Timeout) => {
                    if stop.is_some_and(CancelToken::is_cancelled) {
                        flight.cancel.cancel();
                        return Ok((self.fetch_within(offset, over, deadline)?, false));
                    }
                }
                // The worker is gone without an answer: fetch it here instead.
                Err(RecvTimeoutError::Disconnected) => {
                    return Ok((self.fetch_within(offset, over, deadline)?, false))
                }
            }
        }
    }

    /// Fetches the page at `offset` here, within what is left of the step's `deadline`.
    fn fetch_within(
        &self,
        offset: u64,
        over: Option<&RequestOptions>,
        deadline: Option<Instant>,
    ) -> Result<PageData> {
        let Some(d) = deadline else {
            return self.fetch(offset, over);
        };
        let Some(left) = d
            .checked_duration_since(Instant::now())
            .filter(|l| !l.is_zero())
        else {
            return Err(self.timed_out_waiting(offset));
        };
        let mut within = over.cloned().unwrap_or_default();
        within.timeout = Some(left);
        self.fetch(offset, Some(&within))
    }

    /// The error of a step whose deadline passed while the page it needs was in flight.
    fn timed_out_waiting(&self, offset: u64) -> Error {
        let req = self.request_at(offset);
        let (method, url) = (req.method.as_str(), strip_userinfo(&self.http.url(&req)));
        Error::new(
            ErrorKind::Timeout,
            format!(
                "{method} {url}: the call's deadline (its timeout, or the client's total_timeout) passed while this page, fetched ahead, had not arrived"
            ),
        )
        .with_request(method, &url)
        .redacted(&self.http.secrets)
    }

    /// Puts up to `prefetch` pages after `page` in flight (none when `prefetch` is 1).
    fn schedule(&self, page: &PageData) {
        if self.prefetch <= 1
            || self.cancel.is_cancelled()
            || self.sequential.load(Ordering::Relaxed)
        {
            return;
        }
        let Some(next) = page.next_offset() else {
            // The last page: what is in flight past it is not needed.
            self.drop_ahead(0);
            return;
        };
        let step = page.page_size();
        let largest = self
            .largest
            .fetch_max(page.text.len() as u64, Ordering::Relaxed)
            .max(page.text.len() as u64);
        // Offsets known to hold rows. Past them the walk goes on one page at a time (the
        // consumer fetches it), so rows added meanwhile are still listed.
        let known_end = match self.paging {
            Paging::TotalIsCount => page.total.unwrap_or(0),
            _ => u64::MAX,
        };
        let mut ahead = self.ahead();
        for i in 0..self.prefetch as u64 {
            let want = next.saturating_add(i.saturating_mul(step));
            // No more ahead than fit in the budget, at the size of the biggest page yet.
            if want >= known_end
                || (ahead.len() as u64 + 1).saturating_mul(largest) > self.budget.limit()
            {
                break;
            }
            if !ahead.iter().any(|f| f.offset == want) {
                ahead.push_back(self.spawn(want));
            }
        }
        ahead.make_contiguous().sort_by_key(|f| f.offset);
    }

    /// Cancels and forgets the pages in flight at or after `from`.
    fn drop_ahead(&self, from: u64) {
        let mut ahead = self.ahead();
        ahead.retain(|f| {
            let keep = f.offset < from;
            if !keep {
                f.cancel.cancel();
            }
            keep
        });
    }

    fn spawn(&self, offset: u64) -> InFlight {
        let (tx, rx) = mpsc::sync_channel(1);
        let cancel = self.cancel.child();
        let http = self.http.clone();
        let req = self.request_at(offset);
        let opts = self.opts.clone();
        let gate = self.gate.clone();
        let budget = self.budget.clone();
        let token = cancel.clone();
        let scope = self.log_scope.clone();
        // If no thread can be had, `tx` is dropped with the closure and the consumer fetches
        // the page itself when it gets there.
        let _ = std::thread::Builder::new()
            .name("openint-page".into())
            .spawn(move || {
                let _in_scope = scope.enter();
                let ctx = CallCtx {
                    opts: &opts,
                    cancel: Some(&token),
                    gate: Some(&gate),
                    budget: Some(&budget),
                };
                let _ = tx.send(fetch_page(&http, &req, offset, &ctx));
            });
        InFlight {
            offset,
            result: rx,
            cancel,
        }
    }
}

/// The page at `offset`, with what it holds of the listing's budget (fetched ahead).
fn fetch_page(
    http: &Http,
    req: &Prepared,
    offset: u64,
    ctx: &CallCtx,
) -> Result<(PageData, Option<Charge>)> {
    http.send(req, ctx, |resp| {
        let charge = resp.charge;
        PageData::parse(req, offset, resp.body, resp.meta).map(|page| (page, charge))
    })
}
