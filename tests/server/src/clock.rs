//! Time as the real server shows it: PostgreSQL `timestamptz` text (`2026-12-01 16:45:22.158466+00`,
//! trailing fraction zeros dropped) and JavaScript ISO strings (`2026-12-01T17:15:52.441Z`).
//! Times are microseconds since the Unix epoch, UTC.

use std::time::{SystemTime, UNIX_EPOCH};

pub fn now_micros() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

struct Parts {
    y: i64,
    mo: u32,
    d: u32,
    h: i64,
    mi: i64,
    s: i64,
    micros: i64,
}

fn parts(t: i64) -> Parts {
    let secs = t.div_euclid(1_000_000);
    let micros = t.rem_euclid(1_000_000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, mo, d) = civil_from_days(days);
    Parts {
        y,
        mo,
        d,
        h: sod / 3600,
        mi: sod / 60 % 60,
        s: sod % 60,
        micros,
    }
}

/// `2026-12-01 16:45:22.158466+00`, as PostgreSQL prints a timestamptz in UTC.
pub fn pg(t: i64) -> String {
    let p = parts(t);
    let mut out = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        p.y, p.mo, p.d, p.h, p.mi, p.s
    );
    if p.micros != 0 {
        let frac = format!("{:06}", p.micros);
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    out.push_str("+00");
    out
}

/// A time the server (JavaScript `new Date()`) wrote: millisecond precision.
pub fn to_millis(t: i64) -> i64 {
    t - t.rem_euclid(1000)
}

/// `2026-12-01T17:15:52.441Z`, JavaScript `Date.prototype.toISOString`.
pub fn iso(t: i64) -> String {
    let p = parts(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        p.y,
        p.mo,
        p.d,
        p.h,
        p.mi,
        p.s,
        p.micros / 1000
    )
}

/// A PostgreSQL timestamptz literal, the usual ISO-like forms: `2000-01-01`,
/// `2999-01-01T00:00:00Z`, `2026-12-01 16:45:22.158466+00`, `...+02:00`. `None` is what
/// PostgreSQL calls "invalid input syntax".
pub fn parse_pg(text: &str) -> Option<i64> {
    let t = text.trim();
    let b = t.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = t.get(from..from + len)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (num(0, 4)?, num(5, 2)? as u32, num(8, 2)? as u32);
    if !(1..=12).contains(&mo) || d == 0 || d > 31 {
        return None;
    }
    let mut micros = days_from_civil(y, mo, d) * 86_400_000_000;
    let mut rest = &t[10..];
    if rest.is_empty() {
        return Some(micros);
    }
    rest = rest
        .strip_prefix('T')
        .or_else(|| rest.strip_prefix('t'))
        .or_else(|| rest.strip_prefix(' '))?;
    let rb = rest.as_bytes();
    if rb.len() < 5 || rb[2] != b':' {
        return None;
    }
    let h: i64 = rest[..2].parse().ok()?;
    let mi: i64 = rest[3..5].parse().ok()?;
    let mut sec = 0i64;
    let mut frac = 0i64;
    let mut i = 5;
    if rb.get(i) == Some(&b':') {
        sec = rest.get(i + 1..i + 3)?.parse().ok()?;
        i += 3;
        if rb.get(i) == Some(&b'.') {
            let start = i + 1;
            let mut end = start;
            while end < rb.len() && rb[end].is_ascii_digit() {
                end += 1;
            }
            if end == start {
                return None;
            }
            let digits = &rest[start..end.min(start + 6)];
            frac = format!("{digits:0<6}").parse().ok()?;
            i = end;
        }
    }
    if h > 24 || mi > 59 || sec > 60 {
        return None;
    }
    micros += ((h * 60 + mi) * 60 + sec) * 1_000_000 + frac;
    let zone = rest[i..].trim_start();
    let offset = match zone {
        "" | "Z" | "z" | "UTC" | "utc" => 0,
        _ => {
            let sign = match zone.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let z = zone[1..].replace(':', "");
            let (zh, zm) = match z.len() {
                2 => (z.parse::<i64>().ok()?, 0),
                4 => (z[..2].parse::<i64>().ok()?, z[2..].parse::<i64>().ok()?),
                _ => return None,
            };
            sign * (zh * 60 + zm) * 60_000_000
        }
    };
    Some(micros - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let t = parse_pg("2026-12-01 16:45:22.158466+00").unwrap();
        assert_eq!(pg(t), "2026-12-01 16:45:22.158466+00");
        let t2 = parse_pg("2026-12-01T16:45:59.530Z").unwrap();
        assert_eq!(pg(t2), "2026-12-01 16:45:59.53+00");
        assert_eq!(pg(to_millis(t)), "2026-12-01 16:45:22.158+00");
        assert_eq!(
            pg(parse_pg("2026-12-01").unwrap()),
            "2026-12-01 00:00:00+00"
        );
        assert_eq!(iso(t), "2026-12-01T16:45:22.158Z");
        assert_eq!(
            parse_pg("2026-12-01T18:45:22+02:00"),
            parse_pg("2026-12-01 16:45:22Z")
        );
        assert_eq!(pg(0), "1970-01-01 00:00:00+00");
        for bad in [
            "not-a-date",
            "",
            "2026-13-01",
            "2026-12-01X",
            "2026-12-01T1",
        ] {
            assert!(parse_pg(bad).is_none(), "{bad}");
        }
    }
}
