//! The typed Rust API: a params struct and a method per operation. Each method is a thin shell
//! over the generic executor (`Client::send` / the pagination engine), keyed by the
//! operation's id in the table; none has a code path of its own.
//!
//! Per-call options (deadline, retries, extra headers, cancel token, prefetch) apply through
//! [`Client::with_options`]:
//! `client.with_options(RequestOptions::new().timeout(d)).get_connection("conn_1", &Default::default())`.

use crate::client::{object, Client};
use crate::error::Result;
use crate::models::*;
use crate::operations::Operation;
use crate::pagination::{AutoPager, Page};
use crate::params;
use crate::response::decode_item;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Declares a params struct whose fields are all optional, with a setter per field: text
/// fields take anything that converts into a `String`, the others their exact type (so that
/// `.limit(100)` needs no suffix). `None` fields are not sent; the executor checks types and
/// ranges against the table.
macro_rules! params_struct {
    ($(#[$meta:meta])* $name:ident {
        text { $($(#[$tmeta:meta])* $tfield:ident),* $(,)? }
        other { $($(#[$fmeta:meta])* $field:ident : $ty:ty),* $(,)? }
    }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Serialize)]
        pub struct $name {
            $($(#[$tmeta])* #[serde(skip_serializing_if = "Option::is_none")] pub $tfield: Option<String>,)*
            $($(#[$fmeta])* #[serde(skip_serializing_if = "Option::is_none")] pub $field: Option<$ty>,)*
        }
        impl $name {
            pub fn new() -> Self {
                Self::default()
            }
            $(pub fn $tfield(mut self, value: impl Into<String>) -> Self {
                self.$tfield = Some(value.into());
                self
            })*
            $(pub fn $field(mut self, value: $ty) -> Self {
                self.$field = Some(value);
                self
            })*
        }
    };
}

/// Declares a string enum of request values.
macro_rules! request_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant,)*
        }
        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }
        }
    };
}

request_enum!(
    /// `expand` of `listConnectors`.
    Expand { Schemas => "schemas" }
);
request_enum!(
    /// `expand` of the connector config operations.
    ConnectorConfigExpand {
        Connector => "connector", ConnectorSchemas => "connector.schemas",
        ConnectionCount => "connection_count",
    }
);
request_enum!(
    /// `expand` of the connection operations.
    ConnectionExpand { Connector => "connector" }
);
request_enum!(
    /// Whether reading a connection refreshes its credentials first.
    RefreshPolicy { None => "none", Force => "force", Auto => "auto" }
);
request_enum!(
    /// The Connect UI's first view.
    ConnectView { Add => "add", Manage => "manage" }
);

params_struct!(
    /// `listConnectors`. `limit`: 0..=3000 items a page (0 means zero items; leave it out for
    /// the server's 50).
    ListConnectorsParams { text {} other { limit: u32, offset: u64, expand: Vec<Expand> } }
);
impl ListConnectorsParams {
    /// Adds one `expand` value (kept once).
    pub fn expand_with(mut self, e: Expand) -> Self {
        let v = self.expand.get_or_insert_with(Vec::new);
        if !v.contains(&e) {
            v.push(e);
        }
        self
    }
}
params_struct!(
    /// `getConnectorConfig` (besides the id).
    GetConnectorConfigParams { text {} other { expand: Vec<ConnectorConfigExpand> } }
);
params_struct!(
    /// `updateConnectorConfig` (besides the id). Fields left `None` are left unchanged.
    UpdateConnectorConfigParams { text { display_name } other { disabled: bool, config: Map<String, Value> } }
);
params_struct!(
    /// `listConnectorConfigs`.
    ListConnectorConfigsParams {
        text { search_query }
        other {
            limit: u32, offset: u64, expand: Vec<ConnectorConfigExpand>,
            /// Open strings: the server adds connectors over time.
            connector_names: Vec<String>,
        }
    }
);
params_struct!(
    /// `createConnectorConfig`. `connector_name` is required.
    CreateConnectorConfigParams {
        text { connector_name, display_name }
        other { disabled: bool, metadata: Map<String, Value>, config: Map<String, Value> }
    }
);
params_struct!(
    /// `getConnection` (besides the id).
    GetConnectionParams {
        text {}
        other {
            /// Include the credentials (`settings`).
            include_secrets: bool,
            refresh_policy: RefreshPolicy,
            expand: Vec<ConnectionExpand>,
        }
    }
);
params_struct!(
    /// `listConnections`.
    ListConnectionsParams {
        text { customer_id, connector_config_id, search_query }
        other {
            limit: u32, offset: u64, connector_names: Vec<String>,
            /// Include the credentials (`settings`).
            include_secrets: bool,
            expand: Vec<ConnectionExpand>, refresh_policy: RefreshPolicy,
        }
    }
);
params_struct!(
    /// `createConnection`. `connector_config_id`, `customer_id` and `data`
    /// (`{"connector_name": ..., "settings": {...}}`) are required.
    CreateConnectionParams {
        text { connector_config_id, customer_id }
        other { data: Map<String, Value>, metadata: Map<String, Value>, check_connection: bool }
    }
);
params_struct!(
    /// Options of the Connect UI a token opens.
    ConnectOptions {
        text { return_url }
        other {
            connector_names: Vec<String>, view: ConnectView, debug: bool, is_embedded: bool,
            hide_navigation: bool,
        }
    }
);
params_struct!(
    /// `createToken` (besides the customer id).
    CreateTokenParams {
        text {}
        other {
            /// Seconds the token is valid (default 30 days); must be positive.
            validity_in_seconds: f64,
            connect_options: ConnectOptions,
        }
    }
);
params_struct!(
    /// `listEvents`.
    ListEventsParams { text { search_query, since } other { limit: u32, offset: u64, include_prompt: bool } }
);
params_struct!(
    /// `upsertCustomer`. Without an id the server makes one.
    UpsertCustomerParams { text { id } other { metadata: Map<String, Value> } }
);
params_struct!(
    /// `listCustomers`.
    ListCustomersParams { text { search_query } other { limit: u32, offset: u64 } }
);
params_struct!(
    /// `messageTemplate`. `customer_id` is required.
    MessageTemplateParams { text { customer_id, language } other { use_environment_variables: bool } }
);

impl Client {
    fn run<T: DeserializeOwned>(&self, id: &str, params: Value) -> Result<T> {
        let op = op(id);
        let resp = self.send(op, object(op.id, params)?, None)?;
        // Decoding errors name the request and are redacted like every other error.
        decode_item(&resp.body).map_err(|e| e.redacted(&self.http.secrets))
    }

    fn page<T: DeserializeOwned>(&self, id: &str, params: Value) -> Result<Page<T>> {
        let op = op(id);
        Page::decode(self.first_page(op, object(op.id, params)?, None)?)
    }

    fn auto<T: DeserializeOwned>(&self, id: &str, params: Value) -> Result<AutoPager<T>> {
        let op = op(id);
        Ok(AutoPager::new(self.cursor(
            op,
            object(op.id, params)?,
            None,
        )?))
    }

    /// `GET /connector`: one page. `page.next_page()` fetches the following one.
    pub fn list_connectors(&self, params: &ListConnectorsParams) -> Result<Page<Connector>> {
        self.page("listConnectors", to_value(params))
    }
    /// Every connector across pages, fetched as the iterator advances.
    pub fn list_connectors_auto(
        &self,
        params: &ListConnectorsParams,
    ) -> Result<AutoPager<Connector>> {
        self.auto("listConnectors", to_value(params))
    }
    pub fn get_connector_config(
        &self,
        id: &str,
        params: &GetConnectorConfigParams,
    ) -> Result<ConnectorConfig> {
        self.run("getConnectorConfig", with_path(params, "id", id))
    }
    pub fn update_connector_config(
        &self,
        id: &str,
        params: &UpdateConnectorConfigParams,
    ) -> Result<ConnectorConfig> {
        self.run("updateConnectorConfig", with_path(params, "id", id))
    }
    pub fn delete_connector_config(&self, id: &str) -> Result<Deleted> {
        self.run("deleteConnectorConfig", with_path(&(), "id", id))
    }
    pub fn list_connector_configs(
        &self,
        params: &ListConnectorConfigsParams,
    ) -> Result<Page<ConnectorConfig>> {
        self.page("listConnectorConfigs", to_value(params))
    }
    pub fn list_connector_configs_auto(
        &self,
        params: &ListConnectorConfigsParams,
    ) -> Result<AutoPager<ConnectorConfig>> {
        self.auto("listConnectorConfigs", to_value(params))
    }
    pub fn create_connector_config(
        &self,
        params: &CreateConnectorConfigParams,
    ) -> Result<ConnectorConfig> {
        self.run("createConnectorConfig", to_value(params))
    }
    /// A connection, with its credentials when `include_secrets`.
    pub fn get_connection(&self, id: &str, params: &GetConnectionParams) -> Result<Connection> {
        self.run("getConnection", with_path(params, "id", id))
    }
    pub fn delete_connection(&self, id: &str) -> Result<Deleted> {
        self.run("deleteConnection", with_path(&(), "id", id))
    }
    pub fn list_connections(&self, params: &ListConnectionsParams) -> Result<Page<Connection>> {
        self.page("listConnections", to_value(params))
    }
    pub fn list_connections_auto(
        &self,
        params: &ListConnectionsParams,
    ) -> Result<AutoPager<Connection>> {
        self.auto("listConnections", to_value(params))
    }
    pub fn create_connection(&self, params: &CreateConnectionParams) -> Result<Connection> {
        self.run("createConnection", to_value(params))
    }
    /// A Connect token (and magic link) for a customer; an unknown customer is created.
    pub fn create_token(
        &self,
        customer_id: &str,
        params: &CreateTokenParams,
    ) -> Result<CreateTokenResponse> {
        self.run("createToken", with_path(params, "customer_id", customer_id))
    }
    pub fn check_connection(&self, id: &str) -> Result<CheckConnectionResponse> {
        self.run("checkConnection", with_path(&(), "id", id))
    }
    pub fn list_events(&self, params: &ListEventsParams) -> Result<Page<Event>> {
        self.page("listEvents", to_value(params))
    }
    pub fn list_events_auto(&self, params: &ListEventsParams) -> Result<AutoPager<Event>> {
        self.auto("listEvents", to_value(params))
    }
    pub fn upsert_customer(&self, params: &UpsertCustomerParams) -> Result<Customer> {
        self.run("upsertCustomer", to_value(params))
    }
    pub fn list_customers(&self, params: &ListCustomersParams) -> Result<Page<CustomerSummary>> {
        self.page("listCustomers", to_value(params))
    }
    pub fn list_customers_auto(
        &self,
        params: &ListCustomersParams,
    ) -> Result<AutoPager<CustomerSummary>> {
        self.auto("listCustomers", to_value(params))
    }
    pub fn health(&self) -> Result<Health> {
        self.run("health", Value::Null)
    }
    /// Sends `body` and returns it echoed under `input`.
    pub fn health_echo(&self, body: &Map<String, Value>) -> Result<HealthEcho> {
        self.run("healthEcho", Value::Object(body.clone()))
    }
    pub fn connector_status(&self) -> Result<ConnectorStatusList> {
        self.run("connectorStatus", Value::Null)
    }
    pub fn viewer(&self) -> Result<Viewer> {
        self.run("viewer", Value::Null)
    }
    /// Forwards a provider's webhook body to its connector.
    pub fn handle_webhook(
        &self,
        connector_name: &str,
        body: &Map<String, Value>,
    ) -> Result<WebhookResponse> {
        let mut params = body.clone();
        params.insert(
            "connector_name".into(),
            Value::String(connector_name.into()),
        );
        self.run("handleWebhook", Value::Object(params))
    }
    pub fn message_template(&self, params: &MessageTemplateParams) -> Result<MessageTemplate> {
        self.run("messageTemplate", to_value(params))
    }
}

fn op(id: &str) -> &'static Operation {
    // The ids above are rows of the table; a test checks every one exists.
    params::operation(id).unwrap_or_else(|_| unreachable!("{id} is in the operation table"))
}

fn to_value<P: Serialize>(params: &P) -> Value {
    // Params structs hold strings, numbers, booleans and JSON maps: they always serialize.
    serde_json::to_value(params).unwrap_or(Value::Null)
}

/// The params with a path parameter added.
fn with_path<P: Serialize>(params: &P, name: &str, value: &str) -> Value {
    let mut v = to_value(params);
    if !v.is_object() {
        v = Value::Object(Map::new());
    }
    if let Value::Object(m) = &mut v {
        m.insert(name.to_string(), Value::String(value.to_string()));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn params_serialize_to_what_the_table_expects() {
        let p = ListConnectionsParams::new()
            .limit(10)
            .connector_names(vec!["hubspot".to_string()])
            .include_secrets(true)
            .refresh_policy(RefreshPolicy::None);
        assert_eq!(
            to_value(&p),
            json!({"limit": 10, "connector_names": ["hubspot"], "include_secrets": true, "refresh_policy": "none"})
        );
        let t = CreateTokenParams::new()
            .validity_in_seconds(3600.0)
            .connect_options(ConnectOptions::new().view(ConnectView::Add));
        assert_eq!(
            with_path(&t, "customer_id", "c1"),
            json!({"validity_in_seconds": 3600.0, "connect_options": {"view": "add"}, "customer_id": "c1"})
        );
        assert_eq!(with_path(&(), "id", "conn_1"), json!({"id": "conn_1"}));
        assert_eq!(
            to_value(
                &ListConnectorsParams::new()
                    .expand_with(Expand::Schemas)
                    .expand_with(Expand::Schemas)
            ),
            json!({"expand": ["schemas"]})
        );
    }

    #[test]
    fn every_method_names_a_row_of_the_table() {
        let src = include_str!("api.rs");
        let mut n = 0;
        for part in src
            .split("self.run(\"")
            .skip(1)
            .chain(src.split("self.page(\"").skip(1))
            .chain(src.split("self.auto(\"").skip(1))
        {
            let id = &part[..part.find('"').unwrap()];
            assert!(crate::operations::find(id).is_some(), "{id}");
            n += 1;
        }
        assert!(n >= 21, "{n}");
    }
}
