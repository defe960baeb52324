//! The operation table: every v1 operation, its method and path, and every parameter with where
//! it goes, its type, whether it is required, and its range, prefix or enum. The generic
//! executor (`params::prepare`) validates and encodes any call from this table alone; the typed
//! Rust API (`api.rs`), the C ABI (`openint_client_call`) and, through it, every binding call
//! operations by their `id`. A new operation is a new row here.
//!
//! `tests/operations_spec.rs` checks this table against `tests/data/openint/openapi.json`: every
//! difference must be listed in [`DEVIATIONS`] with the transcript line that justifies it.

/// HTTP methods: the API uses the first four; PATCH is there for raw requests to endpoints
/// the table does not know yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
    Patch,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
        }
    }

    /// Parses an HTTP method name (upper case, as on the wire).
    pub fn parse(s: &str) -> Option<Method> {
        match s {
            "GET" => Some(Method::Get),
            "POST" => Some(Method::Post),
            "PUT" => Some(Method::Put),
            "DELETE" => Some(Method::Delete),
            "PATCH" => Some(Method::Patch),
            _ => None,
        }
    }
}

/// Where a parameter is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// A `{name}` segment of the path, percent-encoded. Never empty (`//` changes the route).
    Path,
    /// The query string, encoded by the server's rules (`params::Query`).
    Query,
    /// A field of the JSON body.
    Body,
}

/// The type and constraints of a parameter's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Type {
    /// Any string.
    String,
    /// A string of at least one character.
    NonEmptyString,
    /// An id: a string starting with this prefix (the spec's `pattern: ^prefix`).
    Id(&'static str),
    /// An integer in `min..=max`.
    Integer {
        min: i64,
        max: i64,
    },
    /// A number greater than `min`, exclusive (`None`: any finite number).
    Number {
        exclusive_min: Option<f64>,
    },
    Boolean,
    /// One of these strings (request enums are closed: the server answers 400 to others).
    Enum(&'static [&'static str]),
    /// An array of these strings, sent comma-joined; an empty array is left out.
    EnumArray(&'static [&'static str]),
    /// An array of open strings (connector names: the server adds new ones over time), sent
    /// comma-joined. An empty array is refused: the server would read it as "match nothing".
    NameArray,
    /// A JSON object, passed through as given (per-connector settings, metadata).
    Object,
    /// Connect UI options of `createToken`, checked key by key.
    ConnectOptions,
}

/// One parameter of an operation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Param {
    pub name: &'static str,
    pub location: Location,
    pub ty: Type,
    pub required: bool,
    /// JSON `null` is a meaningful value (sent as `null`). Otherwise `null` means "not given"
    /// for query parameters and is refused for path and body parameters.
    pub nullable: bool,
}

/// Whether a failed attempt may be sent again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// GET, PUT, DELETE and POSTs without side effects: retried on connection errors,
    /// timeouts, 408, 409, 429 and 5xx.
    Safe,
    /// A POST that creates something: retried only when the request provably never reached
    /// the server (no byte of it was written) or the server said so (429, 503,
    /// `x-should-retry: true`). A call can override this (`RequestOptions::retry_unsafe`).
    CreatesResource,
}

/// What the request body is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// The spec declares no body, and none is sent (GET, checkConnection, the deletes). A
    /// DELETE still carries `Content-Type: application/json` over its empty body: the deployed
    /// server crashes on a DELETE without it (transcript line 327) and answers one with it
    /// (line 318); a POST without either is read as `{}` (line 210).
    None,
    /// The body-located parameters, as a JSON object.
    Fields,
    /// Any JSON object: every parameter that is not a path parameter goes into the body as
    /// given (healthEcho, handleWebhook).
    AnyObject,
}

/// Whether an operation is a paginated list, and what its `total` means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paging {
    NotAList,
    /// A database-backed list: on a non-empty page `total` counts every matching row, so the
    /// pages still to come are known (prefetching fetches those and no more).
    TotalIsCount,
    /// `total` is the length of the page itself (`GET /connector`): it says nothing about
    /// what follows, so prefetching can only speculate.
    TotalIsPageLength,
}

