//! Who caused a server event: a user, an API token, a schedule, or Languard itself (crashes,
//! automatic restarts, reattaching, what it observes in the game).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::principal::{Credential, Principal};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum EventActorKind {
    /// A signed-in user (browser session).
    User,
    /// An API token.
    Token,
    /// A schedule.
    Schedule,
    /// Languard itself.
    System,
}

impl EventActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventActorKind::User => "user",
            EventActorKind::Token => "token",
            EventActorKind::Schedule => "schedule",
            EventActorKind::System => "system",
        }
    }

    pub fn parse(text: &str) -> Option<EventActorKind> {
        match text {
            "user" => Some(EventActorKind::User),
            "token" => Some(EventActorKind::Token),
            "schedule" => Some(EventActorKind::Schedule),
            "system" => Some(EventActorKind::System),
            _ => None,
        }
    }
}

/// `{kind, id, name}`: the id and name of the user, token or schedule; neither for `system`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EventActor {
    pub kind: EventActorKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl EventActor {
    pub fn system() -> EventActor {
        EventActor {
            kind: EventActorKind::System,
            id: None,
            name: None,
        }
    }

    /// The user, or the API token (by its id and name; its owner is in the audit log).
    pub fn of(principal: &Principal) -> EventActor {
        match &principal.credential {
            Credential::Session { .. } => EventActor {
                kind: EventActorKind::User,
                id: Some(principal.user_id),
                name: Some(principal.username.clone()),
            },
            Credential::ApiToken { token_id, name } => EventActor {
                kind: EventActorKind::Token,
                id: Some(*token_id),
                name: Some(name.clone()),
            },
        }
    }

    /// From the stored columns; `None` for events recorded before actors were.
    pub fn from_columns(kind: Option<&str>, id: Option<i64>, name: Option<String>) -> Option<EventActor> {
        Some(EventActor {
            kind: EventActorKind::parse(kind?)?,
            id,
            name,
        })
    }
}
