//! Prefetching: k pages in flight, items still in order and once, the same end rule, bounded
//! requests past the end, rows changing during the walk, and early stops.

use crate::common;

use common::{scenario, Scenario};
use openint::*;
use serde_json::{json, Value};
use std::time::Duration;

fn ids(c: &Client, prefetch: usize, limit: u32) -> Vec<String> {
    c.with_options(RequestOptions::new().prefetch(prefetch))
        .list_connections_auto(&ListConnectionsParams::new().limit(limit))
        .unwrap()
        .map(|x| x.unwrap().id)
        .collect()
}

fn all_ids(s: &Scenario) -> Vec<String> {
    let r = s
        .org_client()
        .call("listConnections", json!({"limit": 3000}))
        .unwrap();
    r.json::<Value>().unwrap()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

fn offsets(s: &Scenario, from: usize) -> Vec<u64> {
    s.requests()[from..]
        .iter()
        .map(|r| {
            let q = r["query"].as_str().unwrap_or("");
            q.split('&')
                .find_map(|kv| kv.strip_prefix("offset="))
                .map_or(0, |o| o.parse().unwrap())
        })
        .collect()
}

#[test]
fn every_k_lists_the_same_items_in_order_once() {
    let s = scenario(json!({"seed": {"connections": 1000}}));
    let c = s.org_client();
    let expected = all_ids(&s);
    assert_eq!(expected.len(), 1000);
    for k in [1, 2, 4, 8] {
        let before = s.requests().len();
        assert_eq!(ids(&c, k, 50), expected, "k={k}");
        let mut sent = offsets(&s, before);
        sent.sort();
        // Counted lists: the pages `total` promises, then one request to see the end. Never
        // a page twice, never a speculative page past the count.
        let want: Vec<u64> = (0..=20).map(|p| p * 50).collect();
        assert_eq!(sent, want, "k={k}");
    }
}

#[test]
fn connectors_speculate_at_most_k_minus_one_pages_past_the_end() {
    let s = scenario(json!({}));
    let c = s.client();
    for k in [1usize, 4, 8] {
        let before = s.requests().len();
        let names: Vec<String> = c
            .with_options(RequestOptions::new().prefetch(k))
            .list_connectors_auto(&ListConnectorsParams::new().limit(50))
            .unwrap()
            .map(|x| x.unwrap().name)
            .collect();
        assert_eq!(names, common::names(&common::registry(171, false)), "k={k}");
        let sent = s.requests().len() - before;
        // 4 pages (the last one short), plus at most k-1 speculative ones.
        assert!(sent >= 4 && sent <= 4 + (k - 1), "k={k}: {sent} requests");
    }
}

#[test]
fn rows_added_at_the_end_during_the_walk_are_listed_too() {
    let s = scenario(
        json!({"seed": {"connections": 300}, "mutate_after_page": {"insert": 3, "where": "back"}}),
    );
    let c = s.org_client();
    let got = ids(&c, 4, 20);
    let now = all_ids(&s);
    // Nothing shifted (rows were added behind the walk): everything once, in order, the new
    // rows included, and the walk went on past the first `total` until a short page.
    assert_eq!(got.len(), now.len().min(got.len()));
    assert_eq!(&now[..got.len()], &got[..]);
    assert!(
        got.len() > 300,
        "rows added during the walk were reached: {}",
        got.len()
    );
    let unique: std::collections::HashSet<_> = got.iter().collect();
    assert_eq!(unique.len(), got.len(), "no row twice");
}

#[test]
fn rows_deleted_during_the_walk_end_it_cleanly() {
    let s = scenario(
        json!({"seed": {"connections": 300}, "mutate_after_page": {"delete": 10, "where": "back"}}),
    );
    let c = s.org_client();
    let original = all_ids(&s);
    let got = ids(&c, 4, 20);
    // The back shrinks while the walk advances: it ends early enough, with a prefix of the
    // original order, no row twice, and nothing invented.
    assert!(!got.is_empty() && got.len() < 300, "{}", got.len());
    assert_eq!(&original[..got.len()], &got[..]);
}

#[test]
fn rows_added_at_the_front_never_end_the_walk_early_or_make_it_endless() {
    for k in [1, 4] {
        let s = scenario(
            json!({"seed": {"connections": 200}, "mutate_after_page": {"insert": 2, "where": "front"}}),
        );
        let original = all_ids(&s);
        let got = ids(&s.org_client(), k, 25);
        // Offsets shift by the inserted rows: some rows come twice (that is offset paging),
        // but every original row is listed and the walk ends.
        for id in &original {
            assert!(got.contains(id), "k={k}: {id} missing");
        }
        assert!(got.len() <= original.len() + 2 * 20, "k={k}: {}", got.len());
    }
}

#[test]
fn stopping_early_cancels_what_is_in_flight() {
    let s = scenario(json!({"seed": {"connections": 2000}, "latency_ms": 300}));
    let c = s.org_client();
    let first: Vec<String> = c
        .with_options(RequestOptions::new().prefetch(8))
        .list_connections_auto(&ListConnectionsParams::new().limit(10))
        .unwrap()
        .take(5)
        .map(|x| x.unwrap().id)
        .collect();
    assert_eq!(first.len(), 5);
    // The 8 page requests in flight when the consumer stopped are cancelled: their threads end
    // long before the server's 300 ms latency would have let them.
    std::thread::sleep(Duration::from_millis(150));
    let live = std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|t| t.ok())
        .filter(|t| {
            std::fs::read_to_string(t.path().join("comm"))
                .map(|n| n.trim() == "openint-page")
                .unwrap_or(false)
        })
        .count();
    assert_eq!(live, 0, "page threads left running");
}

