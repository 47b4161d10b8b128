//! Text in a BattlEye RCon command (`say -1 <text>`, kick and ban reasons, `addBan <GUID|IP>`).
//! BattlEye takes one command per packet and the text as the rest of it, verbatim: `;` and
//! quotes mean nothing to it (protocols.md §1). What could change what it runs, or what
//! `writeBans` puts in bans.txt (one ban per line), is a line break, so control characters are
//! refused; an identity must be one word, since the reason follows it.

/// The text as it goes at the end of the command, or why it cannot.
pub fn text(text: &str) -> Result<String, String> {
    if text.chars().any(char::is_control) {
        return Err("must be one line without control characters".into());
    }
    Ok(text.to_owned())
}

/// A GUID or IP address as one argument, or why it cannot be one.
pub fn identity(identity: &str) -> Result<&str, String> {
    if identity.is_empty() || identity.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must be one word (a BattlEye GUID or an IP address)".into());
    }
    Ok(identity)
}
