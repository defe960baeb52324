//! Ordered JSON values, read and written the way the real server (JavaScript) does.
//!
//! serde_json's `Map` sorts keys unless its `preserve_order` feature is on, and that feature
//! would be switched on for the whole workspace (the SDK included), so answers and echoed bodies
//! go through this type instead. Parsing follows `JSON.parse`: a repeated key keeps its first
//! position with the last value, and integer-like keys come first in numeric order. Numbers are
//! JavaScript doubles and print like `JSON.stringify`. Strings are escaped by serde_json, so
//! everything we emit is valid JSON.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum V {
    Null,
    Bool(bool),
    Int(i64),
    /// A double that is not a small integer (`90.5`, `1e300`).
    Num(f64),
    Str(String),
    /// Already-rendered JSON text, inserted verbatim.
    Raw(String),
    Arr(Vec<V>),
    Obj(Vec<(String, V)>),
}

impl V {
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    pub fn write(&self, out: &mut String) {
        match self {
            V::Null => out.push_str("null"),
            V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            V::Int(n) => out.push_str(&n.to_string()),
            V::Num(x) => out.push_str(&js_number(*x)),
            V::Str(s) => write_str(out, s),
            V::Raw(r) => out.push_str(r),
            V::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            V::Obj(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(out, k);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        match self {
            V::Obj(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            V::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            V::Int(n) => Some(*n as f64),
            V::Num(x) => Some(*x),
            _ => None,
        }
    }

    pub fn is_obj(&self) -> bool {
        matches!(self, V::Obj(_))
    }

    /// Sets `key`, keeping its position if present (as a JavaScript assignment does).
    pub fn set(&mut self, key: &str, value: V) {
        if let V::Obj(fields) = self {
            match fields.iter_mut().find(|(k, _)| k == key) {
                Some((_, v)) => *v = value,
                None => fields.push((key.to_string(), value)),
            }
        }
    }

    /// zod's name for the type of a value, as in "Expected string, received number".
    pub fn zod_type(&self) -> &'static str {
        match self {
            V::Null => "null",
            V::Bool(_) => "boolean",
            V::Int(_) => "number",
            V::Num(x) if x.is_nan() => "nan",
            V::Num(_) => "number",
            V::Str(_) | V::Raw(_) => "string",
            V::Arr(_) => "array",
            V::Obj(_) => "object",
        }
    }

    /// JavaScript `Boolean(value)`: `"false"` and `"0"` are true.
    pub fn truthy(&self) -> bool {
        match self {
            V::Null => false,
            V::Bool(b) => *b,
            V::Int(n) => *n != 0,
            V::Num(x) => *x != 0.0 && !x.is_nan(),
            V::Str(s) => !s.is_empty(),
            V::Raw(_) | V::Arr(_) | V::Obj(_) => true,
        }
    }

    /// A number from a double, as an `Int` when it is one (JSON.parse has only doubles).
    pub fn number(x: f64) -> V {
        if x.fract() == 0.0
            && x.abs() < 9_007_199_254_740_992.0
            && !(x == 0.0 && x.is_sign_negative())
        {
            V::Int(x as i64)
        } else {
            V::Num(x)
        }
    }
}

/// Parses JSON text like `JSON.parse` (duplicate keys and key order included).
pub fn parse(bytes: &[u8]) -> Result<V, String> {
    serde_json::from_slice(bytes).map_err(|e| e.to_string())
}

impl<'de> Deserialize<'de> for V {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<V, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = V;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<V, E> {
        Ok(V::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<V, E> {
        Ok(V::number(n as f64))
    }
    fn visit_u64<E>(self, n: u64) -> Result<V, E> {
        Ok(V::number(n as f64))
    }
    fn visit_f64<E>(self, x: f64) -> Result<V, E> {
        Ok(V::number(x))
    }
    fn visit_str<E>(self, s: &str) -> Result<V, E> {
        Ok(V::Str(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<V, E> {
        Ok(V::Str(s))
    }
    fn visit_unit<E>(self) -> Result<V, E> {
        Ok(V::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<V, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element()? {
            items.push(v);
        }
        Ok(V::Arr(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<V, A::Error> {
        let mut out = V::Obj(Vec::new());
        while let Some((k, v)) = map.next_entry::<String, V>()? {
            out.set(&k, v);
        }
        if let V::Obj(fields) = &mut out {
            js_key_order(fields);
        }
        Ok(out)
    }
}

/// JavaScript objects list integer-like keys ("0", "17", not "01") first, ascending.
pub fn js_key_order(fields: &mut Vec<(String, V)>) {
    fn index(k: &str) -> Option<u32> {
        if k.is_empty()
            || (k.len() > 1 && k.starts_with('0'))
            || !k.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        k.parse::<u32>().ok().filter(|&n| n != u32::MAX)
    }
    if fields.iter().any(|(k, _)| index(k).is_some()) {
        let (mut ints, rest): (Vec<_>, Vec<_>) =
            fields.drain(..).partition(|(k, _)| index(k).is_some());
        ints.sort_by_key(|(k, _)| index(k));
        fields.extend(ints);
        fields.extend(rest);
    }
}

/// `Number.prototype.toString` for a double (what JSON.stringify prints).
pub fn js_number(x: f64) -> String {
    if !x.is_finite() {
        return "null".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if x.fract() == 0.0 && x.abs() < 1e21 {
        return format!("{x:.0}");
    }
    // Rust's `{:e}` gives the shortest round-trip digits; lay them out as JavaScript does.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    let n = exp.parse::<i32>().expect("exponent is a number") + 1;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let frac = if k > 1 {
            format!(".{}", &digits[1..])
        } else {
            String::new()
        };
        let sign = if n > 0 { "+" } else { "-" };
        format!("{}{frac}e{sign}{}", &digits[..1], (n - 1).abs())
    };
    if x < 0.0 {
        format!("-{body}")
    } else {
        body
    }
}

pub fn write_str(out: &mut String, s: &str) {
    // Serializing a &str into a String cannot fail.
    out.push_str(&serde_json::to_string(s).expect("string serializes"));
}

pub fn s(x: impl Into<String>) -> V {
    V::Str(x.into())
}

pub fn obj<const N: usize>(fields: [(&str, V); N]) -> V {
    V::Obj(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

pub fn strs<S: AsRef<str>>(items: &[S]) -> V {
    V::Arr(items.iter().map(|x| s(x.as_ref())).collect())
}

pub fn opt_str(x: Option<&str>) -> V {
    x.map_or(V::Null, s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_json_parse() {
        let v = parse(br#"{"b":1,"a":[1.0,2.5,-0,1e2],"1":true,"0":null,"b":3}"#).unwrap();
        assert_eq!(v.render(), r#"{"0":null,"1":true,"b":3,"a":[1,2.5,0,100]}"#);
        assert!(parse(b"{not json").is_err());
        assert!(parse(b"").is_err());
        assert_eq!(parse(b" null ").unwrap(), V::Null);
        assert!(parse(b"[1,2] x").is_err());
    }

    #[test]
    fn numbers_print_like_javascript() {
        for (x, want) in [
            (90.5, "90.5"),
            (1e21, "1e+21"),
            (1e300, "1e+300"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (123456789012.5, "123456789012.5"),
            (-2.25, "-2.25"),
            (1e20, "100000000000000000000"),
            (f64::NAN, "null"),
        ] {
            assert_eq!(js_number(x), want, "{x}");
        }
    }

    #[test]
    fn truthiness() {
        assert!(s("false").truthy());
        assert!(s("0").truthy());
        assert!(!s("").truthy());
        assert!(!V::Int(0).truthy());
        assert!(V::Obj(vec![]).truthy());
    }
}
