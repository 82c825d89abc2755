//! feeds.toml, the one configuration file: found by the lookup order, parsed into
//! raw serde structs (unknown keys refused), then checked and turned into the
//! validated `Config` the program uses. Every error names file, line, column and key.

mod error;
pub mod keys;
pub mod rules;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Deserializer};
use toml::Spanned;

pub use error::{ConfigError, ConfigErrors};
use error::{SourceMap, did_you_mean};
pub use rules::{Alert, Near, Party, Scope, Topic};
use rules::{RawAlert, RawParty, RawTopic};

/// The shipped watch, built into the binary so it works from any directory.
pub const DEFAULT_CONFIG: &str = include_str!("../../feeds.toml");

/// Where the active configuration came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    File(PathBuf),
    BuiltIn,
}

impl std::fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigSource::File(p) => write!(f, "{}", p.display()),
            ConfigSource::BuiltIn => write!(f, "built-in feeds.toml"),
        }
    }
}

/// How Arabic lines are put on screen (see the dashboard's bidi module).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BidiMode {
    /// Decide from the terminal.
    #[default]
    Auto,
    /// marsad reorders lines to visual order itself.
    App,
    /// The terminal reorders; text is sent in logical order.
    Terminal,
}

/// What the dashboard opens on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// A pane per topic.
    #[default]
    Grid,
    /// Every item in one list, newest first (a newsreader's home).
    River,
}

/// A duration written for people: "15m", "1h 30m", "24h", "90s".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanDuration(pub Duration);

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_duration(&s)
            .map(HumanDuration)
            .map_err(serde::de::Error::custom)
    }
}

/// Parses "15m", "1h30m", "2 hours"; the error says what was wrong and how to write it.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    match humantime::parse_duration(s.trim()) {
        Ok(d) if d.is_zero() => Err(format!("duration `{s}` is zero")),
        Ok(d) => Ok(d),
        Err(e) => Err(format!(
            "invalid duration `{s}`: {e}; write it like \"90s\", \"15m\", \"1h 30m\" or \"24h\""
        )),
    }
}

/// The file as written, section by section. Each section, and each entry of
/// an array of tables, is read on its own, so one mistake does not hide the
/// others: a run reports every error of the file.
#[derive(Debug, Default)]
struct RawConfig {
    settings: RawSettings,
    feed: Vec<RawFeed>,
    topic: Vec<RawTopic>,
    party: Vec<RawParty>,
    alert: Vec<RawAlert>,
    /// Key bindings: action name to keys, e.g. `quit = ["q", "ctrl-c"]`.
    keys: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
}

/// The sections of a config file.
const SECTIONS: &[&str] = &["settings", "feed", "topic", "party", "alert", "keys"];

