//! One scenario's database: customers, connector configs, connections and events, in memory.
//!
//! Lists must stay fast on 100,000 rows, so every table keeps its rows in list order (newest
//! `updated_at`/`timestamp` first, ties broken by write order) and each row carries its JSON
//! already rendered: a page is a slice of that order and a concatenation of strings. Writes
//! re-render one row and move it in the order (a binary search and a memmove).

use crate::auth::ORG_ID;
use crate::clock::{self, now_micros};
use crate::connectors::catalogue;
use crate::ids::{entropy, mix, ulid};
use crate::json::{obj, opt_str, s, V};
use crate::schema;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

pub trait Keyed {
    fn id(&self) -> &str;
    /// List order, descending: (time in µs, write sequence).
    fn key(&self) -> (i64, u64);
}

/// Rows by id, and the same rows in list order.
pub struct Table<R> {
    by_id: HashMap<String, Arc<R>>,
    order: Vec<Arc<R>>,
}

impl<R: Keyed> Table<R> {
    fn new() -> Table<R> {
        Table {
            by_id: HashMap::new(),
            order: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn get(&self, id: &str) -> Option<&Arc<R>> {
        self.by_id.get(id)
    }

    /// Every row, newest first.
    pub fn rows(&self) -> &[Arc<R>] {
        &self.order
    }

    fn position(&self, key: (i64, u64)) -> usize {
        self.order.partition_point(|r| r.key() > key)
    }

    pub fn insert(&mut self, row: R) -> Arc<R> {
        let row = Arc::new(row);
        if let Some(old) = self.by_id.insert(row.id().to_string(), row.clone()) {
            let at = self.position(old.key());
            self.order.remove(at);
        }
        let at = self.position(row.key());
        self.order.insert(at, row.clone());
        row
    }

    /// Adds many rows at once and sorts once (seeding 100,000 rows one by one would be
    /// quadratic: each newest row goes to the front).
    pub fn extend(&mut self, rows: Vec<R>) {
        for row in rows {
            let row = Arc::new(row);
            if let Some(old) = self.by_id.insert(row.id().to_string(), row.clone()) {
                self.order.retain(|r| !Arc::ptr_eq(r, &old));
            }
            self.order.push(row);
        }
        self.order.sort_by_key(|r| std::cmp::Reverse(r.key()));
    }

    pub fn remove(&mut self, id: &str) -> Option<Arc<R>> {
        let row = self.by_id.remove(id)?;
        let at = self.position(row.key());
        debug_assert_eq!(self.order[at].id(), id);
        self.order.remove(at);
        Some(row)
    }
}

pub struct Customer {
    pub id: String,
    pub api_key: String,
    pub metadata: V,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Customer {
    pub fn json(&self) -> V {
        obj([
            ("org_id", s(ORG_ID)),
            ("id", s(&self.id)),
            ("api_key", s(&self.api_key)),
            ("metadata", self.metadata.clone()),
            ("created_at", s(clock::pg(self.created_at))),
            ("updated_at", s(clock::pg(self.updated_at))),
        ])
    }
}

#[derive(Clone)]
pub struct ConfigRow {
    pub id: String,
    pub connector_name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub seq: u64,
    pub display_name: Option<String>,
    pub disabled: bool,
    pub metadata: V,
    /// As stored; answers show it parsed by the connector's schema.
    pub config: V,
    /// The answer's JSON without the closing `}` (expansions are appended).
    pub head: String,
    /// Output validation issues (paths from the row, `["config", ...]`); non-empty makes every
    /// read of the row a 500.
    pub issues: Vec<V>,
}

impl ConfigRow {
    fn render(mut self) -> ConfigRow {
        let schema = catalogue()
            .get(&self.connector_name)
            .and_then(|c| c.config_schema.as_ref());
        let mut issues = Vec::new();
        let config = match schema {
            Some(schema) => schema::parse(schema, &self.config, &vec![s("config")], &mut issues),
            None => self.config.clone(),
        };
        let mut head = obj([
            ("id", s(&self.id)),
            ("created_at", s(clock::pg(self.created_at))),
            ("updated_at", s(clock::pg(self.updated_at))),
            ("org_id", s(ORG_ID)),
            ("display_name", opt_str(self.display_name.as_deref())),
            ("disabled", V::Bool(self.disabled)),
            ("metadata", self.metadata.clone()),
            ("connector_name", s(&self.connector_name)),
            ("config", config),
        ])
        .render();
        head.pop();
        self.head = head;
        self.issues = issues;
        self
    }
}

impl Keyed for ConfigRow {
    fn id(&self) -> &str {
        &self.id
    }
    fn key(&self) -> (i64, u64) {
        (self.updated_at, self.seq)
    }
}

#[derive(Clone)]
pub struct ConnRow {
    pub id: String,
    pub connector_name: String,
    pub customer_id: String,
    pub connector_config_id: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub seq: u64,
    pub status: String,
    pub status_message: Option<String>,
    pub metadata: V,
    /// As stored; answers show it parsed by the connector's schema.
    pub settings: V,
    /// Everything up to `connector_name`, without the closing `}`.
    pub head: String,
    pub settings_json: String,
    /// Output issues of `settings` (`["settings", ...]`), which only matter when it is shown.
    pub issues: Vec<V>,
}

impl ConnRow {
    pub fn render(mut self) -> ConnRow {
        let schema = catalogue()
            .get(&self.connector_name)
            .and_then(|c| c.settings_schema.as_ref());
        let mut issues = Vec::new();
        let settings = match schema {
            Some(schema) => {
                schema::parse(schema, &self.settings, &vec![s("settings")], &mut issues)
            }
            None => self.settings.clone(),
        };
        let mut head = obj([
            ("id", s(&self.id)),
            ("customer_id", s(&self.customer_id)),
            ("connector_config_id", s(&self.connector_config_id)),
            ("integration_id", V::Null),
            ("status_message", opt_str(self.status_message.as_deref())),
            ("created_at", s(clock::pg(self.created_at))),
            ("updated_at", s(clock::pg(self.updated_at))),
            ("display_name", V::Null),
            ("disabled", V::Bool(false)),
            ("status", s(&self.status)),
            ("metadata", self.metadata.clone()),
            ("connector_name", s(&self.connector_name)),
        ])
        .render();
        head.pop();
        self.head = head;
        self.settings_json = settings.render();
        self.issues = issues;
        self
    }

    /// The answer for this row; `settings` only with `include_secrets`.
    pub fn write(&self, secrets: bool, connector: bool, out: &mut Vec<u8>) {
        out.extend_from_slice(self.head.as_bytes());
        if secrets {
            out.extend_from_slice(b",\"settings\":");
            out.extend_from_slice(self.settings_json.as_bytes());
        }
        if connector {
            if let Some(c) = catalogue().get(&self.connector_name) {
                out.extend_from_slice(b",\"connector\":");
                out.extend_from_slice(c.item_with_schemas.as_bytes());
            }
        }
        out.push(b'}');
    }
}

impl Keyed for ConnRow {
    fn id(&self) -> &str {
        &self.id
    }
    fn key(&self) -> (i64, u64) {
        (self.updated_at, self.seq)
    }
}

pub struct EventRow {
    pub id: String,
    pub timestamp: i64,
    pub seq: u64,
    pub customer_id: Option<String>,
    pub json: String,
}

impl Keyed for EventRow {
    fn id(&self) -> &str {
        &self.id
    }
    fn key(&self) -> (i64, u64) {
        (self.timestamp, self.seq)
    }
}

/// listCustomers' row: connections grouped by customer id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Agg {
    pub count: usize,
    pub min_created: i64,
    pub max_updated: i64,
}

impl Agg {
    pub fn add_row(a: Option<Agg>, c: &ConnRow) -> Agg {
        match a {
            None => Agg {
                count: 1,
                min_created: c.created_at,
                max_updated: c.updated_at,
            },
            Some(a) => Agg {
                count: a.count + 1,
                min_created: a.min_created.min(c.created_at),
                max_updated: a.max_updated.max(c.updated_at),
            },
        }
    }

    pub fn json(&self, id: &str) -> String {
        obj([
            ("id", s(id)),
            ("connection_count", V::Int(self.count as i64)),
            ("created_at", s(clock::pg(self.min_created))),
            ("updated_at", s(clock::pg(self.max_updated))),
        ])
        .render()
    }
}

pub struct Store {
    /// Ids and keys are drawn from here, so a scenario's seeded rows are the same on every run.
    rng: u64,
    last_time: i64,
    seq: u64,
    pub customers: HashMap<String, Customer>,
    customer_by_key: HashMap<String, String>,
    pub configs: Table<ConfigRow>,
    pub connections: Table<ConnRow>,
    pub events: Table<EventRow>,
    connections_per_config: HashMap<String, usize>,
    /// listCustomers without a search, kept up to date; ordered by customer id.
    pub customer_aggs: BTreeMap<String, Agg>,
}

pub enum DeleteConfig {
    NotFound,
    HasConnections,
    Deleted,
}

impl Store {
    pub fn new(rng_seed: u64) -> Store {
        Store {
            rng: rng_seed,
            last_time: 0,
            seq: 0,
            customers: HashMap::new(),
            customer_by_key: HashMap::new(),
            configs: Table::new(),
            connections: Table::new(),
            events: Table::new(),
            connections_per_config: HashMap::new(),
            customer_aggs: BTreeMap::new(),
        }
    }

    /// A database `now()`: microseconds, strictly increasing within the scenario.
    pub fn now(&mut self) -> i64 {
        self.last_time = now_micros().max(self.last_time + 1);
        self.last_time
    }

    /// A time JavaScript wrote (`new Date()`): milliseconds.
    pub fn now_js(&mut self) -> i64 {
        clock::to_millis(self.now())
    }

    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    pub fn random(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(1);
        mix(self.rng)
    }

    /// A ULID for a row written at `time` (µs).
    pub fn ulid_at(&mut self, time: i64) -> String {
        let e = entropy(self.random());
        ulid((time.max(0) / 1000) as u64, e)
    }

    fn new_api_key(&mut self) -> String {
        format!("key_cus_{:016x}{:016x}", self.random(), self.random())
    }

    pub fn customer_of_key(&self, key: &str) -> Option<String> {
        self.customer_by_key.get(key).cloned()
    }

    /// upsertCustomer: metadata is replaced; api_key, created_at and updated_at are kept.
    pub fn upsert_customer(&mut self, id: Option<String>, metadata: V) -> V {
        let id = match id {
            Some(id) => id,
            None => {
                let now = self.now();
                format!("cus_{}", self.ulid_at(now))
            }
        };
        if let Some(c) = self.customers.get_mut(&id) {
            c.metadata = metadata;
            return c.json();
        }
        let now = self.now();
        self.insert_customer(id.clone(), metadata, now);
        self.customers[&id].json()
    }

    pub fn insert_customer(&mut self, id: String, metadata: V, time: i64) {
        let api_key = self.new_api_key();
        self.customer_by_key.insert(api_key.clone(), id.clone());
        self.customers.insert(
            id.clone(),
            Customer {
                id,
                api_key,
                metadata,
                created_at: time,
                updated_at: time,
            },
        );
    }

    /// createToken's upsert: an unknown customer is created; returns its api_key.
    pub fn ensure_customer(&mut self, id: &str) -> String {
        if !self.customers.contains_key(id) {
            let now = self.now();
            self.insert_customer(id.to_string(), V::Null, now);
        }
        self.customers[id].api_key.clone()
    }

    fn remove_customer(&mut self, id: &str) {
        if let Some(c) = self.customers.remove(id) {
            self.customer_by_key.remove(&c.api_key);
        }
    }

    pub fn new_config(
        &mut self,
        connector_name: &str,
        display_name: Option<String>,
        disabled: bool,
        metadata: V,
        config: V,
        time: i64,
    ) -> Arc<ConfigRow> {
        let row = self.make_config(
            connector_name,
            display_name,
            disabled,
            metadata,
            config,
            time,
        );
        self.configs.insert(row)
    }

    pub fn make_config(
        &mut self,
        connector_name: &str,
        display_name: Option<String>,
        disabled: bool,
        metadata: V,
        config: V,
        time: i64,
    ) -> ConfigRow {
        let id = format!("ccfg_{connector_name}_{}", self.ulid_at(time));
        let seq = self.next_seq();
        ConfigRow {
            id,
            connector_name: connector_name.to_string(),
            created_at: time,
            updated_at: time,
            seq,
            display_name,
            disabled,
            metadata,
            config,
            head: String::new(),
            issues: Vec::new(),
        }
        .render()
    }

    /// Writes a changed config (`updated_at` and the order move with it).
    pub fn put_config(&mut self, mut row: ConfigRow) -> Arc<ConfigRow> {
        row.seq = self.next_seq();
        self.configs.insert(row.render())
    }

    pub fn delete_config(&mut self, id: &str) -> DeleteConfig {
        if self.configs.get(id).is_none() {
            return DeleteConfig::NotFound;
        }
        if self.connection_count(id) > 0 {
            return DeleteConfig::HasConnections;
        }
        self.configs.remove(id);
        DeleteConfig::Deleted
    }

    pub fn connection_count(&self, config_id: &str) -> usize {
        self.connections_per_config
            .get(config_id)
            .copied()
            .unwrap_or(0)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn new_connection(
        &mut self,
        config: &ConfigRow,
        customer_id: &str,
        status: &str,
        status_message: Option<String>,
        metadata: V,
        settings: V,
        time: i64,
    ) -> Arc<ConnRow> {
        let row = self.make_connection(
            config,
            customer_id,
            status,
            status_message,
            metadata,
            settings,
            time,
        );
        self.index_connection(&row);
        self.connections.insert(row)
    }

    /// A connection row, not yet stored (seeding stores many at once).
    #[allow(clippy::too_many_arguments)]
    pub fn make_connection(
        &mut self,
        config: &ConfigRow,
        customer_id: &str,
        status: &str,
        status_message: Option<String>,
        metadata: V,
        settings: V,
        time: i64,
    ) -> ConnRow {
        let id = format!("conn_{}_{}", config.connector_name, self.ulid_at(time));
        let seq = self.next_seq();
        ConnRow {
            id,
            connector_name: config.connector_name.clone(),
            customer_id: customer_id.to_string(),
            connector_config_id: config.id.clone(),
            created_at: time,
            updated_at: time,
            seq,
            status: status.to_string(),
            status_message,
            metadata,
            settings,
            head: String::new(),
            settings_json: String::new(),
            issues: Vec::new(),
        }
        .render()
    }

    /// Counts a new connection in its config's and its customer's totals.
    pub fn index_connection(&mut self, row: &ConnRow) {
        *self
            .connections_per_config
            .entry(row.connector_config_id.clone())
            .or_default() += 1;
        let agg = Agg::add_row(self.customer_aggs.get(&row.customer_id).copied(), row);
        self.customer_aggs.insert(row.customer_id.clone(), agg);
    }

    /// A check's result. Only a change is written: new status, `updated_at` (JavaScript time),
    /// and a `connect.connection-checked` event. Returns whether it changed.
    pub fn set_status(&mut self, id: &str, status: &str, message: Option<String>) -> bool {
        let Some(old) = self.connections.get(id).cloned() else {
            return false;
        };
        if old.status == status && old.status_message == message {
            return false;
        }
        let mut row = (*old).clone();
        row.status = status.to_string();
        row.status_message = message.clone();
        row.updated_at = self.now_js();
        row.seq = self.next_seq();
        let row = row.render();
        if let Some(a) = self.customer_aggs.get_mut(&row.customer_id) {
            a.max_updated = a.max_updated.max(row.updated_at);
        }
        let customer_id = row.customer_id.clone();
        self.connections.insert(row);
        let data = obj([
            ("connection_id", s(id)),
            ("status", s(status)),
            ("status_message", opt_str(message.as_deref())),
            ("customer_id", s(&customer_id)),
        ]);
        self.connection_event("connect.connection-checked", &customer_id, data);
        true
    }

    /// Removes a connection; `event` writes `connect.connection-deleted` (the API does, raw
    /// mutations do not).
    pub fn delete_connection(&mut self, id: &str, event: bool) -> Option<Arc<ConnRow>> {
        let row = self.connections.remove(id)?;
        if let Some(n) = self
            .connections_per_config
            .get_mut(&row.connector_config_id)
        {
            *n -= 1;
        }
        self.recount_customer(&row.customer_id, &row);
        if event {
            let data = obj([
                ("connection_id", s(id)),
                ("customer_id", s(&row.customer_id)),
            ]);
            self.connection_event("connect.connection-deleted", &row.customer_id, data);
        }
        Some(row)
    }

    fn recount_customer(&mut self, customer_id: &str, removed: &ConnRow) {
        let Some(a) = self.customer_aggs.get(customer_id).copied() else {
            return;
        };
        if a.count <= 1 {
            self.customer_aggs.remove(customer_id);
        } else if removed.created_at == a.min_created || removed.updated_at == a.max_updated {
            // The removed row held an extreme: recompute from the customer's connections.
            let agg = self
                .connections
                .rows()
                .iter()
                .filter(|c| c.customer_id == customer_id)
                .fold(None, |acc, c| Some(Agg::add_row(acc, c)));
            match agg {
                Some(agg) => self.customer_aggs.insert(customer_id.to_string(), agg),
                None => self.customer_aggs.remove(customer_id),
            };
        } else {
            self.customer_aggs
                .get_mut(customer_id)
                .expect("present")
                .count -= 1;
        }
    }

    fn connection_event(&mut self, name: &str, customer_id: &str, data: V) {
        let time = self.now();
        let user = obj([("org_id", s(ORG_ID)), ("customer_id", s(customer_id))]);
        self.add_event(name, Some(customer_id), user, V::Null, data, time);
    }

    pub fn add_event(
        &mut self,
        name: &str,
        customer_id: Option<&str>,
        user: V,
        v: V,
        data: V,
        time: i64,
    ) -> String {
        let id = format!("evt_{}", self.ulid_at(time));
        let json = obj([
            ("id", s(&id)),
            ("timestamp", s(clock::pg(time))),
            ("user", user),
            ("v", v),
            ("org_id", s(ORG_ID)),
            ("user_id", V::Null),
            ("customer_id", opt_str(customer_id)),
            ("name", s(name)),
            ("data", data),
        ])
        .render();
        let seq = self.next_seq();
        self.events.insert(EventRow {
            id: id.clone(),
            timestamp: time,
            seq,
            customer_id: customer_id.map(str::to_string),
            json,
        });
        id
    }

    /// Removes a customer and its connections (raw mutation of the `customer` table).
    pub fn delete_customer_rows(&mut self, id: &str) {
        let ids: Vec<String> = self
            .connections
            .rows()
            .iter()
            .filter(|c| c.customer_id == id)
            .map(|c| c.id.clone())
            .collect();
        for cid in ids {
            self.delete_connection(&cid, false);
        }
        self.remove_customer(id);
    }

    pub fn add_customer_row(&mut self, id: String, time: i64) {
        self.insert_customer(id, V::Null, time);
    }

    /// Everything, for `GET /__admin/scenarios/<id>/store` (connections with their settings).
    pub fn dump(&self) -> V {
        let raw_rows = |rows: Vec<String>| V::Raw(format!("[{}]", rows.join(",")));
        let mut customers: Vec<&Customer> = self.customers.values().collect();
        customers.sort_by(|a, b| a.id.cmp(&b.id));
        obj([
            (
                "customers",
                V::Arr(customers.iter().map(|c| c.json()).collect()),
            ),
            (
                "connector_configs",
                raw_rows(
                    self.configs
                        .rows()
                        .iter()
                        .map(|r| format!("{}}}", r.head))
                        .collect(),
                ),
            ),
            (
                "connections",
                raw_rows(
                    self.connections
                        .rows()
                        .iter()
                        .map(|r| {
                            let mut out = Vec::new();
                            r.write(true, false, &mut out);
                            String::from_utf8(out).expect("rendered JSON is UTF-8")
                        })
                        .collect(),
                ),
            ),
            (
                "events",
                raw_rows(self.events.rows().iter().map(|e| e.json.clone()).collect()),
            ),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_counts_and_aggregates() {
        let mut st = Store::new(7);
        let t = st.now();
        let cfg = st.new_config("toggl", None, false, V::Null, V::Obj(vec![]), t);
        assert!(cfg.id.starts_with("ccfg_toggl_") && cfg.id.len() == "ccfg_toggl_".len() + 26);
        let settings = crate::json::parse(br#"{"apiToken":"t"}"#).unwrap();
        let mut ids = Vec::new();
        for cus in ["cus_b", "cus_a", "cus_b"] {
            let t = st.now();
            let c = st.new_connection(&cfg, cus, "unknown", None, V::Null, settings.clone(), t);
            ids.push(c.id.clone());
        }
        // Newest first.
        let order: Vec<&str> = st
            .connections
            .rows()
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(order, [&ids[2], &ids[1], &ids[0]]);
        assert_eq!(st.connection_count(&cfg.id), 3);
        assert_eq!(st.customer_aggs["cus_b"].count, 2);
        // A status change bumps updated_at (JavaScript time: ms) and writes an event; no
        // change, nothing.
        let before = st.connections.get(&ids[0]).unwrap().updated_at;
        // A later millisecond: a creation time that falls on a whole millisecond would
        // otherwise equal a status change truncated to the same millisecond.
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert!(st.set_status(&ids[0], "disconnected", Some("x".into())));
        assert!(!st.set_status(&ids[0], "disconnected", Some("x".into())));
        let after = st.connections.get(&ids[0]).unwrap().updated_at;
        assert!(after % 1000 == 0 && after != before);
        assert_eq!(st.events.len(), 1);
        st.delete_connection(&ids[0], true);
        assert_eq!(st.customer_aggs["cus_b"].count, 1);
        assert_eq!(st.events.len(), 2);
        assert!(matches!(
            st.delete_config(&cfg.id),
            DeleteConfig::HasConnections
        ));
        st.delete_connection(&ids[1], false);
        st.delete_connection(&ids[2], false);
        assert!(st.customer_aggs.is_empty());
        assert!(matches!(st.delete_config(&cfg.id), DeleteConfig::Deleted));
        assert!(matches!(st.delete_config(&cfg.id), DeleteConfig::NotFound));
    }

    #[test]
    fn output_validation_is_kept_with_the_row() {
        let mut st = Store::new(1);
        let t = st.now();
        let bad = st.new_config("lunchmoney", None, false, V::Null, V::Obj(vec![]), t);
        assert_eq!(bad.issues.len(), 1);
        assert!(bad.issues[0]
            .render()
            .contains(r#""path":["config","accessToken"]"#));
        let ok = st.new_config("toggl", None, false, V::Null, V::Obj(vec![]), t + 1);
        let c = st.new_connection(&ok, "c", "unknown", None, V::Null, V::Obj(vec![]), t + 2);
        assert!(c.issues[0]
            .render()
            .contains(r#""path":["settings","apiToken"]"#));
    }
}
