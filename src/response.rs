//! What a successful answer gives besides its body (status, headers, request id, retries), a
//! call's answer as JSON text, and the one decoding of JSON text into a model.

use crate::error::{Error, Result};
use serde::de::DeserializeOwned;

/// What the caller may want to know about a successful answer besides its body.
#[derive(Clone, Debug, Default)]
pub struct ResponseMeta {
    pub status: u16,
    /// Lowercased names, in arrival order.
    pub headers: Vec<(String, String)>,
    /// `x-request-id` (or `request-id`), when the server or a proxy sent one.
    pub request_id: Option<String>,
    /// Retries made before this answer.
    pub retries: u32,
    /// The request this answers: its method and URL (after same-origin redirects, without
    /// credentials), as sent.
    pub method: &'static str,
    pub url: String,
}

impl ResponseMeta {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A successful answer to a call: status, headers, request id and retries, and the JSON body.
#[derive(Clone, Debug)]
pub struct JsonResponse {
    pub meta: ResponseMeta,
    /// The body, exactly as the server sent it.
    pub body: String,
}

impl JsonResponse {
    /// The body decoded into `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        decode_item(&self.body)
    }
}

/// Decodes JSON text (a call's answer, or one item of a page) into a model.
pub(crate) fn decode_item<T: DeserializeOwned>(raw: &str) -> Result<T> {
    serde_json::from_str(raw)
        .map_err(|e| Error::decode(format!("an item of the page does not match the model: {e}")))
}
