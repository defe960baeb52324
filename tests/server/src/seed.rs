//! Rows a scenario starts with (`seed`) and raw table changes while a client pages through a
//! list (`POST /__admin/scenarios/<id>/mutate`, the `mutate_after_page` key).
//!
//! Seeded rows are deterministic: the same counts give the same ids, timestamps and bytes on
//! every run. They are dated from 2025-01-01 on, one second apart, so rows created through the
//! API (dated now) come first in every list.

use crate::auth::ORG_ID;
use crate::clock;
use crate::json::{obj, s, V};
use crate::store::{ConfigRow, Store};
use serde_json::Value;

/// 2025-01-01T00:00:00Z in µs.
const SEED_EPOCH: i64 = 1_735_689_600_000_000;
const SECOND: i64 = 1_000_000;
/// Largest seed per table.
pub const MAX_ROWS: usize = 100_000;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seed {
    pub customers: usize,
    pub connector_configs: usize,
    pub connections: usize,
    pub events: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableName {
    Connection,
    ConnectorConfig,
    Customer,
    Event,
}

impl TableName {
    pub fn parse(x: &str) -> Option<TableName> {
        Some(match x {
            "connection" => TableName::Connection,
            "connector_config" => TableName::ConnectorConfig,
            "customer" => TableName::Customer,
            "event" => TableName::Event,
            _ => return None,
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            TableName::Connection => "connection",
            TableName::ConnectorConfig => "connector_config",
            TableName::Customer => "customer",
            TableName::Event => "event",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mutation {
    /// `None` in `mutate_after_page`: the table of the list just served.
    pub table: Option<TableName>,
    pub insert: usize,
    pub delete: usize,
    /// Where in the list order: the front is the newest row (the first one listed).
    pub front: bool,
}

fn count(map: &serde_json::Map<String, Value>, key: &str, what: &str) -> Result<usize, String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(0),
        Some(v) => match v.as_u64() {
            Some(n) if n as usize <= MAX_ROWS => Ok(n as usize),
            _ => Err(format!(
                "`{what}.{key}` must be an integer from 0 to {MAX_ROWS}"
            )),
        },
    }
}

fn known_keys(
    map: &serde_json::Map<String, Value>,
    keys: &[&str],
    what: &str,
) -> Result<(), String> {
    let unknown: Vec<&str> = map
        .keys()
        .map(String::as_str)
        .filter(|k| !keys.contains(k))
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "unknown `{what}` key(s): {} (known: {})",
            unknown.join(", "),
            keys.join(", ")
        ))
    }
}

impl Seed {
    pub fn from_json(v: &Value) -> Result<Seed, String> {
        let map = v.as_object().ok_or("`seed` must be an object")?;
        known_keys(
            map,
            &["customers", "connector_configs", "connections", "events"],
            "seed",
        )?;
        Ok(Seed {
            customers: count(map, "customers", "seed")?,
            connector_configs: count(map, "connector_configs", "seed")?,
            connections: count(map, "connections", "seed")?,
            events: count(map, "events", "seed")?,
        })
    }
}

impl Mutation {
    /// `table_required`: the admin endpoint needs `table`; `mutate_after_page` must not have it.
    pub fn from_json(v: &Value, table_required: bool, what: &str) -> Result<Mutation, String> {
        let map = v
            .as_object()
            .ok_or_else(|| format!("`{what}` must be an object"))?;
        let keys: &[&str] = if table_required {
            &["table", "insert", "delete", "where"]
        } else {
            &["insert", "delete", "where"]
        };
        known_keys(map, keys, what)?;
        let table = match map.get("table") {
            Some(Value::String(t)) => Some(TableName::parse(t).ok_or(format!(
                "`{what}.table` must be connection, connector_config, customer or event"
            ))?),
            None | Some(Value::Null) if !table_required => None,
            _ => {
                return Err(format!(
                    "`{what}.table` must be connection, connector_config, customer or event"
                ))
            }
        };
        let front = match map.get("where") {
            None | Some(Value::Null) => true,
            Some(Value::String(w)) if w == "front" => true,
            Some(Value::String(w)) if w == "back" => false,
            _ => return Err(format!("`{what}.where` must be \"front\" or \"back\"")),
        };
        Ok(Mutation {
            table,
            insert: count(map, "insert", what)?,
            delete: count(map, "delete", what)?,
            front,
        })
    }
}

