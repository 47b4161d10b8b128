//! Parsers for the config files the real servers read. Errors come back as strings; the
//! caller turns them into exit code 2 like a server that refuses to start.

use std::collections::HashMap;

/// Top-level scalar and array entries of an Arma config (server.cfg). Keys are lowercased
/// because the engine matches them case-insensitively; classes are parsed and skipped except
/// `Missions`, whose `template` values are collected (the `missions` command lists them).
#[derive(Debug, Default)]
pub struct ArmaConfig {
    pub values: HashMap<String, String>,
    pub templates: Vec<String>,
}

impl ArmaConfig {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(&key.to_ascii_lowercase()).map(String::as_str)
    }
}

struct Lexer<'a> {
    s: &'a [u8],
    i: usize,
}

impl Lexer<'_> {
    /// Skips whitespace, `//` and `/* */` comments and preprocessor lines (`#include`…).
    fn skip(&mut self) {
        loop {
            while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
            let rest = &self.s[self.i..];
            if rest.starts_with(b"//") || rest.starts_with(b"#") {
                while self.i < self.s.len() && self.s[self.i] != b'\n' {
                    self.i += 1;
                }
            } else if rest.starts_with(b"/*") {
                match rest.windows(2).position(|w| w == b"*/") {
                    Some(p) => self.i += p + 2,
                    None => self.i = self.s.len(),
                }
            } else {
                return;
            }
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip();
        self.s.get(self.i).copied()
    }

    fn expect(&mut self, c: u8) -> Result<(), String> {
        match self.peek() {
            Some(x) if x == c => {
                self.i += 1;
                Ok(())
            }
            other => Err(format!(
                "expected '{}' at byte {}, found {:?}",
                c as char,
                self.i,
                other.map(char::from)
            )),
        }
    }

    fn ident(&mut self) -> Result<String, String> {
        self.skip();
        let start = self.i;
        while self.i < self.s.len() && (self.s[self.i].is_ascii_alphanumeric() || self.s[self.i] == b'_') {
            self.i += 1;
        }
        if start == self.i {
            return Err(format!("expected a name at byte {start}"));
        }
        Ok(String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    /// A scalar: quoted string with the quote doubled inside (`""`), backslash literal; or a
    /// bare token up to `;`, `,` or `}`.
    fn scalar(&mut self) -> Result<String, String> {
        match self.peek() {
            Some(q @ (b'"' | b'\'')) => {
                self.i += 1;
                let mut out = Vec::new();
                loop {
                    match self.s.get(self.i) {
                        None => return Err("unterminated string".into()),
                        Some(b'\n') => return Err(format!("newline inside string at byte {}", self.i)),
                        Some(&c) if c == q => {
                            if self.s.get(self.i + 1) == Some(&q) {
                                out.push(q);
                                self.i += 2;
                            } else {
                                self.i += 1;
                                return Ok(String::from_utf8_lossy(&out).into_owned());
                            }
                        }
                        Some(&c) => {
                            out.push(c);
                            self.i += 1;
                        }
                    }
                }
            }
            _ => {
                let start = self.i;
                while self.i < self.s.len() && !matches!(self.s[self.i], b';' | b',' | b'}' | b'\n') {
                    self.i += 1;
                }
                Ok(String::from_utf8_lossy(&self.s[start..self.i]).trim().to_string())
            }
        }
    }

    /// `{a, "b", {…}}` flattened to its scalars.
    fn array(&mut self, out: &mut Vec<String>) -> Result<(), String> {
        self.expect(b'{')?;
        loop {
            match self.peek() {
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(b',') => self.i += 1,
                Some(b'{') => self.array(out)?,
                Some(_) => out.push(self.scalar()?),
                None => return Err("unterminated array".into()),
            }
        }
    }

    /// Statements until `}` (nested) or end of input (top level).
    fn body(&mut self, cfg: &mut ArmaConfig, path: &[String]) -> Result<(), String> {
        loop {
            match self.peek() {
                None if path.is_empty() => return Ok(()),
                None => return Err(format!("class {} is not closed", path.join("/"))),
                Some(b'}') if !path.is_empty() => {
                    self.i += 1;
                    return self.expect(b';');
                }
                Some(b';') => self.i += 1, // stray semicolons are harmless
                Some(_) => self.statement(cfg, path)?,
            }
        }
    }

    fn statement(&mut self, cfg: &mut ArmaConfig, path: &[String]) -> Result<(), String> {
        let name = self.ident()?;
        if name.eq_ignore_ascii_case("class") {
            let cname = self.ident()?;
            if self.peek() == Some(b':') {
                self.i += 1;
                self.ident()?;
            }
            if self.peek() == Some(b';') {
                self.i += 1; // forward declaration
                return Ok(());
            }
            self.expect(b'{')?;
            let mut p = path.to_vec();
            p.push(cname.to_ascii_lowercase());
            return self.body(cfg, &p);
        }
        let is_array = self.peek() == Some(b'[');
        if is_array {
            self.expect(b'[')?;
            self.expect(b']')?;
        }
        if self.peek() == Some(b'+') {
            self.i += 1;
        }
        self.expect(b'=')?;
        let mut items = Vec::new();
        let value = if is_array {
            self.array(&mut items)?;
            items.join(",")
        } else {
            self.scalar()?
        };
        self.expect(b';')?;
        let key = name.to_ascii_lowercase();
        if path.is_empty() {
            cfg.values.insert(key, value);
        } else if path.first().map(String::as_str) == Some("missions") && key == "template" {
            cfg.templates.push(value);
        }
        Ok(())
    }
}

pub fn parse_arma(text: &str) -> Result<ArmaConfig, String> {
    let mut cfg = ArmaConfig::default();
    let mut lx = Lexer {
        s: text.as_bytes(),
        i: 0,
    };
    lx.body(&mut cfg, &[])?;
    Ok(cfg)
}

/// `Key value` lines (beserver_x64.cfg). Keys lowercased; other lines are BE commands, ignored.
pub fn parse_be(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim();
            let (k, v) = l.split_once(char::is_whitespace)?;
            Some((k.to_ascii_lowercase(), v.trim().to_string()))
        })
        .collect()
}

