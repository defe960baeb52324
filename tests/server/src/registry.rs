//! The synthetic connector registry.
//!
//! Item `i` is a pure function of `i` (a splitmix64 stream seeded by `i`), so registry(N) is a
//! prefix of registry(M) for N < M and every run serves the same bytes. The odd cases SDKs must
//! survive (quotes, backslashes, non-ASCII, control characters, missing and unknown fields,
//! unknown enum values) sit at fixed positions modulo `ODD_PERIOD`, so each block of 171 items,
//! the first one included, has all of them.
//!
//! Each item's JSON text is rendered once, with and without `schemas`, and pages are built by
//! concatenating those texts: listing 20,000 connectors must cost memcpy, not serialization.

use crate::json::{obj, s, strs, V};
use std::sync::RwLock;

/// Largest registry a request may ask for (about 450 MB of rendered text at worst).
pub const MAX_COUNT: usize = 100_000;

/// Largest item with schemas, in bytes of compact JSON (the real largest is 7,896).
const MAX_ITEM: usize = 7_650;

/// The odd cases repeat with this period; 171 is the size of the real registry.
const ODD_PERIOD: usize = 171;

const BASE_NAMES: &[&str] = &[
    "accelo",
    "acme-apikey",
    "acme-oauth2",
    "adobe",
    "adyen",
    "aircall",
    "airtable",
    "amazon",
    "apollo",
    "asana",
    "attio",
    "auth0",
    "autodesk",
    "aws",
    "bamboohr",
    "basecamp",
    "bigcommerce",
    "bitbucket",
    "bitly",
    "box",
    "braintree",
    "brex",
    "calendly",
    "clickup",
    "close",
    "coda",
    "confluence",
    "contentful",
    "copper",
    "datadog",
    "deel",
    "dialpad",
    "digitalocean",
    "discord",
    "docusign",
    "dropbox",
    "ebay",
    "egnyte",
    "eventbrite",
    "facebook",
    "figma",
    "finch",
    "firebase",
    "fitbit",
    "freshbooks",
    "freshdesk",
    "front",
    "github",
    "gitlab",
    "gong",
    "google-calendar",
    "google-docs",
    "google-drive",
    "google-mail",
    "google-sheet",
    "gorgias",
    "greenhouse",
    "gusto",
    "harvest",
    "hubspot",
    "instagram",
    "intercom",
    "jira",
    "keap",
    "klaviyo",
    "lever",
    "linear",
    "linkedin",
    "mailchimp",
    "mercury",
    "miro",
    "monday",
    "netsuite",
    "notion",
    "okta",
    "outreach",
    "pagerduty",
    "pandadoc",
    "paypal",
    "pipedrive",
    "plaid",
    "postgres",
    "productboard",
    "quickbooks",
    "ramp",
    "reddit",
    "sage",
    "salesforce",
    "salesloft",
    "segment",
    "servicenow",
    "sharepoint",
    "shopify",
    "slack",
    "smartsheet",
    "snowflake",
    "spotify",
    "squarespace",
    "squareup",
    "strava",
    "stripe",
    "teamwork",
    "todoist",
    "toggl",
    "twilio",
    "twitch",
    "twitter",
    "typeform",
    "vimeo",
    "webflow",
    "wise",
    "wordpress",
    "workday",
    "wrike",
    "xero",
    "zapier",
    "zendesk",
    "zoho",
    "zoho-desk",
    "zoom",
];

const LOGO_BASE: &str =
    "https://cdn.jsdelivr.net/gh/openintegrations/openint@main/apps/web/public/_assets";

/// Display names that exercise JSON string escaping and Unicode handling, by `i % ODD_PERIOD`.
const ODD_DISPLAY_NAMES: &[(usize, &str)] = &[
    (3, "Acme \"Quoted\" Widgets"),
    (5, "Back\\slash C:\\Temp\\ Systems"),
    (7, "Zoë Ünïcødé Ltd"),
    (11, "Rocket 🚀 CRM ✨"),
    (13, "Tab\tSeparated\nNewline Corp"),
    (19, "Nul\u{0}Byte Inc"),
    (23, "日本語コネクタ"),
    (29, "Line\u{2028}Separator\u{2029}Paragraph"),
    (31, "</script><script>alert(1)</script>"),
    (37, "مرحبا RTL Connector"),
    (41, ""),
    (43, "Control \u{1}\u{1f}\u{7f} Chars"),
    (59, "  Padded With Spaces  "),
];