/// One API operation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Operation {
    /// The spec's `operationId`, the key every binding uses.
    pub id: &'static str,
    pub method: Method,
    /// Relative to the base URL (which ends in `/v1`), with `{name}` for path parameters.
    pub path: &'static str,
    pub params: &'static [Param],
    pub body: Body,
    /// A paginated list (`limit`/`offset` in, `{items, total, limit, offset}` out), or not.
    pub paging: Paging,
    pub retry: Retry,
    /// One line for documentation and the exported table.
    pub summary: &'static str,
}

impl Operation {
    pub fn is_list(&self) -> bool {
        self.paging != Paging::NotAList
    }

    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.name == name)
    }
}

const fn p(name: &'static str, location: Location, ty: Type) -> Param {
    Param {
        name,
        location,
        ty,
        required: false,
        nullable: false,
    }
}
const fn req(mut param: Param) -> Param {
    param.required = true;
    param
}
const fn nullable(mut param: Param) -> Param {
    param.nullable = true;
    param
}

use Location::{Body as B, Path as P, Query as Q};

const LIMIT: Param = p("limit", Q, Type::Integer { min: 0, max: 3000 });
const OFFSET: Param = p(
    "offset",
    Q,
    Type::Integer {
        min: 0,
        max: i64::MAX,
    },
);
const CONFIG_EXPAND: &[&str] = &["connector", "connector.schemas", "connection_count"];
const CONNECTION_EXPAND: &[&str] = &["connector"];
const REFRESH_POLICY: &[&str] = &["none", "force", "auto"];

