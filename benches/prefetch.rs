//! Benchmark (not a test): latency hiding. The local server answers every request after 50 ms;
//! listings are walked with k = 1, 2, 4, 8 pages in flight, beside the ideal
//! ceil(pages / k) x latency, plus the CPU of k = 1 (the sequential engine).
//! `cargo bench --bench prefetch`

#[path = "../tests/common/mod.rs"]
mod common;

use openint::*;
use serde_json::json;
use std::time::{Duration, Instant};

const LATENCY_MS: u64 = 50;

fn main() {
    let connectors = common::scenario(json!({"latency_ms": LATENCY_MS}));
    let connections =
        common::scenario(json!({"latency_ms": LATENCY_MS, "seed": {"connections": 10000}}));
    println!(
        "latency {LATENCY_MS} ms a request; wall time beside the ideal ceil(pages / k) x latency"
    );
    for k in [1usize, 2, 4, 8] {
        let c = connectors
            .client()
            .with_options(RequestOptions::new().prefetch(k));
        let t = Instant::now();
        let n = c
            .list_connectors_auto(&ListConnectorsParams::new().limit(50))
            .unwrap()
            .count();
        let wall = t.elapsed();
        assert_eq!(n, 171);
        // 4 pages (the last one short): the end is seen on the 4th.
        let ideal = Duration::from_millis(LATENCY_MS * (4usize.div_ceil(k)) as u64);
        println!(
            "171 connectors, limit 50, k={k}: {:>6.0} ms (ideal {:>4} ms, {:.2}x)",
            wall.as_secs_f64() * 1000.0,
            ideal.as_millis(),
            wall.as_secs_f64() / ideal.as_secs_f64()
        );
    }
    let org = connections.org_client();
    for k in [1usize, 2, 4, 8] {
        let c = org.with_options(RequestOptions::new().prefetch(k));
        let t = Instant::now();
        let n = c
            .list_connections_auto(&ListConnectionsParams::new().limit(100))
            .unwrap()
            .count();
        let wall = t.elapsed();
        assert_eq!(n, 10000);
        // 100 full pages, then one empty page that ends the walk (it cannot be known sooner).
        let pages = 100usize;
        let ideal = Duration::from_millis(LATENCY_MS * (pages.div_ceil(k) + 1) as u64);
        println!(
            "10,000 connections, limit 100, k={k}: {:>6.0} ms (ideal {:>5} ms, {:.2}x; goal at k=8: within 1.3x)",
            wall.as_secs_f64() * 1000.0,
            ideal.as_millis(),
            wall.as_secs_f64() / ideal.as_secs_f64()
        );
    }
}
