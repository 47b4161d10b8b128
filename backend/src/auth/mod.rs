//! Who is calling: passwords, access tokens (JWT), login sessions with rotating refresh
//! tokens, API tokens, roles, and the extractor that turns a request into a [`Principal`].

pub mod access;
pub mod jwt;
pub mod password;
pub mod principal;
pub mod routes;
pub mod sessions;
pub mod throttle;

pub use access::AccessChanges;
pub use principal::{Principal, Role};

use rand::Rng;
use sha2::{Digest, Sha256};

/// A random secret of `len` characters from `[A-Za-z0-9]`.
pub fn random_secret(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// High-entropy secrets (refresh and API tokens) are stored as SHA-256; bcrypt is for passwords.
pub fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}
