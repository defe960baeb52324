//! Every v1 operation through the typed Rust API and the generic call, against the local server:
//! the main jobs end to end, each auth role, each error class, each list walked to its end.

use crate::common;

use common::{scenario, Scenario};
use openint::*;
use serde_json::{json, Map, Value};

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => panic!("not an object"),
    }
}

fn seeded(connections: usize) -> Scenario {
    scenario(
        json!({"seed": {"customers": 4, "connector_configs": 3, "connections": connections, "events": 5}}),
    )
}

#[test]
fn the_main_jobs_end_to_end() {
    let s = scenario(json!({}));
    let c = s.org_client();
    // A customer, and a Connect token for it.
    let cus = c
        .upsert_customer(
            &UpsertCustomerParams::new()
                .id("cus_acme")
                .metadata(obj(json!({"plan": "pro"}))),
        )
        .unwrap();
    assert_eq!(cus.id, "cus_acme");
    assert_eq!(cus.metadata, Some(json!({"plan": "pro"})));
    let api_key = cus.api_key.clone().unwrap();
    assert!(
        !format!("{cus:?}").contains(&api_key),
        "Debug hides the key"
    );
    let token = c
        .create_token(
            "cus_acme",
            &CreateTokenParams::new()
                .validity_in_seconds(3600.0)
                .connect_options(
                    ConnectOptions::new()
                        .return_url("https://app.example.com/x?a=1")
                        .view(ConnectView::Add),
                ),
        )
        .unwrap();
    assert_eq!(token.api_key.as_deref(), Some(api_key.as_str()));
    assert!(token.magic_link_url.contains(&token.token));
    assert!(
        token.magic_link_url.contains("return_url="),
        "{}",
        token.magic_link_url
    );
    // The token works as a customer credential.
    let as_customer = s.client_with_token(&token.token);
    let me = as_customer.viewer().unwrap();
    assert_eq!(me.role, Role::Customer);
    assert_eq!(me.customer_id.as_deref(), Some("cus_acme"));

    // A connector config and a connection with credentials.
    let cfg = c
        .create_connector_config(
            &CreateConnectorConfigParams::new()
                .connector_name("acme-apikey")
                .display_name("Acme"),
        )
        .unwrap();
    assert!(cfg.id.starts_with("ccfg_acme-apikey_"), "{}", cfg.id);
    let updated = c
        .update_connector_config(&cfg.id, &UpdateConnectorConfigParams::new().disabled(true))
        .unwrap();
    assert_eq!(updated.disabled, Some(true));
    assert_eq!(updated.display_name.as_deref(), Some("Acme"));
    let got = c
        .get_connector_config(
            &cfg.id,
            &GetConnectorConfigParams::new().expand(vec![
                ConnectorConfigExpand::ConnectionCount,
                ConnectorConfigExpand::Connector,
            ]),
        )
        .unwrap();
    assert_eq!(got.connection_count, Some(0));
    assert_eq!(
        got.connector.as_ref().map(|c| c.name.as_str()),
        Some("acme-apikey")
    );
    let conn = c
        .create_connection(
            &CreateConnectionParams::new()
                .connector_config_id(cfg.id.clone())
                .customer_id("cus_acme")
                .data(obj(
                    json!({"connector_name": "acme-apikey", "settings": {"api_key": "sk_acme_1"}}),
                )),
        )
        .unwrap();
    assert_eq!(conn.customer_id.as_deref(), Some("cus_acme"));
    // Credentials only when asked for.
    let plain = c
        .get_connection(&conn.id, &GetConnectionParams::new())
        .unwrap();
    assert_eq!(plain.settings, None);
    let secret = c
        .get_connection(
            &conn.id,
            &GetConnectionParams::new()
                .include_secrets(true)
                .refresh_policy(RefreshPolicy::None),
        )
        .unwrap();
    assert_eq!(secret.settings, Some(json!({"api_key": "sk_acme_1"})));
    assert!(
        !format!("{secret:?}").contains("sk_acme_1"),
        "Debug hides settings"
    );
    // The customer lists its own connections with secrets.
    let mine: Vec<Connection> = as_customer
        .list_connections_auto(
            &ListConnectionsParams::new()
                .customer_id("cus_acme")
                .include_secrets(true),
        )
        .unwrap()
        .collect::<Result<_>>()
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].settings, Some(json!({"api_key": "sk_acme_1"})));
    let checked = c.check_connection(&conn.id).unwrap();
    assert_eq!(checked.id, conn.id);
    assert!(checked.status.is_some());
    let events: Vec<Event> = c
        .list_events_auto(&ListEventsParams::new())
        .unwrap()
        .collect::<Result<_>>()
        .unwrap();
    assert!(!events.is_empty(), "a check writes an event");
    let customers: Vec<CustomerSummary> = c
        .list_customers_auto(&ListCustomersParams::new())
        .unwrap()
        .collect::<Result<_>>()
        .unwrap();
    assert!(customers
        .iter()
        .any(|x| x.id.as_deref() == Some("cus_acme")));
    let configs: Vec<ConnectorConfig> = c
        .list_connector_configs_auto(
            &ListConnectorConfigsParams::new().connector_names(vec!["acme-apikey".into()]),
        )
        .unwrap()
        .collect::<Result<_>>()
        .unwrap();
    assert_eq!(configs.len(), 1);
    // A config with connections cannot be deleted (the server's foreign key), then it can.
    let e = c.delete_connector_config(&cfg.id).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InternalServer, "{e}");
    assert_eq!(c.delete_connection(&conn.id).unwrap().id, conn.id);
    assert_eq!(c.delete_connector_config(&cfg.id).unwrap().id, cfg.id);
    let e = c
        .get_connection(&conn.id, &GetConnectionParams::new())
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.status(), e.code()),
        (ErrorKind::NotFound, Some(404), Some("NOT_FOUND"))
    );
}

