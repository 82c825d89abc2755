//! Configuration errors that point at the place to fix: file, line, column, the
//! dotted key (`feed[3].interval`) and, where one can be guessed, a hint.

use std::fmt;
use std::ops::Range;

/// One problem found in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    /// 1-based; 0 when the problem has no place (e.g. the file cannot be read).
    pub line: usize,
    pub column: usize,
    pub key: String,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        } else {
            write!(f, "{}: ", self.file)?;
        }
        if !self.key.is_empty() {
            write!(f, "key `{}`: ", self.key)?;
        }
        write!(f, "{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// All the problems of one file, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// Maps byte offsets of a TOML source to lines, columns and dotted keys.
pub(crate) struct SourceMap<'a> {
    pub file: &'a str,
    pub text: &'a str,
}

impl SourceMap<'_> {
    pub fn error(
        &self,
        span: Option<Range<usize>>,
        key: &str,
        message: impl Into<String>,
    ) -> ConfigError {
        let (line, column) = span.map(|s| self.line_col(s.start)).unwrap_or((0, 0));
        ConfigError {
            file: self.file.to_string(),
            line,
            column,
            key: key.to_string(),
            message: message.into(),
            hint: None,
        }
    }

    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }

    /// The dotted key at a byte offset, e.g. `feed[3].interval`: the last table
    /// header before it (counting `[[array]]` entries) and the key on its line.
    pub fn key_at(&self, offset: usize) -> String {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let mut table = String::new();
        let mut counts: std::collections::HashMap<String, usize> = Default::default();
        let mut line_key = String::new();
        let mut pos = 0;
        for line in self.text.split_inclusive('\n') {
            let start = pos;
            pos += line.len();
            let trimmed = line.trim();
            if start > offset {
                break;
            }
            if let Some(name) = trimmed
                .strip_prefix("[[")
                .and_then(|r| r.split("]]").next())
            {
                let name = name.trim().to_string();
                let n = counts.entry(name.clone()).or_insert(0);
                *n += 1;
                table = format!("{name}[{}]", *n);
                line_key.clear();
            } else if let Some(name) = trimmed.strip_prefix('[').and_then(|r| r.split(']').next()) {
                table = name.trim().to_string();
                line_key.clear();
            } else if offset < pos || pos == self.text.len() {
                line_key = trimmed
                    .split_once('=')
                    .map(|(k, _)| k.trim().trim_matches('"').to_string())
                    .unwrap_or_default();
            }
        }
        match (table.is_empty(), line_key.is_empty()) {
            (true, _) => line_key,
            (false, true) => table,
            (false, false) => format!("{table}.{line_key}"),
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// "did you mean `x`?" for a misspelt name among the expected ones.
pub(crate) fn did_you_mean<'a>(
    got: &str,
    expected: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    expected
        .into_iter()
        .map(|e| (strsim::levenshtein(got, e), e))
        .filter(|(d, e)| *d <= 2.max(e.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, e)| format!("did you mean `{e}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_at_counts_array_tables() {
        let text = "[settings]\ninterval = \"5m\"\n\n[[feed]]\nname = \"a\"\n\n[[feed]]\nname = \"b\"\nintreval = 3\n";
        let map = SourceMap {
            file: "f.toml",
            text,
        };
        let off = text.find("intreval").unwrap();
        assert_eq!(map.key_at(off), "feed[2].intreval");
        assert_eq!(map.line_col(off), (9, 1));
        let off = text.find("interval").unwrap();
        assert_eq!(map.key_at(off), "settings.interval");
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(
            did_you_mean("intreval", ["interval", "name", "url"]).as_deref(),
            Some("did you mean `interval`?")
        );
        assert_eq!(did_you_mean("zzzzzz", ["interval", "name"]), None);
    }
}
