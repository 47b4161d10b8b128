//! Text in a Minecraft command (`say`, kick and ban reasons, player names). One RCON packet or
//! console line is one command, with no separator inside it; a message or reason is the rest
//! of the line, where target selectors (`@a`, `@e[…]`, …) are expanded; a player is one word,
//! and one starting with `@` would be a selector.

/// Selector kinds Minecraft expands after an `@`.
const SELECTORS: &[char] = &['a', 'e', 'n', 'p', 'r', 's'];

/// The message or reason as it goes at the end of the command, or why it cannot.
pub fn text(text: &str) -> Result<String, String> {
    if text.chars().any(char::is_control) {
        return Err("must be one line without control characters".into());
    }
    let mut after_at = text.split('@').skip(1);
    if after_at.any(|rest| rest.starts_with(SELECTORS)) {
        return Err("must not contain a target selector such as @a or @e: Minecraft would expand it".into());
    }
    Ok(text.to_owned())
}

/// A player name as one argument, or why it cannot be one.
pub fn player(name: &str) -> Result<&str, String> {
    if name.is_empty() || name.starts_with('@') || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "the player name {name:?} cannot be used in a Minecraft command (one word, not starting with @)"
        ));
    }
    Ok(name)
}
