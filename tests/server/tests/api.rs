//! The v1 operations: happy and error paths per route, auth roles, bodies, lists, seeds,
//! mutations, and the scenario behaviours on routes other than `/connector`.

use crate::common;

use common::{request, try_request, Api, Server};
use serde_json::{json, Value};
use std::sync::OnceLock;
use std::time::Instant;

/// One server for this file (it exits when the test process closes its stdin).
fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| Server::start(&[]))
}

fn fresh() -> Api {
    server().scenario(json!({}))
}

fn upsert(api: &Api, id: &str) -> String {
    let r = api.org("PUT", "/customer", Some(json!({"id": id})));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["api_key"].as_str().unwrap().to_string()
}

fn token(api: &Api, customer: &str, body: Value) -> Value {
    let r = api.org("POST", &format!("/customer/{customer}/token"), Some(body));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

fn config(api: &Api, body: Value) -> String {
    let r = api.org("POST", "/connector-config", Some(body));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["id"].as_str().unwrap().to_string()
}

fn connection(api: &Api, ccfg: &str, customer: &str, name: &str, settings: Value) -> String {
    let body = json!({"connector_config_id": ccfg, "customer_id": customer,
        "data": {"connector_name": name, "settings": settings}});
    let r = api.org("POST", "/connection", Some(body));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["id"].as_str().unwrap().to_string()
}

#[test]
fn org_key_in_the_startup_line_and_per_scenario() {
    let srv = server();
    let key = srv.info["org_key"].as_str().unwrap();
    assert!(!key.is_empty());
    let api = fresh();
    assert_eq!(api.org_key, key);
    assert_eq!(
        api.org("GET", "/viewer", None).json(),
        json!({"role": "org", "orgId": "org_local_test"})
    );
    let own = srv.scenario(json!({"org_key": "my_org_key"}));
    assert_eq!(own.org_key, "my_org_key");
    assert_eq!(own.call("GET", "/viewer", Some(key), None).status, 401);
    // `token` is an org key too (and keeps its meaning on /connector).
    let tok = srv.scenario(json!({"token": "sk_tok"}));
    assert_eq!(tok.org_key, "sk_tok");
    assert_eq!(
        tok.call("GET", "/customer", Some("sk_tok"), None).status,
        200
    );
    assert_eq!(tok.call("GET", "/connector", None, None).status, 403);
    let cli = Server::start(&["--org-key", "cli_key"]);
    assert_eq!(cli.info["org_key"], "cli_key");
    assert_eq!(cli.scenario(json!({})).org_key, "cli_key");
    let root = Server::start(&["--token", "root_tok"]);
    assert_eq!(root.info["org_key"], "root_tok");
    let auth = [("Authorization", "Bearer root_tok")];
    assert_eq!(
        request(root.port, "GET", "/v1/customer", &auth, b"").status,
        200
    );
}

#[test]
fn auth_roles_and_messages() {
    let api = fresh();
    let key = upsert(&api, "cus_1");
    assert!(key.starts_with("key_cus_"));
    let t = token(&api, "cus_1", json!({}));
    let jwt = t["token"].as_str().unwrap();
    assert_eq!(jwt.split('.').count(), 3);
    assert_eq!(t["api_key"], key);
    assert_eq!(
        api.call("GET", "/viewer", None, None).json(),
        json!({"role": "anon"})
    );
    assert_eq!(
        api.call("GET", "/viewer", Some(&key), None).json(),
        json!({"role": "customer", "orgId": "org_local_test", "customerId": "cus_1"})
    );
    assert_eq!(
        api.call("GET", "/viewer", Some(jwt), None).json()["customerId"],
        "cus_1"
    );
    let msg = |r: common::Resp| (r.status, r.json()["message"].as_str().unwrap().to_string());
    assert_eq!(
        msg(api.call("GET", "/health", Some("nope"), None)),
        (401, "Invalid API key".into())
    );
    assert_eq!(
        msg(api.call("GET", "/viewer", Some("a.b.c"), None)),
        (
            401,
            "TRPCError: JWSInvalid: JWS Protected Header is invalid".into()
        )
    );
    let lower = format!("bearer {}", api.org_key);
    let r = request(
        api.port,
        "GET",
        &api.path("/v1/viewer"),
        &[("Authorization", &lower)],
        b"",
    );
    assert_eq!(
        msg(r),
        (
            401,
            "Invalid Authorization header, expecting Bearer with token".into()
        )
    );
    assert_eq!(
        msg(api.call("GET", "/connection", None, None)),
        (403, "Authentication required".into())
    );
    assert_eq!(
        msg(api.call("GET", "/customer", None, None)),
        (403, "Org admin only".into())
    );
    assert_eq!(
        msg(api.call("GET", "/customer", Some(&key), None)),
        (403, "Org admin only".into())
    );
    assert_eq!(
        msg(api.call("GET", "/connector-config", Some(jwt), None)),
        (500, "permission denied for table connector_config".into())
    );
    // validity 0 or negative: an already expired token.
    let dead = token(&api, "cus_1", json!({"validity_in_seconds": 0}));
    let r = api.call("GET", "/viewer", dead["token"].as_str(), None);
    assert!(msg(r).1.contains("JWTExpired"));
}

#[test]
fn customers_and_tokens() {
    let api = fresh();
    let a = api
        .org(
            "PUT",
            "/customer",
            Some(json!({"id": "cus_a", "metadata": {"plan": "pro"}})),
        )
        .json();
    let b = api
        .org("PUT", "/customer", Some(json!({"id": "cus_a"})))
        .json();
    assert_eq!(
        (a["api_key"].clone(), a["created_at"].clone()),
        (b["api_key"].clone(), b["created_at"].clone())
    );
    assert_eq!(b["metadata"], Value::Null);
    let gen = api.org("PUT", "/customer", Some(json!({}))).json();
    assert!(
        gen["id"].as_str().unwrap().starts_with("cus_") && gen["id"].as_str().unwrap().len() == 30
    );
    let r = api.org("PUT", "/customer", Some(json!({"id": 5})));
    assert_eq!(
        (r.status, r.json()["issues"][0]["path"].clone()),
        (400, json!(["id"]))
    );
    // createToken: unknown customers are created; %20 is kept literally; options in the link.
    let t = token(
        &api,
        "a%20b",
        json!({"validity_in_seconds": "3600",
        "connect_options": {"return_url": "https://x.test/?a=1", "view": "add", "debug": "false"}}),
    );
    assert!(t["magic_link_url"]
        .as_str()
        .unwrap()
        .ends_with("&return_url=https%3A%2F%2Fx.test%2F%3Fa%3D1&view=add"));
    assert!(api.store()["customers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == "a%20b"));
    let r = api.org(
        "POST",
        "/customer/cus_a/token",
        Some(json!({"connect_options": {"view": "list"}})),
    );
    assert_eq!(r.json()["issues"][0]["options"], json!(["add", "manage"]));
    assert_eq!(
        api.org("POST", "/customer//token", Some(json!({}))).status,
        404
    );
    // listCustomers is built from connections.
    assert_eq!(api.org("GET", "/customer", None).json()["items"], json!([]));
    let cfg = config(&api, json!({"connector_name": "toggl"}));
    connection(&api, &cfg, "cus_b", "toggl", json!({"apiToken": "t"}));
    connection(&api, &cfg, "cus_a", "toggl", json!({"apiToken": "t"}));
    connection(&api, &cfg, "cus_a", "toggl", json!({"apiToken": "t"}));
    let v = api.org("GET", "/customer", None).json();
    assert_eq!(v["items"][0]["id"], "cus_a");
    assert_eq!(v["items"][0]["connection_count"], 2);
    assert_eq!(
        (v["total"].clone(), v["has_next_page"].clone()),
        (json!(2), json!(true))
    );
    let v = api.org("GET", "/customer?limit=1", None).json();
    assert_eq!(
        (v["total"].clone(), v["has_next_page"].clone()),
        (json!(2), json!(false))
    );
}

#[test]
fn connector_configs() {
    let api = fresh();
    let id = config(
        &api,
        json!({"connector_name": "hubspot", "display_name": "HS",
        "config": {"oauth": {"client_id": "c", "client_secret": "s"}}}),
    );
    assert!(id.starts_with("ccfg_hubspot_") && id.len() == "ccfg_hubspot_".len() + 26);
    let got = api
        .org(
            "GET",
            &format!("/connector-config/{id}?expand=connector,connection_count"),
            None,
        )
        .json();
    assert_eq!(got["connector"]["name"], "hubspot");
    assert!(got["connector"].get("schemas").is_none());
    assert_eq!(got["connection_count"], 0);
    let r = api.org(
        "PUT",
        &format!("/connector-config/{id}"),
        Some(json!({"display_name": "New", "disabled": "false"})),
    );
    assert_eq!(
        (
            r.json()["display_name"].clone(),
            r.json()["disabled"].clone()
        ),
        (json!("New"), json!(true))
    );
    assert_eq!(
        api.org(
            "PUT",
            &format!("/connector-config/{id}"),
            Some(json!({"config": null}))
        )
        .status,
        500
    );
    assert_eq!(
        api.org("GET", "/connector-config/conn_x", None).json()["issues"][0]["code"],
        "invalid_string"
    );
    assert_eq!(
        api.org("GET", "/connector-config/ccfg_nope", None).status,
        404
    );
    assert_eq!(
        api.org(
            "POST",
            "/connector-config",
            Some(json!({"connector_name": "nope"}))
        )
        .json()["message"],
        "Invalid connector_name"
    );
    assert_eq!(
        api.org(
            "POST",
            "/connector-config",
            Some(json!({"connector_name": "hubspot", "config": {"oauth": "x"}}))
        )
        .status,
        400
    );
    // A row that breaks its output schema is stored, and every read of it is a 500.
    let r = api.org(
        "POST",
        "/connector-config",
        Some(json!({"connector_name": "lunchmoney"})),
    );
    assert_eq!(
        (r.status, r.json()["output_issues"][0]["path"].clone()),
        (500, json!(["config", "accessToken"]))
    );
    assert_eq!(api.org("GET", "/connector-config", None).status, 500);
    let bad = api.store()["connector_configs"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        api.org("DELETE", &format!("/connector-config/{bad}"), None)
            .status,
        200
    );
    let list = api
        .org("GET", "/connector-config?expand=connector.schemas", None)
        .json();
    assert!(list["items"][0]["connector"]["schemas"].is_object());
    // Filters: empty connector_names is no filter here; unknown names are a 400.
    assert_eq!(
        api.org("GET", "/connector-config?connector_names=", None)
            .json()["total"],
        1
    );
    assert_eq!(
        api.org("GET", "/connector-config?connector_names=toggl", None)
            .json()["total"],
        0
    );
    assert_eq!(
        api.org("GET", "/connector-config?connector_names=nope", None)
            .status,
        400
    );
    assert_eq!(
        api.org("GET", "/connector-config?search_query=%20HUB%20", None)
            .json()["total"],
        1
    );
    // Deleting a config that still has connections is the database's 500.
    let toggl = config(&api, json!({"connector_name": "toggl"}));
    connection(&api, &toggl, "c", "toggl", json!({"apiToken": "t"}));
    let r = api.org("DELETE", &format!("/connector-config/{toggl}"), None);
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .contains("foreign key"));
    assert_eq!(
        api.org("DELETE", &format!("/connector-config/{id}"), None)
            .json(),
        json!({"id": id})
    );
}

#[test]
fn connections_checks_and_events() {
    let api = fresh();
    let acme = config(&api, json!({"connector_name": "acme-apikey"}));
    let toggl = config(&api, json!({"connector_name": "toggl"}));
    let mine = connection(&api, &acme, "cus_1", "acme-apikey", json!({"api_key": "k"}));
    let theirs = connection(&api, &toggl, "cus_2", "toggl", json!({"apiToken": "t"}));
    let key = upsert(&api, "cus_1");
    // Customers see their own rows only.
    assert_eq!(
        api.call("GET", &format!("/connection/{theirs}"), Some(&key), None)
            .status,
        404
    );
    assert_eq!(
        api.call("GET", "/connection", Some(&key), None).json()["total"],
        1
    );
    assert_eq!(
        api.call("GET", "/connection?customer_id=cus_2", Some(&key), None)
            .json()["total"],
        0
    );
    // include_secrets: any non-empty value is true.
    let get = |q: &str| {
        api.org("GET", &format!("/connection/{mine}{q}"), None)
            .json()
    };
    assert!(get("").get("settings").is_none());
    assert_eq!(
        get("?include_secrets=false")["settings"],
        json!({"api_key": "k"})
    );
    assert!(get("?include_secrets=").get("settings").is_none());
    // A forced refresh runs the check and persists the new status.
    assert_eq!(
        get("?include_secrets=1&refresh_policy=force")["status"],
        "disconnected"
    );
    assert_eq!(get("")["status_message"], "fetch() URL is invalid");
    // A connector without a check: mocked healthy, not saved.
    let r = api.org(
        "POST",
        &format!("/connection/{theirs}/check"),
        Some(json!({})),
    );
    assert_eq!(
        r.json(),
        json!({"id": theirs, "status": "healthy", "status_message": null})
    );
    assert_eq!(
        api.org("GET", &format!("/connection/{theirs}"), None)
            .json()["status"],
        "unknown"
    );
    let body = json!({"connector_config_id": toggl, "customer_id": "c", "check_connection": true,
        "data": {"connector_name": "toggl", "settings": {"apiToken": "t"}}});
    assert_eq!(api.org("POST", "/connection", Some(body)).status, 501);
    // Validation and lookups.
    let r = api.org(
        "POST",
        "/connection",
        Some(json!({"connector_config_id": "x", "data": {"connector_name": "nope"}})),
    );
    let codes: Vec<Value> = r.json()["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].clone())
        .collect();
    assert_eq!(
        codes,
        [
            json!("invalid_string"),
            json!("invalid_type"),
            json!("invalid_union_discriminator")
        ]
    );
    let r = api.org(
        "POST",
        "/connection",
        Some(json!({"connector_config_id": acme, "customer_id": "c",
        "data": {"connector_name": "toggl", "settings": {"apiToken": "t"}}})),
    );
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .starts_with("Connector name mismatch"));
    assert_eq!(
        api.org("GET", "/connection?connector_names=", None).json()["total"],
        0
    );
    assert_eq!(
        api.org("GET", "/connection?refresh_policy=x", None).status,
        400
    );
    // Checks that change the status and deletes write events; a customer sees its own.
    assert_eq!(
        api.org("DELETE", &format!("/connection/{theirs}"), None)
            .json(),
        json!({"id": theirs})
    );
    assert_eq!(
        api.org("DELETE", &format!("/connection/{theirs}"), None)
            .status,
        404
    );
    let ev = api.org("GET", "/event", None).json();
    let names: Vec<&str> = ev["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["connect.connection-deleted", "connect.connection-checked"]
    );
    assert_eq!(
        api.call("GET", "/event", Some(&key), None).json()["total"],
        1
    );
    assert_eq!(api.org("GET", "/event?since=not-a-date", None).status, 500);
    assert_eq!(
        api.org("GET", "/event?since=2999-01-01", None).json()["total"],
        0
    );
}

#[test]
fn bodies_and_crash_cases() {
    let api = fresh();
    let ok = |r: common::Resp| (r.status, r.json());
    let post = |ct: Option<&str>, body: &[u8]| {
        let mut h = vec![];
        if let Some(ct) = ct {
            h.push(("Content-Type", ct));
        }
        try_request(api.port, "POST", &api.path("/v1/health"), &h, body)
    };
    assert_eq!(
        ok(post(Some("application/json"), b"[1,2]").unwrap()),
        (200, json!({"input": {"0": 1, "1": 2}}))
    );
    assert_eq!(
        ok(post(Some("application/json"), b"null").unwrap()).1,
        json!({"input": {}})
    );
    assert_eq!(ok(post(None, b"").unwrap()).1, json!({"input": {}}));
    assert_eq!(
        ok(post(None, br#"{"x":1}"#).unwrap()).1,
        json!({"input": {"x": 1}})
    );
    assert_eq!(
        ok(post(Some("application/json"), b"").unwrap()).1["code"],
        "PARSE_ERROR"
    );
    assert!(
        post(Some("text/plain"), b"{}").is_none(),
        "text/plain is dropped"
    );
    // PUT/DELETE without a JSON Content-Type: dropped, nothing changes.
    let key = format!("Bearer {}", api.org_key);
    let auth = [("Authorization", key.as_str())];
    assert!(try_request(
        api.port,
        "PUT",
        &api.path("/v1/customer"),
        &auth,
        br#"{"id":"x"}"#
    )
    .is_none());
    assert_eq!(api.store()["customers"], json!([]));
    // Form-encoded: answered, then the connection closes.
    let r = post(Some("application/x-www-form-urlencoded"), b"a=1&a=2").unwrap();
    assert_eq!(r.header("connection"), Some("close"));
    assert_eq!(r.json()["input"], json!({"a": ["1", "2"]}));
    // The request log keeps bodies of non-GET requests.
    let log = api.log();
    assert_eq!(log[0]["body"], "[1,2]");
    assert!(log
        .iter()
        .all(|e| e["method"] != "GET" || e.get("body").is_none()));
}

#[test]
fn routes_outside_the_operations() {
    let api = fresh();
    let r = request(api.port, "OPTIONS", &api.path("/v1/connector"), &[], b"");
    assert_eq!((r.status, r.header("content-length")), (204, None));
    let r = request(
        api.port,
        "HEAD",
        &api.path("/v1/connector?limit=1"),
        &[],
        b"",
    );
    assert_eq!(
        (r.status, r.header("content-type")),
        (204, Some("application/json"))
    );
    let r = request(api.port, "GET", &api.path("/health"), &[], b"");
    assert_eq!(r.text(), r#"{"healthy":true}"#);
    let r = request(api.port, "GET", &api.path("/v2/event"), &[], b"");
    assert_eq!((r.status, r.text()), (404, "NOT_FOUND".into()));
    assert_eq!(
        request(api.port, "GET", &api.path("/v2/connector"), &[], b"").status,
        200
    );
    let strict = server().scenario(json!({"v2_alias": false, "connector_auth": "real"}));
    assert_eq!(
        request(strict.port, "GET", &strict.path("/v2/connector"), &[], b"").status,
        404
    );
    assert_eq!(
        strict.call("GET", "/connector", Some("bogus"), None).status,
        401
    );
    assert_eq!(
        api.call("GET", "/connector", Some("bogus"), None).status,
        200,
        "lenient by default"
    );
    let r = api.org("PATCH", "/customer", Some(json!({})));
    assert_eq!(
        r.json(),
        json!({"message": "Not found", "code": "NOT_FOUND", "data": {"code": "NOT_FOUND", "httpStatus": 404}})
    );
    assert_eq!(api.org("GET", "/HEALTH/", None).json(), json!({"ok": true}));
    let real = server().scenario(json!({"registry": "real"}));
    let v = real.call("GET", "/connector?limit=3000", None, None).json();
    assert_eq!(v["items"].as_array().unwrap().len(), 171);
    assert_eq!(
        real.call("GET", "/connector-status", None, None).json()["numTotalConnectors"],
        171
    );
}

#[test]
fn list_envelopes_real_and_spec() {
    let srv = server();
    let real = srv.scenario(json!({"seed": {"events": 7}}));
    let v = real.org("GET", "/event?limit=3&offset=6", None).json();
    assert_eq!(
        (v["total"].clone(), v["has_next_page"].clone()),
        (json!(7), json!(true))
    );
    let v = real.org("GET", "/event?limit=3", None).json();
    assert_eq!(
        (v["total"].clone(), v["has_next_page"].clone()),
        (json!(7), json!(false))
    );
    let v = real.org("GET", "/event?offset=9", None).json();
    assert_eq!(
        (v["total"].clone(), v["has_next_page"].clone()),
        (json!(0), json!(true))
    );
    let spec = srv.scenario(json!({"mode": "spec", "seed": {"events": 7}}));
    let v = spec.org("GET", "/event?limit=3&offset=6", None).json();
    assert_eq!(
        (v["total"].clone(), v["has_next_page"].clone()),
        (json!(7), json!(false))
    );
    let v = spec.org("GET", "/event?offset=9", None).json();
    assert_eq!(v["total"], 7);
    let r = real.org("GET", "/event?limit=abc&offset=-1", None);
    let codes: Vec<Value> = r.json()["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].clone())
        .collect();
    assert_eq!(codes, [json!("invalid_type"), json!("too_small")]);
}

#[test]
fn seeds_are_deterministic_and_pages_are_fast() {
    let srv = server();
    let seed = json!({"seed": {"customers": 50, "connector_configs": 8, "connections": 20000, "events": 100}});
    let a = srv.scenario(seed.clone());
    let b = srv.scenario(seed);
    let page = |api: &Api| {
        api.org(
            "GET",
            "/connection?limit=100&offset=19850&include_secrets=1",
            None,
        )
    };
    assert_eq!(page(&a).body, page(&b).body);
    let v = page(&a).json();
    assert_eq!(
        (v["items"].as_array().unwrap().len(), v["total"].clone()),
        (100, json!(20000))
    );
    assert_eq!(a.org("GET", "/customer?limit=1", None).json()["total"], 50);
    assert_eq!(
        a.org("GET", "/connector-config?limit=1", None).json()["total"],
        8
    );
    // Timing on one keep-alive connection, client parsing included; generous for CI.
    let mut s = std::net::TcpStream::connect(("127.0.0.1", a.port)).unwrap();
    let mut r = std::io::BufReader::new(s.try_clone().unwrap());
    let auth = format!("Bearer {}", a.org_key);
    let started = Instant::now();
    for i in 0..100 {
        let path = a.path(&format!("/v1/connection?limit=100&offset={}", i * 150));
        use std::io::Write;
        s.write_all(&common::raw_request(
            "GET",
            &path,
            &[("Authorization", &auth)],
            b"",
        ))
        .unwrap();
        assert_eq!(common::read_response(&mut r, false).unwrap().status, 200);
    }
    let per = started.elapsed() / 100;
    assert!(per.as_millis() < 20, "{per:?} per 100-row page");
}

#[test]
fn mutations_between_pages() {
    let srv = server();
    let api = srv.scenario(json!({"seed": {"connections": 10}}));
    let first = api.org("GET", "/connection?limit=3", None).json()["items"][0]["id"].clone();
    let r = api.mutate(json!({"table": "connection", "insert": 2, "delete": 1, "where": "front"}));
    let done = r.json();
    assert_eq!(done["deleted"], json!([first]));
    let ids = api.org("GET", "/connection?limit=2", None).json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].clone())
        .collect::<Vec<_>>();
    assert_eq!(
        ids,
        [done["inserted"][1].clone(), done["inserted"][0].clone()]
    );
    assert_eq!(api.org("GET", "/connection", None).json()["total"], 11);
    assert_eq!(api.mutate(json!({"table": "nope"})).status, 400);
    // After every non-empty page, the listed table changes.
    let walk = srv.scenario(
        json!({"seed": {"events": 10}, "mutate_after_page": {"insert": 1, "where": "front"}}),
    );
    let p1 = walk.org("GET", "/event?limit=5", None).json();
    let p2 = walk.org("GET", "/event?limit=5&offset=5", None).json();
    assert_eq!(
        p1["items"][4]["id"], p2["items"][0]["id"],
        "a row inserted in front shifts the next page"
    );
    assert_eq!(walk.org("GET", "/event?limit=0", None).json()["total"], 0);
}

#[test]
fn scenario_behaviours_apply_to_every_operation() {
    let srv = server();
    let st = srv.scenario(json!({"status": 503}));
    let r = st.org("GET", "/event", None);
    assert_eq!(
        (r.status, r.json()["data"]["path"].clone()),
        (503, json!("listEvents"))
    );
    let fail = srv.scenario(json!({"fail": {"times": 1, "status": "drop"}}));
    assert!(try_request(fail.port, "GET", &fail.path("/v1/health"), &[], b"").is_none());
    assert_eq!(fail.call("GET", "/health", None, None).status, 200);
    let gz = srv.scenario(json!({"gzip": true, "seed": {"events": 50}}));
    let auth = format!("Bearer {}", gz.org_key);
    let r = request(
        gz.port,
        "GET",
        &gz.path("/v1/event"),
        &[("Authorization", &auth), ("Accept-Encoding", "gzip")],
        b"",
    );
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    let io = srv.scenario(json!({"ignore_offset": true, "seed": {"events": 5}}));
    let v = io.org("GET", "/event?limit=2&offset=2", None).json();
    assert_eq!(v["offset"], 2);
    assert_eq!(
        v["items"][0]["id"],
        io.org("GET", "/event?limit=1", None).json()["items"][0]["id"]
    );
    let tr = srv.scenario(json!({"truncate": true, "seed": {"events": 5}}));
    let r = try_request(
        tr.port,
        "GET",
        &tr.path("/v1/event"),
        &[("Authorization", &format!("Bearer {}", tr.org_key))],
        b"",
    );
    assert!(
        r.is_none(),
        "a truncated body cannot be read to its Content-Length"
    );
}

#[test]
fn webhooks_and_message_template() {
    let api = fresh();
    let r = api.call(
        "POST",
        "/webhook/plaid",
        None,
        Some(json!({"connector_name": "x", "a": 1})),
    );
    assert_eq!(
        r.json(),
        json!({"status": "error", "info": {"connector_name": "plaid", "a": 1}})
    );
    assert_eq!(
        api.call("POST", "/webhook/toggl", None, Some(json!({})))
            .status,
        501
    );
    assert_eq!(
        api.call("POST", "/webhook/nope", None, Some(json!({})))
            .status,
        400
    );
    assert_eq!(
        api.org("GET", "/ai/message_template", None).json()["issues"][0]["path"],
        json!(["customer_id"])
    );
    let r = api.org("GET", "/ai/message_template?customer_id=c", None);
    assert_eq!(
        (r.status, r.json()["message"].clone()),
        (500, json!("AI API URL is not set"))
    );
    assert_eq!(
        api.call("GET", "/ai/message_template?customer_id=c", None, None)
            .status,
        403
    );
}