/// The connectors seeded rows use, with a config and settings their schemas accept.
const SEED_CONNECTORS: [&str; 4] = ["acme-apikey", "toggl", "greenhouse", "hubspot"];

fn seed_config(name: &str, i: usize) -> V {
    match name {
        "hubspot" => obj([(
            "oauth",
            obj([
                ("client_id", s(format!("seed_client_{i}"))),
                ("client_secret", s(format!("seed_secret_{i}"))),
                ("scopes", V::Arr(vec![s("crm.objects.contacts.read")])),
            ]),
        )]),
        _ => V::Obj(Vec::new()),
    }
}

fn seed_settings(name: &str, i: usize, time: i64) -> V {
    match name {
        "acme-apikey" => obj([("api_key", s(format!("seed_key_{i}")))]),
        "toggl" => obj([
            ("apiToken", s(format!("seed_toggl_{i}"))),
            ("email", s(format!("user{i}@example.com"))),
        ]),
        "greenhouse" => obj([("apiKey", s(format!("seed_gh_{i}")))]),
        _ => obj([
            (
                "oauth",
                obj([(
                    "credentials",
                    obj([
                        ("access_token", s(format!("seed_at_{i}"))),
                        ("refresh_token", s(format!("seed_rt_{i}"))),
                        ("expires_in", V::Int(1800)),
                        ("expires_at", s(clock::iso(time + 1800 * SECOND))),
                        ("token_type", s("bearer")),
                    ]),
                )]),
            ),
            ("access_token", s(format!("seed_at_{i}"))),
        ]),
    }
}

/// A seeded row's time: one second apart, with a varying fraction (as database times have).
fn seed_time(i: usize) -> i64 {
    SEED_EPOCH + i as i64 * SECOND + (i as i64 * 7919) % SECOND
}

impl Store {
    pub fn seed(&mut self, seed: &Seed) {
        for i in 0..seed.customers {
            let time = seed_time(i);
            let id = format!("cus_{}", self.ulid_at(time));
            let metadata = obj([("seed", V::Int(i as i64))]);
            self.insert_customer(id.clone(), V::Null, time);
            if let Some(c) = self.customers.get_mut(&id) {
                c.metadata = metadata;
            }
        }
        let mut customer_ids: Vec<String> = self.customers.keys().cloned().collect();
        customer_ids.sort();
        if customer_ids.is_empty() {
            customer_ids = (0..10).map(|i| format!("cus_seed_{i}")).collect();
        }
        // Connections need configs: without seeded configs, one per seeded connector.
        let n_configs = match (seed.connector_configs, seed.connections) {
            (0, 0) => 0,
            (0, _) => SEED_CONNECTORS.len(),
            (n, _) => n,
        };
        let configs: Vec<ConfigRow> = (0..n_configs)
            .map(|i| {
                let name = SEED_CONNECTORS[i % SEED_CONNECTORS.len()];
                let display = format!("Seeded {name} {i}");
                self.make_config(
                    name,
                    Some(display),
                    false,
                    V::Null,
                    seed_config(name, i),
                    seed_time(i),
                )
            })
            .collect();
        let mut connections = Vec::with_capacity(seed.connections);
        for i in 0..seed.connections {
            let config = &configs[i % configs.len()];
            let time = seed_time(i);
            let customer = &customer_ids[i % customer_ids.len()];
            let settings = seed_settings(&config.connector_name, i, time);
            let row = self.make_connection(
                config,
                customer,
                "unknown",
                Some("Connection was imported without checking its status".into()),
                V::Null,
                settings,
                time,
            );
            self.index_connection(&row);
            connections.push(row);
        }
        let connection_ids: Vec<(String, String)> = connections
            .iter()
            .map(|c| (c.id.clone(), c.customer_id.clone()))
            .collect();
        self.configs.extend(configs);
        self.connections.extend(connections);
        for i in 0..seed.events {
            self.seed_event(i, &connection_ids, seed_time(i));
        }
    }

