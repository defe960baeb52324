//! Pagination against the local server, which reproduces the real server's lying envelope.
use crate::common;

use common::{default_scenario, names, registry, scenario};
use openint::{Connector, ErrorKind, Expand, ListConnectorsParams};
use serde_json::{json, Value};

fn list_all(c: &openint::Client, params: &ListConnectorsParams) -> Vec<Connector> {
    c.list_connectors_auto(params)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
}

#[test]
fn lists_every_connector_at_any_limit_with_at_most_one_extra_request() {
    let oracle = registry(171, false);
    for limit in [1u32, 7, 50, 171, 3000] {
        let s = default_scenario();
        let got = list_all(&s.client(), &ListConnectorsParams::new().limit(limit));
        // Every item re-serialises to exactly the JSON value the server sent.
        let got: Vec<Value> = got
            .iter()
            .map(|c| serde_json::to_value(c).unwrap())
            .collect();
        assert_eq!(got.len(), 171, "limit {limit}");
        assert!(
            got == oracle,
            "limit {limit}: items differ from the server's registry"
        );
        // Full pages, then the short (or empty) page that ends the listing.
        let expected_requests = 171 / limit as usize + 1;
        assert_eq!(s.requests().len(), expected_requests, "limit {limit}");
    }
}

#[test]
fn default_limit_lists_all_171_not_just_the_first_page() {
    let s = default_scenario();
    let got = list_all(&s.client(), &ListConnectorsParams::new());
    assert_eq!(
        names(&registry(171, false)),
        got.iter().map(|c| c.name.clone()).collect::<Vec<_>>()
    );
    let queries: Vec<String> = s
        .requests()
        .iter()
        .map(|r| r["query"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(queries, ["", "offset=50", "offset=100", "offset=150"]);
}

#[test]
fn spec_mode_and_other_registry_sizes_list_everything_too() {
    for (mode, count, limit) in [
        ("spec", 171, 50u32),
        ("real", 100, 50),
        ("real", 0, 10),
        ("spec", 1001, 3000),
    ] {
        let s = scenario(json!({"mode": mode, "count": count}));
        let got = list_all(&s.client(), &ListConnectorsParams::new().limit(limit));
        assert_eq!(got.len(), count, "{mode} {count}");
    }
}

#[test]
fn page_api_exposes_the_envelope_but_decides_by_itself() {
    let s = default_scenario();
    let c = s.client();
    let mut page = c
        .list_connectors(&ListConnectorsParams::new().limit(50))
        .unwrap();
    // The lying envelope is reported as sent.
    assert_eq!(page.total(), Some(50));
    assert_eq!((page.limit(), page.offset()), (Some(50), 0));
    assert!(page.json().contains("\"has_next_page\":true"));
    let mut seen = page.items().len();
    let mut pages = 1;
    while let Some(next) = page.next_page().unwrap() {
        seen += next.items().len();
        pages += 1;
        page = next;
    }
    assert_eq!((seen, pages), (171, 4));
    assert!(!page.has_next_page(), "a short page is the last");
    assert_eq!(page.offset(), 150);
}

#[test]
fn limit_zero_ends_at_once() {
    let s = default_scenario();
    let c = s.client();
    let page = c
        .list_connectors(&ListConnectorsParams::new().limit(0))
        .unwrap();
    assert!(page.items().is_empty());
    assert!(!page.has_next_page());
    assert!(page.next_page().unwrap().is_none());
    assert_eq!(list_all(&c, &ListConnectorsParams::new().limit(0)).len(), 0);
    assert_eq!(
        s.requests().len(),
        2,
        "one request per listing, none after the empty page"
    );
}

#[test]
fn a_server_that_ignores_offset_is_an_error_not_a_loop() {
    let s = scenario(json!({"ignore_offset": true}));
    let results: Vec<_> = s
        .client()
        .list_connectors_auto(&ListConnectorsParams::new().limit(50))
        .unwrap()
        .collect();
    assert_eq!(results.len(), 51, "the first page's items, then one error");
    let err = results.last().unwrap().as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.message().contains("ignores `offset`"), "{err}");
    assert_eq!(s.requests().len(), 2);
}

#[test]
fn offset_and_expand_are_sent_and_honoured() {
    let s = default_scenario();
    let params = ListConnectorsParams::new()
        .limit(40)
        .offset(100)
        .expand_with(Expand::Schemas);
    let got = list_all(&s.client(), &params);
    let oracle = registry(171, true);
    assert_eq!(
        got.iter()
            .map(|c| serde_json::to_value(c).unwrap())
            .collect::<Vec<_>>(),
        oracle[100..].to_vec()
    );
    assert!(got.iter().filter(|c| c.schemas.is_some()).count() > 60);
    let queries: Vec<String> = s
        .requests()
        .iter()
        .map(|r| r["query"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(queries[0], "limit=40&offset=100&expand=schemas");
    assert_eq!(queries[1], "limit=40&offset=140&expand=schemas");
}

#[test]
fn odd_strings_survive_decoding() {
    let s = default_scenario();
    let got = list_all(&s.client(), &ListConnectorsParams::new().limit(3000));
    let all: String = got.iter().filter_map(|c| c.display_name.clone()).collect();
    for needle in ["\"", "\\", "Zoë Ünïcødé", "\0", "\u{2028}"] {
        assert!(all.contains(needle), "missing {needle:?}");
    }
    assert!(
        got.iter().any(|c| !c.extra.is_empty()),
        "unknown fields are kept"
    );
    assert!(got
        .iter()
        .any(|c| matches!(c.stage, Some(openint::Stage::Unknown(_)))));
}

#[test]
fn bad_params_fail_before_any_request() {
    let s = default_scenario();
    let c = s.client();
    let err = c
        .list_connectors(&ListConnectorsParams::new().limit(3001))
        .err()
        .unwrap();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(err.message().contains("\"limit\""), "{err}");
    assert!(c
        .list_connectors_auto(&ListConnectorsParams::new().limit(5000))
        .is_err());
    assert!(s.requests().is_empty());
}
