//! Query strings as the real server reads them: URLSearchParams decoding, then zod with
//! `z.coerce.number()` (JavaScript `Number()`), so `limit=` is 0 and `limit=1e2` is 100.

use crate::json::{s, V};
use crate::zod;

/// `application/x-www-form-urlencoded` pairs, decoded like URLSearchParams: `+` is a space,
/// bad `%` escapes stay as they are, invalid UTF-8 becomes U+FFFD.
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() && hex(b[i + 1]).is_some() && hex(b[i + 2]).is_some() => {
                out.push(hex(b[i + 1]).unwrap() * 16 + hex(b[i + 2]).unwrap());
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// JavaScript `Number(string)`.
pub fn js_number(raw: &str) -> f64 {
    let t = raw.trim_matches(is_js_space);
    if t.is_empty() {
        return 0.0;
    }
    match t {
        "Infinity" | "+Infinity" => return f64::INFINITY,
        "-Infinity" => return f64::NEG_INFINITY,
        _ => {}
    }
    let lower = t.get(..2).map(|p| p.to_ascii_lowercase());
    let radix = match lower.as_deref() {
        Some("0x") => 16,
        Some("0o") => 8,
        Some("0b") => 2,
        _ => 10,
    };
    if radix != 10 {
        let digits = &t[2..];
        if digits.is_empty() {
            return f64::NAN;
        }
        let mut v = 0f64;
        for c in digits.chars() {
            match c.to_digit(radix) {
                Some(d) => v = v * f64::from(radix) + f64::from(d),
                None => return f64::NAN,
            }
        }
        return v;
    }
    // Rust's float parser also takes "inf", "nan" and "infinity"; JavaScript does not.
    if !t
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'+' | b'-' | b'.' | b'e' | b'E'))
    {
        return f64::NAN;
    }
    t.parse::<f64>().unwrap_or(f64::NAN)
}

/// Validated `GET /connector` query.
#[derive(Debug)]
pub struct ListQuery {
    pub limit: usize,
    /// Kept as a float: any integer >= 0 is valid, 1e300 included.
    pub offset: f64,
    pub expand: bool,
}

impl ListQuery {
    pub fn offset_index(&self) -> usize {
        if self.offset >= usize::MAX as f64 {
            usize::MAX
        } else {
            self.offset as usize
        }
    }
}

/// A JSON number for an integral f64, as JavaScript would print small ones.
pub fn int_json(x: f64) -> V {
    if x.abs() < 9_007_199_254_740_992.0 {
        V::Int(x as i64)
    } else {
        V::Raw(format!("{x:.0}"))
    }
}

fn path(key: &str) -> Vec<V> {
    vec![s(key)]
}

/// zod's checks for `z.coerce.number().int().min(0).max(max)`; all failing checks are reported,
/// with the issue shapes (and key order) the real server prints.
pub(crate) fn check_int(
    key: &str,
    values: &[&str],
    default: f64,
    max: Option<f64>,
    issues: &mut Vec<V>,
) -> f64 {
    let n = match values {
        [] => return default,
        [one] => js_number(one),
        // Number(["1","2"]) is NaN.
        _ => f64::NAN,
    };
    if n.is_nan() {
        issues.push(zod::invalid_type("number", "nan", path(key)));
        return n;
    }
    if n.fract() != 0.0 || n.is_infinite() {
        issues.push(zod::not_integer(path(key)));
    }
    if n < 0.0 {
        issues.push(zod::too_small(0, path(key)));
    }
    if let Some(max) = max {
        if n > max {
            issues.push(zod::too_big(max as i64, path(key)));
        }
    }
    n
}

/// Splits comma-joined values of a repeated key, as the real server's array params do: empty
/// parts are dropped (`expand=` is no value at all), nothing is trimmed.
pub fn split_list<'a>(values: &[&'a str]) -> Vec<&'a str> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .filter(|p| !p.is_empty())
        .collect()
}

/// An array-of-enum query parameter; unknown values are `invalid_enum_value` at `[key, index]`.
pub fn check_enum_list(
    key: &str,
    values: &[&str],
    options: &[impl AsRef<str>],
    issues: &mut Vec<V>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (idx, part) in split_list(values).into_iter().enumerate() {
        if options.iter().any(|o| o.as_ref() == part) {
            out.push(part.to_string());
        } else {
            issues.push(zod::enum_value(
                part,
                options,
                vec![s(key), V::Int(idx as i64)],
            ));
        }
    }
    out
}