/// A scope description with every escape at once, on item 17 of each block.
const ODD_DESCRIPTION: &str =
    "Reads \"quoted\" text, a back\\slash, a tab\there, a newline\nhere, a NUL\u{0}here, Zoë and 😀";

struct Rng(u64);

impl Rng {
    fn new(i: usize, salt: u64) -> Rng {
        Rng((i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt)
    }
    // splitmix64: tiny, good enough, and stable across platforms and Rust versions.
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn range(&mut self, lo: u64, hi_inclusive: u64) -> u64 {
        lo + self.below(hi_inclusive - lo + 1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

pub fn name_of(i: usize) -> String {
    let base = BASE_NAMES[i % BASE_NAMES.len()];
    match i / BASE_NAMES.len() {
        0 => base.to_string(),
        round => format!("{base}-{}", round + 1),
    }
}

fn title_case(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn display_name_of(i: usize) -> String {
    let k = i % ODD_PERIOD;
    if let Some((_, odd)) = ODD_DISPLAY_NAMES.iter().find(|(at, _)| *at == k) {
        return odd.to_string();
    }
    let base = BASE_NAMES[i % BASE_NAMES.len()];
    match i / BASE_NAMES.len() {
        0 => title_case(base),
        round => format!("{} {}", title_case(base), round + 1),
    }
}

const RESOURCES: &[&str] = &[
    "contacts",
    "deals",
    "companies",
    "tickets",
    "files",
    "calendars",
    "users",
    "invoices",
    "payments",
    "projects",
    "tasks",
    "messages",
    "channels",
    "reports",
    "webhooks",
    "analytics",
    "orders",
    "products",
    "customers",
    "accounts",
];

fn scope_name(style: u64, verb: &str, resource: &str) -> String {
    match style {
        0 => format!("{verb}:{resource}"),
        1 => format!("{resource}.{verb}"),
        2 => format!("{verb}_{resource}"),
        _ => format!("https://www.example.com/auth/{resource}.{verb}"),
    }
}

fn scope_description(rng: &mut Rng, verb: &str, resource: &str) -> String {
    match rng.below(4) {
        0 => format!("Allows the application to {verb} {resource} and their associated records"),
        1 => format!(
            "{} access to {resource}, including custom fields and attachments",
            title_case(verb)
        ),
        2 => format!("Grants permission to {verb} {resource} on behalf of the authenticated user"),
        _ => format!("{} {resource} data", title_case(verb)),
    }
}

/// The scope list of an item: a few well-known OIDC scopes, then verb/resource pairs.
fn scopes_of(rng: &mut Rng, k: usize) -> Vec<V> {
    let n = match rng.below(100) {
        0..=7 => rng.range(1, 3),
        8..=84 => rng.range(4, 11),
        85..=96 => rng.range(12, 16),
        _ => rng.range(20, 34),
    } as usize;
    let style = rng.below(4);
    let offset = rng.below(RESOURCES.len() as u64) as usize;
    let mut out = Vec::with_capacity(n);
    // Item 17 skips the OIDC pair so its odd description is always on its first scope.
    if rng.chance(50) && k != 17 {
        out.push(obj([
            ("scope", s("openid")),
            ("description", s("Allows access to basic user profile information (user ID) for authentication purposes")),
        ]));
        out.push(obj([
            ("scope", s("offline_access")),
            ("description", s("Allows the application to refresh access tokens when the user is not actively using the application")),
        ]));
    }
    let mut idx = 0;
    while out.len() < n {
        // read/write over every resource first, then the rarer verbs: pairs never repeat.
        let (verb, resource) = if idx < 2 * RESOURCES.len() {
            (
                ["read", "write"][idx % 2],
                RESOURCES[(offset + idx / 2) % RESOURCES.len()],
            )
        } else {
            let j = idx - 2 * RESOURCES.len();
            (
                ["admin", "delete", "manage"][j % 3],
                RESOURCES[(offset + j / 3) % RESOURCES.len()],
            )
        };
        idx += 1;
        let mut fields = vec![("scope".to_string(), s(scope_name(style, verb, resource)))];
        if rng.chance(10) {
            fields.push((
                "display_name".to_string(),
                s(format!("{} {}", title_case(verb), title_case(resource))),
            ));
        }
        let description = if k == 17 && idx == 1 {
            ODD_DESCRIPTION.to_string()
        } else {
            scope_description(rng, verb, resource)
        };
        fields.push(("description".to_string(), s(description)));
        out.push(V::Obj(fields));
    }
    out.truncate(n);
    out
}

fn scope_names(scopes: &[V]) -> Vec<String> {
    scopes
        .iter()
        .filter_map(|v| match v {
            V::Obj(fields) => {
                fields
                    .iter()
                    .find(|(k, _)| k == "scope")
                    .and_then(|(_, v)| match v {
                        V::Str(x) => Some(x.clone()),
                        _ => None,
                    })
            }
            _ => None,
        })
        .collect()
}

/// Howard Hinnant's days-to-civil: (year, month, day) of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// PostgreSQL's text form of a timestamptz in UTC: trailing zeros of the fraction are dropped,
/// and a whole second has no fraction at all.
fn pg_timestamp(secs: i64, micros: u64) -> String {
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    let mut out = format!(
        "{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02}",
        t / 3600,
        t / 60 % 60,
        t % 60
    );
    if micros > 0 {
        let frac = format!("{micros:06}");
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    out.push_str("+00");
    out
}

fn integrations_of(rng: &mut Rng, name: &str, display: &str, k: usize) -> V {
    let n = rng.range(1, 4);
    let mut out = Vec::new();
    for j in 0..n {
        let created = 1_704_067_200 + rng.below(3 * 365 * 86_400) as i64; // from 2024-01-01
        let updated = created + rng.below(200 * 86_400) as i64;
        let standard = match rng.below(3) {
            0 => V::Null,
            1 => obj([
                ("name", s(display)),
                (
                    "verticals",
                    strs(&[*rng.pick(&["crm", "accounting", "file-storage"])]),
                ),
            ]),
            _ => s(format!("{name}-standard")),
        };
        let external = match rng.below(3) {
            0 => V::Null,
            1 => obj([
                ("id", V::Int(rng.below(1_000_000_000) as i64)),
                ("score", V::Raw("4.5".into())),
                ("tags", strs(&["imported", "sync"])),
            ]),
            _ => V::Arr(vec![V::Int(1), s("two"), V::Bool(true), V::Null]),
        };
        let logo = if rng.chance(30) {
            V::Null
        } else {
            s(format!("{LOGO_BASE}/logo-{name}-{j}.svg"))
        };
        let opt = |rng: &mut Rng, xs: &[&str]| match *rng.pick(xs) {
            "" => V::Null,
            x => s(x),
        };
        let platforms = match rng.below(4) {
            0 => V::Null,
            1 => strs(&["web"]),
            2 => strs(&["web", "mobile"]),
            _ => strs(&["desktop"]),
        };
        out.push(obj([
            ("id", s(format!("int_{name}_{:012x}", rng.next() >> 16))),
            ("standard", standard),
            ("external", external),
            ("created_at", s(pg_timestamp(created, rng.below(1_000_000)))),
            // One integration per block has an updated_at on a whole second.
            (
                "updated_at",
                s(pg_timestamp(
                    updated,
                    if k == 79 && j == 0 {
                        0
                    } else {
                        rng.below(1_000_000)
                    },
                )),
            ),
            ("connector_name", s(name)),
            (
                "name",
                s(format!(
                    "{display} {}",
                    rng.pick(&["Workspace", "Sandbox", "EU", "Enterprise", "Legacy API"])
                )),
            ),
            ("logo_url", logo),
            ("stage", opt(rng, &["ga", "beta", "alpha", ""])),
            ("platforms", platforms),
            (
                "category",
                opt(
                    rng,
                    &["crm", "file-storage", "accounting", "hris", "ticketing", ""],
                ),
            ),
            ("auth_type", opt(rng, &["oauth2", "apikey", ""])),
            ("version", opt(rng, &["v1", "v2", "2024-01-01", ""])),
        ]));
    }
    V::Arr(out)
}

const SETTING_NAMES: &[&str] = &[
    "subdomain",
    "api_key",
    "region",
    "instance_url",
    "account_id",
    "environment",
    "tenant_id",
    "workspace_id",
    "base_url",
    "company_id",
    "realm_id",
    "org_slug",
    "shop_domain",
    "site_id",
    "api_secret",
    "username",
    "password",
    "webhook_secret",
    "project_id",
    "team_id",
];

fn setting_schema(rng: &mut Rng, key: &str, display: &str) -> V {
    match rng.below(4) {
        0 => obj([
            ("type", s("string")),
            (
                "pattern",
                s(format!(
                    "^https:\\/\\/([a-z0-9_-]+)\\.{}\\.example\\.com$",
                    key.replace('_', "-")
                )),
            ),
            (
                "description",
                s(format!(
                    "The {} of your {display} account (e.g., https://acme.{key}.example.com)",
                    key.replace('_', " ")
                )),
            ),
        ]),
        1 => obj([
            ("type", s("string")),
            ("enum", strs(&["us", "eu", "ap", "sandbox"])),
            ("default", s("us")),
            (
                "description",
                s(format!("Which {display} data center hosts the account")),
            ),
        ]),
        2 => obj([
            ("type", strs(&["string", "null"])),
            ("format", s("uri")),
            (
                "description",
                s(format!(
                    "Optional {} override, leave empty for the default",
                    key.replace('_', " ")
                )),
            ),
        ]),
        _ => obj([
            ("type", s("string")),
            (
                "description",
                s(format!(
                    "{} issued by {display}",
                    title_case(&key.replace('_', "-"))
                )),
            ),
            ("title", s(title_case(&key.replace('_', "-")))),
        ]),
    }
}

fn empty_object() -> V {
    obj([
        ("type", s("object")),
        ("additionalProperties", V::Bool(false)),
    ])
}

fn string_prop(description: &str) -> V {
    obj([("type", s("string")), ("description", s(description))])
}

/// `max_settings` lets the caller shrink a big schema to keep the item under `MAX_ITEM`.
fn schemas_of(rng: &mut Rng, display: &str, oauth: bool, max_settings: usize) -> V {
    // A couple of items per hundred carry big settings schemas (the real largest is ~7.6 KB).
    let n_settings = if rng.chance(2) {
        rng.range(14, 20)
    } else {
        rng.range(0, 3)
    } as usize;
    let n_settings = n_settings.min(max_settings);
    let first = rng.below(SETTING_NAMES.len() as u64) as usize;
    let mut props: Vec<(String, V)> = Vec::new();
    let mut required = Vec::new();
    for j in 0..n_settings {
        let base = SETTING_NAMES[(first + j) % SETTING_NAMES.len()];
        let key = if j < SETTING_NAMES.len() {
            base.to_string()
        } else {
            format!("{base}_{}", j / SETTING_NAMES.len() + 1)
        };
        if rng.chance(40) {
            required.push(key.clone());
        }
        props.push((key.clone(), setting_schema(rng, &key, display)));
    }
    let nullable = |t: &str| obj([("type", strs(&[t, "null"]))]);
    let (connector_config, connection_settings, connect_input, connect_output) = if oauth {
        let config = obj([
            ("type", s("object")),
            (
                "properties",
                obj([(
                    "oauth",
                    obj([
                        ("type", strs(&["object", "null"])),
                        (
                            "properties",
                            obj([
                                ("client_id", nullable("string")),
                                ("client_secret", nullable("string")),
                                (
                                    "scopes",
                                    obj([
                                        ("type", strs(&["array", "null"])),
                                        ("items", obj([("type", s("string"))])),
                                    ]),
                                ),
                                (
                                    "redirect_uri",
                                    obj([
                                        ("type", strs(&["string", "null"])),
                                        ("description", s("Custom redirect URI")),
                                    ]),
                                ),
                            ]),
                        ),
                        (
                            "description",
                            s("Base oauth configuration for the connector"),
                        ),
                        ("ui:field", s("OAuthField")),
                    ]),
                )]),
            ),
        ]);
        let credentials = obj([
            ("type", s("object")),
            (
                "properties",
                obj([
                    ("access_token", obj([("type", s("string"))])),
                    (
                        "client_id",
                        string_prop("Client ID used for the connection"),
                    ),
                    ("scope", obj([("type", s("string"))])),
                    ("refresh_token", obj([("type", s("string"))])),
                    ("expires_in", obj([("type", s("number"))])),
                    ("expires_at", obj([("type", s("string"))])),
                    ("token_type", obj([("type", s("string"))])),
                    (
                        "raw",
                        obj([("type", s("object")), ("additionalProperties", obj([]))]),
                    ),
                ]),
            ),
            ("required", strs(&["access_token"])),
            (
                "description",
                s("Output of the postConnect hook for oauth2 connectors"),
            ),
        ]);
        let mut settings_props = vec![
            ("oauth".to_string(), obj([
                ("type", s("object")),
                ("properties", obj([
                    ("credentials", credentials),
                    ("created_at", obj([("type", s("string"))])),
                    ("updated_at", obj([("type", s("string"))])),
                    ("last_fetched_at", obj([("type", s("string"))])),
                    ("metadata", obj([("type", strs(&["object", "null"])), ("additionalProperties", obj([]))])),
                ])),
            ])),
            ("access_token".to_string(), string_prop("Same as oauth.credentials.access_token, but more convenient to access. Optional for backward compatibility until we remove the oauth field")),
        ];
        settings_props.extend(props);
        let mut req = vec!["oauth".to_string()];
        req.extend(required);
        let settings = V::Obj(vec![
            ("type".into(), s("object")),
            ("properties".into(), V::Obj(settings_props)),
            ("required".into(), strs(&req)),
        ]);
        let input = obj([
            ("type", s("object")),
            (
                "properties",
                obj([
                    ("code_verifier", string_prop("Code verifier for PKCE")),
                    (
                        "authorization_url",
                        string_prop("URL to take user to for approval"),
                    ),
                ]),
            ),
            ("required", strs(&["authorization_url"])),
        ]);
        let output = obj([
            ("type", s("object")),
            (
                "properties",
                obj([
                    (
                        "code_verifier",
                        string_prop("Code verifier for PKCE from the connect input"),
                    ),
                    (
                        "code",
                        string_prop("OAuth2 authorization code used for token exchange"),
                    ),
                    ("state", string_prop("OAuth2 state")),
                ]),
            ),
            ("required", strs(&["code", "state"])),
        ]);
        (config, settings, input, output)
    } else {
        let settings = || {
            V::Obj(vec![
                ("type".into(), s("object")),
                (
                    "properties".into(),
                    V::Obj(
                        props
                            .iter()
                            .map(|(k, _)| (k.clone(), obj([("type", s("string"))])))
                            .collect(),
                    ),
                ),
                ("required".into(), strs(&required)),
            ])
        };
        let out = settings();
        let full = V::Obj(vec![
            ("type".into(), s("object")),
            ("properties".into(), V::Obj(props)),
            ("required".into(), strs(&required)),
        ]);
        (empty_object(), full, empty_object(), out)
    };
    obj([
        ("connector_config", connector_config),
        ("connection_settings", connection_settings),
        ("integration_data", empty_object()),
        ("webhook_input", empty_object()),
        (
            "pre_connect_input",
            obj([
                ("type", s("object")),
                (
                    "properties",
                    obj([(
                        "connection_id",
                        string_prop("In case of re-connecting, id of the existing connection"),
                    )]),
                ),
            ]),
        ),
        ("connect_input", connect_input),
        ("connect_output", connect_output),
    ])
}

/// Item `i` as ordered fields, with the position where `schemas` goes when expanded.
struct Item {
    fields: Vec<(String, V)>,
    schemas: Option<(usize, V)>,
}

fn item(i: usize) -> Item {
    let k = i % ODD_PERIOD;
    let mut rng = Rng::new(i, 0x0DD5_EED5);
    let name = name_of(i);
    let mut fields: Vec<(String, V)> = vec![("name".into(), s(&name))];
    // The minimal connector: only `name`, even with expand=schemas.
    if k == 97 {
        return Item {
            fields,
            schemas: None,
        };
    }
    let display = display_name_of(i);
    fields.push(("display_name".into(), s(&display)));
    fields.push(("logo_url".into(), s(format!("{LOGO_BASE}/logo-{name}.svg"))));

    let stage = if k == 47 || k == 131 {
        Some("deprecated") // an enum value no schema lists
    } else if k % 14 == 6 {
        None // 12 of every 171, as in the real registry
    } else {
        Some(match rng.below(100) {
            0..=69 => "alpha",
            70..=76 => "beta",
            77..=96 => "ga",
            _ => "hidden",
        })
    };
    if let Some(stage) = stage {
        fields.push(("stage".into(), s(stage)));
    }
    if k == 67 {
        fields.push(("platforms".into(), strs(&["web", "smart-tv"])));
    } else if rng.chance(25) {
        let all = ["web", "mobile", "desktop", "local", "cloud"];
        let mask = rng.range(1, 31);
        let chosen: Vec<&str> = all
            .iter()
            .enumerate()
            .filter(|(b, _)| mask & (1 << b) != 0)
            .map(|(_, p)| *p)
            .collect();
        fields.push(("platforms".into(), strs(&chosen)));
    }
    let schemas_at = fields.len();

    let auth = if k == 53 {
        "SAML2"
    } else if k == 149 {
        "DIGEST"
    } else {
        match rng.below(100) {
            0..=69 => "OAUTH2",
            70..=82 => "CUSTOM",
            83..=88 => "API_KEY",
            89..=93 => "BASIC",
            94..=96 => "OAUTH1",
            _ => "OAUTH2CC",
        }
    };
    let oauth = auth.starts_with("OAUTH") || k == 53;
    fields.push(("auth_type".into(), s(auth)));

    let has_scopes = if oauth {
        rng.chance(98)
    } else {
        rng.chance(40)
    } || [17, 73, 83].contains(&k);
    if has_scopes {
        let scopes = scopes_of(&mut rng, k);
        let names = scope_names(&scopes);
        let n_default = if k == 73 {
            0
        } else {
            (rng.range(1, 3) as usize).min(names.len())
        };
        let n_allowed = (n_default + rng.range(0, 3) as usize).min(names.len());
        if rng.chance(6) || k == 83 {
            let n_required = (rng.range(0, 3) as usize).min(names.len());
            fields.push(("required_scopes".into(), strs(&names[..n_required])));
        }
        fields.push(("openint_default_scopes".into(), strs(&names[..n_default])));
        fields.push(("openint_allowed_scopes".into(), strs(&names[..n_allowed])));
        fields.push(("scopes".into(), V::Arr(scopes)));
    }
    fields.push(("has_openint_credentials".into(), V::Bool(rng.chance(20))));
    if k == 79 || rng.chance(8) {
        fields.push((
            "integrations".into(),
            integrations_of(&mut rng, &name, &display, k),
        ));
    }
    if k == 61 || k == 157 {
        fields.push((
            "x_added_later".into(),
            obj([("nested", V::Arr(vec![V::Int(1), V::Int(2)]))]),
        ));
    }
    if k == 89 {
        fields.push((
            "beta_features".into(),
            obj([("enabled", V::Bool(true)), ("flags", V::Arr(vec![]))]),
        ));
    }
    // A separate stream, so the schemas do not shift the fields above. Items over `MAX_ITEM`
    // lose settings, then integrations, until they fit, like the real largest item.
    let mut max_settings = usize::MAX;
    let schemas = loop {
        let base_len: usize = fields
            .iter()
            .map(|(k, v)| k.len() + v.render().len() + 4)
            .sum();
        let mut srng = Rng::new(i, 0x5C4E_3A55);
        let schemas = schemas_of(&mut srng, &display, oauth, max_settings);
        if base_len + schemas.render().len() + 12 <= MAX_ITEM {
            break schemas;
        }
        if max_settings > 0 {
            max_settings = max_settings.min(SETTING_NAMES.len()) - 1;
            continue;
        }
        match fields.iter_mut().find(|(k, _)| k == "integrations") {
            Some((_, V::Arr(list))) if list.len() > 1 => {
                list.pop();
            }
            _ => break schemas,
        }
    };
    Item {
        fields,
        schemas: Some((schemas_at, schemas)),
    }
}

/// The JSON text of item `i`, with or without `schemas`.
pub fn render_item(i: usize, expand: bool) -> String {
    let item = item(i);
    let mut out = String::with_capacity(if expand { 4096 } else { 1536 });
    out.push('{');
    let mut first = true;
    let mut field = |out: &mut String, k: &str, v: &V| {
        if !first {
            out.push(',');
        }
        first = false;
        crate::json::write_str(out, k);
        out.push(':');
        v.write(out);
    };
    for (idx, (k, v)) in item.fields.iter().enumerate() {
        if expand {
            if let Some((at, schemas)) = &item.schemas {
                if *at == idx {
                    field(&mut out, "schemas", schemas);
                }
            }
        }
        field(&mut out, k, v);
    }
    out.push('}');
    out
}

/// Rendered items, grown on demand and shared by every scenario (they differ only in size).
pub struct Registry {
    // [without schemas, with schemas]
    rendered: [RwLock<Vec<Box<str>>>; 2],
}

impl Registry {
    pub fn new() -> Registry {
        Registry {
            rendered: [RwLock::new(Vec::new()), RwLock::new(Vec::new())],
        }
    }

    fn ensure(&self, expand: bool, end: usize) {
        let lock = &self.rendered[usize::from(expand)];
        if lock.read().unwrap().len() >= end {
            return;
        }
        let mut items = lock.write().unwrap();
        let start = items.len();
        for i in start..end {
            items.push(render_item(i, expand).into_boxed_str());
        }
    }

    /// Renders the first `n` items ahead of time, so benchmarks do not time the first pass.
    pub fn warm(&self, n: usize) {
        std::thread::scope(|scope| {
            scope.spawn(|| self.ensure(false, n));
            self.ensure(true, n);
        });
    }

    /// Appends items `start..end`, comma-separated, to `out`.
    pub fn write_items(&self, expand: bool, start: usize, end: usize, out: &mut Vec<u8>) {
        if start >= end {
            return;
        }
        self.ensure(expand, end);
        let items = self.rendered[usize::from(expand)].read().unwrap();
        let slice = &items[start..end];
        out.reserve(slice.iter().map(|x| x.len() + 1).sum());
        for (j, item) in slice.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            out.extend_from_slice(item.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pg_timestamps_look_like_postgres() {
        assert_eq!(pg_timestamp(0, 0), "1970-01-01 00:00:00+00");
        assert_eq!(
            pg_timestamp(1_795_814_784, 647_469),
            "2026-11-27 21:26:24.647469+00"
        );
        assert_eq!(
            pg_timestamp(1_704_067_200, 500_000),
            "2024-01-01 00:00:00.5+00"
        );
    }

    #[test]
    fn items_are_valid_json_and_names_unique() {
        let mut names = std::collections::HashSet::new();
        for i in 0..2000 {
            for expand in [false, true] {
                let text = render_item(i, expand);
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert!(v["name"].is_string());
            }
            assert!(names.insert(name_of(i)), "duplicate name {}", name_of(i));
        }
    }
}