#[test]
fn the_small_operations() {
    let s = scenario(json!({}));
    let c = s.org_client();
    assert_eq!(c.health().unwrap().ok, Some(true));
    let echo = c
        .health_echo(&obj(json!({"hello": "world", "n": [1, 2]})))
        .unwrap();
    assert_eq!(echo.input, json!({"hello": "world", "n": [1, 2]}));
    let status = c.connector_status().unwrap();
    assert!(status.list.len() >= 100, "{}", status.list.len());
    assert_eq!(c.viewer().unwrap().role, Role::Org);
    assert_eq!(s.client().viewer().unwrap().role, Role::Anon);
    let hook = c
        .handle_webhook("plaid", &obj(json!({"webhook_type": "ITEM"})))
        .unwrap();
    assert_eq!(hook.info.as_ref().unwrap()["webhook_type"], "ITEM");
    let e = c.handle_webhook("toggl", &Map::new()).unwrap_err();
    assert_eq!((e.kind(), e.status()), (ErrorKind::ApiStatus, Some(501)));
    // The recorded server has no AI router configured: a 500 with its message.
    let e = c
        .message_template(&MessageTemplateParams::new().customer_id("cus_1"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InternalServer);
    assert_eq!(e.message(), "AI API URL is not set");
    let page = c
        .list_connectors(&ListConnectorsParams::new().limit(3))
        .unwrap();
    assert_eq!(page.items().len(), 3);
}

#[test]
fn the_generic_call_reaches_every_operation() {
    let s = seeded(3);
    let c = s.org_client();
    let conn = c
        .list_connections(&ListConnectionsParams::new().limit(1))
        .unwrap()
        .into_items()
        .remove(0);
    for (op, params) in [
        ("listConnectors", json!({"limit": 2})),
        (
            "getConnection",
            json!({"id": conn.id, "include_secrets": true}),
        ),
        ("listConnections", json!({"limit": 2})),
        ("listConnectorConfigs", json!({})),
        ("listEvents", json!({"limit": 1})),
        ("listCustomers", json!({})),
        ("health", Value::Null),
        ("healthEcho", json!({"x": 1})),
        ("connectorStatus", json!({})),
        ("viewer", json!({})),
        ("createToken", json!({"customer_id": "cus_x"})),
        ("upsertCustomer", json!({"id": "cus_y"})),
    ] {
        let r = c.call(op, params).unwrap_or_else(|e| panic!("{op}: {e}"));
        assert_eq!(r.meta.status, 200, "{op}");
        let v: Value = r.json().unwrap();
        assert!(v.is_object(), "{op}: {}", r.body);
    }
    // The raw escape hatch: same auth and errors.
    let r = c.request("GET", "/viewer", None, None, None).unwrap();
    assert_eq!(r.json::<Value>().unwrap()["role"], "org");
    let e = c.request("GET", "/nope", None, None, None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.method(), Some("GET"));
    assert!(e.url().unwrap().ends_with("/v1/nope"), "{:?}", e.url());
}

#[test]
fn every_list_is_walked_to_its_end_under_the_real_envelopes() {
    let s = seeded(120);
    let c = s.org_client();
    let all = |op: &str| -> Vec<Value> {
        let r = c.call(op, json!({"limit": 3000})).unwrap();
        r.json::<Value>().unwrap()["items"]
            .as_array()
            .unwrap()
            .clone()
    };
    for (op, limit) in [
        ("listConnections", 7u32),
        ("listConnectorConfigs", 2),
        ("listEvents", 2),
        ("listCustomers", 3),
        ("listConnectors", 50),
    ] {
        let expected = all(op);
        assert!(expected.len() >= 3, "{op}: {}", expected.len());
        let before = s.requests().len();
        let mut page = c
            .with_options(RequestOptions::new())
            .call(op, json!({"limit": limit}))
            .unwrap();
        // Walk with the engine: the typed pages for one, the generic cursor-backed pager below.
        let got: Vec<Value> = match op {
            "listConnections" => c
                .list_connections_auto(&ListConnectionsParams::new().limit(limit))
                .unwrap()
                .map(|x| serde_json::to_value(x.unwrap()).unwrap())
                .collect(),
            "listConnectorConfigs" => c
                .list_connector_configs_auto(&ListConnectorConfigsParams::new().limit(limit))
                .unwrap()
                .map(|x| serde_json::to_value(x.unwrap()).unwrap())
                .collect(),
            "listEvents" => c
                .list_events_auto(&ListEventsParams::new().limit(limit))
                .unwrap()
                .map(|x| serde_json::to_value(x.unwrap()).unwrap())
                .collect(),
            "listCustomers" => c
                .list_customers_auto(&ListCustomersParams::new().limit(limit))
                .unwrap()
                .map(|x| serde_json::to_value(x.unwrap()).unwrap())
                .collect(),
            _ => c
                .list_connectors_auto(&ListConnectorsParams::new().limit(limit))
                .unwrap()
                .map(|x| serde_json::to_value(x.unwrap()).unwrap())
                .collect(),
        };
        assert_eq!(
            got, expected,
            "{op}: every item once, in the server's order, unchanged"
        );
        let pages = (expected.len() as u32).div_ceil(limit) as usize;
        let full_last = expected.len() % limit as usize == 0;
        let walked = s.requests().len() - before - 1; // minus the single call above
        assert_eq!(
            walked,
            pages + usize::from(full_last),
            "{op}: at most one request past the end"
        );
        page.body.clear();
    }
}

#[test]
fn each_auth_role() {
    let s = seeded(6);
    let org = s.org_client();
    let cus = org
        .upsert_customer(&UpsertCustomerParams::new().id("cus_role"))
        .unwrap();
    let cfg = org
        .list_connector_configs(
            &ListConnectorConfigsParams::new().connector_names(vec!["acme-apikey".into()]),
        )
        .unwrap();
    let cfg_id = match cfg.items().first() {
        Some(c) => c.id.clone(),
        None => {
            org.create_connector_config(
                &CreateConnectorConfigParams::new().connector_name("acme-apikey"),
            )
            .unwrap()
            .id
        }
    };
    let mine = org
        .create_connection(
            &CreateConnectionParams::new()
                .connector_config_id(cfg_id)
                .customer_id("cus_role")
                .data(obj(
                    json!({"connector_name": "acme-apikey", "settings": {"api_key": "k"}}),
                )),
        )
        .unwrap();
    let others = org
        .list_connections(&ListConnectionsParams::new().limit(50))
        .unwrap()
        .into_items();
    let theirs = others
        .iter()
        .find(|c| c.customer_id.as_deref() != Some("cus_role"))
        .unwrap();
    let jwt = org
        .create_token("cus_role", &CreateTokenParams::new())
        .unwrap()
        .token;
    for (who, client) in [
        (
            "customer key",
            s.client_with_token(cus.api_key.as_deref().unwrap()),
        ),
        ("customer JWT", s.client_with_token(&jwt)),
    ] {
        let seen: Vec<Connection> = client
            .list_connections_auto(&ListConnectionsParams::new())
            .unwrap()
            .collect::<Result<_>>()
            .unwrap();
        assert_eq!(
            seen.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            [mine.id.as_str()],
            "{who}"
        );
        assert!(
            client
                .get_connection(&mine.id, &GetConnectionParams::new())
                .is_ok(),
            "{who}"
        );
        let e = client
            .get_connection(&theirs.id, &GetConnectionParams::new())
            .unwrap_err();
        assert_eq!(
            e.kind(),
            ErrorKind::NotFound,
            "{who}: another customer's connection"
        );
        let e = client
            .upsert_customer(&UpsertCustomerParams::new().id("cus_x"))
            .unwrap_err();
        assert_eq!(
            (e.kind(), e.message()),
            (ErrorKind::PermissionDenied, "Org admin only"),
            "{who}"
        );
        // The recorded server's odd answer for connector configs as a customer.
        let e = client
            .list_connector_configs(&ListConnectorConfigsParams::new())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InternalServer, "{who}");
        assert_eq!(client.viewer().unwrap().role, Role::Customer, "{who}");
    }
    let anon = s.client();
    let e = anon
        .list_connections(&ListConnectionsParams::new())
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.status(), e.code()),
        (ErrorKind::PermissionDenied, Some(403), Some("FORBIDDEN"))
    );
    assert!(
        anon.list_connectors(&ListConnectorsParams::new().limit(1))
            .is_ok(),
        "public route"
    );
    let bad = s.client_with_token("key_bogus_0123456789");
    for e in [
        bad.viewer().unwrap_err(),
        bad.list_connectors(&ListConnectorsParams::new())
            .err()
            .unwrap(),
    ] {
        assert_eq!(
            (e.kind(), e.status()),
            (ErrorKind::Authentication, Some(401)),
            "{e}"
        );
        assert!(!e.to_string().contains("key_bogus_0123456789"), "{e}");
    }
}

