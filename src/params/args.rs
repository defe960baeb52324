//! JSON object arguments, as the C ABI passes client and call options: read key by key, so
//! every error names the key, and a key left unread is reported as unknown. One rule for every
//! timeout given in seconds.

use super::check::{describe, type_name};
use crate::error::{Error, Result};
use crate::redact::shown;
use serde_json::{Map, Value};
use std::time::Duration;

/// The shortest and longest timeouts accepted anywhere (client options and per call alike).
const MIN_TIMEOUT_SECS: f64 = 0.001;
const MAX_TIMEOUT_SECS: f64 = 1e9;

/// Reads a JSON object argument key by key, so every error names the key, and any key left
/// unread at `finish` is reported as unknown. Used for client and call options.
pub(crate) struct JsonArgs {
    what: &'static str,
    map: Map<String, Value>,
}

impl JsonArgs {
    pub(crate) fn parse(what: &'static str, text: Option<&str>) -> Result<JsonArgs> {
        Ok(JsonArgs {
            what,
            map: parse_object(what, text)?,
        })
    }

    fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key).filter(|v| !v.is_null())
    }

    /// The value of `key`, whatever it is (null counts as absent).
    pub(crate) fn take_value(&mut self, key: &str) -> Option<Value> {
        self.take(key)
    }

    /// The value of `key` if it has the JSON kind `expected` describes (object only for now).
    pub(super) fn take_kind(&mut self, key: &str, expected: &str) -> Result<Option<Value>> {
        match self.take(key) {
            None => Ok(None),
            Some(v @ Value::Object(_)) => Ok(Some(v)),
            Some(v) => Err(self.wrong(key, expected, &v)),
        }
    }

    pub(super) fn wrong(&self, key: &str, expected: &str, got: &Value) -> Error {
        Error::invalid(format!(
            "{}: {} must be {expected}, got {}",
            self.what,
            shown(key),
            describe(got)
        ))
    }

    pub(crate) fn u64(&mut self, key: &str, max: u64) -> Result<Option<u64>> {
        let Some(v) = self.take(key) else {
            return Ok(None);
        };
        match v.as_u64() {
            Some(n) if n <= max => Ok(Some(n)),
            _ => Err(self.wrong(key, &format!("an integer from 0 to {max}"), &v)),
        }
    }

    pub(crate) fn boolean(&mut self, key: &str) -> Result<Option<bool>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(v) => Err(self.wrong(key, "true or false", &v)),
        }
    }

    /// A number of seconds from 0.001 to 1e9 (the same rule for every timeout).
    pub(crate) fn seconds(&mut self, key: &str) -> Result<Option<Duration>> {
        let Some(v) = self.take(key) else {
            return Ok(None);
        };
        seconds(v.as_f64().unwrap_or(f64::NAN))
            .map(Some)
            .ok_or_else(|| self.wrong(key, "a number of seconds from 0.001 to 1e9", &v))
    }

    pub(crate) fn string(&mut self, key: &str) -> Result<Option<String>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.wrong(key, "a string", &v)),
        }
    }

    /// An object whose values are all strings.
    pub(crate) fn string_map(&mut self, key: &str) -> Result<Option<Vec<(String, String)>>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Object(m)) => {
                let mut out = Vec::with_capacity(m.len());
                for (k, v) in m {
                    match v {
                        Value::String(s) => out.push((k, s)),
                        other => {
                            return Err(self.wrong(
                                &format!("{key}.{}", shown(&k)),
                                "a string",
                                &other,
                            ))
                        }
                    }
                }
                Ok(Some(out))
            }
            Some(v) => Err(self.wrong(key, "an object of strings", &v)),
        }
    }

    pub(crate) fn finish(self, known: &[&str]) -> Result<()> {
        match self.map.keys().next() {
            None => Ok(()),
            Some(k) => Err(Error::invalid(format!(
                "{}: unknown key {} (known keys: {})",
                self.what,
                shown(k),
                known.join(", ")
            ))),
        }
    }
}

/// A timeout from a number of seconds, if it is in range.
pub(crate) fn seconds(s: f64) -> Option<Duration> {
    (s.is_finite() && (MIN_TIMEOUT_SECS..=MAX_TIMEOUT_SECS).contains(&s))
        .then(|| Duration::from_secs_f64(s))
}

/// The JSON object in `text` (NULL, empty or `null` is an empty object).
pub(crate) fn parse_object(what: &str, text: Option<&str>) -> Result<Map<String, Value>> {
    match text.map(str::trim) {
        None | Some("") => Ok(Map::new()),
        Some(t) => match serde_json::from_str::<Value>(t) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(Value::Null) => Ok(Map::new()),
            Ok(other) => Err(Error::invalid(format!(
                "{what} must be a JSON object, got {}",
                type_name(&other)
            ))),
            Err(e) => Err(Error::invalid(format!("{what} is not valid JSON: {e}"))),
        },
    }
}