/// Every v1 operation, in the spec's order.
pub static OPERATIONS: &[Operation] = &[
    Operation {
        id: "listConnectors",
        method: Method::Get,
        path: "/connector",
        params: &[LIMIT, OFFSET, p("expand", Q, Type::EnumArray(&["schemas"]))],
        body: Body::None,
        paging: Paging::TotalIsPageLength,
        retry: Retry::Safe,
        summary: "List connectors",
    },
    Operation {
        id: "getConnectorConfig",
        method: Method::Get,
        path: "/connector-config/{id}",
        params: &[
            req(p("id", P, Type::Id("ccfg_"))),
            p("expand", Q, Type::EnumArray(CONFIG_EXPAND)),
        ],
        body: Body::None,
        paging: Paging::NotAList,
        retry: Retry::Safe,
        summary: "Get a connector config",
    },
    Operation {
        id: "updateConnectorConfig",
        method: Method::Put,
        path: "/connector-config/{id}",
        params: &[
            req(p("id", P, Type::Id("ccfg_"))),
            p("display_name", B, Type::String),
            p("disabled", B, Type::Boolean),
            p("config", B, Type::Object),
        ],
        body: Body::Fields,
        paging: Paging::NotAList,
        retry: Retry::Safe,
        summary: "Update a connector config",
    },
    Operation {
        id: "deleteConnectorConfig",
        method: Method::Delete,
        path: "/connector-config/{id}",
        params: &[req(p("id", P, Type::Id("ccfg_")))],
        body: Body::None,
        paging: Paging::NotAList,
        retry: Retry::Safe,
        summary: "Delete a connector config",
    },
    Operation {
        id: "listConnectorConfigs",
        method: Method::Get,
        path: "/connector-config",
        params: &[
            LIMIT,
            OFFSET,
            p("expand", Q, Type::EnumArray(CONFIG_EXPAND)),
            p("connector_names", Q, Type::NameArray),
            nullable(p("search_query", Q, Type::String)),
        ],
        body: Body::None,
        paging: Paging::TotalIsCount,
        retry: Retry::Safe,
        summary: "List connector configs",
    },
    Operation {
        id: "createConnectorConfig",
        method: Method::Post,
        path: "/connector-config",
        params: &[
            req(p("connector_name", B, Type::NonEmptyString)),
            nullable(p("display_name", B, Type::String)),
            nullable(p("disabled", B, Type::Boolean)),
            nullable(p("metadata", B, Type::Object)),
            p("config", B, Type::Object),
        ],
        body: Body::Fields,
        paging: Paging::NotAList,
        retry: Retry::CreatesResource,
        summary: "Create a connector config",
    },
    Operation {
        id: "getConnection",
        method: Method::Get,
        path: "/connection/{id}",
        params: &[
            req(p("id", P, Type::Id("conn_"))),
            p("include_secrets", Q, Type::Boolean),
            p("refresh_policy", Q, Type::Enum(REFRESH_POLICY)),
            p("expand", Q, Type::EnumArray(CONNECTION_EXPAND)),
        ],
        body: Body::None,
        paging: Paging::NotAList,
        retry: Retry::Safe,
        summary: "Get a connection (with its credentials when include_secrets)",
    },
    Operation {
        id: "deleteConnection",
        method: Method::Delete,
        path: "/connection/{id}",
        params: &[req(p("id", P, Type::Id("conn_")))],
        body: Body::None,
        paging: Paging::NotAList,
        retry: Retry::Safe,
        summary: "Delete a connection",
    },
    Operation {
        id: "listConnections",
        method: Method::Get,
        path: "/connection",
        params: &[
            LIMIT,
            OFFSET,
            p("connector_names", Q, Type::NameArray),
            p("customer_id", Q, Type::String),
            p("connector_config_id", Q, Type::Id("ccfg_")),
            p("include_secrets", Q, Type::Boolean),
            p("expand", Q, Type::EnumArray(CONNECTION_EXPAND)),
            p("search_query", Q, Type::String),
            p("refresh_policy", Q, Type::Enum(REFRESH_POLICY)),
        ],
        body: Body::None,
        paging: Paging::TotalIsCount,
        retry: Retry::Safe,
        summary: "List connections (with their credentials when include_secrets)",
    },
    Operation {
        id: "createConnection",
        method: Method::Post,
        path: "/connection",
        params: &[
            req(p("connector_config_id", B, Type::Id("ccfg_"))),
            p("metadata", B, Type::Object),
            req(p("customer_id", B, Type::String)),
            req(p("data", B, Type::Object)),
            p("check_connection", B, Type::Boolean),
        ],
        body: Body::Fields,
        paging: Paging::NotAList,
        retry: Retry::CreatesResource,
        summary: "Import a connection",
    },
    Operation {
        id: "createToken",
        method: Method::Post,
        path: "/customer/{customer_id}/token",
        params: &[
            req(p("customer_id", P, Type::NonEmptyString)),
            p(
                "validity_in_seconds",
                B,
                Type::Number {
                    exclusive_min: None,
                },
            ),
            p("connect_options", B, Type::ConnectOptions),
        ],
        body: Body::Fields,
        paging: Paging::NotAList,
        // Each call mints a new token, but nothing is stored that a repeat would duplicate:
        // the customer is upserted and its api_key is the same every time.
        retry: Retry::Safe,
        summary: "Create a Connect token (and magic link) for a customer",
    },
    Operation {
        id: "checkConnection",
        method: Method::Post,
        path: "/connection/{id}/check",
        params: &[req(p("id", P, Type::Id("conn_")))],
        body: Body::None,
        paging: Paging::NotAList,
        retry: Retry::Safe,
        summary: "Check a connection's credentials with its provider",
    },
    Operation {
        id: "listEvents",
        method: Method::Get,
        path: "/event",
        params: &[
            LIMIT,
            OFFSET,
            p("search_query", Q, Type::String),
            p("include_prompt", Q, Type::Boolean),
            p("since", Q, Type::String),
        ],
        body: Body::None,
        paging: Paging::TotalIsCount,
        retry: Retry::Safe,
        summary: "List events",
    },
    Operation {
        id: "upsertCustomer",
        method: Method::Put,
        path: "/customer",
        params: &[p("id", B, Type::String), p("metadata", B, Type::Object)],
        body: Body::Fields,
        paging: Paging::NotAList,
        retry: Retry::Safe,
        summary: "Create or update a customer",
    },
    Operation {
        id: "listCustomers",
        method: Method::Get,
        path: "/customer",
        params: &[LIMIT, OFFSET, nullable(p("search_query", Q, Type::String))],
        body: Body::None,
        paging: Paging::TotalIsCount,
        retry: Retry::Safe,
        summary: "List customers (those with at least one connection)",
    },
    Operation {
        id: "health",
        method: Method::Get,
        path: "/health",
        params: &[],
        body: Body::None,
        paging: Paging::NotAList,
        retry: Retry::Safe,
        summary: "Health check",
    },
    Operation {
        id: "healthEcho",
        method: Method::Post,
        path: "/health",
        params: &[],
        body: Body::AnyObject,
        paging: Paging::NotAList,
        retry: Retry::Safe,
        summary: "Health check that echoes its body",
    },
    Operation {
        id: "connectorStatus",
        method: Method::Get,
        path: "/connector-status",
        params: &[],
        body: Body::None,
        paging: Paging::NotAList,
        retry: Retry::Safe,
        summary: "Status of every connector for the organization",
    },
    Operation {
        id: "viewer",
        method: Method::Get,
        path: "/viewer",
        params: &[],
        body: Body::None,
        paging: Paging::NotAList,
        retry: Retry::Safe,
        summary: "Who the token belongs to",
    },
    Operation {
        id: "handleWebhook",
        method: Method::Post,
        path: "/webhook/{connector_name}",
        params: &[req(p("connector_name", P, Type::String))],
        body: Body::AnyObject,
        paging: Paging::NotAList,
        // A webhook handler acts on what it receives; a second delivery could act twice.
        retry: Retry::CreatesResource,
        summary: "Forward a provider's webhook to its connector",
    },
    Operation {
        id: "messageTemplate",
        method: Method::Get,
        path: "/ai/message_template",
        params: &[
            p("language", Q, Type::Enum(&["javascript"])),
            p("use_environment_variables", Q, Type::Boolean),
            req(p("customer_id", Q, Type::String)),
        ],
        body: Body::None,
        paging: Paging::NotAList,
        retry: Retry::Safe,
        summary: "An AI message template for a customer",
    },
];

