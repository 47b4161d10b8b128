//! The missions an Arma 3 server plays: their typed form (shared by the whole config and by the
//! rotation alone) and the checks serde's types cannot express, naming the fields of whichever
//! request carried them.

use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::games::common::{check_name, no_control_chars};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Difficulty {
    Recruit,
    Regular,
    Veteran,
    Custom,
}

impl Difficulty {
    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Recruit => "Recruit",
            Difficulty::Regular => "Regular",
            Difficulty::Veteran => "Veteran",
            Difficulty::Custom => "Custom",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mission {
    /// `MPMissions/<template>.pbo` without the extension, e.g. `MyCoop.Altis`.
    pub template: String,
    #[serde(default = "regular")]
    pub difficulty: Difficulty,
    /// Values for the mission's own parameters, written as its `class Params`.
    #[serde(default)]
    pub params: Vec<MissionParam>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MissionParam {
    pub name: String,
    pub value: f64,
}

fn regular() -> Difficulty {
    Difficulty::Regular
}

/// How a request names a list of missions: `<list>.<i>.<template>`, `<list>.<i>.params.<j>.name`.
#[derive(Debug, Clone, Copy)]
pub struct MissionFields {
    pub list: &'static str,
    /// The name of the key holding the mission's template.
    pub template: &'static str,
}

impl MissionFields {
    /// The missions inside a server's config (`config.missions.0.template`).
    pub const CONFIG: MissionFields = MissionFields {
        list: "config.missions",
        template: "template",
    };

    fn entry(self, i: usize, key: &str) -> String {
        format!("{}.{i}.{key}", self.list)
    }
}

impl Difficulty {
    /// The difficulty of that name (`Regular`), refused as a config would be: with serde's
    /// message, so the rotation and the config say the same thing.
    pub fn parse(field: &str, name: &str) -> Result<Difficulty, ApiError> {
        let text = serde::de::value::StrDeserializer::<serde::de::value::Error>::new(name);
        Difficulty::deserialize(text).map_err(|e| ApiError::validation(field, e.to_string()))
    }
}

/// What serde's types cannot express about missions: a template present and on one line, and
/// parameters that are class names, each given once, with finite values.
pub(super) fn check_missions(missions: &[Mission], fields: MissionFields) -> Result<(), ApiError> {
    for (i, m) in missions.iter().enumerate() {
        let f = fields.entry(i, fields.template);
        if m.template.trim().is_empty() {
            return Err(ApiError::validation(f, "must not be empty"));
        }
        no_control_chars(&f, &m.template)?;
        check_params(&fields.entry(i, "params"), &m.params)?;
    }
    Ok(())
}

/// A mission parameter is a class name in server.cfg.
fn check_params(list: &str, params: &[MissionParam]) -> Result<(), ApiError> {
    for (j, p) in params.iter().enumerate() {
        let f = format!("{list}.{j}.name");
        let ident = p
            .name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        check_name(
            &f,
            &p.name,
            64,
            |c| c.is_ascii_alphanumeric() || c == '_',
            "letters, digits, `_`",
        )?;
        if !ident {
            return Err(ApiError::validation(f, "must start with a letter or `_`"));
        }
        if params[..j].iter().any(|q| q.name.eq_ignore_ascii_case(&p.name)) {
            return Err(ApiError::validation(f, "is given twice"));
        }
        if !p.value.is_finite() {
            return Err(ApiError::validation(
                format!("{list}.{j}.value"),
                "must be a finite number",
            ));
        }
    }
    Ok(())
}
