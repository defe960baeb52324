//! Typed models of the OpenInt API.
//!
//! The real server omits many fields and adds new ones and new enum values before any schema
//! lists them, so: only `name` is required, enums keep unknown values, and every object keeps
//! unknown fields in `extra`, so an item re-serialises to the same JSON value it came from.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// A string enum that keeps values it does not know as `Unknown(String)`.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)*
            /// A value this SDK version does not know yet, kept as sent.
            Unknown(String),
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Unknown(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($text => $name::$variant,)*
                    other => $name::Unknown(other.to_string()),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Ok($name::from(s.as_ref()))
            }
        }
    };
}

open_enum!(
    /// Release stage of a connector or integration.
    Stage { Alpha => "alpha", Beta => "beta", Ga => "ga", Hidden => "hidden" }
);
open_enum!(
    /// How a connector authenticates.
    AuthType {
        Basic => "BASIC", Oauth1 => "OAUTH1", Oauth2 => "OAUTH2", Oauth2Cc => "OAUTH2CC",
        ApiKey => "API_KEY", Custom => "CUSTOM",
    }
);
open_enum!(
    /// Where a connector or integration runs.
    Platform { Web => "web", Mobile => "mobile", Desktop => "desktop", Local => "local", Cloud => "cloud" }
);

/// A connector, as listed by `GET /connector`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Connector {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platforms: Option<Vec<Platform>>,
    /// Present only with `expand=schemas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schemas: Option<ConnectorSchemas>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_type: Option<AuthType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_scopes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openint_default_scopes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openint_allowed_scopes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<Scope>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_openint_credentials: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrations: Option<Vec<Integration>>,
    /// Fields this SDK version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An OAuth scope a connector can ask for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scope {
    pub scope: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The JSON Schemas of a connector (`expand=schemas`); each is arbitrary JSON Schema.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConnectorSchemas {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_config: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_settings: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_data: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_input: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_connect_input: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_input: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_output: Option<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An integration of a connector. The schema marks most fields required, but the SDK only
/// insists on what it cannot do without. Nullable fields are `Option<Option<T>>`: absent is
/// `None`, JSON `null` is `Some(None)`, so both re-serialise as they came.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Integration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Any JSON value.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub standard: Option<Value>,
    /// Any JSON value.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub external: Option<Value>,
    /// PostgreSQL timestamp text (`2026-11-27 21:33:04.647469+00`), kept as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub logo_url: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub stage: Option<Option<Stage>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub platforms: Option<Option<Vec<Platform>>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub category: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub auth_type: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub version: Option<Option<String>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

open_enum!(
    /// The health of a connection's credentials. `Unchecked` is "unknown" on the wire: the
    /// connection was imported without a check.
    ConnectionStatus {
        Healthy => "healthy", Disconnected => "disconnected", Error => "error",
        Manual => "manual", Unchecked => "unknown",
    }
);
open_enum!(
    /// Who a token belongs to (`viewer`).
    Role { Anon => "anon", Customer => "customer", User => "user", Org => "org", System => "system" }
);

/// A customer's connection to a connector, with its credentials (`settings`) when asked for
/// with `include_secrets`. `settings` and `metadata` are per connector: plain JSON.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    pub id: String,
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub connector_config_id: Option<String>,
    #[serde(default)]
    pub integration_id: Option<String>,
    /// Can contain text from the provider's answer, secrets included: do not log it.
    #[serde(default)]
    pub status_message: Option<String>,
    /// PostgreSQL timestamp text, kept as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub disabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ConnectionStatus>,
    /// Always sent (`null` when unset), so always re-serialised.
    #[serde(default)]
    pub metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_name: Option<String>,
    /// The credentials, present only with `include_secrets`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Value>,
    /// With `expand=connector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector: Option<Connector>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An organization's configuration of a connector (OAuth client, scopes, ...).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConnectorConfig {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub disabled: Option<bool>,
    #[serde(default)]
    pub metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_name: Option<String>,
    /// The connector's configuration as stored (it can hold client secrets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Value>,
    /// With `expand=connector` (and its schemas with `connector.schemas`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector: Option<Connector>,
    /// With `expand=connection_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_count: Option<u64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A customer, as `upsertCustomer` returns it (with its long-lived `api_key`).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    #[serde(default)]
    pub api_key: Option<String>,
    #[serde(default)]
    pub metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A customer as `listCustomers` lists it: built from its connections.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerSummary {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An event (connection checked, deleted, ...). `data` and `user` are free-form JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<Value>,
    #[serde(default)]
    pub v: Option<String>,
    #[serde(default)]
    pub org_id: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `createToken`: a customer's Connect token, the magic link that carries it, and the
/// customer's long-lived API key.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateTokenResponse {
    pub token: String,
    pub magic_link_url: String,
    #[serde(default)]
    pub api_key: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `viewer`: who the token belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Viewer {
    pub role: Role,
    #[serde(rename = "orgId", default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    #[serde(
        rename = "customerId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub customer_id: Option<String>,
    #[serde(rename = "userId", default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One connector's status for the organization (`connectorStatus`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConnectorStatus {
    pub name: String,
    #[serde(
        rename = "hasConnectionForOrg",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub has_connection_for_org: Option<bool>,
    #[serde(
        rename = "isHealthyForOrg",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub is_healthy_for_org: Option<bool>,
    #[serde(
        rename = "hasDefaultCredentials",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub has_default_credentials: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complete: Option<bool>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `connectorStatus`: every connector's status, and counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConnectorStatusList {
    #[serde(default)]
    pub list: Vec<ConnectorStatus>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `checkConnection`: the status found. A failed check is still a 200 with status
/// `disconnected` or `error`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckConnectionResponse {
    pub id: String,
    #[serde(default)]
    pub status: Option<ConnectionStatus>,
    /// Can contain text from the provider's answer, secrets included: do not log it.
    #[serde(default)]
    pub status_message: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What a delete returns: the id deleted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Deleted {
    pub id: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `health`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Health {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ok: Option<bool>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `healthEcho`: the body sent, under `input`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HealthEcho {
    #[serde(default)]
    pub input: Value,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `handleWebhook`: what the connector's handler made of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebhookResponse {
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `messageTemplate`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageTemplate {
    pub language: String,
    pub template: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `Debug` that shows which secret-bearing fields are set, never their values.
macro_rules! redacted_debug {
    ($t:ident { $($field:ident),* } secrets { $($secret:ident),* }) => {
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($t))
                    $(.field(stringify!($field), &self.$field))*
                    $(.field(stringify!($secret), &self.$secret.as_ref().map(|_| "[REDACTED]")))*
                    .finish_non_exhaustive()
            }
        }
    };
}
redacted_debug!(Connection { id, customer_id, connector_config_id, connector_name, status, created_at, updated_at } secrets { settings, status_message });
redacted_debug!(Customer { id, org_id, metadata, created_at, updated_at } secrets { api_key });
impl std::fmt::Debug for CreateTokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateTokenResponse")
            .field("token", &"[REDACTED]")
            .field("magic_link_url", &"[REDACTED]")
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .finish_non_exhaustive()
    }
}

/// Deserializes a field that is present (even as `null`) to `Some(..)`; absence is handled
/// by `#[serde(default)]`. This keeps `null` distinct from a missing field.
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_and_enum_values_survive_a_round_trip() {
        let v = json!({
            "name": "zoë \"q\" \\ \u{0000} 🚀",
            "stage": "deprecated",
            "auth_type": "OAUTH2",
            "platforms": ["web", "watch"],
            "scopes": [{"scope": "openid", "x_new": 1}],
            "integrations": [{"id": "int_1", "standard": null, "external": {"a": [1]},
                "created_at": "2026-11-27 21:33:04.647469+00", "logo_url": null,
                "stage": null, "connector_name": "x", "name": "X", "x": true}],
            "schemas": {"connector_config": {"type": "object"}, "future": 3},
            "x_added_later": {"nested": [1, 2]}
        });
        let c: Connector = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(c.stage, Some(Stage::Unknown("deprecated".into())));
        assert_eq!(c.auth_type, Some(AuthType::Oauth2));
        assert_eq!(
            c.platforms.as_ref().unwrap()[1],
            Platform::Unknown("watch".into())
        );
        assert_eq!(c.extra["x_added_later"], json!({"nested": [1, 2]}));
        let i = &c.integrations.as_ref().unwrap()[0];
        assert_eq!(i.logo_url, Some(None));
        assert_eq!(i.standard, Some(Value::Null));
        assert_eq!(i.version, None);
        assert_eq!(serde_json::to_value(&c).unwrap(), v);
    }

    #[test]
    fn connections_keep_settings_and_redact_them_in_debug() {
        let v = json!({"id": "conn_1", "customer_id": "c", "connector_config_id": null,
            "integration_id": null, "status_message": null, "display_name": null, "disabled": false,
            "status": "paused", "metadata": null, "settings": {"api_key": "s3cret"}, "new_field": 1});
        let c: Connection = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(c.status, Some(ConnectionStatus::Unknown("paused".into())));
        assert_eq!(serde_json::to_value(&c).unwrap(), v);
        assert!(!format!("{c:?}").contains("s3cret"));
        let t: CreateTokenResponse = serde_json::from_value(json!({"token": "eyJ.a.b",
            "magic_link_url": "http://x/?token=eyJ.a.b", "api_key": "key_cus_1"}))
        .unwrap();
        let shown = format!("{t:?}");
        assert!(
            !shown.contains("eyJ") && !shown.contains("key_cus_1"),
            "{shown}"
        );
    }

    #[test]
    fn only_name_is_required() {
        let c: Connector = serde_json::from_str(r#"{"name":"a"}"#).unwrap();
        assert_eq!(c.display_name, None);
        assert!(serde_json::from_str::<Connector>(r#"{"display_name":"a"}"#).is_err());
    }
}