/// `expand` of `GET /connector`: every value (repeated keys), split on commas, must be
/// exactly `schemas`.
pub fn check_expand(values: &[&str], issues: &mut Vec<V>) -> bool {
    !check_enum_list("expand", values, &["schemas"], issues).is_empty()
}

/// A single string parameter: absent is `None`; a repeated key is an array to zod.
pub fn check_string(pairs: &[(String, String)], key: &str, issues: &mut Vec<V>) -> Option<String> {
    match values(pairs, key).as_slice() {
        [] => None,
        [one] => Some(one.to_string()),
        _ => {
            issues.push(zod::invalid_type("string", "array", path(key)));
            None
        }
    }
}

/// A single enum parameter (`refresh_policy`, `language`).
pub fn check_enum(
    pairs: &[(String, String)],
    key: &str,
    options: &[&str],
    issues: &mut Vec<V>,
) -> Option<String> {
    let value = check_string(pairs, key, issues)?;
    if options.contains(&value.as_str()) {
        Some(value)
    } else {
        issues.push(zod::enum_value(&value, options, path(key)));
        None
    }
}

/// A boolean query parameter as the real server reads it: any non-empty value, `false` and `0`
/// included, is true.
pub fn flag(pairs: &[(String, String)], key: &str) -> bool {
    values(pairs, key).iter().any(|v| !v.is_empty())
}

/// `limit` (0..=3000, default 50) and `offset` (>= 0) of every list.
pub fn page_params(pairs: &[(String, String)], issues: &mut Vec<V>) -> (usize, f64) {
    let limit = check_int("limit", &values(pairs, "limit"), 50.0, Some(3000.0), issues);
    let offset = check_int("offset", &values(pairs, "offset"), 0.0, None, issues);
    (limit.abs() as usize, offset.abs())
}

pub fn values<'a>(pairs: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// Validates a list query; bracket keys like `expand[]` are not `expand` and are ignored.
pub fn list_query(pairs: &[(String, String)], max_limit: usize) -> Result<ListQuery, Vec<V>> {
    let mut issues = Vec::new();
    let limit = check_int(
        "limit",
        &values(pairs, "limit"),
        50.0,
        Some(max_limit as f64),
        &mut issues,
    );
    let offset = check_int("offset", &values(pairs, "offset"), 0.0, None, &mut issues);
    let expand = check_expand(&values(pairs, "expand"), &mut issues);
    if issues.is_empty() {
        // -0 is a valid integer >= 0; it is echoed as 0.
        Ok(ListQuery {
            limit: limit.abs() as usize,
            offset: offset.abs(),
            expand,
        })
    } else {
        Err(issues)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_coerces_like_javascript() {
        assert_eq!(js_number(""), 0.0);
        assert_eq!(js_number("  12 \n"), 12.0);
        assert_eq!(js_number("1e2"), 100.0);
        assert_eq!(js_number("0x10"), 16.0);
        assert_eq!(js_number("0B11"), 3.0);
        assert_eq!(js_number(".5"), 0.5);
        assert_eq!(js_number("-Infinity"), f64::NEG_INFINITY);
        for bad in [
            "abc", "inf", "nan", "infinity", "1_0", "0x", "-0x10", "1e", ".", "12px",
        ] {
            assert!(js_number(bad).is_nan(), "{bad}");
        }
    }

    #[test]
    fn query_decoding() {
        let q = parse_query("a=1+2&expand%5B%5D=x&b=%zz&c&d=%C3%A9");
        assert_eq!(q[0], ("a".into(), "1 2".into()));
        assert_eq!(q[1], ("expand[]".into(), "x".into()));
        assert_eq!(q[2], ("b".into(), "%zz".into()));
        assert_eq!(q[3], ("c".into(), "".into()));
        assert_eq!(q[4], ("d".into(), "é".into()));
    }

    #[test]
    fn list_query_rules() {
        let ok = |q: &str| list_query(&parse_query(q), 3000);
        assert_eq!(ok("").unwrap().limit, 50);
        assert_eq!(ok("limit=").unwrap().limit, 0);
        assert!(!ok("expand[]=bogus").unwrap().expand);
        assert!(ok("expand=schemas").unwrap().expand);
        assert!(ok("expand=schemas&expand=schemas").unwrap().expand);
        assert!(ok("limit=3001").is_err());
        assert!(ok("limit=1.5").is_err());
        assert!(ok("offset=-1").is_err());
        // The real server drops empty parts: `expand=` is no expansion, not an error.
        assert!(!ok("expand=").unwrap().expand);
        assert!(ok("expand=schemas,bogus").is_err());
        assert_eq!(ok("offset=1e300").unwrap().offset_index(), usize::MAX);
    }
}