    fn seed_event(&mut self, i: usize, connections: &[(String, String)], time: i64) -> String {
        let (conn, customer) = match connections.get(i % connections.len().max(1)) {
            Some((c, cus)) => (c.clone(), cus.clone()),
            None => (
                format!("conn_toggl_seed{i}"),
                format!("cus_seed_{}", i % 10),
            ),
        };
        let user = obj([("org_id", s(ORG_ID)), ("customer_id", s(&customer))]);
        match i % 3 {
            0 => {
                let data = obj([
                    ("connection_id", s(&conn)),
                    ("status", s("healthy")),
                    ("status_message", V::Null),
                    ("customer_id", s(&customer)),
                ]);
                self.add_event(
                    "connect.connection-checked",
                    Some(&customer),
                    user,
                    V::Null,
                    data,
                    time,
                )
            }
            1 => {
                let data = obj([("connection_id", s(&conn)), ("customer_id", s(&customer))]);
                self.add_event(
                    "connect.connection-deleted",
                    Some(&customer),
                    user,
                    V::Null,
                    data,
                    time,
                )
            }
            _ => self.debug_event(time),
        }
    }

    /// A `debug.debug` event as written straight into the database (no customer).
    fn debug_event(&mut self, time: i64) -> String {
        let user = obj([("org_id", s(ORG_ID))]);
        self.add_event("debug.debug", None, user, s("1"), V::Obj(Vec::new()), time)
    }

    /// Where an inserted row goes: just before the newest or just after the oldest row.
    fn edge_time(&mut self, newest: Option<i64>, oldest: Option<i64>, front: bool) -> i64 {
        match (front, newest, oldest) {
            (true, Some(t), _) => t + 1000,
            (false, _, Some(t)) => t - 1000,
            _ => self.now(),
        }
    }

    /// Applies a raw change (no events, no checks) and says what it did. Deletes come first,
    /// so `{"insert": 1, "delete": 1}` replaces a row instead of removing the one it added.
    pub fn mutate(&mut self, table: TableName, m: &Mutation) -> V {
        let mut inserted = Vec::new();
        let mut deleted = Vec::new();
        for _ in 0..m.delete {
            match self.delete_one(table, m.front) {
                Some(id) => deleted.push(id),
                None => break,
            }
        }
        for _ in 0..m.insert {
            inserted.push(self.insert_one(table, m.front));
        }
        obj([
            ("table", s(table.name())),
            (
                "inserted",
                V::Arr(inserted.into_iter().map(V::Str).collect()),
            ),
            ("deleted", V::Arr(deleted.into_iter().map(V::Str).collect())),
        ])
    }

    fn insert_one(&mut self, table: TableName, front: bool) -> String {
        match table {
            TableName::Event => {
                let rows = self.events.rows();
                let (newest, oldest) = (
                    rows.first().map(|r| r.timestamp),
                    rows.last().map(|r| r.timestamp),
                );
                let time = self.edge_time(newest, oldest, front);
                self.debug_event(time)
            }
            TableName::ConnectorConfig => {
                let rows = self.configs.rows();
                let (newest, oldest) = (
                    rows.first().map(|r| r.updated_at),
                    rows.last().map(|r| r.updated_at),
                );
                let time = self.edge_time(newest, oldest, front);
                let n = self.configs.len();
                self.new_config(
                    "acme-apikey",
                    Some(format!("Inserted {n}")),
                    false,
                    V::Null,
                    V::Obj(Vec::new()),
                    time,
                )
                .id
                .clone()
            }
            TableName::Connection => {
                let customer = self
                    .connections
                    .rows()
                    .first()
                    .map_or_else(|| "cus_mutated".to_string(), |c| c.customer_id.clone());
                self.insert_connection_for(&customer, front)
            }
            TableName::Customer => {
                // Customers are listed by id: pick one that sorts first (or last).
                let k = self.random() % 1_000_000;
                let id = if front {
                    format!("cus_0{}", crate::ids::ulid(1_000_000_000_000 - k, 0))
                } else {
                    format!("cus_zz{}", crate::ids::ulid(k, 0))
                };
                let time = self.now();
                self.add_customer_row(id.clone(), time);
                self.insert_connection_for(&id, true);
                id
            }
        }
    }

