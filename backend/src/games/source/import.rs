//! Reading an existing `<game>/cfg/server.cfg` into the Source config: the settings Languard
//! has, the passwords, and every other command line as a cvar written back as it was.

use serde_json::json;

use crate::games::import::{Found, ReadFile};

/// Console commands of a .cfg file, each as its words (quotes removed): commands end at a
/// line break or a `;` outside quotes, and `//` starts a comment outside quotes.
pub fn commands(text: &str) -> Vec<Vec<String>> {
    let mut all = Vec::new();
    for line in text.lines() {
        let mut words: Vec<String> = Vec::new();
        let mut chars = line.chars().peekable();
        loop {
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            let comment = line_rest_is_comment(&chars);
            match chars.peek() {
                None => break,
                Some('/') if comment => break,
                Some(';') => {
                    chars.next();
                    if !words.is_empty() {
                        all.push(std::mem::take(&mut words));
                    }
                }
                Some('"') => {
                    chars.next();
                    words.push(chars.by_ref().take_while(|c| *c != '"').collect());
                }
                Some(_) => {
                    let mut word = String::new();
                    while let Some(c) = chars.next_if(|c| !c.is_whitespace() && !matches!(c, ';' | '"')) {
                        word.push(c);
                    }
                    words.push(word);
                }
            }
        }
        if !words.is_empty() {
            all.push(words);
        }
    }
    all
}

/// Whether the rest of the line starts with `//` (a comment).
fn line_rest_is_comment(chars: &std::iter::Peekable<std::str::Chars<'_>>) -> bool {
    chars.clone().take(2).eq("//".chars())
}

pub fn import(game: &str, read: ReadFile<'_>) -> Found {
    let mut found = Found::default();
    let path = format!("{game}/cfg/server.cfg");
    let Some(text) = found.read(read, &path) else {
        return found;
    };
    for words in commands(&text) {
        let (name, args) = (&words[0], &words[1..]);
        let value = args.join(" ");
        match name.to_ascii_lowercase().as_str() {
            "hostname" => found.set("hostname", json!(value)),
            "maxplayers" => match value.parse::<u16>() {
                Ok(n) => found.set("max_players", json!(n)),
                Err(_) => found.skip(name, "must be a whole number"),
            },
            "sv_password" => found.secret("game_password", &value),
            "rcon_password" => found.secret("rcon_password", &value),
            _ => found.keep("cvars", name, name, json!(value)),
        }
    }
    found
}