#[test]
fn each_error_class_from_the_server() {
    let s = scenario(json!({}));
    let c = s.org_client();
    // 400 from the server's own validation (a connector name the server does not know).
    let e = c
        .create_connector_config(
            &CreateConnectorConfigParams::new().connector_name("not-a-connector"),
        )
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.status(), e.code()),
        (ErrorKind::BadRequest, Some(400), Some("BAD_REQUEST"))
    );
    assert_eq!(e.method(), Some("POST"));
    assert!(e.to_string().contains("POST http://127.0.0.1"), "{e}");
    let e = c
        .list_connections(&ListConnectionsParams::new().connector_names(vec!["nope".into()]))
        .err()
        .unwrap();
    assert_eq!(e.kind(), ErrorKind::BadRequest);
    assert!(
        e.body().unwrap().contains("invalid_enum_value"),
        "{:?}",
        e.body()
    );
    // 404, 500, 501 and 403 are covered above; input the SDK refuses never reaches the server.
    let before = s.requests().len();
    for e in [
        c.get_connection("ccfg_wrong_prefix", &GetConnectionParams::new())
            .unwrap_err(),
        c.create_token("", &CreateTokenParams::new()).unwrap_err(),
        c.create_token(
            "c",
            &CreateTokenParams::new().validity_in_seconds(f64::INFINITY),
        )
        .unwrap_err(),
        c.list_connections(&ListConnectionsParams::new().limit(3001))
            .err()
            .unwrap(),
        c.list_connections(&ListConnectionsParams::new().connector_names(vec![]))
            .err()
            .unwrap(),
        c.call(
            "getConnection",
            json!({"id": "conn_1", "include_secret": true}),
        )
        .unwrap_err(),
        c.call("nope", json!({})).unwrap_err(),
    ] {
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
        assert_eq!(e.method(), None, "{e}");
    }
    assert_eq!(s.requests().len(), before, "nothing was sent");
}

