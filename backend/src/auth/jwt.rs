//! Short-lived HS256 access tokens. Each names the login session it belongs to, so revoking
//! the session (logout, password change) ends its access tokens as well.

use std::path::Path;

use anyhow::Context;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorKind};

const ISSUER: &str = "languard";

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: i64,
    pub sid: i64,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKeys {
    /// Uses the configured secret, else the one kept in `<data_dir>/jwt.key` (created 0600).
    pub fn load(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<JwtKeys> {
        let secret = match configured {
            Some(secret) => secret.as_bytes().to_vec(),
            None => crate::secrets::read_or_create(&data_dir.join("jwt.key"), 64).context("JWT signing key")?,
        };
        Ok(JwtKeys {
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
        })
    }

    pub fn issue(&self, user_id: i64, session_id: i64, ttl_secs: i64) -> Result<String, ApiError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id,
            sid: session_id,
            iat: now,
            exp: now + ttl_secs,
            iss: ISSUER.to_owned(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(ApiError::internal)
    }

    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 0;
        decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    ApiError::unauthorized(ErrorKind::TokenExpired, "the access token has expired; refresh it")
                }
                _ => ApiError::unauthorized(ErrorKind::InvalidToken, "the access token is not valid"),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &str) -> JwtKeys {
        JwtKeys::load(Some(secret), Path::new("/nonexistent")).unwrap()
    }

    #[test]
    fn round_trip_and_rejections() {
        let k = keys("0123456789abcdef0123456789abcdef");
        let token = k.issue(7, 9, 60).unwrap();
        let claims = k.verify(&token).unwrap();
        assert_eq!((claims.sub, claims.sid), (7, 9));

        let other = keys("ffffffffffffffffffffffffffffffff");
        assert!(matches!(
            other.verify(&token),
            Err(ApiError::Unauthorized {
                kind: ErrorKind::InvalidToken,
                ..
            })
        ));

        let expired = k.issue(7, 9, -5).unwrap();
        assert!(matches!(
            k.verify(&expired),
            Err(ApiError::Unauthorized {
                kind: ErrorKind::TokenExpired,
                ..
            })
        ));
    }
}
