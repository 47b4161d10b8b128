//! Text in a srcds console command (`say`, `kickid` reasons). srcds cuts a line into several
//! commands at every `;` outside double quotes and at every line break, and has no escape for
//! `"` (protocols.md §2; the simulator's `split_commands` does the same). So a text argument
//! always goes inside double quotes, and text holding `"` or a control character, which no
//! quoting can carry, is refused.

/// The text as one double-quoted argument, or why it cannot be one.
pub fn quoted(text: &str) -> Result<String, String> {
    if text.chars().any(char::is_control) {
        return Err("must be one line without control characters".into());
    }
    if text.contains('"') {
        return Err("must not contain double quotes (\"): Source servers cannot take them in a command".into());
    }
    Ok(format!("\"{text}\""))
}
