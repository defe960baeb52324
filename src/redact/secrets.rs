//! The client's secrets (the token, the proxy password) found in text in every form a peer may
//! echo them, and their starts where the text was cut.

/// What a masked value becomes.
pub(crate) const MASK: &str = "[REDACTED]";
/// Secrets shorter than this are not searched for: they would match ordinary words, and a
/// token that short is no secret anyway.
pub(super) const MIN_SECRET: usize = 8;
/// A start of a secret this long (in characters) at a cut counts as the secret.
const MIN_PARTIAL: usize = 3;
/// A start of a secret this long counts as the secret anywhere (a peer may echo it mangled).
const MIN_SHOWN_START: usize = 5;
/// What every cut of this library leaves behind its text (`... (cut at N bytes)`, `"... (40
/// bytes)`): the place where a trailing start of a secret is masked.
const CUT_MARKER: &str = "... (";

/// The forms one character of a secret may take in text a peer sent back, or that was quoted
/// again: as is, percent-encoded, `+` for a space, and escaped (JSON or Rust `{:?}`) up to
/// three times over (`"` → `\"` → `\\\"` → ...). The bool: compare ignoring ASCII case.
fn forms(c: u8, each: &mut impl FnMut(&[u8], bool)) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let (hi, lo) = (HEX[usize::from(c >> 4)], HEX[usize::from(c & 15)]);
    each(&[c], false);
    each(&[b'%', hi, lo], true);
    if !c.is_ascii() {
        return;
    }
    let mut buf = [b'\\'; 16];
    // Escaping `x` again doubles each backslash before it, and adds one before a quote.
    let (runs, tail): (&[usize], &[u8]) = match c {
        b'"' | b'/' => (&[1, 3, 7], &[c]),
        b'\\' => (&[2, 4, 8], &[]),
        b'\t' => (&[1, 2, 4], b"t"),
        _ => (&[], &[]),
    };
    for &run in runs {
        buf[run..run + tail.len()].copy_from_slice(tail);
        each(&buf[..run + tail.len()], false);
        buf = [b'\\'; 16];
    }
    for run in [1, 2, 4] {
        let mut u = [b'\\'; 10];
        u[run..run + 5].copy_from_slice(&[b'u', b'0', b'0', hi, lo]);
        each(&u[..run + 5], true);
    }
    if c == b' ' {
        each(b"+", false);
    }
}

fn form_matches(text: &[u8], form: &[u8], ignore_case: bool) -> bool {
    text.len() >= form.len()
        && if ignore_case {
            text[..form.len()].eq_ignore_ascii_case(form)
        } else {
            &text[..form.len()] == form
        }
}

/// How far `secret` matched from one place.
struct Matched {
    /// Characters matched in a row (all of them: the whole secret), and where the longest
    /// such run ends.
    chars: usize,
    end: usize,
    /// The most characters matched by a run that reached the limit (the end of the text, or a
    /// cut), when one did.
    at_limit: Option<usize>,
}

/// Matches `secret` in `t[i..limit]`, each character in any of its forms. The positions
/// reachable after each character are kept as a small set (forms may overlap).
fn match_at(t: &[u8], i: usize, limit: usize, secret: &[u8]) -> Matched {
    let mut cur = [0usize; 64];
    let mut n = 1;
    cur[0] = i;
    let mut at_limit = None;
    for (k, &c) in secret.iter().enumerate() {
        let mut next = [0usize; 64];
        let mut m = 0;
        let mut reached_limit = false;
        for &p in &cur[..n] {
            forms(c, &mut |form, ci| {
                let rest = &t[p..limit];
                if form_matches(rest, form, ci) {
                    let q = p + form.len();
                    if !next[..m].contains(&q) && m < next.len() {
                        next[m] = q;
                        m += 1;
                    }
                } else if rest.len() < form.len() && form_matches(form, rest, ci) {
                    // The text ends inside this form (a cut in `%2` or `\u00`).
                    reached_limit = true;
                }
            });
        }
        if reached_limit {
            at_limit = Some(k);
        }
        if m == 0 {
            let end = cur[..n].iter().copied().max().unwrap_or(i);
            return Matched {
                chars: k,
                end,
                at_limit,
            };
        }
        n = m;
        cur = next;
    }
    let end = cur[..n].iter().copied().max().unwrap_or(i);
    Matched {
        chars: secret.len(),
        end,
        at_limit,
    }
}

