//! Identifiers and opaque strings: ULIDs (`01M8S7YX13AKKY6N9PTBSK78M8`), base64url, and a keyed
//! hash for token signatures and API keys (not cryptography: only this process has to check them).

use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A ULID: 48 bits of milliseconds, then 80 bits of `entropy`, in Crockford base32. ULIDs made
/// from later times sort after earlier ones, as the real ids do.
pub fn ulid(millis: u64, entropy: u128) -> String {
    let v: u128 = (u128::from(millis & 0xFFFF_FFFF_FFFF) << 80) | (entropy & ((1u128 << 80) - 1));
    (0..26)
        .rev()
        .map(|i| CROCKFORD[((v >> (i * 5)) & 31) as usize] as char)
        .collect()
}

/// A 64-bit mixing step (splitmix64): deterministic, well spread pseudo-random numbers.
pub fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub fn entropy(seed: u64) -> u128 {
    (u128::from(mix(seed)) << 64) | u128::from(mix(seed ^ 0xA5A5_A5A5))
}

const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn b64url(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() * 4 / 3 + 3);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(B64URL[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Decodes unpadded base64url; `None` on any other character or an impossible length.
pub fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let v = B64URL.iter().position(|&x| x == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// Decodes standard base64 (padding optional); `None` on any other character.
pub fn b64_decode(text: &str) -> Option<Vec<u8>> {
    const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.trim().trim_end_matches('=').bytes() {
        acc = (acc << 6) | STD.iter().position(|&x| x == c)? as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// 32 bytes that depend on `data` and on a key made once per process.
pub fn keyed_digest(data: &[u8]) -> [u8; 32] {
    static KEY: OnceLock<std::collections::hash_map::RandomState> = OnceLock::new();
    let key = KEY.get_or_init(std::collections::hash_map::RandomState::new);
    let mut out = [0u8; 32];
    for (i, chunk) in out.chunks_mut(8).enumerate() {
        let mut h = key.build_hasher();
        h.write_usize(i);
        h.write(data);
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ulids_sort_by_time() {
        let a = ulid(1_764_607_543_332, entropy(1));
        let b = ulid(1_764_607_543_333, entropy(0));
        assert_eq!(a.len(), 26);
        assert!(a < b);
        assert!(a.starts_with("01"));
    }

    #[test]
    fn base64url_round_trips() {
        for data in [
            &b""[..],
            b"f",
            b"fo",
            b"foo",
            b"foob",
            b"{\"alg\":\"HS256\"}",
        ] {
            assert_eq!(b64url_decode(&b64url(data)).unwrap(), data);
        }
        assert_eq!(b64url(b"\xfb\xff"), "-_8");
        assert!(b64url_decode("a+b").is_none());
        assert!(b64url_decode("a").is_none());
    }
}
