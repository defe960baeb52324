//! Redirects: a `Location` resolved against the current URL (RFC 3986 section 5.2), followed
//! only when the target is http(s) on the base URL's origin, since the token must never reach
//! another one.

use crate::error::{Error, Result};
use crate::operations::Method;
use crate::redact::strip_userinfo;
use ureq::http::{HeaderMap, Uri};

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl Origin {
    pub(super) fn of(uri: &Uri) -> Option<Origin> {
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        Some(Origin {
            host: uri.host()?.to_ascii_lowercase(),
            port: uri.port_u16().unwrap_or(default_port),
            scheme,
        })
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
    }
}

/// The next URL of a redirect (RFC 3986 reference resolution), only when it is http(s) on
/// `origin`, the base URL's: the token must never reach another one.
pub(super) fn redirect_target(
    origin: &Origin,
    current: &str,
    method: Method,
    status: u16,
    headers: &HeaderMap,
) -> Result<String> {
    let shown = strip_userinfo(current);
    let refuse = |why: String| {
        Error::from_status(status, String::new(), None)
            .with_message(format!("{} {shown}: {why}", method.as_str()))
    };
    let location = match headers.get("location") {
        None => {
            return Err(refuse(format!(
                "HTTP {status} redirect without a Location header"
            )))
        }
        Some(v) => match std::str::from_utf8(v.as_bytes()) {
            Ok(s) => s.trim().to_string(),
            Err(_) => {
                return Err(refuse(format!(
                    "HTTP {status} redirect whose Location is not valid UTF-8"
                )))
            }
        },
    };
    let target = resolve_reference(current, &location);
    let other = target
        .as_deref()
        .and_then(|t| t.parse::<Uri>().ok())
        .and_then(|u| Origin::of(&u));
    match (target, other) {
        (Some(t), Some(o)) if &o == origin => Ok(t),
        (_, Some(o)) => Err(refuse(format!(
            "refused HTTP {status} redirect to another origin ({o}); the token is only sent to {}",
            origin
        ))),
        _ => Err(refuse(format!(
            "refused HTTP {status} redirect to a location that is not an http(s) URL on {}",
            origin
        ))),
    }
}

/// The target of `reference` (a Location value) relative to `base`, by RFC 3986 section 5.2,
/// without its fragment. `None` when the result is not an http(s) URL with a host.
pub(crate) fn resolve_reference(base: &str, reference: &str) -> Option<String> {
    fn split(u: &str) -> (Option<&str>, Option<&str>, &str, Option<&str>) {
        // scheme, authority, path, query (the fragment is dropped by the caller)
        let (scheme, rest) = match u.find(':') {
            Some(i)
                if u[..i]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                    && u[..i]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                    && !u[..i].contains('/') =>
            {
                (Some(&u[..i]), &u[i + 1..])
            }
            _ => (None, u),
        };
        let (authority, rest) = match rest.strip_prefix("//") {
            Some(r) => {
                let end = r.find(['/', '?']).unwrap_or(r.len());
                (Some(&r[..end]), &r[end..])
            }
            None => (None, rest),
        };
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        (scheme, authority, path, query)
    }
    fn remove_dots(path: &str) -> String {
        let mut out: Vec<&str> = Vec::new();
        let segments: Vec<&str> = path.split('/').collect();
        for (i, seg) in segments.iter().enumerate() {
            let last = i == segments.len() - 1;
            match *seg {
                "." => {
                    if last {
                        out.push("");
                    }
                }
                ".." => {
                    if out.len() > 1 {
                        out.pop();
                    }
                    if last {
                        out.push("");
                    }
                }
                s => out.push(s),
            }
        }
        let joined = out.join("/");
        if path.starts_with('/') && !joined.starts_with('/') {
            format!("/{joined}")
        } else {
            joined
        }
    }
    let reference = reference.split('#').next().unwrap_or("");
    let base = base.split('#').next().unwrap_or("");
    let (bs, ba, bp, bq) = split(base);
    let (rs, ra, rp, rq) = split(reference);
    let (scheme, authority, path, query) = if let Some(s) = rs {
        (s, ra?, remove_dots(rp), rq)
    } else if let Some(a) = ra {
        (bs?, a, remove_dots(rp), rq)
    } else if rp.is_empty() {
        (bs?, ba?, bp.to_string(), rq.or(bq))
    } else if rp.starts_with('/') {
        (bs?, ba?, remove_dots(rp), rq)
    } else {
        let dir = &bp[..bp.rfind('/').map_or(0, |i| i + 1)];
        let merged = if dir.is_empty() {
            format!("/{rp}")
        } else {
            format!("{dir}{rp}")
        };
        (bs?, ba?, remove_dots(&merged), rq)
    };
    let scheme = scheme.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https") || authority.is_empty() {
        return None;
    }
    let path = if path.is_empty() {
        "/".to_string()
    } else {
        path
    };
    Some(match query {
        Some(q) => format!("{scheme}://{authority}{path}?{q}"),
        None => format!("{scheme}://{authority}{path}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_resolution_follows_rfc_3986() {
        let cur = "http://127.0.0.1:9/v1/connector?limit=1";
        let r = |l: &str| resolve_reference(cur, l);
        assert_eq!(r("http://x:1/a").as_deref(), Some("http://x:1/a"));
        assert_eq!(
            r("/v2/c?x=1").as_deref(),
            Some("http://127.0.0.1:9/v2/c?x=1")
        );
        assert_eq!(r("//other:8/p").as_deref(), Some("http://other:8/p"));
        assert_eq!(
            r("next?o=1").as_deref(),
            Some("http://127.0.0.1:9/v1/next?o=1")
        );
        assert_eq!(
            r("?o=2").as_deref(),
            Some("http://127.0.0.1:9/v1/connector?o=2")
        );
        assert_eq!(r("../x/./y").as_deref(), Some("http://127.0.0.1:9/x/y"));
        assert_eq!(
            r("/ok?next=http://x/").as_deref(),
            Some("http://127.0.0.1:9/ok?next=http://x/"),
            "a URL in the query is not the target"
        );
        assert_eq!(
            r("#frag").as_deref(),
            Some("http://127.0.0.1:9/v1/connector?limit=1")
        );
        assert_eq!(r("HTTPS://H/a#b").as_deref(), Some("https://H/a"));
        for not_http in [
            "data:text/plain,hi",
            "file:/etc/passwd",
            "file:///x",
            "javascript:x",
            "mailto:a@b",
            "http:relative",
            "http:///nohost",
        ] {
            assert_eq!(r(not_http), None, "{not_http}");
        }
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let o = |s: &str| Origin::of(&s.parse::<Uri>().unwrap()).unwrap();
        assert_eq!(
            o("https://API.openint.dev/v1"),
            o("https://api.openint.dev:443/x")
        );
        assert_ne!(
            o("https://api.openint.dev/v1"),
            o("http://api.openint.dev/v1")
        );
        assert_ne!(o("http://127.0.0.1:80/"), o("http://127.0.0.1:81/"));
    }
}
