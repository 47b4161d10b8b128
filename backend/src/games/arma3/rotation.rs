//! The mission rotation: the `missions` list of the typed config. The content room reads and
//! replaces it through these calls, and the checks name the fields of whichever request carried
//! the missions (a whole config, or the rotation alone).

use serde_json::Value;

use super::config::Arma3Config;
use super::missions::check_missions;
pub use super::missions::{Difficulty, Mission, MissionFields, MissionParam};
use super::Arma3;
use crate::error::ApiError;
use crate::games::common::{parse_config, to_json};
use crate::games::GameAdapter;

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
