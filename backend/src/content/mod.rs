//! Content: each server's uploadable files (Arma missions, Source maps, Minecraft datapacks),
//! the Arma mission rotation, the mod library and each server's mod set.

pub mod missions;
pub mod mods;
pub mod names;
pub mod rotation;
pub mod routes;
pub mod server_mods;