impl RawConfig {
    /// Reads `map`'s text; what cannot be read is reported in `errors` and left
    /// out. A syntax error stops there: what follows it cannot be trusted.
    fn read(map: &SourceMap<'_>, errors: &mut Vec<ConfigError>) -> RawConfig {
        use toml::de::{DeTable, DeValue};
        let (doc, syntax) = DeTable::parse_recoverable(map.text);
        let mut raw = RawConfig::default();
        if !syntax.is_empty() {
            errors.extend(syntax.iter().map(|e| toml_error(map, e)));
            return raw;
        }
        /// Reads one table; a key at fault is reported and dropped, and the
        /// rest read again, so every mistake of the table is found.
        fn one<T: serde::de::DeserializeOwned>(
            map: &SourceMap<'_>,
            value: Spanned<DeValue<'_>>,
            errors: &mut Vec<ConfigError>,
        ) -> Option<T> {
            let span = value.span();
            let mut value = value.into_inner();
            let mut dropped: Vec<String> = Vec::new();
            loop {
                let again = Spanned::new(span.clone(), value.clone());
                let e = match T::deserialize(toml::de::ValueDeserializer::from(again)) {
                    Ok(t) => return Some(t),
                    Err(e) => e,
                };
                // A key dropped for its value is not also missing.
                let missing = e.message().strip_prefix("missing field `");
                if !missing.is_some_and(|m| dropped.iter().any(|d| m.starts_with(&format!("{d}`"))))
                {
                    errors.push(toml_error(map, &e));
                }
                let (DeValue::Table(table), Some(at)) = (&mut value, e.span()) else {
                    return None;
                };
                let key = table
                    .iter()
                    .find(|(k, v)| k.span() == at || v.span().contains(&at.start))
                    .map(|(k, _)| k.clone())?;
                dropped.push(key.get_ref().to_string());
                table.remove(&key);
            }
        }
        fn each<T: serde::de::DeserializeOwned>(
            map: &SourceMap<'_>,
            value: Spanned<DeValue<'_>>,
            errors: &mut Vec<ConfigError>,
        ) -> Vec<T> {
            let span = value.span();
            match value.into_inner() {
                DeValue::Array(items) => items
                    .into_iter()
                    .filter_map(|v| one(map, v, errors))
                    .collect(),
                other => one(map, Spanned::new(span, other), errors).unwrap_or_default(),
            }
        }
        for (key, value) in doc.into_inner() {
            match key.get_ref().as_ref() {
                "settings" => raw.settings = one(map, value, errors).unwrap_or_default(),
                "feed" => raw.feed = each(map, value, errors),
                "topic" => raw.topic = each(map, value, errors),
                "party" => raw.party = each(map, value, errors),
                "alert" => raw.alert = each(map, value, errors),
                "keys" => raw.keys = one(map, value, errors).unwrap_or_default(),
                other => {
                    let mut e = map.error(
                        Some(key.span()),
                        other,
                        format!("unknown section `{other}`"),
                    );
                    e.hint = did_you_mean(other, SECTIONS.iter().copied())
                        .or_else(|| Some(format!("the sections are: {}", SECTIONS.join(", "))));
                    errors.push(e);
                }
            }
        }
        raw
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    watch: Option<String>,
    store: Option<String>,
    interval: Option<HumanDuration>,
    concurrency: Option<Spanned<usize>>,
    per_host: Option<Spanned<usize>>,
    timeout: Option<HumanDuration>,
    max_body_mb: Option<Spanned<u64>>,
    alert_backfill: Option<HumanDuration>,
    retention: Option<HumanDuration>,
    bidi: Option<BidiMode>,
    shape: Option<bool>,
    show_other: Option<bool>,
    timezone: Option<Spanned<String>>,
    seeds: Option<bool>,
    layout: Option<Layout>,
    stories: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeed {
    name: Spanned<String>,
    url: Spanned<String>,
    lang: Option<Spanned<String>>,
    interval: Option<HumanDuration>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default = "yes")]
    enabled: bool,
}

fn yes() -> bool {
    true
}

/// Global settings, defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Name of the watch, shown in the dashboard's header.
    pub watch: String,
    /// Store path from the config; `--store` and `$MARSAD_STORE` win over it.
    pub store: Option<PathBuf>,
    pub interval: Duration,
    pub concurrency: usize,
    pub per_host: usize,
    pub timeout: Duration,
    pub max_body: u64,
    /// Items older than this on a feed's first fetch are marked, not rung.
    pub alert_backfill: Duration,
    /// Items older than this are pruned by the collector (kept as tombstones
    /// so they are not fetched again); `None` keeps everything.
    pub retention: Option<Duration>,
    pub bidi: BidiMode,
    pub shape: bool,
    pub show_other: bool,
    /// The zone times are shown in (the system's unless set).
    pub timezone: crate::zone::Zone,
    /// A new, empty store is given the seed documents (the shipped watch says
    /// so; a config that does not say gets none).
    pub seeds: bool,
    /// The view the dashboard opens on (`v` switches).
    pub layout: Layout,
    /// Items are placed in stories as they are stored (on unless set off).
    pub stories: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            watch: "marsad".into(),
            store: None,
            interval: Duration::from_secs(15 * 60),
            concurrency: 16,
            per_host: 2,
            timeout: Duration::from_secs(30),
            max_body: 16 * 1024 * 1024,
            alert_backfill: Duration::from_secs(24 * 3600),
            retention: None,
            bidi: BidiMode::Auto,
            shape: false,
            show_other: false,
            timezone: crate::zone::Zone::Local,
            // The seeds are about the shipped story: a watch of its own asks for them.
            seeds: false,
            layout: Layout::Grid,
            stories: true,
        }
    }
}

