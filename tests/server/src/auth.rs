//! Who is calling, read from `Authorization` the way the real server reads it.
//!
//! A token without a `.` is an API key: an organization key, or a customer key (`key_cus_...`,
//! made by upsertCustomer/createToken). A token with dots is a customer JWT made by createToken:
//! `base64url(header).base64url(payload).base64url(signature)`, signed with a key this process
//! makes at startup (so tokens from another run are refused, as a real server would).

use crate::ids::{b64url, b64url_decode, keyed_digest};
use crate::json::{obj, parse, s, V};

pub const ORG_ID: &str = "org_local_test";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Viewer {
    Anon,
    Org,
    Customer { id: String, via_jwt: bool },
}

impl Viewer {
    pub fn customer_id(&self) -> Option<&str> {
        match self {
            Viewer::Customer { id, .. } => Some(id),
            _ => None,
        }
    }

    /// `GET /viewer`; the key order differs between API keys and JWTs on the real server.
    pub fn json(&self) -> V {
        match self {
            Viewer::Anon => obj([("role", s("anon"))]),
            Viewer::Org => obj([("role", s("org")), ("orgId", s(ORG_ID))]),
            Viewer::Customer { id, via_jwt: false } => obj([
                ("role", s("customer")),
                ("orgId", s(ORG_ID)),
                ("customerId", s(id)),
            ]),
            Viewer::Customer { id, via_jwt: true } => obj([
                ("role", s("customer")),
                ("customerId", s(id)),
                ("orgId", s(ORG_ID)),
            ]),
        }
    }
}

/// Reads the viewer; `Err` is the 401 message.
pub fn viewer(
    header: Option<&str>,
    is_org_key: impl Fn(&str) -> bool,
    customer_of_key: impl Fn(&str) -> Option<String>,
    now_secs: f64,
) -> Result<Viewer, String> {
    let Some(value) = header.filter(|v| !v.is_empty()) else {
        return Ok(Viewer::Anon);
    };
    // Case-sensitive scheme, and a token is required (`bearer x` and `Bearer ` are refused).
    let Some(token) = value.strip_prefix("Bearer ").filter(|t| !t.is_empty()) else {
        return Err("Invalid Authorization header, expecting Bearer with token".into());
    };
    if token.contains('.') {
        return verify_jwt(token, now_secs).map_err(|e| format!("TRPCError: {e}"));
    }
    if is_org_key(token) {
        return Ok(Viewer::Org);
    }
    match customer_of_key(token) {
        Some(id) => Ok(Viewer::Customer { id, via_jwt: false }),
        None => Err("Invalid API key".into()),
    }
}

fn sign(signing_input: &str) -> String {
    b64url(&keyed_digest(signing_input.as_bytes()))
}

/// A customer JWT. `nonce` keeps two tokens made in the same second distinct.
pub fn make_jwt(
    customer_id: &str,
    connect_options: Option<&V>,
    now_secs: f64,
    validity_secs: f64,
    nonce: u64,
) -> String {
    let header = b64url(br#"{"alg":"HS256","typ":"JWT"}"#);
    let mut claims = vec![
        ("role".to_string(), s("customer")),
        ("customer_id".to_string(), s(customer_id)),
        ("org_id".to_string(), s(ORG_ID)),
    ];
    if let Some(options) = connect_options {
        claims.push(("connect_options".into(), options.clone()));
    }
    let iat = now_secs.floor();
    claims.push(("iat".into(), V::number(iat)));
    claims.push(("exp".into(), V::number(iat + validity_secs)));
    claims.push(("jti".into(), s(format!("{nonce:016x}"))));
    let payload = b64url(V::Obj(claims).render().as_bytes());
    let input = format!("{header}.{payload}");
    let signature = sign(&input);
    format!("{input}.{signature}")
}

/// Checks a JWT as jose does, with jose's error names.
fn verify_jwt(token: &str, now_secs: f64) -> Result<Viewer, &'static str> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header, payload, signature] = parts[..] else {
        return Err("JWSInvalid: Invalid Compact JWS");
    };
    let header_json = b64url_decode(header)
        .and_then(|b| parse(&b).ok())
        .filter(V::is_obj)
        .ok_or("JWSInvalid: JWS Protected Header is invalid")?;
    if header_json.get("alg").and_then(V::as_str) != Some("HS256") {
        return Err("JOSEAlgNotAllowed: \"alg\" (Algorithm) Header Parameter value not allowed");
    }
    if sign(&format!("{header}.{payload}")) != signature {
        return Err("JWSSignatureVerificationFailed: signature verification failed");
    }
    let claims = b64url_decode(payload)
        .and_then(|b| parse(&b).ok())
        .filter(V::is_obj)
        .ok_or("JWTInvalid: JWT Payload must be a top-level JSON object")?;
    if let Some(exp) = claims.get("exp").and_then(V::as_f64) {
        if exp <= now_secs.floor() {
            return Err("JWTExpired: \"exp\" claim timestamp check failed");
        }
    }
    match claims.get("customer_id").and_then(V::as_str) {
        Some(id) => Ok(Viewer::Customer {
            id: id.to_string(),
            via_jwt: true,
        }),
        None => Err("JWTClaimValidationFailed: missing required \"customer_id\" claim"),
    }
}

