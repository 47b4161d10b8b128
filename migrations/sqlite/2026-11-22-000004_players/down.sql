DROP TABLE ban_enforcements;
DROP TABLE bans;
DROP TABLE live_states;
DROP TABLE player_sessions;
DROP TABLE player_names;
DROP TABLE players;