/// Where a feed is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedLocation {
    Http(url::Url),
    File(PathBuf),
}

impl std::fmt::Display for FeedLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FeedLocation::Http(u) => write!(f, "{u}"),
            FeedLocation::File(p) => write!(f, "file:{}", p.display()),
        }
    }
}

/// A validated `[[feed]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedConfig {
    pub name: String,
    pub url: FeedLocation,
    /// Declared language (ar, en, fa, …), a hint for detection.
    pub lang: Option<String>,
    pub interval: Duration,
    pub tags: Vec<String>,
    pub enabled: bool,
}

/// The validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub source: ConfigSource,
    pub settings: Settings,
    pub feeds: Vec<FeedConfig>,
    pub topics: Vec<Topic>,
    pub parties: Vec<Party>,
    pub alerts: Vec<Alert>,
    pub keys: BTreeMap<String, Vec<String>>,
}

impl Config {
    /// The built-in default watch.
    pub fn builtin() -> Config {
        // The shipped file is checked by the tests; failing here is a build defect.
        #[allow(clippy::expect_used)]
        Config::parse(DEFAULT_CONFIG, ConfigSource::BuiltIn).expect("built-in feeds.toml is valid")
    }

    /// Finds the configuration: `explicit` (from `--config` or `$MARSAD_CONFIG`),
    /// `./feeds.toml`, the user's config dir, else the built-in default.
    pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigErrors> {
        if let Some(path) = explicit {
            return Config::from_file(path);
        }
        let local = PathBuf::from("feeds.toml");
        if local.is_file() {
            return Config::from_file(&local);
        }
        if let Some(dirs) = crate::paths::project_dirs() {
            let user = dirs.config_dir().join("feeds.toml");
            if user.is_file() {
                return Config::from_file(&user);
            }
        }
        Ok(Config::builtin())
    }

    pub fn from_file(path: &Path) -> Result<Config, ConfigErrors> {
        let text = read_bounded(path, MAX_CONFIG).map_err(|e| {
            ConfigErrors(vec![ConfigError {
                file: path.display().to_string(),
                line: 0,
                column: 0,
                key: String::new(),
                message: format!("cannot read the file: {e}"),
                hint: None,
            }])
        })?;
        Config::parse(&text, ConfigSource::File(path.to_path_buf()))
    }

