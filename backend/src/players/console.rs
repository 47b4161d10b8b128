//! The console of a running server, for the routes and the WebSocket alike: its RCON link when
//! its game has one, else the named pipe on its stdin.

use crate::db::Db;
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::games::RconFlavour;
use crate::ids::ServerId;
use crate::rcon::Link;
use crate::servers::store as servers_store;
use crate::supervisor::Supervisor;

/// The running server's RCON link and protocol; 409 when it is not running or has no RCON.
pub async fn link_of(db: &Db, supervisor: &Supervisor, server: ServerId) -> ApiResult<(Link, RconFlavour)> {
    let row = servers_store::row(db, server).await?;
    let flavour = row
        .game
        .rcon_flavour()
        .ok_or_else(|| ApiError::conflict(ErrorKind::NoRcon, format!("{} servers have no RCON console", row.game)))?;
    let link = supervisor
        .link(server)
        .await?
        .ok_or_else(|| ApiError::conflict(ErrorKind::NotRunning, format!("server {server} is not running")))?;
    Ok((link, flavour))
}

/// One console line on a running server: over RCON when its game has it, else on its console
/// (stdin). Returns the game's reply (nothing for the console: the output goes to its log).
pub async fn command(db: &Db, supervisor: &Supervisor, server: ServerId, line: &str) -> ApiResult<String> {
    let row = servers_store::row(db, server).await?;
    if row.game.rcon_flavour().is_some() {
        let (link, _) = link_of(db, supervisor, server).await?;
        return Ok(link.command(line).await?);
    }
    if !row.state.is(crate::servers::model::ServerState::Running) {
        return Err(ApiError::conflict(
            ErrorKind::NotRunning,
            format!("server {server} is not running"),
        ));
    }
    crate::supervisor::process::send_console_line(std::path::Path::new(&row.directory), line).map_err(|e| {
        ApiError::conflict(
            ErrorKind::ConsoleClosed,
            format!("the server's console is not open: {e}"),
        )
    })?;
    Ok(String::new())
}