#[test]
fn prefetch_is_validated_and_settable_per_client() {
    let s = scenario(json!({"seed": {"connections": 120}}));
    for bad in [0usize, 65] {
        let e = s
            .org_client()
            .with_options(RequestOptions::new().prefetch(bad))
            .list_connections(&ListConnectionsParams::new())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{bad}");
        assert!(Client::new(s.options().prefetch(bad)).is_err(), "{bad}");
    }
    let c = Client::new(s.options().token(&s.org_key).prefetch(4)).unwrap();
    assert_eq!(ids(&c, 4, 10), all_ids(&s));
    let e = ClientOptions::from_json(Some(r#"{"prefetch": 0}"#)).map(Client::new);
    assert!(matches!(e, Ok(Err(_)) | Err(_)));
}

#[test]
fn an_error_on_a_middle_page_comes_after_every_item_before_it_and_next_retries_it() {
    for k in [1usize, 4] {
        let s = scenario(json!({"seed": {"connections": 300},
            "fail": {"status": 404, "times": 1, "match": "offset=100"}}));
        let expected = all_ids(&s);
        let c = s
            .org_client()
            .with_options(RequestOptions::new().prefetch(k));
        let mut pager = c
            .list_connections_auto(&ListConnectionsParams::new().limit(50))
            .unwrap();
        let before: Vec<String> = pager.by_ref().map_while(|x| x.ok().map(|c| c.id)).collect();
        assert_eq!(
            before,
            expected[..100],
            "k={k}: every item before page 100, then the error"
        );
        // The typed iterator ends at its first error; the page chain can try the page again.
        let first = c
            .list_connections(&ListConnectionsParams::new().limit(50))
            .unwrap();
        let second = first.next_page().unwrap().unwrap();
        let third = second.next_page().expect("the failure was used up above");
        assert_eq!(third.unwrap().items()[0].id, expected[100], "k={k}");
    }
}

#[test]
fn a_429_on_one_page_pauses_the_whole_listing_once() {
    let s = scenario(json!({"seed": {"connections": 1000},
        "fail": {"status": 429, "times": 1, "match": "offset=200", "headers": {"retry-after-ms": "400"}}}));
    let got = ids(&s.org_client(), 8, 50);
    assert_eq!(got, all_ids(&s));
    let log = s.requests();
    let limited = log.iter().find(|r| r["status"] == 429).expect("the 429");
    let at = limited["t_ms"].as_f64().unwrap();
    // After the 429, the listing sent nothing for the wait the server asked for. (Requests that
    // were already on their way when the 429 came are read within a few ms of it.)
    let in_pause: Vec<f64> = log
        .iter()
        .map(|r| r["t_ms"].as_f64().unwrap() - at)
        .filter(|d| *d > 50.0 && *d < 350.0)
        .collect();
    assert!(
        in_pause.is_empty(),
        "requests sent during the pause: {in_pause:?}"
    );
    let after: Vec<&Value> = log
        .iter()
        .filter(|r| r["t_ms"].as_f64().unwrap() - at >= 350.0)
        .collect();
    assert!(!after.is_empty(), "the listing went on after the pause");
}