    /// Parses and validates a configuration text.
    pub fn parse(text: &str, source: ConfigSource) -> Result<Config, ConfigErrors> {
        let file = match &source {
            ConfigSource::File(p) => p.display().to_string(),
            ConfigSource::BuiltIn => "feeds.toml (built-in)".to_string(),
        };
        let map = SourceMap { file: &file, text };
        let mut errors = Vec::new();
        let raw = RawConfig::read(&map, &mut errors);
        let base_dir = match &source {
            ConfigSource::File(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            ConfigSource::BuiltIn => PathBuf::from("."),
        };
        Validator {
            map: &map,
            errors,
            base_dir,
        }
        .run(raw, source)
    }

    pub fn feed(&self, name: &str) -> Option<&FeedConfig> {
        self.feeds.iter().find(|f| f.name == name)
    }
}

/// The largest configuration file read (the shipped one is about 40 KB).
pub const MAX_CONFIG: u64 = 4 * 1024 * 1024;

/// Reads a text file of at most `max` bytes: a larger one, or one that never
/// ends (`/dev/zero`), is an error once `max` bytes are read, whatever its
/// size claims. Pipes and process substitutions are read like files.
pub fn read_bounded(path: &Path, max: u64) -> std::io::Result<String> {
    String::from_utf8(read_bounded_bytes(path, max)?)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

/// As [`read_bounded`], the bytes as they are.
pub fn read_bounded_bytes(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(max + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::other(format!(
            "it is larger than {} MiB",
            max / (1024 * 1024)
        )));
    }
    Ok(bytes)
}

fn toml_error(map: &SourceMap<'_>, e: &toml::de::Error) -> ConfigError {
    let span = e.span();
    let key = span
        .clone()
        .map(|s| map.key_at(s.start))
        .unwrap_or_default();
    let message = e.message().trim().to_string();
    let mut err = map.error(span, &key, message.clone());
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let got = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        err.hint = did_you_mean(got, expected.iter().copied()).or_else(|| {
            Some("remove it, or see the comments of the shipped feeds.toml for the keys".into())
        });
    } else if message.contains("duration") {
        err.hint = Some("units: s, m, h, d (e.g. \"15m\")".into());
    }
    err
}

struct Validator<'a> {
    map: &'a SourceMap<'a>,
    errors: Vec<ConfigError>,
    base_dir: PathBuf,
}