#[test]
fn posts_that_create_are_retried_only_when_safe() {
    let body = json!({"connector_name": "toggl"});
    // A 500 after the request was sent: a second POST could create a second config.
    let s = scenario(json!({"fail": {"status": 500, "times": 1}}));
    let c = s.client_with(|o| o.token(&s.org_key).max_retries(3));
    let e = c.call("createConnectorConfig", body.clone()).unwrap_err();
    assert_eq!((e.kind(), e.retries()), (ErrorKind::InternalServer, 0));
    assert_eq!(s.requests().len(), 1);
    // ... unless the call says it may.
    let ok = c
        .call_with(
            "createConnectorConfig",
            body.clone(),
            Some(&RequestOptions::new().retry_unsafe(true)),
        )
        .unwrap();
    assert_eq!(ok.meta.status, 200);
    // The same 500 on a GET is retried.
    let s = scenario(json!({"fail": {"status": 500, "times": 1}}));
    let c = s.client_with(|o| o.token(&s.org_key).max_retries(3));
    assert_eq!(c.health().unwrap().ok, Some(true));
    // 503 and 429 mean the server did not act: retried.
    for status in [503, 429] {
        let s = scenario(
            json!({"fail": {"status": status, "times": 1, "headers": {"retry-after-ms": "10"}}}),
        );
        let c = s.client_with(|o| o.token(&s.org_key).max_retries(3));
        let r = c.call("createConnectorConfig", body.clone()).unwrap();
        assert_eq!(r.meta.retries, 1, "{status}");
        assert_eq!(s.requests().len(), 2, "{status}");
    }
    // x-should-retry: true too.
    let s = scenario(
        json!({"fail": {"status": 500, "times": 1, "headers": {"x-should-retry": "true", "retry-after-ms": "10"}}}),
    );
    let c = s.client_with(|o| o.token(&s.org_key).max_retries(3));
    assert_eq!(
        c.call("createConnectorConfig", body.clone())
            .unwrap()
            .meta
            .retries,
        1
    );
    // A dropped connection after the request went out: not retried for a create.
    let s = scenario(json!({"fail": {"status": "drop", "times": 1}}));
    let c = s.client_with(|o| o.token(&s.org_key).max_retries(3));
    let e = c.call("createConnectorConfig", body.clone()).unwrap_err();
    assert_eq!((e.kind(), e.retries()), (ErrorKind::Connection, 0), "{e}");
    // A connection refused never reached any server: retried even for a create.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", dead.local_addr().unwrap());
    drop(dead);
    let c = Client::new(
        ClientOptions::default()
            .base_url(&url)
            .token("key_x_0123456789")
            .max_retries(2),
    )
    .unwrap();
    let c = c.with_options(RequestOptions::new().timeout(std::time::Duration::from_secs(10)));
    let t = std::time::Instant::now();
    let e = c.call("createConnectorConfig", body).unwrap_err();
    assert_eq!((e.kind(), e.retries()), (ErrorKind::Connection, 2), "{e}");
    assert!(
        e.message()
            .starts_with(&format!("POST {url}/connector-config: ")),
        "{}",
        e.message()
    );
    assert!(t.elapsed() < std::time::Duration::from_secs(8));
}