/// The operation with this `operationId`.
pub fn find(id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.id == id)
}

/// A place where this table deliberately differs from `openapi.json`, with the recorded
/// exchange (line of `tests/data/openint/fixtures/v1-transcript.jsonl`, from 1) that shows why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deviation {
    pub operation: &'static str,
    /// The parameter, or `"(body)"` for the request body as a whole.
    pub param: &'static str,
    /// What differs, in the words the spec test prints (`type`, `enum`, `required`,
    /// `minimum`, `nullable`, `body`).
    pub aspect: &'static str,
    pub why: &'static str,
    pub transcript_line: usize,
}

/// Every difference between [`OPERATIONS`] and the spec, in one place.
pub static DEVIATIONS: &[Deviation] = &[
    Deviation {
        operation: "listConnectors",
        param: "expand",
        aspect: "style",
        why: "sent comma-joined under one key, where the spec's default is repeated keys: the server reads repeated keys and one key alike (line 304 repeats `expand`)",
        transcript_line: 304,
    },
    Deviation {
        operation: "getConnectorConfig",
        param: "expand",
        aspect: "style",
        why: "sent comma-joined under one key, where the spec's default is repeated keys: the server reads `expand=connector,connector.schemas` (line 108) as it reads repeated keys (line 111)",
        transcript_line: 108,
    },
    Deviation {
        operation: "listConnectorConfigs",
        param: "expand",
        aspect: "style",
        why: "sent comma-joined under one key, where the spec's default is repeated keys: the server reads comma-joined (line 143) and repeated keys (line 144) alike",
        transcript_line: 143,
    },
    Deviation {
        operation: "listConnectorConfigs",
        param: "connector_names",
        aspect: "style",
        why: "sent comma-joined under one key, where the spec's default is repeated keys: the server reads comma-joined (line 143) and repeated keys (line 144) alike",
        transcript_line: 143,
    },
    Deviation {
        operation: "getConnection",
        param: "expand",
        aspect: "style",
        why: "sent comma-joined under one key, where the spec's default is repeated keys: one value is the same either way (line 192); lists are comma-joined like every other array",
        transcript_line: 192,
    },
    Deviation {
        operation: "listConnections",
        param: "connector_names",
        aspect: "style",
        why: "sent comma-joined under one key, where the spec's default is repeated keys: the server reads comma-joined (line 238) and repeated keys (line 239) alike",
        transcript_line: 238,
    },
    Deviation {
        operation: "listConnections",
        param: "expand",
        aspect: "style",
        why: "sent comma-joined under one key, where the spec's default is repeated keys: one value is the same either way (line 251); lists are comma-joined like every other array",
        transcript_line: 251,
    },
    Deviation {
        operation: "listConnectorConfigs",
        param: "connector_names",
        aspect: "enum",
        why: "the spec closes connector names to today's 171; the server adds connectors over time, so names stay open strings and the server judges them (400 for an unknown one)",
        transcript_line: 147,
    },
    Deviation {
        operation: "listConnections",
        param: "connector_names",
        aspect: "enum",
        why: "connector names stay open strings (see listConnectorConfigs)",
        transcript_line: 238,
    },
    Deviation {
        operation: "createToken",
        param: "connect_options",
        aspect: "enum",
        why: "connect_options.connector_names stays open strings (see listConnectorConfigs)",
        transcript_line: 57,
    },
    Deviation {
        operation: "handleWebhook",
        param: "connector_name",
        aspect: "enum",
        why: "connector names stay open strings; the server answers 400 with the list for an unknown one",
        transcript_line: 375,
    },
    Deviation {
        operation: "handleWebhook",
        param: "(body)",
        aspect: "body",
        why: "the spec declares no request body, but the server passes the JSON body to the connector's handler",
        transcript_line: 372,
    },
    Deviation {
        operation: "createConnectorConfig",
        param: "connector_name",
        aspect: "minimum",
        why: "the spec sets no minimum length, but an empty name can only be refused by the server (400 Invalid connector_name); refused before sending",
        transcript_line: 75,
    },
    Deviation {
        operation: "createConnectorConfig",
        param: "config",
        aspect: "nullable",
        why: "the spec allows null, but the column is NOT NULL and the server answers 500; leave config out for {}",
        transcript_line: 71,
    },
    Deviation {
        operation: "updateConnectorConfig",
        param: "config",
        aspect: "nullable",
        why: "the spec allows null, but the column is NOT NULL and the server answers 500",
        transcript_line: 166,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_and_routes_are_unique_and_path_params_are_declared() {
        let mut ids = HashSet::new();
        let mut routes = HashSet::new();
        for op in OPERATIONS {
            assert!(ids.insert(op.id), "{} twice", op.id);
            assert!(routes.insert((op.method, op.path)), "{} route twice", op.id);
            let mut names = HashSet::new();
            for param in op.params {
                assert!(names.insert(param.name), "{}: {} twice", op.id, param.name);
                let in_path = op.path.contains(&format!("{{{}}}", param.name));
                assert_eq!(in_path, param.location == Location::Path, "{}", op.id);
                if param.location == Location::Path {
                    assert!(param.required && !param.nullable, "{}", op.id);
                }
            }
            // A GET has no body; a PUT always has one (the server crashes on a PUT without).
            assert!(
                op.method != Method::Get || op.body == Body::None,
                "{}",
                op.id
            );
            assert!(
                op.method != Method::Put || op.body != Body::None,
                "{}",
                op.id
            );
            assert_eq!(op.is_list(), op.param("limit").is_some(), "{}", op.id);
        }
        assert_eq!(OPERATIONS.len(), 21);
    }

    #[test]
    fn deviations_name_real_operations_and_parameters() {
        for d in DEVIATIONS {
            let op = find(d.operation).unwrap_or_else(|| panic!("{}", d.operation));
            assert!(d.param == "(body)" || op.param(d.param).is_some(), "{d:?}");
        }
    }
}
