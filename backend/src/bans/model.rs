//! What the bans API returns and accepts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::games::roster::IdentityKind;
use crate::ids::{BanId, PlayerId, ServerId};
use crate::page_of;

/// A ban kept by Languard and written into the games' own ban lists.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Ban {
    pub id: BanId,
    pub player_id: PlayerId,
    /// The player's name when banned.
    pub player_name: String,
    pub kind: IdentityKind,
    pub identity: String,
    /// The server it applies to; none for a global ban.
    pub server_id: Option<ServerId>,
    pub server_name: Option<String>,
    /// Applies to every server whose game identifies players the same way.
    pub global: bool,
    pub reason: String,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    /// None: permanent.
    pub expires_at: Option<DateTime<Utc>>,
    pub lifted_at: Option<DateTime<Utc>>,
    /// Who lifted it; `expiry` when it ran out.
    pub lifted_by: Option<String>,
    /// Not lifted and not expired.
    pub active: bool,
}

page_of!(BanPage, Ban);

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BanRequest {
    /// Length of the ban, 1–5256000 minutes (10 years). Give this or `permanent: true`.
    #[schema(minimum = 1, maximum = 5256000)]
    pub duration_minutes: Option<i64>,
    pub permanent: Option<bool>,
    /// Shown to the player where the game supports it (at most 200 characters, one line).
    #[schema(max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub reason: Option<String>,
    /// Ban from every server of a compatible game, now and when the player joins one later.
    pub global: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BansQuery {
    /// Only active (true) or only lifted/expired (false) bans.
    pub active: Option<bool>,
    /// Bans that apply to this server (its own and global ones).
    pub server_id: Option<i64>,
    pub player_id: Option<i64>,
    /// Part of the player's name or identity, or of the reason.
    #[param(max_length = 100, pattern = r"^[^\u0000]*$")]
    pub search: Option<String>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}
