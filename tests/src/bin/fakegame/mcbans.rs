//! Minecraft's `banned-players.json` (protocols.md §6): a JSON array of
//! `{"uuid","name","created","source","expires","reason"}` written the way vanilla's Gson
//! pretty-printer does, plus the `banlist` reply.

use serde_json::Value;

pub const FILE: &str = "banned-players.json";
pub const DEFAULT_REASON: &str = "Banned by an operator.";

#[derive(Clone, Debug, PartialEq)]
pub struct BannedPlayer {
    pub uuid: String,
    pub name: String,
    /// `yyyy-MM-dd HH:mm:ss Z`.
    pub created: String,
    /// Who banned: `Server` (console), `Rcon`, or a player name.
    pub source: String,
    /// `forever` or a date in the `created` format.
    pub expires: String,
    pub reason: String,
}

#[derive(Default, Debug)]
pub struct BanList {
    pub entries: Vec<BannedPlayer>,
}

pub fn date_now() -> String {
    chrono::Local::now().format("%Y-%m-%d %H:%M:%S %z").to_string()
}

fn quote(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

impl BanList {
    pub fn find(&self, uuid: &str, name: &str) -> Option<&BannedPlayer> {
        self.entries
            .iter()
            .find(|b| b.uuid == uuid || b.name.eq_ignore_ascii_case(name))
    }

    /// Adds a ban; false ("Nothing changed") when the player is already banned.
    pub fn add(&mut self, entry: BannedPlayer) -> bool {
        if self.find(&entry.uuid, &entry.name).is_some() {
            return false;
        }
        self.entries.push(entry);
        true
    }

    /// Removes by name (any case); the removed entry's name, if there was one.
    pub fn pardon(&mut self, name: &str) -> Option<String> {
        let idx = self.entries.iter().position(|b| b.name.eq_ignore_ascii_case(name))?;
        Some(self.entries.remove(idx).name)
    }

    /// The `banlist` reply, one line per entry.
    pub fn listing(&self) -> String {
        if self.entries.is_empty() {
            return "There are no bans".into();
        }
        let mut out = format!("There are {} ban(s):", self.entries.len());
        for b in &self.entries {
            out.push_str(&format!("\n{} was banned by {}: {}", b.name, b.source, b.reason));
        }
        out
    }

    /// The file text: two-space indents, keys in vanilla's order, `[]` when empty.
    pub fn to_json(&self) -> String {
        if self.entries.is_empty() {
            return "[]".into();
        }
        let items: Vec<String> = self
            .entries
            .iter()
            .map(|b| {
                let fields = [
                    ("uuid", &b.uuid),
                    ("name", &b.name),
                    ("created", &b.created),
                    ("source", &b.source),
                    ("expires", &b.expires),
                    ("reason", &b.reason),
                ];
                let body: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("    \"{k}\": {}", quote(v)))
                    .collect();
                format!("  {{\n{}\n  }}", body.join(",\n"))
            })
            .collect();
        format!("[\n{}\n]", items.join(",\n"))
    }

    /// Parses the file; entries without a uuid or name are skipped like vanilla does.
    pub fn from_json(text: &str) -> Result<BanList, String> {
        let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let arr = v.as_array().ok_or("top level is not an array")?;
        let field = |o: &Value, k: &str, d: &str| o.get(k).and_then(Value::as_str).unwrap_or(d).to_string();
        let entries = arr
            .iter()
            .filter(|o| o.get("uuid").is_some_and(Value::is_string) && o.get("name").is_some_and(Value::is_string))
            .map(|o| BannedPlayer {
                uuid: field(o, "uuid", ""),
                name: field(o, "name", ""),
                created: field(o, "created", ""),
                source: field(o, "source", "(Unknown)"),
                expires: field(o, "expires", "forever"),
                reason: field(o, "reason", DEFAULT_REASON),
            })
            .collect();
        Ok(BanList { entries })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steve() -> BannedPlayer {
        BannedPlayer {
            uuid: "5627dd98-e6be-3c21-b8a8-e92344183641".into(),
            name: "Steve".into(),
            created: "2023-11-14 22:13:20 +0000".into(),
            source: "Server".into(),
            expires: "forever".into(),
            reason: "Banned by an operator.".into(),
        }
    }

    #[test]
    fn json_round_trip_in_vanilla_layout() {
        let mut l = BanList::default();
        assert_eq!(l.to_json(), "[]");
        assert!(l.add(steve()));
        assert!(!l.add(BannedPlayer {
            name: "STEVE".into(),
            ..steve()
        }));
        l.add(BannedPlayer {
            uuid: "u2".into(),
            name: "Alex".into(),
            reason: "said \"hi\"".into(),
            source: "Rcon".into(),
            ..steve()
        });
        let text = l.to_json();
        assert!(text.starts_with(
            "[\n  {\n    \"uuid\": \"5627dd98-e6be-3c21-b8a8-e92344183641\",\n    \"name\": \"Steve\",\n    \
             \"created\": \"2023-11-14 22:13:20 +0000\",\n    \"source\": \"Server\",\n    \"expires\": \"forever\",\n    \
             \"reason\": \"Banned by an operator.\"\n  },\n  {\n"
        ));
        assert!(text.ends_with("\"reason\": \"said \\\"hi\\\"\"\n  }\n]"));
        let back = BanList::from_json(&text).unwrap();
        assert_eq!(back.entries, l.entries);
        assert!(BanList::from_json("{}").is_err());
        assert_eq!(BanList::from_json("[{\"name\":\"x\"}]").unwrap().entries.len(), 0);
    }

    #[test]
    fn banlist_and_pardon() {
        let mut l = BanList::default();
        assert_eq!(l.listing(), "There are no bans");
        l.add(steve());
        assert_eq!(
            l.listing(),
            "There are 1 ban(s):\nSteve was banned by Server: Banned by an operator."
        );
        assert_eq!(l.pardon("steve").as_deref(), Some("Steve"));
        assert_eq!(l.pardon("Steve"), None);
    }
}