/// Every copy of `secret` in `text`, and every run of its first [`MIN_SHOWN_START`] characters
/// or more, → [`MASK`]; with `cut`, a start of it (from [`MIN_PARTIAL`] characters) at the end
/// of the text too; and always such a start just before a cut marker. `None` when nothing
/// changed.
pub(super) fn scrub_secret(text: &str, secret: &[u8], cut: bool) -> Option<String> {
    let t = text.as_bytes();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let starts = matches!(t[i], b'%' | b'\\' | b'+') || t[i] == secret[0];
        if starts {
            let m = match_at(t, i, t.len(), secret);
            if m.chars >= MIN_SHOWN_START.min(secret.len()) {
                spans.push((i, m.end));
                i = m.end;
                continue;
            }
        }
        i += 1;
    }
    // Cut points: the end of a cut text, and the place before each cut marker (behind the
    // closing quote of a quoted prefix).
    let mut cuts: Vec<usize> = text.match_indices(CUT_MARKER).map(|(at, _)| at).collect();
    if cut {
        cuts.push(t.len());
    }
    for at in cuts {
        let end = if at > 0 && t[at - 1] == b'"' && at < t.len() {
            at - 1
        } else {
            at
        };
        // Not inside a copy already masked (a start may begin with its last byte).
        let after = spans
            .iter()
            .filter(|&&(s, _)| s < end)
            .map(|&(_, e)| e)
            .max()
            .unwrap_or(0);
        if let Some(start) = partial_before(t, after, end, secret) {
            spans.push((start, end));
        }
    }
    mask_spans(text, spans, "")
}

/// `text` with each of the byte ranges `spans` (overlapping ones merged into the first) replaced
/// by `lead` and [`MASK`]; None when there are none.
pub(super) fn mask_spans(text: &str, mut spans: Vec<(usize, usize)>, lead: &str) -> Option<String> {
    if spans.is_empty() {
        return None;
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (s, e) in spans {
        if s < copied {
            continue;
        }
        out.push_str(&text[copied..s]);
        out.push_str(lead);
        out.push_str(MASK);
        copied = e;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// The earliest start (from `after`) of a run that ends exactly at `end` and reads as the
/// first characters of `secret` (at least [`MIN_PARTIAL`], fewer than all).
fn partial_before(t: &[u8], after: usize, end: usize, secret: &[u8]) -> Option<usize> {
    let from = end.saturating_sub(7 * secret.len()).max(after);
    (from..end).find(|&i| {
        // A character boundary (not a UTF-8 continuation byte).
        (t[i] as i8) >= -0x40
            && match_at(t, i, end, secret)
                .at_limit
                .is_some_and(|k| k >= MIN_PARTIAL)
    })
}

#[cfg(test)]
mod tests {
    use super::super::redact_with;
    use super::super::text::cut;

    #[test]
    fn encoded_and_cut_tokens_are_masked() {
        let token = "ab\"c\\d/e f+g%h";
        let sets = [token];
        for form in [
            "ab\\\"c\\\\d\\/e f+g%h",       // JSON-escaped
            "ab\\\\\\\"c\\\\\\\\d/e f+g%h", // escaped twice
            "ab%22c%5Cd%2Fe%20f%2Bg%25h",   // percent-encoded
            "ab%22c%5cd/e+f%2bg%25h",       // form-encoded, lowercase hex
            "ab\\u0022c\\u005cd/e f+g%h",   // \u escapes
        ] {
            let text = format!("{{\"message\":\"bad {form} here\"}}");
            let r = redact_with(&text, &sets);
            assert_eq!(r, "{\"message\":\"bad [REDACTED] here\"}", "{form}");
        }
        // A start of the token before a cut marker, quoted or not.
        let r = redact_with("body \"ab\\\"c\\\\d\"... (40 bytes)", &sets);
        assert_eq!(r, "body \"[REDACTED]\"... (40 bytes)");
        let r = redact_with("x ab\"c\\... (cut)", &sets);
        assert_eq!(r, "x [REDACTED]... (cut)");
        // Two characters are no secret.
        assert_eq!(redact_with("x ab... (cut)", &sets), "x ab... (cut)");
        // `cut` masks the start of a token at the end of a cut text.
        let (c, was_cut) = cut(
            &format!("{}{token}{}", "y".repeat(90), "z".repeat(50)),
            100,
            &sets,
        );
        assert!(was_cut && !c.contains("ab\"c"), "{c}");
        // Its first 5 characters count as the token anywhere; 4 do only at a cut.
        let (c, _) = cut(&format!("{}ab\"c\\d/", "y".repeat(50)), 100, &sets);
        assert_eq!(c, format!("{}[REDACTED]", "y".repeat(50)));
        let (c, _) = cut(&format!("{}ab\"c and", "y".repeat(50)), 100, &sets);
        assert_eq!(
            c,
            format!("{}ab\"c and", "y".repeat(50)),
            "not cut: the text is whole"
        );
    }
}