impl Validator<'_> {
    fn err(
        &mut self,
        span: std::ops::Range<usize>,
        key: &str,
        msg: impl Into<String>,
        hint: Option<&str>,
    ) {
        // An entry of an array of tables is named by where it stands in the
        // file (an entry that could not be read is not in the lists checked
        // here, so their indices may be lower).
        let key = match key.split_once('.') {
            Some((head, rest)) if head.ends_with(']') && !span.is_empty() => {
                let at = self.map.key_at(span.start);
                let table = at.split('.').next().unwrap_or(head);
                format!("{table}.{rest}")
            }
            _ => key.to_string(),
        };
        let mut e = self.map.error(Some(span), &key, msg);
        e.hint = hint.map(str::to_string);
        self.errors.push(e);
    }

    fn run(mut self, raw: RawConfig, source: ConfigSource) -> Result<Config, ConfigErrors> {
        let settings = self.settings(raw.settings);
        let feeds = self.feeds(raw.feed, &settings);

        let mut ids = HashSet::new();
        for (i, t) in raw.topic.iter().enumerate() {
            self.rule_id(&t.id, &format!("topic[{}].id", i + 1), &mut ids);
            self.matching(t.matching(), &t.id, &format!("topic[{}]", i + 1));
        }
        let mut ids = HashSet::new();
        for (i, p) in raw.party.iter().enumerate() {
            self.rule_id(&p.id, &format!("party[{}].id", i + 1), &mut ids);
            self.matching(p.matching(), &p.id, &format!("party[{}]", i + 1));
        }
        let mut ids = HashSet::new();
        for (i, a) in raw.alert.iter().enumerate() {
            self.rule_id(&a.id, &format!("alert[{}].id", i + 1), &mut ids);
            self.matching(a.matching(), &a.id, &format!("alert[{}]", i + 1));
        }
        self.badges(&raw.party);
        let keys = self.keys(raw.keys);
        let topic_ids: HashSet<&str> = raw.topic.iter().map(|t| t.id.get_ref().as_str()).collect();
        let party_ids: HashSet<&str> = raw.party.iter().map(|p| p.id.get_ref().as_str()).collect();
        let feed_names: HashSet<&str> = feeds.iter().map(|f| f.name.as_str()).collect();
        for (i, a) in raw.alert.iter().enumerate() {
            let checks = [
                ("topics", &a.scope.topics, &topic_ids),
                ("parties", &a.scope.parties, &party_ids),
                ("feeds", &a.scope.feeds, &feed_names),
            ];
            for (what, list, known) in checks {
                for name in list {
                    if !known.contains(name.get_ref().as_str()) {
                        let hint = did_you_mean(name.get_ref(), known.iter().copied());
                        self.err(
                            name.span(),
                            &format!("alert[{}].scope.{what}", i + 1),
                            format!("no {what} entry is called `{}`", name.get_ref()),
                            hint.as_deref(),
                        );
                    }
                }
            }
            if a.command.first().is_some_and(|c| c.trim().is_empty()) {
                self.err(
                    a.id.span(),
                    &format!("alert[{}].command", i + 1),
                    "the command's program is empty",
                    None,
                );
            }
        }

        if !self.errors.is_empty() {
            self.errors.sort_by_key(|e| (e.line, e.column));
            return Err(ConfigErrors(self.errors));
        }
        Ok(Config {
            source,
            settings,
            feeds,
            topics: raw.topic.into_iter().map(RawTopic::validated).collect(),
            parties: raw.party.into_iter().map(RawParty::validated).collect(),
            alerts: raw.alert.into_iter().map(RawAlert::validated).collect(),
            keys,
        })
    }

    fn settings(&mut self, raw: RawSettings) -> Settings {
        let d = Settings::default();
        let mut positive = |v: Option<Spanned<usize>>, key: &str, default: usize| match v {
            Some(v) if *v.get_ref() == 0 => {
                self.err(v.span(), key, "must be at least 1", None);
                default
            }
            Some(v) => v.into_inner(),
            None => default,
        };
        let concurrency = positive(raw.concurrency, "settings.concurrency", d.concurrency);
        let per_host = positive(raw.per_host, "settings.per_host", d.per_host);
        let max_body = match raw.max_body_mb {
            Some(v) if *v.get_ref() == 0 => {
                self.err(v.span(), "settings.max_body_mb", "must be at least 1", None);
                d.max_body
            }
            Some(v) => v.into_inner().saturating_mul(1024 * 1024),
            None => d.max_body,
        };
        let timezone = match raw.timezone {
            Some(z) => match crate::zone::Zone::parse(z.get_ref()) {
                Ok(zone) => zone,
                Err(msg) => {
                    let hint = did_you_mean_zone(z.get_ref());
                    self.err(z.span(), "settings.timezone", msg, hint.as_deref());
                    d.timezone
                }
            },
            None => d.timezone,
        };
        Settings {
            watch: raw.watch.unwrap_or(d.watch),
            store: raw.store.map(|s| expand_home(&s)),
            interval: raw.interval.map_or(d.interval, |h| h.0),
            concurrency,
            per_host,
            timeout: raw.timeout.map_or(d.timeout, |h| h.0),
            max_body,
            alert_backfill: raw.alert_backfill.map_or(d.alert_backfill, |h| h.0),
            retention: raw.retention.map(|h| h.0),
            bidi: raw.bidi.unwrap_or(d.bidi),
            shape: raw.shape.unwrap_or(d.shape),
            show_other: raw.show_other.unwrap_or(d.show_other),
            timezone,
            seeds: raw.seeds.unwrap_or(d.seeds),
            layout: raw.layout.unwrap_or(d.layout),
            stories: raw.stories.unwrap_or(d.stories),
        }
    }

    /// Two parties with one badge could not be told apart on a row.
    fn badges(&mut self, parties: &[RawParty]) {
        let mut seen: Vec<(String, String)> = Vec::new();
        for (i, p) in parties.iter().enumerate() {
            let badge = p.clone().validated().badge;
            let key = badge.to_lowercase();
            if let Some((_, other)) = seen.iter().find(|(b, _)| *b == key) {
                let msg = format!("the badge `{badge}` is also the party `{other}`'s");
                self.err(
                    p.id.span(),
                    &format!("party[{}].badge", i + 1),
                    msg,
                    Some("give each party a badge of its own (`badge = \"XX\"`)"),
                );
            } else {
                seen.push((key, p.id.get_ref().clone()));
            }
        }
    }

    /// The `[keys]` table checked as the dashboard's keymap checks it.
    fn keys(
        &mut self,
        raw: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    ) -> BTreeMap<String, Vec<String>> {
        let plain: BTreeMap<String, Vec<String>> = raw
            .iter()
            .map(|(k, v)| {
                (
                    k.get_ref().clone(),
                    v.iter().map(|x| x.get_ref().clone()).collect(),
                )
            })
            .collect();
        for p in keys::check(&plain) {
            let (span, key) = match &p {
                keys::Problem::UnknownAction(a) => (
                    raw.keys().find(|k| k.get_ref() == a).map(Spanned::span),
                    format!("keys.{a}"),
                ),
                keys::Problem::UnknownKey { action, key }
                | keys::Problem::Twice {
                    second: action,
                    key,
                    ..
                } => (
                    raw.iter()
                        .find(|(k, _)| k.get_ref() == action)
                        .and_then(|(_, v)| v.iter().find(|x| x.get_ref() == key))
                        .map(Spanned::span),
                    format!("keys.{action}"),
                ),
            };
            let hint = p.hint();
            self.err(span.unwrap_or(0..0), &key, p.to_string(), Some(&hint));
        }
        plain
    }

    fn feeds(&mut self, raw: Vec<RawFeed>, settings: &Settings) -> Vec<FeedConfig> {
        let mut names = HashSet::new();
        let mut out = Vec::new();
        for (i, f) in raw.into_iter().enumerate() {
            let n = i + 1;
            let name = f.name.get_ref().trim().to_string();
            if name.is_empty() {
                self.err(
                    f.name.span(),
                    &format!("feed[{n}].name"),
                    "the feed's name is empty",
                    None,
                );
            } else if !names.insert(name.clone()) {
                self.err(
                    f.name.span(),
                    &format!("feed[{n}].name"),
                    format!("a feed is already called `{name}`"),
                    Some("feed names are unique; they key the feed's items in the store"),
                );
            }
            let url = match parse_location(f.url.get_ref(), &self.base_dir) {
                Ok(u) => Some(u),
                Err(msg) => {
                    self.err(
                        f.url.span(),
                        &format!("feed[{n}].url"),
                        msg,
                        Some("use an http(s) URL, or a local file as \"file:path\""),
                    );
                    None
                }
            };
            let lang = f.lang.map(|l| {
                let v = l.get_ref().trim().to_lowercase();
                if v.is_empty()
                    || v.len() > 8
                    || !v.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
                {
                    self.err(
                        l.span(),
                        &format!("feed[{n}].lang"),
                        format!("`{}` is not a language code", l.get_ref()),
                        Some("e.g. \"ar\", \"en\", \"fa\""),
                    );
                }
                v
            });
            if let Some(url) = url {
                out.push(FeedConfig {
                    name,
                    url,
                    lang,
                    interval: f.interval.map_or(settings.interval, |h| h.0),
                    tags: f.tags,
                    enabled: f.enabled,
                });
            }
        }
        out
    }

    fn rule_id(&mut self, id: &Spanned<String>, key: &str, seen: &mut HashSet<String>) {
        let v = id.get_ref();
        if v.is_empty()
            || !v
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        {
            self.err(
                id.span(),
                key,
                format!("`{v}` is not a valid id"),
                Some("ids are lowercase ASCII letters, digits, `-` and `_`"),
            );
        } else if !seen.insert(v.clone()) {
            self.err(
                id.span(),
                key,
                format!("the id `{v}` is used twice"),
                Some("ids are unique within topics, parties and alerts"),
            );
        }
    }

    /// Checks the matching keys of one rule: terms present and well formed in
    /// every list, groups and windows not empty.
    fn matching(&mut self, m: rules::RawMatching<'_>, id: &Spanned<String>, key: &str) {
        let has_all = m.all.is_some_and(|a| !a.get_ref().is_empty());
        let has_near = m.near.is_some_and(|n| !n.get_ref().is_empty());
        let (span, list) = match m.terms {
            Some(t) => (t.span(), t.get_ref().as_slice()),
            None => (id.span(), &[][..]),
        };
        let terms_key = format!("{key}.terms");
        let has_weak = m.weak.is_some_and(|w| !w.get_ref().is_empty());
        let has_places = m.places.is_some_and(|p| !p.get_ref().is_empty());
        if list.is_empty() && !has_all && !has_near && !has_weak && !has_places {
            self.err(
                span.clone(),
                &terms_key,
                "the term list is empty",
                Some("give at least one term, e.g. terms = [\"Muscat\", \"مسقط\"]"),
            );
        }
        self.term_list(list, span, &terms_key);
        for (k, l) in [("weak", m.weak), ("places", m.places)] {
            if let Some(l) = l {
                self.term_list(l.get_ref(), l.span(), &format!("{key}.{k}"));
            }
        }
        if let Some(all) = m.all {
            let k = format!("{key}.all");
            for group in all.get_ref() {
                if group.is_empty() {
                    self.err(all.span(), &k, "a group of `all` is empty", None);
                }
                self.term_list(group, all.span(), &k);
            }
        }
        if let Some(near) = m.near {
            let k = format!("{key}.near");
            for n in near.get_ref() {
                if n.a.is_empty() || n.b.is_empty() {
                    self.err(
                        near.span(),
                        &k,
                        "a `near` needs terms on both sides",
                        Some("near = [{ a = [\"talks\"], b = [\"nuclear\"], within = 5 }]"),
                    );
                }
                if n.within == 0 {
                    self.err(near.span(), &k, "`within` must be at least 1", None);
                }
                self.term_list(&n.a, near.span(), &k);
                self.term_list(&n.b, near.span(), &k);
            }
        }
        if let Some(not) = m.not {
            self.term_list(not.get_ref(), not.span(), &format!("{key}.not"));
        }
        if let Some(veto) = m.veto {
            let k = format!("{key}.veto");
            for v in veto.get_ref() {
                if v.terms.is_empty() {
                    self.err(veto.span(), &k, "a `veto` has no terms", None);
                }
                let windows = [v.within, v.before, v.after];
                if windows.iter().flatten().count() > 1 {
                    self.err(
                        veto.span(),
                        &k,
                        "a `veto` takes one of `within`, `before` and `after`",
                        Some("veto = [{ terms = [\"in\", \"في\"], before = 1 }]"),
                    );
                }
                if windows.contains(&Some(0)) {
                    self.err(veto.span(), &k, "a window must be at least 1 word", None);
                }
                self.term_list(&v.terms, veto.span(), &k);
            }
        }
    }

    fn term_list(&mut self, list: &[String], span: std::ops::Range<usize>, key: &str) {
        for t in list {
            if let Err(msg) = crate::classify::forms::parse(t) {
                self.err(
                    span.clone(),
                    key,
                    msg,
                    Some("terms: `word`, `=exact`, `<proclitics only`, `+all forms`, `prefix*`"),
                );
            }
        }
    }
}

