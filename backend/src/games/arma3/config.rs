//! The typed Arma 3 config, its defaults, range checks and JSON Schema.

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::missions::{check_missions, Mission, MissionFields};
use crate::error::ApiError;
use crate::games::common::{check_name, check_range, field, no_control_chars};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Arma3Config {
    pub hostname: String,
    pub max_players: u16,
    pub motd: Vec<String>,
    pub motd_interval: u32,
    pub vote_threshold: f64,
    pub vote_mission_players: u16,
    pub kick_duplicate: bool,
    pub verify_signatures: u8,
    pub battleye: bool,
    pub persistent: bool,
    pub headless_clients: Vec<String>,
    pub local_clients: Vec<String>,
    pub admins: Vec<String>,
    pub disable_von: bool,
    pub timestamp_format: TimestampFormat,
    pub missions: Vec<Mission>,
    pub world: String,
    pub auto_init: bool,
    pub load_mission_to_memory: bool,
    pub limit_fps: Option<u16>,
    pub profile_name: String,
    /// `None`: game port + 10, outside the five ports the game itself binds.
    pub rcon_port: Option<u16>,
    pub basic: Basic,
    pub custom_difficulty: CustomDifficulty,
    /// server.cfg entries without a setting here (kept from an imported install), by their
    /// key (`name`, `name[]`, `class Name`): each one entry in canonical form.
    pub extra: BTreeMap<String, String>,
}

impl Default for Arma3Config {
    fn default() -> Self {
        Arma3Config {
            hostname: "Languard Arma 3 Server".into(),
            max_players: 64,
            motd: Vec::new(),
            motd_interval: 5,
            vote_threshold: 0.33,
            vote_mission_players: 1,
            kick_duplicate: true,
            verify_signatures: 2,
            battleye: true,
            persistent: false,
            headless_clients: Vec::new(),
            local_clients: Vec::new(),
            admins: Vec::new(),
            disable_von: false,
            timestamp_format: TimestampFormat::Short,
            missions: Vec::new(),
            world: "empty".into(),
            auto_init: false,
            load_mission_to_memory: false,
            limit_fps: None,
            profile_name: "server".into(),
            rcon_port: None,
            basic: Basic::default(),
            custom_difficulty: CustomDifficulty::default(),
            extra: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimestampFormat {
    None,
    Short,
    Full,
}

impl TimestampFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            TimestampFormat::None => "none",
            TimestampFormat::Short => "short",
            TimestampFormat::Full => "full",
        }
    }
}

/// basic.cfg network tuning; the defaults are the ones BIKI documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Basic {
    pub max_msg_send: u32,
    pub max_size_guaranteed: u32,
    pub max_size_nonguaranteed: u32,
    pub min_bandwidth: u64,
    pub max_bandwidth: u64,
    pub min_error_to_send: f64,
    pub min_error_to_send_near: f64,
    pub max_packet_size: u32,
    /// Other basic.cfg entries, as `Arma3Config::extra`.
    pub extra: BTreeMap<String, String>,
}

impl Default for Basic {
    fn default() -> Self {
        Basic {
            max_msg_send: 128,
            max_size_guaranteed: 512,
            max_size_nonguaranteed: 256,
            min_bandwidth: 131_072,
            // BIKI gives no default; 100 Mbit/s is what a typical rented host can sustain.
            max_bandwidth: 100_000_000,
            min_error_to_send: 0.001,
            min_error_to_send_near: 0.01,
            max_packet_size: 1400,
            extra: BTreeMap::new(),
        }
    }
}

/// The `Custom` difficulty written to the server profile. Indicators: 0 never, 1 limited
/// distance, 2 always; `third_person_view`: 0 off, 1 on, 2 vehicles only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CustomDifficulty {
    pub reduced_damage: bool,
    pub group_indicators: u8,
    pub friendly_tags: u8,
    pub enemy_tags: u8,
    pub detected_mines: u8,
    pub commands: u8,
    pub waypoints: u8,
    pub tactical_ping: bool,
    pub weapon_info: u8,
    pub stance_indicator: u8,
    pub stamina_bar: bool,
    pub weapon_crosshair: bool,
    pub vision_aid: bool,
    pub third_person_view: u8,
    pub camera_shake: bool,
    pub score_table: bool,
    pub death_messages: bool,
    pub von_id: bool,
    pub map_content: bool,
    pub auto_report: bool,
    pub multiple_saves: bool,
    pub skill_ai: f64,
    pub precision_ai: f64,
}