/// Which callers an operation admits.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Access {
    Public,
    /// The organization or one of its customers (customers see only their own rows).
    Customer,
    OrgOnly,
}

/// The 403 message for a viewer an operation does not admit.
pub fn refused(access: Access, viewer: &Viewer) -> Option<&'static str> {
    match (access, viewer) {
        (Access::Public, _) | (_, Viewer::Org) => None,
        (Access::Customer, Viewer::Customer { .. }) => None,
        (Access::Customer, _) => Some("Authentication required"),
        (Access::OrgOnly, _) => Some("Org admin only"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(header: &str, now: f64) -> Result<Viewer, String> {
        viewer(
            Some(header),
            |k| k == "org_key",
            |k| (k == "key_cus_1").then(|| "cus_1".to_string()),
            now,
        )
    }

    #[test]
    fn roles_and_errors() {
        assert_eq!(viewer(None, |_| false, |_| None, 0.0), Ok(Viewer::Anon));
        assert_eq!(who("Bearer org_key", 0.0), Ok(Viewer::Org));
        assert_eq!(
            who("Bearer key_cus_1", 0.0),
            Ok(Viewer::Customer {
                id: "cus_1".into(),
                via_jwt: false
            })
        );
        assert_eq!(who("Bearer key_bogus", 0.0).unwrap_err(), "Invalid API key");
        for bad in ["bearer org_key", "Bearer ", "Basic abc", "Bearer"] {
            assert!(
                who(bad, 0.0)
                    .unwrap_err()
                    .starts_with("Invalid Authorization header"),
                "{bad}"
            );
        }
        assert_eq!(
            who("Bearer a.b.c", 0.0).unwrap_err(),
            "TRPCError: JWSInvalid: JWS Protected Header is invalid"
        );
        let jwt = make_jwt("cus_1", None, 1000.0, 60.0, 1);
        assert_eq!(
            who(&format!("Bearer {jwt}"), 1000.0),
            Ok(Viewer::Customer {
                id: "cus_1".into(),
                via_jwt: true
            })
        );
        assert!(who(&format!("Bearer {jwt}"), 1060.0)
            .unwrap_err()
            .contains("JWTExpired"));
        let forged = format!("{}x", &jwt[..jwt.len() - 1]);
        assert!(who(&format!("Bearer {forged}"), 1000.0)
            .unwrap_err()
            .contains("JWSSignature"));
        assert_ne!(jwt, make_jwt("cus_1", None, 1000.0, 60.0, 2));
    }

    #[test]
    fn access() {
        let cus = Viewer::Customer {
            id: "c".into(),
            via_jwt: true,
        };
        assert_eq!(
            refused(Access::Customer, &Viewer::Anon),
            Some("Authentication required")
        );
        assert_eq!(
            refused(Access::OrgOnly, &Viewer::Anon),
            Some("Org admin only")
        );
        assert_eq!(refused(Access::OrgOnly, &cus), Some("Org admin only"));
        assert_eq!(refused(Access::Customer, &cus), None);
        assert_eq!(refused(Access::Public, &Viewer::Anon), None);
    }
}