    fn insert_connection_for(&mut self, customer: &str, front: bool) -> String {
        let config = match self.configs.rows().first() {
            Some(c) => (**c).clone(),
            None => {
                let time = self.now();
                (*self.new_config(
                    "acme-apikey",
                    None,
                    false,
                    V::Null,
                    V::Obj(Vec::new()),
                    time,
                ))
                .clone()
            }
        };
        let rows = self.connections.rows();
        let (newest, oldest) = (
            rows.first().map(|r| r.updated_at),
            rows.last().map(|r| r.updated_at),
        );
        let time = self.edge_time(newest, oldest, front);
        let n = self.connections.len();
        let settings = seed_settings(&config.connector_name, n, time);
        self.new_connection(
            &config,
            customer,
            "unknown",
            Some("Connection was imported without checking its status".into()),
            V::Null,
            settings,
            time,
        )
        .id
        .clone()
    }

    fn delete_one(&mut self, table: TableName, front: bool) -> Option<String> {
        fn pick<T>(rows: &[T], front: bool) -> Option<&T> {
            if front {
                rows.first()
            } else {
                rows.last()
            }
        }
        match table {
            TableName::Event => {
                let id = pick(self.events.rows(), front)?.id.clone();
                self.events.remove(&id);
                Some(id)
            }
            TableName::Connection => {
                let id = pick(self.connections.rows(), front)?.id.clone();
                self.delete_connection(&id, false);
                Some(id)
            }
            TableName::ConnectorConfig => {
                // A raw delete cascades to the config's connections (a real database refuses).
                let id = pick(self.configs.rows(), front)?.id.clone();
                let conns: Vec<String> = self
                    .connections
                    .rows()
                    .iter()
                    .filter(|c| c.connector_config_id == id)
                    .map(|c| c.id.clone())
                    .collect();
                for c in conns {
                    self.delete_connection(&c, false);
                }
                self.configs.remove(&id);
                Some(id)
            }
            TableName::Customer => {
                let id = if front {
                    self.customer_aggs.keys().next()
                } else {
                    self.customer_aggs.keys().next_back()
                }?
                .clone();
                self.delete_customer_rows(&id);
                Some(id)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_deterministic_and_valid() {
        let seed = Seed {
            customers: 5,
            connector_configs: 0,
            connections: 2000,
            events: 30,
        };
        let mut a = Store::new(42);
        a.seed(&seed);
        let mut b = Store::new(42);
        b.seed(&seed);
        assert_eq!(a.dump().render(), b.dump().render());
        assert_eq!(a.configs.len(), 4);
        assert_eq!(a.connections.len(), 2000);
        assert!(a.connections.rows().iter().all(|c| c.issues.is_empty()));
        assert!(a.configs.rows().iter().all(|c| c.issues.is_empty()));
        assert_eq!(a.customer_aggs.len(), 5);
        let times: Vec<i64> = a.connections.rows().iter().map(|c| c.updated_at).collect();
        assert!(times.windows(2).all(|w| w[0] > w[1]), "newest first");
    }

    #[test]
    fn mutations_insert_and_delete_at_either_end() {
        let mut st = Store::new(1);
        st.seed(&Seed {
            connections: 10,
            ..Seed::default()
        });
        let first = st.connections.rows()[0].id.clone();
        let last = st.connections.rows()[9].id.clone();
        let m = Mutation {
            table: None,
            insert: 2,
            delete: 1,
            front: false,
        };
        let out = st.mutate(TableName::Connection, &m).render();
        assert!(out.contains(&format!("\"deleted\":[\"{last}\"]")), "{out}");
        assert_eq!(st.connections.len(), 11);
        assert_eq!(st.connections.rows()[0].id, first);
        let V::Arr(ins) = st
            .mutate(
                TableName::Connection,
                &Mutation {
                    delete: 0,
                    ..m.clone()
                },
            )
            .get("inserted")
            .cloned()
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(
            st.connections.rows().last().unwrap().id,
            ins[1].as_str().unwrap()
        );
        let front = Mutation { front: true, ..m };
        let out = st.mutate(TableName::Connection, &front);
        let V::Arr(ins) = out.get("inserted").unwrap() else {
            panic!()
        };
        assert_eq!(st.connections.rows()[0].id, ins[1].as_str().unwrap());
        st.mutate(
            TableName::Customer,
            &Mutation {
                insert: 1,
                delete: 0,
                ..front.clone()
            },
        );
        assert!(st.customer_aggs.keys().next().unwrap().starts_with("cus_0"));
        let out = st.mutate(
            TableName::Event,
            &Mutation {
                insert: 1,
                delete: 0,
                ..front
            },
        );
        assert!(
            st.events.rows()[0].json.contains("debug.debug"),
            "{}",
            out.render()
        );
    }
}