impl Default for CustomDifficulty {
    /// BIKI's sample profile (roughly the Regular preset).
    fn default() -> Self {
        CustomDifficulty {
            reduced_damage: false,
            group_indicators: 2,
            friendly_tags: 2,
            enemy_tags: 0,
            detected_mines: 0,
            commands: 2,
            waypoints: 2,
            tactical_ping: true,
            weapon_info: 1,
            stance_indicator: 1,
            stamina_bar: false,
            weapon_crosshair: false,
            vision_aid: false,
            third_person_view: 0,
            camera_shake: true,
            score_table: true,
            death_messages: true,
            von_id: true,
            map_content: false,
            auto_report: false,
            multiple_saves: false,
            skill_ai: 0.5,
            precision_ai: 0.5,
        }
    }
}

impl CustomDifficulty {
    /// The Options class in BIKI's order, as (profile key, config key, value, maximum).
    /// Booleans have maximum 1 and are written as 0/1.
    pub fn options(&self) -> [(&'static str, &'static str, u8, u8); 21] {
        let b = u8::from;
        [
            ("reducedDamage", "reduced_damage", b(self.reduced_damage), 1),
            ("groupIndicators", "group_indicators", self.group_indicators, 2),
            ("friendlyTags", "friendly_tags", self.friendly_tags, 2),
            ("enemyTags", "enemy_tags", self.enemy_tags, 2),
            ("detectedMines", "detected_mines", self.detected_mines, 2),
            ("commands", "commands", self.commands, 2),
            ("waypoints", "waypoints", self.waypoints, 2),
            ("tacticalPing", "tactical_ping", b(self.tactical_ping), 1),
            ("weaponInfo", "weapon_info", self.weapon_info, 2),
            ("stanceIndicator", "stance_indicator", self.stance_indicator, 2),
            ("staminaBar", "stamina_bar", b(self.stamina_bar), 1),
            ("weaponCrosshair", "weapon_crosshair", b(self.weapon_crosshair), 1),
            ("visionAid", "vision_aid", b(self.vision_aid), 1),
            ("thirdPersonView", "third_person_view", self.third_person_view, 2),
            ("cameraShake", "camera_shake", b(self.camera_shake), 1),
            ("scoreTable", "score_table", b(self.score_table), 1),
            ("deathMessages", "death_messages", b(self.death_messages), 1),
            ("vonID", "von_id", b(self.von_id), 1),
            ("mapContent", "map_content", b(self.map_content), 1),
            ("autoReport", "auto_report", b(self.auto_report), 1),
            ("multipleSaves", "multiple_saves", b(self.multiple_saves), 1),
        ]
    }
}

fn check_ips(key: &str, ips: &[String]) -> Result<(), ApiError> {
    for (i, ip) in ips.iter().enumerate() {
        if ip.parse::<IpAddr>().is_err() {
            return Err(ApiError::validation(
                format!("config.{key}.{i}"),
                "must be an IP address",
            ));
        }
    }
    Ok(())
}