#[test]
fn responses_carry_status_headers_request_id_and_retries() {
    let s = scenario(
        json!({"fail": {"status": 503, "times": 1, "headers": {"retry-after-ms": "5", "x-request-id": "req_1"}}}),
    );
    let c = s.client_with(|o| o.token(&s.org_key));
    let r = c.call("health", Value::Null).unwrap();
    assert_eq!(r.meta.status, 200);
    assert_eq!(r.meta.retries, 1);
    assert_eq!(r.meta.header("Content-Type"), Some("application/json"));
    let page = c
        .list_connectors(&ListConnectorsParams::new().limit(1))
        .unwrap();
    assert_eq!(page.response().status, 200);
    let s = scenario(json!({"error_headers": {"x-request-id": "req_404"}}));
    let e = s
        .org_client()
        .get_connection("conn_missing", &GetConnectionParams::new())
        .unwrap_err();
    assert_eq!(e.request_id(), Some("req_404"));
    assert!(e.to_string().contains("(request id req_404)"), "{e}");
}

#[test]
fn operations_without_a_body_send_what_the_server_needs() {
    let s = seeded(2);
    let c = s.org_client();
    let conns = c
        .list_connections(&ListConnectionsParams::new().limit(2))
        .unwrap();
    let (a, b) = (&conns.items()[0].id, &conns.items()[1].id);
    let last = || s.requests().pop().unwrap();
    // checkConnection: a POST with neither body nor Content-Type, which the server reads as {}.
    c.check_connection(a).unwrap();
    let req = last();
    assert_eq!(
        (req["method"].as_str(), req["body"].as_str()),
        (Some("POST"), Some(""))
    );
    assert!(req["headers"].get("content-type").is_none(), "{req}");
    // The deletes: no body, but the Content-Type without which the server crashes on a DELETE.
    assert_eq!(&c.delete_connection(b).unwrap().id, b);
    let req = last();
    assert_eq!(
        (req["method"].as_str(), req["body"].as_str()),
        (Some("DELETE"), Some(""))
    );
    assert_eq!(req["headers"]["content-type"], "application/json");
    let cfg = c
        .create_connector_config(&CreateConnectorConfigParams::new().connector_name("toggl"))
        .unwrap();
    assert_eq!(c.delete_connector_config(&cfg.id).unwrap().id, cfg.id);
    let req = last();
    assert_eq!(req["body"].as_str(), Some(""));
    assert_eq!(req["headers"]["content-type"], "application/json");
}
