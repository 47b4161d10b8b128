//! The mission rotation: the `missions` list of the typed config. The content room reads and
//! replaces it through these calls, and the checks name the fields of whichever request carried
//! the missions (a whole config, or the rotation alone).

use serde::Deserialize;
use serde_json::Value;

use super::config::Arma3Config;
pub use super::config::{Difficulty, Mission, MissionParam};
use super::Arma3;
use crate::error::ApiError;
use crate::games::common::{check_name, no_control_chars, parse_config, to_json};
use crate::games::GameAdapter;

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

/// An Arma server's stored config, seen as its mission rotation.
pub struct MissionRotation {
    config: Arma3Config,
}

impl MissionRotation {
    /// The rotation kept in a stored config; `None` for other games, which have none.
    pub fn of(adapter: &dyn GameAdapter, config: &Value) -> Result<Option<MissionRotation>, ApiError> {
        if adapter.id() != Arma3.id() {
            return Ok(None);
        }
        // Stored configs are normalised on save, so one that does not parse is our fault.
        let config = parse_config(config)
            .map_err(|e| ApiError::internal(anyhow::anyhow!("the stored Arma 3 config does not parse: {e}")))?;
        Ok(Some(MissionRotation { config }))
    }

    /// The missions in play order.
    pub fn missions(&self) -> &[Mission] {
        &self.config.missions
    }

    /// The whole config with its missions replaced, for the servers service to save. The
    /// missions are checked here first, so a refusal names the field `fields` gives them.
    pub fn replaced(mut self, missions: Vec<Mission>, fields: MissionFields) -> Result<Value, ApiError> {
        check_missions(&missions, fields)?;
        self.config.missions = missions;
        to_json(&self.config)
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const ROTATION: MissionFields = MissionFields {
        list: "rotation",
        template: "mission",
    };

    fn refusal(result: Result<impl std::fmt::Debug, ApiError>) -> (String, String) {
        match result {
            Err(ApiError::Validation { field, message }) => (field, message),
            other => panic!("not a validation error: {other:?}"),
        }
    }

    fn mission(template: &str, params: &[(&str, f64)]) -> Mission {
        Mission {
            template: template.into(),
            difficulty: Difficulty::Regular,
            params: params
                .iter()
                .map(|(name, value)| MissionParam {
                    name: (*name).into(),
                    value: *value,
                })
                .collect(),
        }
    }

    #[test]
    fn a_difficulty_is_refused_as_the_config_refuses_it() {
        let (_, config_says) = refusal(parse_config::<Arma3Config>(
            &json!({"missions": [{"template": "a.altis", "difficulty": "Hard"}]}),
        ));
        assert_eq!(
            refusal(Difficulty::parse("rotation.0.difficulty", "Hard")),
            ("rotation.0.difficulty".to_owned(), config_says)
        );
        assert_eq!(Difficulty::parse("f", "Veteran").ok(), Some(Difficulty::Veteran));
    }

    #[test]
    fn checks_name_the_fields_they_are_given() {
        let cases = [
            (mission(" ", &[]), "mission", "must not be empty"),
            (
                mission("a\n.altis", &[]),
                "mission",
                "must not contain control characters (CR, LF, …)",
            ),
            (
                mission("a.altis", &[("1st", 1.0)]),
                "params.0.name",
                "must start with a letter or `_`",
            ),
            (
                mission("a.altis", &[("A", 1.0), ("a", 2.0)]),
                "params.1.name",
                "is given twice",
            ),
            (
                mission("a.altis", &[("A", f64::NAN)]),
                "params.0.value",
                "must be a finite number",
            ),
        ];
        for (m, key, message) in cases {
            let missions = [mission("ok.altis", &[]), m];
            assert_eq!(
                refusal(check_missions(&missions, ROTATION)),
                (format!("rotation.1.{key}"), message.to_owned())
            );
            let key = key.replace("mission", "template");
            assert_eq!(
                refusal(check_missions(&missions, MissionFields::CONFIG)),
                (format!("config.missions.1.{key}"), message.to_owned())
            );
        }
    }

    #[test]
    fn replacing_keeps_the_rest_of_the_config() {
        let stored = json!({"hostname": "Ours", "missions": [{"template": "old.altis"}]});
        let rotation = MissionRotation::of(&Arma3, &stored)
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("an Arma config has a rotation"));
        assert_eq!(rotation.missions(), [mission("old.altis", &[])]);
        let saved = rotation
            .replaced(vec![mission("new.tanoa", &[("Daytime", 6.0)])], ROTATION)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(saved["hostname"], "Ours");
        assert_eq!(
            saved["missions"],
            json!([{"template": "new.tanoa", "difficulty": "Regular", "params": [{"name": "Daytime", "value": 6.0}]}])
        );
        assert!(MissionRotation::of(&crate::games::source::Source, &json!({})).is_ok_and(|r| r.is_none()));
    }
}
