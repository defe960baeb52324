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
    let end = paging.start.saturating_add(paging.limit);
    let mut matching = 0;
    let mut items = Vec::new();
    let mut served = 0;
    for e in store.events.rows() {
        let hit = own.is_none_or(|o| e.customer_id.as_deref() == Some(o))
            && since.is_none_or(|t| e.timestamp >= t)
            && q.as_deref().is_none_or(|q| ilike(&e.id, q));
        if hit {
            if matching >= paging.start && matching < end {
                if served > 0 {
                    items.push(b',');
                }
                items.extend_from_slice(e.json.as_bytes());
                served += 1;
            }
            matching += 1;
        }
    }
    page_response(
        call,
        &items,
        served,
        matching,
        &paging,
        TableName::Event,
        &mut store,
    )
}
