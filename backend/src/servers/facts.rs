//! The part of a server's API view that is costly to derive (decrypting its secrets, planning a
//! start for its ports), kept per server until the stored row changes.

use std::sync::Arc;

use super::model::ServerRow;
use super::store;
use crate::error::ApiResult;
use crate::games::PortSpec;
use crate::supervisor::plan::plan_for;

/// What a server's view derives from its stored config and secrets: decrypting and planning
/// cost far more than the rest of a listing, so it is kept until those columns change.
#[derive(Default)]
pub struct FactsCache(std::sync::Mutex<std::collections::HashMap<crate::ids::ServerId, (u64, Arc<Facts>)>>);

pub struct Facts {
    pub ports: Vec<PortSpec>,
    pub has_rcon_password: bool,
    pub has_game_password: bool,
    pub has_admin_password: bool,
}

impl FactsCache {
    pub fn get(&self, row: &ServerRow, secret_box: &crate::secrets::SecretBox) -> ApiResult<Arc<Facts>> {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (
            &row.game,
            &row.executable,
            row.game_port,
            &row.directory,
            &row.config,
            &row.secrets,
        )
            .hash(&mut h);
        let key = h.finish();
        if let Some((k, facts)) = self.0.lock().unwrap_or_else(|e| e.into_inner()).get(&row.id) {
            if *k == key {
                return Ok(facts.clone());
            }
        }
        let secrets = store::open_secrets(secret_box, &row.secrets)?;
        let facts = Arc::new(Facts {
            ports: plan_for(row, secret_box, &[])
                .map(|(_, plan)| plan.ports)
                .unwrap_or_default(),
            has_rcon_password: secrets.rcon_password.is_some(),
            has_game_password: secrets.game_password.is_some(),
            has_admin_password: secrets.admin_password.is_some(),
        });
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(row.id, (key, facts.clone()));
        Ok(facts)
    }
}