/// An http(s) URL, `file:path`, or a plain path (relative to the config's folder).
fn parse_location(s: &str, base: &Path) -> Result<FeedLocation, String> {
    let s = s.trim();
    if let Some(path) = s
        .strip_prefix("file://")
        .or_else(|| s.strip_prefix("file:"))
    {
        let p = PathBuf::from(path);
        return Ok(FeedLocation::File(if p.is_absolute() {
            p
        } else {
            base.join(p)
        }));
    }
    match url::Url::parse(s) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
            Ok(FeedLocation::Http(u))
        }
        Ok(u) if matches!(u.scheme(), "http" | "https") => Err(format!("`{s}` has no host")),
        Ok(u) if u.scheme().len() > 1 => Err(format!(
            "`{s}`: the scheme `{}` is not supported",
            u.scheme()
        )),
        _ if s.is_empty() => Err("the URL is empty".into()),
        _ if s.contains("://") || s.contains(' ') => Err(format!("`{s}` is not a valid URL")),
        _ => {
            let p = PathBuf::from(s);
            Ok(FeedLocation::File(if p.is_absolute() {
                p
            } else {
                base.join(p)
            }))
        }
    }
}

/// The IANA zone name closest to a misspelt one.
fn did_you_mean_zone(s: &str) -> Option<String> {
    did_you_mean(s, chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()))
}

