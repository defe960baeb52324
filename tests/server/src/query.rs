//! Query strings as the real server reads them: URLSearchParams decoding, then zod with
//! `z.coerce.number()` (JavaScript `Number()`), so `limit=` is 0 and `limit=1e2` is 100.

use crate::json::{obj, s, V};

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

fn path(key: &str) -> V {
    V::Arr(vec![s(key)])
}

/// zod's checks for `z.coerce.number().int().min(min).max(max)`; all failing checks are reported.
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
        issues.push(obj([
            ("code", s("invalid_type")),
            ("expected", s("number")),
            ("received", s("nan")),
            ("path", path(key)),
            ("message", s("Expected number, received nan")),
        ]));
        return n;
    }
    if n.fract() != 0.0 || n.is_infinite() {
        issues.push(obj([
            ("code", s("invalid_type")),
            ("expected", s("integer")),
            ("received", s("float")),
            ("path", path(key)),
            ("message", s("Expected integer, received float")),
        ]));
    }
    if n < 0.0 {
        issues.push(obj([
            ("code", s("too_small")),
            ("minimum", V::Int(0)),
            ("type", s("number")),
            ("inclusive", V::Bool(true)),
            ("exact", V::Bool(false)),
            ("path", path(key)),
            ("message", s("Number must be greater than or equal to 0")),
        ]));
    }
    if let Some(max) = max {
        if n > max {
            issues.push(obj([
                ("code", s("too_big")),
                ("maximum", V::Int(max as i64)),
                ("type", s("number")),
                ("inclusive", V::Bool(true)),
                ("exact", V::Bool(false)),
                ("path", path(key)),
                (
                    "message",
                    s(format!("Number must be less than or equal to {max}")),
                ),
            ]));
        }
    }
    n
}

/// `expand`: every value (repeated keys), split on commas, must be exactly `schemas`.
/// `expand=` is one empty value, hence invalid, as the real server splits it.
pub fn check_expand(values: &[&str], issues: &mut Vec<V>) -> bool {
    let mut any = false;
    for (idx, part) in values.iter().flat_map(|v| v.split(',')).enumerate() {
        if part == "schemas" {
            any = true;
        } else {
            issues.push(obj([
                ("code", s("invalid_enum_value")),
                ("received", s(part)),
                ("options", V::Arr(vec![s("schemas")])),
                ("path", V::Arr(vec![s("expand"), V::Int(idx as i64)])),
                (
                    "message",
                    s(format!(
                        "Invalid enum value. Expected 'schemas', received '{part}'"
                    )),
                ),
            ]));
        }
    }
    any
}

fn values<'a>(pairs: &'a [(String, String)], key: &str) -> Vec<&'a str> {
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
        assert!(ok("expand=").is_err());
        assert!(ok("expand=schemas,bogus").is_err());
        assert_eq!(ok("offset=1e300").unwrap().offset_index(), usize::MAX);
    }
}
