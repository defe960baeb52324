use super::args::parse_object;
use super::*;
use crate::error::Result;
use crate::operations::{self, Retry};
use serde_json::json;
use serde_json::{Map, Value};
use std::time::Duration;

fn prep(op: &str, params: Value) -> Result<Prepared> {
    let Value::Object(m) = params else { panic!() };
    prepare(operation(op).unwrap(), m, &RequestOptions::default())
}

fn err(op: &str, params: Value) -> String {
    let e = prep(op, params).unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
    e.message().to_string()
}

#[test]
fn query_encoding_follows_the_server_rules() {
    let p = prep(
        "listConnections",
        json!({"limit": 7, "connector_names": ["hubspot", "salesforce", "hubspot"],
               "include_secrets": false, "expand": [], "search_query": "a b&c",
               "refresh_policy": "none"}),
    )
    .unwrap();
    assert_eq!(
        p.query.encode(),
        "limit=7&connector_names=hubspot,salesforce&search_query=a%20b%26c&refresh_policy=none"
    );
    assert!(p.body.is_none());
    let p = prep(
        "getConnection",
        json!({"id": "conn_1", "include_secrets": true, "expand": "connector"}),
    )
    .unwrap();
    assert_eq!(p.path, "/connection/conn_1");
    assert_eq!(p.query.encode(), "include_secrets=true&expand=connector");
    let p = prep("listCustomers", json!({"search_query": null})).unwrap();
    assert_eq!(p.query.encode(), "", "null query parameters are not sent");
}

#[test]
fn path_parameters_are_percent_encoded_but_keep_pchars() {
    let p = prep("createToken", json!({"customer_id": "a b/c?d%e@x.com"})).unwrap();
    assert_eq!(p.path, "/customer/a%20b%2Fc%3Fd%25e@x.com/token");
    assert_eq!(
        p.body.as_deref(),
        Some(&b"{}"[..]),
        "every non-GET sends at least {{}}"
    );
    let p = prep("createToken", json!({"customer_id": "c\u{fc}s"})).unwrap();
    assert_eq!(p.path, "/customer/c%C3%BCs/token");
}

#[test]
fn bodies_keep_given_fields_and_nullable_nulls() {
    let p = prep(
        "createConnectorConfig",
        json!({"connector_name": "toggl", "display_name": null, "metadata": {"a": 1}}),
    )
    .unwrap();
    let body: Value = serde_json::from_slice(p.body.as_ref().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"connector_name": "toggl", "display_name": null, "metadata": {"a": 1}})
    );
    let p = prep(
        "handleWebhook",
        json!({"connector_name": "plaid", "item_id": "i", "n": [1]}),
    )
    .unwrap();
    assert_eq!(p.path, "/webhook/plaid");
    let body: Value = serde_json::from_slice(p.body.as_ref().unwrap()).unwrap();
    assert_eq!(body, json!({"item_id": "i", "n": [1]}));
    assert_eq!(p.retry, Retry::CreatesResource);
}