fn expand_home(s: &str) -> PathBuf {
    match (s.strip_prefix("~/"), directories::BaseDirs::new()) {
        (Some(rest), Some(b)) => b.home_dir().join(rest),
        _ => PathBuf::from(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigErrors> {
        Config::parse(text, ConfigSource::File("test.toml".into()))
    }

    #[test]
    fn builtin_config_is_valid() {
        let c = Config::builtin();
        assert!(!c.feeds.is_empty());
    }

    #[test]
    fn typo_in_key_names_line_and_hint() {
        let err =
            parse("[[feed]]\nname = \"a\"\nurl = \"https://example.org/rss\"\nintreval = \"5m\"\n")
                .unwrap_err();
        let e = &err.0[0];
        assert_eq!((e.line, e.column), (4, 1), "{e}");
        assert_eq!(e.key, "feed[1].intreval");
        assert!(e.hint.as_deref().unwrap_or("").contains("interval"), "{e}");
        assert!(e.to_string().starts_with("test.toml:4:1:"), "{e}");
    }

    #[test]
    fn bad_duration_is_named() {
        let err = parse(
            "[[feed]]\nname = \"a\"\nurl = \"https://example.org/rss\"\ninterval = \"5 minuets\"\n",
        )
        .unwrap_err();
        let e = &err.0[0];
        assert_eq!(e.line, 4, "{e}");
        assert_eq!(e.key, "feed[1].interval");
        assert!(e.message.contains("5 minuets"), "{e}");
    }

    #[test]
    fn duplicate_feed_and_bad_url_and_empty_terms() {
        let text = "[[feed]]\nname = \"a\"\nurl = \"https://example.org/rss\"\n\n[[feed]]\nname = \"a\"\nurl = \"ftp://x/y\"\n\n[[topic]]\nid = \"t\"\nterms = []\n";
        let err = parse(text).unwrap_err();
        let lines: Vec<(usize, &str)> = err.0.iter().map(|e| (e.line, e.key.as_str())).collect();
        assert_eq!(
            lines,
            vec![
                (6, "feed[2].name"),
                (7, "feed[2].url"),
                (11, "topic[1].terms")
            ]
        );
    }

    #[test]
    fn duplicate_rule_ids_and_unknown_scope() {
        let text = "[[topic]]\nid = \"a\"\nterms = [\"x\"]\n[[topic]]\nid = \"a\"\nterms = [\"y\"]\n[[alert]]\nid = \"al\"\nterms = [\"x\"]\nscope = { topics = [\"b\"] }\n";
        let err = parse(text).unwrap_err();
        assert_eq!(err.0.len(), 2, "{err}");
        assert_eq!(err.0[0].line, 5);
        assert_eq!(err.0[1].key, "alert[1].scope.topics");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("1h 30m"), Ok(Duration::from_secs(5400)));
        assert!(parse_duration("5 minuets").is_err());
        assert!(parse_duration("0s").is_err());
    }

    #[test]
    fn locations() {
        let base = Path::new("/etc/marsad");
        assert!(matches!(
            parse_location("https://a.example/rss", base),
            Ok(FeedLocation::Http(_))
        ));
        assert_eq!(
            parse_location("file:x.xml", base),
            Ok(FeedLocation::File("/etc/marsad/x.xml".into()))
        );
        assert_eq!(
            parse_location("/tmp/x.xml", base),
            Ok(FeedLocation::File("/tmp/x.xml".into()))
        );
        assert!(parse_location("exec:ls", base).is_err());
        assert!(parse_location("", base).is_err());
    }
}
