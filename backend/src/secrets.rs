//! Key files kept in the data dir: created once with mode 0600, read on every start.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

pub fn read_or_create(path: &Path, len: usize) -> anyhow::Result<Vec<u8>> {
    match std::fs::read(path) {
        Ok(bytes) if bytes.len() >= 32 => return Ok(bytes),
        Ok(_) => anyhow::bail!(
            "{} is shorter than 32 bytes; delete it to generate a new one",
            path.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    let secret = crate::auth::random_secret(len).into_bytes();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(&secret)?;
    file.sync_all()?;
    Ok(secret)
}

/// Encrypts server secrets (RCON and game passwords) at rest with ChaCha20-Poly1305, under a
/// key kept in `<data_dir>/secrets.key` (0600). A stolen database alone reveals no password.
pub struct SecretBox {
    cipher: chacha20poly1305::ChaCha20Poly1305,
}

impl SecretBox {
    pub fn load(data_dir: &Path) -> anyhow::Result<SecretBox> {
        use chacha20poly1305::KeyInit;
        use sha2::Digest;
        let material = read_or_create(&data_dir.join("secrets.key"), 64).context("secrets key")?;
        let key = sha2::Sha256::digest(&material);
        let cipher = chacha20poly1305::ChaCha20Poly1305::new_from_slice(&key).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(SecretBox { cipher })
    }

    /// `base64(nonce ‖ ciphertext)`.
    pub fn seal(&self, plain: &str) -> anyhow::Result<String> {
        use base64::Engine;
        use chacha20poly1305::aead::{Aead, AeadCore, OsRng};
        let nonce = chacha20poly1305::ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(&nonce, plain.as_bytes())
            .map_err(|_| anyhow::anyhow!("encryption failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(base64::engine::general_purpose::STANDARD.encode(out))
    }

    pub fn open(&self, sealed: &str) -> anyhow::Result<String> {
        use base64::Engine;
        use chacha20poly1305::aead::Aead;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .context("sealed secret is not base64")?;
        if bytes.len() < 12 {
            anyhow::bail!("sealed secret is too short");
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().context("bad nonce")?;
        let plain = self
            .cipher
            .decrypt(&chacha20poly1305::Nonce::from(nonce), ciphertext)
            .map_err(|_| anyhow::anyhow!("a secret could not be decrypted: was secrets.key replaced?"))?;
        String::from_utf8(plain).context("decrypted secret is not UTF-8")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_round_trip_and_do_not_leak() {
        let dir = tempfile::tempdir().unwrap();
        let sealed_box = SecretBox::load(dir.path()).unwrap();
        let sealed = sealed_box.seal("hunter2-rcon").unwrap();
        assert!(!sealed.contains("hunter2"));
        assert_ne!(
            sealed,
            sealed_box.seal("hunter2-rcon").unwrap(),
            "fresh nonce each time"
        );
        assert_eq!(
            SecretBox::load(dir.path()).unwrap().open(&sealed).unwrap(),
            "hunter2-rcon"
        );
        let other = tempfile::tempdir().unwrap();
        assert!(SecretBox::load(other.path()).unwrap().open(&sealed).is_err());
    }
}
