//! The real connector catalogue (171 connectors), embedded at compile time from the recorded
//! `GET /v1/connector?limit=3000&expand=schemas` answer. Everything but `GET /connector` (which
//! serves the synthetic registry unless a scenario asks for `"registry": "real"`) uses it:
//! connector-name enums, per-connector config and settings schemas, `expand=connector`,
//! `/connector-status`.

use crate::json::{parse, V};
use std::collections::HashMap;
use std::sync::OnceLock;

const FIXTURE: &str = include_str!("../../data/openint/fixtures/connectors-v1-expand-schemas.json");

/// What a connection check does for a connector (the real server calls the provider; this
/// server answers as the recorded calls did, without a network).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checker {
    /// No `checkConnection`: 501 on create with `check_connection`, a mocked `healthy` (not
    /// saved) on `POST /connection/{id}/check`.
    None,
    /// The provider cannot be reached: `disconnected` with this message.
    Unreachable(&'static str),
    /// OAuth2: the token refresh fails: `error` with the refresh request in the message.
    OAuthRefresh,
}

pub struct Connector {
    pub name: String,
    pub auth_type: Option<String>,
    /// Compact JSON of the listing item, without and with `schemas`.
    pub item: String,
    pub item_with_schemas: String,
    pub config_schema: Option<V>,
    pub settings_schema: Option<V>,
}

impl Connector {
    pub fn checker(&self) -> Checker {
        match self.name.as_str() {
            "acme-apikey" => Checker::Unreachable("fetch() URL is invalid"),
            "greenhouse" => Checker::Unreachable(
                "Failed to connect to Greenhouse: Error: Unable to connect. Is the computer able to access the url?",
            ),
            _ if self.auth_type.as_deref() == Some("OAUTH2") => Checker::OAuthRefresh,
            _ => Checker::None,
        }
    }

    /// Only plaid has a webhook handler in the recorded server.
    pub fn has_webhook(&self) -> bool {
        self.name == "plaid"
    }

    /// The token endpoint named in a failed refresh's message: hubspot's is recorded, the
    /// others are made up (and unreachable by construction).
    pub fn token_url(&self) -> String {
        match self.name.as_str() {
            "hubspot" => "https://api.hubapi.com/oauth/v1/token".into(),
            other => format!("https://{other}.oauth.invalid/token"),
        }
    }
}

pub struct Catalogue {
    /// In the real listing order (the API-key and OAuth2 connectors, then the custom ones).
    pub list: Vec<Connector>,
    by_name: HashMap<String, usize>,
    /// Sorted names: the `options` of every connector-name enum error.
    pub sorted_names: Vec<String>,
    /// Listing order: the `options` of createConnection's `data.connector_name` discriminator.
    pub listing_names: Vec<String>,
}

impl Catalogue {
    pub fn get(&self, name: &str) -> Option<&Connector> {
        self.by_name.get(name).map(|&i| &self.list[i])
    }

    /// Appends items `start..end` of the real listing, comma-separated.
    pub fn write_items(&self, expand: bool, start: usize, end: usize, out: &mut Vec<u8>) {
        for (j, c) in self.list[start.min(self.list.len())..end.min(self.list.len())]
            .iter()
            .enumerate()
        {
            if j > 0 {
                out.push(b',');
            }
            out.extend_from_slice(
                if expand {
                    &c.item_with_schemas
                } else {
                    &c.item
                }
                .as_bytes(),
            );
        }
    }
}

pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let page = parse(FIXTURE.as_bytes()).expect("embedded connector fixture is JSON");
        let Some(V::Arr(items)) = page.get("items") else {
            panic!("embedded connector fixture has no items");
        };
        let mut list = Vec::new();
        for item in items {
            let V::Obj(fields) = item else {
                panic!("connector item is not an object")
            };
            let schemas = item.get("schemas");
            let without = V::Obj(
                fields
                    .iter()
                    .filter(|(k, _)| k != "schemas")
                    .cloned()
                    .collect(),
            );
            list.push(Connector {
                name: item
                    .get("name")
                    .and_then(V::as_str)
                    .expect("name")
                    .to_string(),
                auth_type: item
                    .get("auth_type")
                    .and_then(V::as_str)
                    .map(str::to_string),
                item: without.render(),
                item_with_schemas: item.render(),
                config_schema: schemas.and_then(|s| s.get("connector_config")).cloned(),
                settings_schema: schemas.and_then(|s| s.get("connection_settings")).cloned(),
            });
        }
        let by_name = list
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), i))
            .collect();
        let listing_names: Vec<String> = list.iter().map(|c| c.name.clone()).collect();
        let mut sorted_names = listing_names.clone();
        sorted_names.sort();
        Catalogue {
            list,
            by_name,
            sorted_names,
            listing_names,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_recorded_bytes() {
        let c = catalogue();
        assert_eq!(c.list.len(), 171);
        let mut out = b"{\"items\":[".to_vec();
        c.write_items(true, 0, 171, &mut out);
        assert!(FIXTURE.starts_with(std::str::from_utf8(&out).unwrap()));
        let plain = include_str!("../../data/openint/fixtures/connectors-v1.json");
        let mut out = b"{\"items\":[".to_vec();
        c.write_items(false, 0, 171, &mut out);
        assert!(plain.starts_with(std::str::from_utf8(&out).unwrap()));
        assert_eq!(c.get("toggl").unwrap().checker(), Checker::None);
        assert_eq!(c.get("hubspot").unwrap().checker(), Checker::OAuthRefresh);
        assert_eq!(c.sorted_names.first().unwrap(), "accelo");
        assert_eq!(c.listing_names.last().unwrap(), "yodlee");
    }
}