/// Source cfg: `name value` or `name "value"`, `//` comments, last assignment wins.
pub fn parse_source_cfg(text: &str) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        let (name, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim_start();
        let value = if let Some(q) = rest.strip_prefix('"') {
            let end = q
                .find('"')
                .ok_or_else(|| format!("line {}: unterminated quote", n + 1))?;
            q[..end].to_string()
        } else {
            rest.split("//").next().unwrap_or("").trim().to_string()
        };
        out.insert(name.to_ascii_lowercase(), value);
    }
    Ok(out)
}

/// java.util.Properties text format: `#`/`!` comments, `=`/`:`/space separators, trailing
/// backslash continues a line, escapes `\uXXXX \t \n \r \f` and `\x` → `x`.
pub fn parse_properties(text: &str) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    let mut logical = String::new();
    for raw in text.lines() {
        let line = raw.trim_start();
        if logical.is_empty() && (line.is_empty() || line.starts_with('#') || line.starts_with('!')) {
            continue;
        }
        // An odd number of trailing backslashes means "continued on the next line".
        let trailing = line.len() - line.trim_end_matches('\\').len();
        if trailing % 2 == 1 {
            logical.push_str(&line[..line.len() - 1]);
            continue;
        }
        logical.push_str(line);
        let (k, v) = split_property(&logical)?;
        out.insert(k, v);
        logical.clear();
    }
    if !logical.is_empty() {
        let (k, v) = split_property(&logical)?;
        out.insert(k, v);
    }
    Ok(out)
}

fn split_property(line: &str) -> Result<(String, String), String> {
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() && !matches!(chars[i], '=' | ':' | ' ' | '\t') {
        i += if chars[i] == '\\' { 2 } else { 1 };
    }
    let i = i.min(chars.len());
    let key: String = chars[..i].iter().collect();
    let mut j = i;
    while j < chars.len() && matches!(chars[j], ' ' | '\t') {
        j += 1;
    }
    if j < chars.len() && matches!(chars[j], '=' | ':') {
        j += 1;
    }
    while j < chars.len() && matches!(chars[j], ' ' | '\t') {
        j += 1;
    }
    let value: String = chars[j..].iter().collect();
    Ok((unescape(&key)?, unescape(&value)?))
}

fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('u') => {
                let hex: String = it.by_ref().take(4).collect();
                let code = u32::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|_| hex.len() == 4)
                    .ok_or_else(|| format!("Malformed \\uxxxx encoding in {s:?}"))?;
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            }
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\x0c'),
            Some(x) => out.push(x),
            None => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arma_strings_and_classes() {
        let cfg = parse_arma(
            "// c\nhostname = \"My \"\"Elite\"\" Server\";\npassword=\"\";\nmaxPlayers = 12; /* x */\n\
             motd[] = {\"a\", \"b\"};\nadmins[] += {};\nclass Missions { class M1 { template = \"Co.Altis\"; \
             difficulty=\"Regular\"; class Params {}; }; };\nlogo = \"\\A3\\x.paa\";",
        )
        .unwrap();
        assert_eq!(cfg.get("hostname"), Some("My \"Elite\" Server"));
        assert_eq!(cfg.get("MAXPLAYERS"), Some("12"));
        assert_eq!(cfg.get("password"), Some(""));
        assert_eq!(cfg.get("logo"), Some("\\A3\\x.paa"));
        assert_eq!(cfg.templates, vec!["Co.Altis".to_string()]);
        assert!(parse_arma("hostname = \"x;").is_err());
        assert!(parse_arma("class A { x = 1;").is_err());
        assert!(parse_arma("hostname \"x\";").is_err());
    }

    #[test]
    fn source_cfg_last_wins() {
        let c = parse_source_cfg("hostname \"A\"\nrcon_password \"p w\" // c\nhostname B\n").unwrap();
        assert_eq!(c["hostname"], "B");
        assert_eq!(c["rcon_password"], "p w");
        assert!(parse_source_cfg("hostname \"x").is_err());
    }

    #[test]
    fn properties_escapes() {
        let p = parse_properties("#c\nlevel-type=minecraft\\:normal\nmotd=\\u00A7aHi \\\n  there\nrcon.port : 5\n")
            .unwrap();
        assert_eq!(p["level-type"], "minecraft:normal");
        assert_eq!(p["motd"], "\u{a7}aHi there");
        assert_eq!(p["rcon.port"], "5");
        assert!(parse_properties("motd=\\u00G1").is_err());
    }
}