impl Arma3Config {
    /// Checks what serde's types cannot express. String fields that end up quoted in a config
    /// file are checked once more by the escaping function when rendered.
    pub fn check(&self) -> Result<(), ApiError> {
        no_control_chars(&field("hostname"), &self.hostname)?;
        check_range(&field("max_players"), self.max_players, 1, 256)?;
        for (i, line) in self.motd.iter().enumerate() {
            no_control_chars(&format!("config.motd.{i}"), line)?;
        }
        check_range(&field("motd_interval"), self.motd_interval, 0, 3600)?;
        // Above 1 disables voting, which is a legitimate choice.
        check_range(&field("vote_threshold"), self.vote_threshold, 0.0, 2.0)?;
        check_range(&field("vote_mission_players"), self.vote_mission_players, 1, 256)?;
        if !matches!(self.verify_signatures, 0 | 2) {
            return Err(ApiError::validation(field("verify_signatures"), "must be 0 or 2"));
        }
        check_ips("headless_clients", &self.headless_clients)?;
        check_ips("local_clients", &self.local_clients)?;
        for (i, id) in self.admins.iter().enumerate() {
            if id.len() != 17 || !id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ApiError::validation(
                    format!("config.admins.{i}"),
                    "must be a 17-digit SteamID64",
                ));
            }
        }
        check_missions(&self.missions, MissionFields::CONFIG)?;
        check_name(
            &field("world"),
            &self.world,
            64,
            |c| c.is_ascii_alphanumeric() || c == '_',
            "letters, digits, `_`",
        )?;
        if self.auto_init && !self.persistent {
            return Err(ApiError::validation(
                field("auto_init"),
                "requires `persistent` to be true",
            ));
        }
        if let Some(fps) = self.limit_fps {
            check_range(&field("limit_fps"), fps, 5, 1000)?;
        }
        let profile_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        check_name(
            &field("profile_name"),
            &self.profile_name,
            64,
            profile_char,
            "letters, digits, `_-`",
        )?;
        if let Some(port) = self.rcon_port {
            check_range(&field("rcon_port"), port, 1024, u16::MAX)?;
        }
        self.check_basic()?;
        check_extra("config.extra", &self.extra, false)?;
        check_extra("config.basic.extra", &self.basic.extra, true)?;
        self.check_difficulty()
    }

    fn check_basic(&self) -> Result<(), ApiError> {
        let b = &self.basic;
        check_range("config.basic.max_msg_send", b.max_msg_send, 1, 4096)?;
        check_range("config.basic.max_size_guaranteed", b.max_size_guaranteed, 64, 1400)?;
        check_range(
            "config.basic.max_size_nonguaranteed",
            b.max_size_nonguaranteed,
            64,
            1400,
        )?;
        check_range("config.basic.min_bandwidth", b.min_bandwidth, 8_192, 10_000_000_000)?;
        check_range(
            "config.basic.max_bandwidth",
            b.max_bandwidth,
            b.min_bandwidth,
            10_000_000_000,
        )?;
        check_range("config.basic.min_error_to_send", b.min_error_to_send, 0.0, 1.0)?;
        check_range(
            "config.basic.min_error_to_send_near",
            b.min_error_to_send_near,
            0.0,
            1.0,
        )?;
        check_range("config.basic.max_packet_size", b.max_packet_size, 576, 1500)
    }

    fn check_difficulty(&self) -> Result<(), ApiError> {
        let d = &self.custom_difficulty;
        for (_, key, value, max) in d.options() {
            check_range(&format!("config.custom_difficulty.{key}"), value, 0, max)?;
        }
        check_range("config.custom_difficulty.skill_ai", d.skill_ai, 0.0, 1.0)?;
        check_range("config.custom_difficulty.precision_ai", d.precision_ai, 0.0, 1.0)
    }
}

/// Each kept entry must be one entry in the canonical form, under its own key, and not one
/// Languard writes from a setting: so it cannot smuggle in a second statement or a comment.
fn check_extra(prefix: &str, extra: &BTreeMap<String, String>, basic: bool) -> Result<(), ApiError> {
    for (key, text) in extra {
        let f = format!("{prefix}.{key}");
        let entry = super::parse::parse_entry(text)
            .map_err(|e| ApiError::validation(&f, format!("is not one config entry: {e}")))?;
        if entry.key() != *key {
            return Err(ApiError::validation(
                &f,
                format!("holds `{}`, not `{key}`", entry.key()),
            ));
        }
        if super::import::is_reserved(key, basic) {
            return Err(ApiError::validation(&f, "is written from its own setting"));
        }
    }
    Ok(())
}