#[test]
fn operations_without_a_body_in_the_spec_send_none() {
    // checkConnection: a POST with neither body nor Content-Type (the server reads it as {}).
    let p = prep("checkConnection", json!({"id": "conn_x"})).unwrap();
    assert_eq!(p.body, None);
    // The deletes: an empty body, so the Content-Type the server needs on a DELETE is sent.
    for (op, id) in [
        ("deleteConnection", "conn_x"),
        ("deleteConnectorConfig", "ccfg_x"),
    ] {
        let p = prep(op, json!({ "id": id })).unwrap();
        assert_eq!(p.body.as_deref(), Some(&b""[..]), "{op}");
    }
    // Extra body fields make a body.
    let o = RequestOptions::new().body_field("note", json!(1));
    let p = prepare(
        operation("checkConnection").unwrap(),
        json!({"id": "conn_x"}).as_object().unwrap().clone(),
        &o,
    )
    .unwrap();
    assert_eq!(p.body.as_deref(), Some(&br#"{"note":1}"#[..]));
}

#[test]
fn the_specs_bounds_are_the_local_bounds() {
    // The spec's id pattern is `^conn_`, and createToken's validity has no minimum.
    let p = prep("getConnection", json!({"id": "conn_"})).unwrap();
    assert_eq!(p.path, "/connection/conn_");
    let p = prep(
        "createToken",
        json!({"customer_id": "c", "validity_in_seconds": 0}),
    )
    .unwrap();
    let body: Value = serde_json::from_slice(p.body.as_ref().unwrap()).unwrap();
    assert_eq!(body, json!({"validity_in_seconds": 0}));
}

#[test]
fn bad_parameters_are_named_before_any_request() {
    for (op, params, needle) in [
        (
            "getConnection",
            json!({}),
            "missing required parameter \"id\"",
        ),
        (
            "getConnection",
            json!({"id": "ccfg_1"}),
            "\"id\" must be an id starting with \"conn_\"",
        ),
        (
            "getConnection",
            json!({"id": "conn_1", "refresh_policy": "sometimes"}),
            "one of \"none\", \"force\", \"auto\"",
        ),
        (
            "getConnection",
            json!({"id": "conn_1", "include_secrets": "false"}),
            "\"include_secrets\" must be true or false",
        ),
        (
            "getConnection",
            json!({"id": "conn_1", "includ_secrets": true}),
            "unknown parameter \"includ_secrets\"",
        ),
        ("listConnections", json!({"limit": 3001}), "from 0 to 3000"),
        ("listConnections", json!({"limit": 1.5}), "\"limit\""),
        ("listConnections", json!({"offset": -1}), "an integer >= 0"),
        (
            "listConnections",
            json!({"connector_names": []}),
            "is empty",
        ),
        (
            "listConnections",
            json!({"connector_names": ["a,b"]}),
            "no commas",
        ),
        (
            "listConnectorConfigs",
            json!({"expand": ["connector", "bogus"]}),
            "unknown value \"bogus\"",
        ),
        (
            "createConnectorConfig",
            json!({"display_name": "x"}),
            "missing required parameter \"connector_name\"",
        ),
        (
            "createConnectorConfig",
            json!({"connector_name": "toggl", "config": null}),
            "must not be null",
        ),
        (
            "createConnectorConfig",
            json!({"connector_name": "toggl", "disabled": "false"}),
            "\"disabled\" must be true or false",
        ),
        (
            "updateConnectorConfig",
            json!({"id": "ccfg_1", "display_name": null}),
            "must not be null",
        ),
        (
            "createToken",
            json!({"customer_id": ""}),
            "non-empty string",
        ),
        (
            "createToken",
            json!({"customer_id": "c", "connect_options": {"view": "list"}}),
            "\"view\" must be \"add\" or \"manage\"",
        ),
        (
            "createToken",
            json!({"customer_id": "c", "connect_options": {"colour": 1}}),
            "unknown key \"colour\"",
        ),
        (
            "createConnection",
            json!({"connector_config_id": "ccfg_1", "customer_id": "c"}),
            "missing required parameter \"data\"",
        ),
        (
            "messageTemplate",
            json!({"customer_id": "c", "language": "python"}),
            "\"javascript\"",
        ),
        (
            "health",
            json!({"x": 1}),
            "unknown parameter \"x\" (known: none)",
        ),
    ] {
        let m = err(op, params.clone());
        assert!(m.contains(needle), "{op} {params}: {m}");
        assert!(m.starts_with(op), "{m}");
    }
}

#[test]
fn messages_stay_short_whatever_the_input() {
    let key = "k".repeat(1_000_000);
    let m = err("health", json!({ key: 1 }));
    assert!(m.len() < 300, "{}", m.len());
}

#[test]
fn call_options_parse_and_validate() {
    let o = RequestOptions::from_json(Some(
        r#"{"timeout":2.5,"max_retries":0,"extra_headers":{"X-A":"1","X-B":null},
            "extra_query":{"k":"v","n":3},"extra_body":{"f":true},"retry_unsafe":true,"prefetch":4}"#,
    ))
    .unwrap();
    assert_eq!(o.timeout, Some(Duration::from_millis(2500)));
    assert_eq!(o.max_retries, Some(0));
    assert_eq!(
        o.extra_headers,
        vec![("X-A".into(), Some("1".into())), ("X-B".into(), None)]
    );
    assert_eq!(
        o.extra_query,
        vec![("k".into(), "v".into()), ("n".into(), "3".into())]
    );
    assert_eq!(o.prefetch, Some(4));
    let p = prepare(
        operation("createToken").unwrap(),
        Map::from_iter([("customer_id".to_string(), json!("c"))]),
        &o,
    )
    .unwrap();
    assert_eq!(p.body.as_deref(), Some(&br#"{"f":true}"#[..]));
    assert_eq!(p.query.encode(), "k=v&n=3");
    for (text, needle) in [
        (r#"{"timeout":0}"#, "0.001"),
        (r#"{"timeout":1e-12}"#, "0.001"),
        (r#"{"prefetch":0}"#, "prefetch"),
        (
            r#"{"extra_headers":{"Authorization":"Bearer x"}}"#,
            "Authorization",
        ),
        (r#"{"extra_headers":{"X":"a\nb"}}"#, "control"),
        (r#"{"extra_headers":{"X":"é"}}"#, "non-ASCII"),
        (r#"{"extra_headers":{"A B":"x"}}"#, "header name"),
        (r#"{"bogus":1}"#, "unknown key \"bogus\""),
    ] {
        let e = RequestOptions::from_json(Some(text))
            .and_then(|o| prepare(operation("health").unwrap(), Map::new(), &o))
            .unwrap_err();
        assert!(e.message().contains(needle), "{text}: {}", e.message());
    }
    let o = RequestOptions::from_json(Some(
        r#"{"extra_headers":{"Authorization":"Bearer x"},"allow_authorization_header":true}"#,
    ))
    .unwrap();
    assert!(prepare(operation("health").unwrap(), Map::new(), &o).is_ok());
}

#[test]
fn raw_requests_are_checked_too() {
    let o = RequestOptions::default();
    let p = prepare_raw("POST", "/x/y", Map::new(), None, &o).unwrap();
    assert_eq!(p.body.as_deref(), Some(&b"{}"[..]));
    assert_eq!(p.retry, Retry::CreatesResource);
    let p = prepare_raw("PATCH", "/x/y", Map::new(), None, &o).unwrap();
    assert_eq!(
        (p.method.as_str(), p.retry),
        ("PATCH", Retry::CreatesResource)
    );
    for (m, path, needle) in [
        ("OPTIONS", "/x", "method"),
        ("patch", "/x", "method"),
        ("GET", "x", "start with '/'"),
        ("GET", "/a b", "URL-encoded"),
        ("GET", "/a?b=1", "query object"),
    ] {
        let e = prepare_raw(m, path, Map::new(), None, &o).unwrap_err();
        assert!(e.message().contains(needle), "{m} {path}: {}", e.message());
    }
}

/// Random argument objects (and some broken text) never panic the parsers: each one
/// parses or is an invalid-argument error naming the operation.
#[test]
fn arbitrary_arguments_never_panic() {
    const KEYS: &[&str] = &[
        "limit",
        "offset",
        "expand",
        "id",
        "include_secrets",
        "connector_names",
        "customer_id",
        "validity_in_seconds",
        "connect_options",
        "data",
        "config",
        "display_name",
        "zzz",
        "timeout",
        "max_retries",
        "extra_headers",
        "extra_query",
        "prefetch",
    ];
    const VALUES: &[&str] = &[
        "-1",
        "0",
        "7",
        "3000",
        "3001",
        "1e400",
        "1.5",
        "-0.0",
        "18446744073709551616",
        "null",
        "true",
        "\"x\"",
        "\"conn_1\"",
        "\"ccfg_\"",
        "[\"schemas\"]",
        "[\"connector\",\"connector\"]",
        "[1]",
        "[]",
        "{}",
        "{\"view\":\"add\"}",
        "{\"X-A\":\"b\"}",
        "\"\\u0000\"",
        "\"\u{1F680}\"",
        "[[[]]]",
    ];
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let (mut ok, mut invalid) = (0, 0);
    for round in 0..20_000 {
        let entries: Vec<String> = (0..next(4))
            .map(|_| {
                format!(
                    "\"{}\":{}",
                    KEYS[next(KEYS.len())],
                    VALUES[next(VALUES.len())]
                )
            })
            .collect();
        let mut text = format!("{{{}}}", entries.join(","));
        if round % 10 == 0 {
            let mut cut = next(text.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        let op = &operations::OPERATIONS[round % operations::OPERATIONS.len()];
        let result = parse_object("params", Some(&text))
            .and_then(|m| prepare(op, m, &RequestOptions::default()));
        match result {
            Ok(_) => ok += 1,
            Err(e) => {
                assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument, "{text}");
                invalid += 1;
            }
        }
        if let Err(e) = RequestOptions::from_json(Some(&text)) {
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument, "{text}");
        }
        if let Err(e) = crate::ClientOptions::from_json(Some(&text)) {
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument, "{text}");
        }
    }
    assert!(
        ok > 1000 && invalid > 1000,
        "both covered: {ok} ok, {invalid} invalid"
    );
}
