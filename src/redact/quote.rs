//! What of a caller's string or URL an error message may quote.

/// The URL without `user:password@` (it is shown in errors and logs).
pub(crate) fn strip_userinfo(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |e| start + e);
    match url[start..end].rfind('@') {
        Some(at) => format!("{}{}", &url[..start], &url[start + at + 1..]),
        None => url.to_string(),
    }
}

/// A URL the caller gave, for an error message: without credentials and without its query
/// (either may hold a secret), cut to a sane length.
pub(crate) fn shown_url(url: &str) -> String {
    let clean = strip_userinfo(url);
    let clean = clean.split(['?', '#']).next().unwrap_or("");
    shown(clean)
}

/// A URL the client refused (a base URL, a proxy), for an error message. A rejected URL may be
/// a secret passed in the wrong place (a token given as the base URL), so it is never quoted
/// whole: an `http(s)://` URL shows only its scheme and host, anything else 4 characters.
pub(crate) fn shown_rejected_url(url: &str) -> String {
    for scheme in [
        "http://",
        "https://",
        "socks4://",
        "socks4a://",
        "socks5://",
        "socks5h://",
    ] {
        if url
            .get(..scheme.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(scheme))
        {
            let rest = &url[scheme.len()..];
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = authority.rsplit('@').next().unwrap_or("");
            let host = &host[..floor_boundary(host, 40)];
            return format!(
                "\"{}{host}...\" ({} bytes)",
                &url[..scheme.len()],
                url.len()
            );
        }
    }
    let head = url.char_indices().nth(4).map_or(url.len(), |(i, _)| i);
    format!("of {} bytes starting with {:?}", url.len(), &url[..head])
}

/// A caller's string quoted for an error message, cut to 40 characters: a message must stay
/// short whatever the input (a 50 MB key must not make a 50 MB message).
pub(crate) fn shown(s: &str) -> String {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        None => format!("{s:?}"),
        Some((cut, _)) => format!("{:?}... ({} bytes)", &s[..cut], s.len()),
    }
}

pub(super) fn floor_boundary(s: &str, at: usize) -> usize {
    let mut end = at.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_in_messages_lose_credentials() {
        assert_eq!(strip_userinfo("http://u:p@h:1/v1?k=v"), "http://h:1/v1?k=v");
        assert_eq!(
            strip_userinfo("http://h/v1?email=a@b"),
            "http://h/v1?email=a@b"
        );
        assert_eq!(shown_url("https://u:p@h/v1?key=secret"), "\"https://h/v1\"");
        assert_eq!(
            shown_rejected_url("sk_live_0123456789abcdef"),
            "of 24 bytes starting with \"sk_l\""
        );
        assert_eq!(
            shown_rejected_url("https://u:p@h:1/v1?x#y"),
            "\"https://h:1...\" (22 bytes)"
        );
    }
}
