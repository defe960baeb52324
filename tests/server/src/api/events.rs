//! listEvents: newest first; a customer sees its own events.

use super::{ilike, page_response, search, Call, Paging};
use crate::clock;
use crate::http::Response;
use crate::query::check_string;
use crate::seed::TableName;

/// `search_query` matches the event id only; `since` is a PostgreSQL timestamp (anything else is
/// the database's 500); `include_prompt` is accepted and changes nothing.
pub fn list(call: &Call) -> Response {
    let mut issues = Vec::new();
    let paging = Paging::read(call, &mut issues);
    let q = search(call, &mut issues);
    let since = check_string(&call.query, "since", &mut issues);
    if !issues.is_empty() {
        return call.invalid(issues);
    }
    let since = match since {
        None => None,
        Some(text) => match clock::parse_pg(&text) {
            Some(t) => Some(t),
            None => {
                return call.error(
                    500,
                    &format!("invalid input syntax for type timestamp with time zone: \"{text}\""),
                )
            }
        },
    };
    let own = call.own_customer();
    let mut store = call.store();
    let all = store.events.rows();
    let end = paging.start.saturating_add(paging.limit).min(all.len());
    let start = paging.start.min(end);
    let (matching, page) = if own.is_none() && since.is_none() && q.is_none() {
        // Without filters the page is a slice of the order.
        (all.len(), all[start..end].to_vec())
    } else {
        let mut matching = 0;
        let mut page = Vec::new();
        for e in all {
            let hit = own.is_none_or(|o| e.customer_id.as_deref() == Some(o))
                && since.is_none_or(|t| e.timestamp >= t)
                && q.as_deref().is_none_or(|q| ilike(&e.id, q));
            if hit {
                if matching >= paging.start && page.len() < paging.limit {
                    page.push(e.clone());
                }
                matching += 1;
            }
        }
        (matching, page)
    };
    let mut items = Vec::new();
    for (i, e) in page.iter().enumerate() {
        if i > 0 {
            items.push(b',');
        }
        items.extend_from_slice(e.json.as_bytes());
    }
    page_response(
        call,
        &items,
        page.len(),
        matching,
        &paging,
        TableName::Event,
        &mut store,
    )
}
