//! A reader for Arma's config format (server.cfg, basic.cfg): `name = value;`,
//! `name[] = {…};` and `class Name { … };`. Used to import an existing install, and to check
//! and re-render the entries kept from it, so a kept entry is always written in the one
//! canonical form the reader accepts (no comments, no preprocessor lines, quoted strings).

use std::fmt::Write;

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// A quoted string, unquoted.
    Str(String),
    /// A number as written.
    Num(String),
    /// A bare word such as `true`.
    Word(String),
    List(Vec<Val>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Assign {
        name: String,
        array: bool,
        value: Val,
    },
    Class {
        name: String,
        base: Option<String>,
        body: Vec<Entry>,
    },
}

impl Entry {
    /// The name an entry is kept under: `name`, `name[]` or `class Name`.
    pub fn key(&self) -> String {
        match self {
            Entry::Assign { name, array: true, .. } => format!("{name}[]"),
            Entry::Assign { name, .. } => name.clone(),
            Entry::Class { name, .. } => format!("class {name}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Num(String),
    Str(String),
    Sym(char),
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `strict` refuses comments and preprocessor lines (what a kept entry may hold), else they
/// are skipped (what an install's file may hold).
fn tokens(text: &str, strict: bool) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut line_start = true;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line_start = true;
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let comment = c == '/' && matches!(next, Some('/') | Some('*'));
        if comment || (c == '#' && line_start) {
            if strict {
                return Err("comments and `#` lines are not allowed".into());
            }
            if c == '/' && next == Some('*') {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    i += 1;
                }
                i += 2;
            } else {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            continue;
        }
        line_start = false;
        if c == '"' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err("a string is not closed".into()),
                    Some('"') if chars.get(i + 1) == Some(&'"') => {
                        s.push('"');
                        i += 2;
                    }
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some(ch) if ch.is_control() => return Err("a string holds a control character".into()),
                    Some(ch) => {
                        s.push(*ch);
                        i += 1;
                    }
                }
            }
            out.push(Token::Str(s));
        } else if c.is_ascii_digit() || ((c == '-' || c == '.') && next.is_some_and(|n| n.is_ascii_digit())) {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '.' | '-' | '+')) {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            if text.parse::<f64>().is_err() && !text.starts_with("0x") {
                return Err(format!("`{text}` is not a number"));
            }
            out.push(Token::Num(text));
        } else if is_word(c) {
            let start = i;
            while i < chars.len() && is_word(chars[i]) {
                i += 1;
            }
            out.push(Token::Word(chars[start..i].iter().collect()));
        } else if matches!(c, '=' | ';' | '{' | '}' | '[' | ']' | ',' | ':') {
            out.push(Token::Sym(c));
            i += 1;
        } else {
            return Err(format!("unexpected `{c}`"));
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn sym(&mut self, c: char) -> Result<(), String> {
        match self.next() {
            Some(Token::Sym(x)) if x == c => Ok(()),
            other => Err(format!("expected `{c}`, found {other:?}")),
        }
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Token::Sym(c)) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn word(&mut self) -> Result<String, String> {
        match self.next() {
            Some(Token::Word(w)) => Ok(w),
            other => Err(format!("expected a name, found {other:?}")),
        }
    }

    fn entries(&mut self, nested: bool) -> Result<Vec<Entry>, String> {
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None if !nested => return Ok(out),
                Some(Token::Sym('}')) if nested => return Ok(out),
                Some(Token::Sym(';')) => self.at += 1,
                _ => out.push(self.entry()?),
            }
        }
    }

    fn entry(&mut self) -> Result<Entry, String> {
        let name = self.word()?;
        if name == "class" {
            let name = self.word()?;
            let base = if self.eat(':') { Some(self.word()?) } else { None };
            self.sym('{')?;
            let body = self.entries(true)?;
            self.sym('}')?;
            self.sym(';')?;
            return Ok(Entry::Class { name, base, body });
        }
        let array = self.eat('[');
        if array {
            self.sym(']')?;
        }
        self.sym('=')?;
        let value = self.value()?;
        self.sym(';')?;
        Ok(Entry::Assign { name, array, value })
    }

    fn value(&mut self) -> Result<Val, String> {
        match self.next() {
            Some(Token::Str(s)) => Ok(Val::Str(s)),
            Some(Token::Num(n)) => Ok(Val::Num(n)),
            Some(Token::Word(w)) => Ok(Val::Word(w)),
            Some(Token::Sym('{')) => {
                let mut items = Vec::new();
                if self.eat('}') {
                    return Ok(Val::List(items));
                }
                loop {
                    items.push(self.value()?);
                    if self.eat('}') {
                        return Ok(Val::List(items));
                    }
                    self.sym(',')?;
                }
            }
            other => Err(format!("expected a value, found {other:?}")),
        }
    }
}

/// Every entry of a file (comments and `#` lines skipped).
pub fn parse_file(text: &str) -> Result<Vec<Entry>, String> {
    let mut p = Parser {
        tokens: tokens(text, false)?,
        at: 0,
    };
    p.entries(false)
}

/// Exactly one entry in canonical form (no comments, no `#` lines).
pub fn parse_entry(text: &str) -> Result<Entry, String> {
    let mut p = Parser {
        tokens: tokens(text, true)?,
        at: 0,
    };
    let mut entries = p.entries(false)?;
    match (entries.pop(), entries.is_empty()) {
        (Some(entry), true) => Ok(entry),
        _ => Err("must hold exactly one entry".into()),
    }
}

fn value_text(out: &mut String, value: &Val) {
    match value {
        Val::Str(s) => {
            let _ = write!(out, "\"{}\"", s.replace('"', "\"\""));
        }
        Val::Num(n) | Val::Word(n) => out.push_str(n),
        Val::List(items) => {
            out.push('{');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                value_text(out, item);
            }
            out.push('}');
        }
    }
}

/// The canonical text of an entry, indented by `depth` levels, ending in a newline.
pub fn render(out: &mut String, entry: &Entry, depth: usize) {
    let pad = "    ".repeat(depth);
    match entry {
        Entry::Assign { name, array, value } => {
            let _ = write!(out, "{pad}{name}{} = ", if *array { "[]" } else { "" });
            value_text(out, value);
            out.push_str(";\n");
        }
        Entry::Class { name, base, body } => {
            let _ = write!(out, "{pad}class {name}");
            if let Some(base) = base {
                let _ = write!(out, ": {base}");
            }
            let _ = writeln!(out, "\n{pad}{{");
            for e in body {
                render(out, e, depth + 1);
            }
            let _ = writeln!(out, "{pad}}};");
        }
    }
}

pub fn to_text(entry: &Entry) -> String {
    let mut out = String::new();
    render(&mut out, entry, 0);
    out
}
