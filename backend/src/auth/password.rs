//! Password hashing with bcrypt. Hashing takes ~0.3 s at cost 12, so callers run it on the
//! blocking pool (it is only ever called inside `Db::run` or `spawn_blocking`).

use crate::error::{ApiError, ApiResult};

pub const BCRYPT_COST: u32 = 12;
pub const MIN_PASSWORD_LEN: usize = 8;
pub const MAX_PASSWORD_LEN: usize = 72; // bcrypt ignores everything past 72 bytes

pub fn validate(field: &str, password: &str) -> ApiResult<()> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(ApiError::validation(
            field,
            format!("must be at least {MIN_PASSWORD_LEN} characters"),
        ));
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Err(ApiError::validation(
            field,
            format!("must be at most {MAX_PASSWORD_LEN} bytes"),
        ));
    }
    Ok(())
}

pub fn hash(password: &str) -> ApiResult<String> {
    bcrypt::hash(password, BCRYPT_COST).map_err(ApiError::internal)
}

pub fn verify(password: &str, hash: &str) -> bool {
    bcrypt::verify(password, hash).unwrap_or(false)
}

/// Spends the same time as a real check, so a missing user cannot be told from a wrong password.
pub fn verify_dummy(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| bcrypt::hash(super::random_secret(16), BCRYPT_COST).unwrap_or_default());
    let _ = bcrypt::verify(password, dummy);
}
