//! Benchmark (not a test): cancellation latency over 200 cancels, and what cancel support costs
//! on the happy path (listing 20,000 connectors with and without a cancel handle).
//! `cargo bench --bench request_control`

#[path = "../tests/common/mod.rs"]
mod common;

use openint::*;
use serde_json::json;
use std::time::{Duration, Instant};

fn cpu() -> Duration {
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let t = |tv: libc::timeval| Duration::new(tv.tv_sec as u64, tv.tv_usec as u32 * 1000);
    t(u.ru_utime) + t(u.ru_stime)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    // 1. Cancel latency: a call waiting for a slow head (and one in a retry back-off) is
    //    cancelled after a random 5..50 ms; time from the cancel to the call's return.
    for (what, settings) in [
        (
            "waiting for the response head",
            json!({"latency_ms": 10000}),
        ),
        (
            "in a retry back-off",
            json!({"fail": {"status": 503, "times": 1000000, "headers": {"Retry-After": "30"}}}),
        ),
    ] {
        let s = common::scenario(settings);
        let c = s.client_with(|o| o.max_retries(5));
        let mut lat = Vec::new();
        for i in 0..200u64 {
            let token = CancelToken::new();
            let call = c.with_options(RequestOptions::new().cancel(token.clone()));
            let h = std::thread::spawn(move || {
                let r = call.health();
                (r, Instant::now())
            });
            std::thread::sleep(Duration::from_millis(5 + (i * 7919) % 45));
            let fired = Instant::now();
            token.cancel();
            let (r, returned) = h.join().unwrap();
            assert_eq!(r.unwrap_err().kind(), ErrorKind::Cancelled);
            lat.push(returned.duration_since(fired));
        }
        lat.sort();
        println!(
            "cancel latency, {what}: p50 {:?}, p99 {:?}, max {:?} over {} cancels (goal: within 100 ms)",
            percentile(&lat, 0.5),
            percentile(&lat, 0.99),
            lat[lat.len() - 1],
            lat.len()
        );
    }

    // 2. Happy-path cost: 20,000 connectors at limit 100, with and without a cancel handle,
    //    alternating, 9 rounds; CPU of this process (the server runs in its own).
    let s = common::scenario(json!({"count": 20000}));
    let c = s.client();
    let walk = |c: &Client| {
        let t = cpu();
        let n = c
            .list_connectors_auto(&ListConnectorsParams::new().limit(100))
            .unwrap()
            .count();
        assert_eq!(n, 20000);
        cpu() - t
    };
    walk(&c); // warm the pool and the server's cache
    let (mut without, mut with) = (Vec::new(), Vec::new());
    for _ in 0..9 {
        without.push(walk(&c));
        with.push(walk(
            &c.with_options(RequestOptions::new().cancel(CancelToken::new())),
        ));
    }
    without.sort();
    with.sort();
    let (a, b) = (without[4], with[4]);
    println!(
        "listing 20,000 connectors (limit 100), CPU median of 9: without a cancel handle {a:?}, with one {b:?}: {:.3}x (goal: within 1.02x)",
        b.as_secs_f64() / a.as_secs_f64()
    );
}
