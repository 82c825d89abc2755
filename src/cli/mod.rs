//! The command line: clap definitions and one file per headless command. Errors
//! reach `main` with their context chain.

mod check;
mod classify;
mod cluster;
mod context;
mod demo;
mod eval;
mod eval_stories;
mod farm;
mod feeds;
mod fetch;
mod list;
mod opml;
mod prune;
pub mod resolve;
mod seed;
mod stories;
pub mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use context::Context;

/// marsad (مرصد): watch the news live in your terminal, Arabic-first.
#[derive(Debug, Parser)]
#[command(
    name = "marsad",
    version,
    about,
    long_about = "marsad (مرصد, \"observatory\") polls the news feeds of a watch, classifies every item \
into topics and parties, and shows them in a terminal dashboard with keyword alerts.\n\n\
Without a command it opens the dashboard (`marsad watch`).",
    after_help = "Examples:\n  marsad                          open the dashboard\n  marsad seed seeds               import the seed documents\n  marsad list --topic nuclear --since 24h\n  marsad list --search تخصيب --json\n  marsad check --config my-watch.toml"
)]
pub struct Cli {
    /// The watch configuration [default: ./feeds.toml, then ~/.config/marsad/feeds.toml, then built in]
    #[arg(long, global = true, env = "MARSAD_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The store: a SQLite file, or a PostgreSQL database as postgres://user@host/db [default: settings.store, then ~/.local/share/marsad/marsad.db]
    // The value may hold a password: help never shows what $MARSAD_STORE holds.
    #[arg(
        long,
        global = true,
        env = "MARSAD_STORE",
        value_name = "STORE",
        hide_env_values = true
    )]
    pub store: Option<String>,
    /// The analyst whose read marks and acknowledgements a PostgreSQL store keeps [default: $USER]
    #[arg(long, global = true, env = "MARSAD_USER", value_name = "NAME")]
    pub user: Option<String>,
    /// More detail in the log file (-v debug, -vv trace)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the dashboard (the default)
    Watch,
    /// Import the seed documents of a folder (the built-in seeds without one)
    #[command(
        after_help = "Importing the same documents twice changes nothing.\n\nExample:\n  marsad seed seeds"
    )]
    Seed {
        /// Folder of *.txt documents, with an optional seeds.toml sidecar
        dir: Option<PathBuf>,
    },
    /// Validate the configuration and print a summary; with --store, also run SQLite's integrity check on the store; exit code 1 on errors
    Check,
    /// The dashboard on a built-in replay of news served on 127.0.0.1 (no internet needed)
    #[command(
        after_help = "Items come out over about four minutes; some name Muscat or تخصيب and raise alerts.\nThe store is temporary: --store and --config are ignored."
    )]
    Demo,
    /// List items, newest first
    #[command(
        after_help = "Examples:\n  marsad list --topic nuclear --party iran --since 24h\n  marsad list --alert muscat --json\n  marsad list --search الهجوم"
    )]
    List(list::ListArgs),
    /// Export every item
    #[command(
        after_help = "Examples:\n  marsad export --format ndjson > items.ndjson\n  marsad export --format csv -o items.csv"
    )]
    Export(list::ExportArgs),
    /// Poll the feeds: once (--once) or until interrupted
    #[command(
        after_help = "Exit status of --once:\n  0  the feeds were polled (some may have failed: see the table)\n  1  marsad could not run (configuration, store)\n  2  the command line is wrong (an unknown --feed, a bad option)\n  3  every feed polled failed\n\nExamples:\n  marsad fetch --once\n  marsad fetch --once --feed \"BBC Arabic\" --json\n  marsad fetch                    run as a collector until Ctrl-C"
    )]
    Fetch(fetch::FetchArgs),
    /// Prune old items (kept as tombstones, so they are not fetched again)
    #[command(
        after_help = "Pruning runs a page of 2,000 items at a time: the collector and dashboards go on.\n\nExamples:\n  marsad prune --older-than 400d --dry-run\n  marsad prune --older-than 1y --archive old.ndjson\n  marsad prune                    by settings.retention"
    )]
    Prune(prune::PruneArgs),
    /// Each feed's health: last result, latency, items, failures, next poll
    Feeds {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Import or export the feed list as OPML 2.0
    #[command(subcommand)]
    Opml(opml::OpmlCommand),
    /// Serve a loopback farm of generated feeds (benchmarks, tests)
    #[command(hide = true)]
    Farm(farm::FarmArgs),
    /// Classify JSON lines from standard input: {"id", "title", "body"} per line
    #[command(
        after_help = "Writes one line per item, in input order:\n  {\"id\", \"lang\", \"topics\", \"parties\", \"alerts\"}\nwith --explain also \"evidence\": per label, the terms that matched and where.\nA line that is not such an object is named on stderr (line number, cause) and\nskipped; the others are classified, and the exit status is 1.\n\nExample:\n  echo '{\"id\": 1, \"title\": \"محادثات بمسقط\", \"body\": \"\"}' | marsad classify --explain"
    )]
    Classify {
        /// Add the evidence of every label (term, field, byte offsets, text)
        #[arg(long)]
        explain: bool,
    },
    /// Score the classifier on hand-labeled items (the format of dev.jsonl)
    #[command(
        after_help = "Prints precision, recall and F1 per label and micro-averaged for topics,\nparties and alerts, the share of items with every label right, and the\nwrong items with the evidence of each wrong label.\n\nExample:\n  marsad eval ../shared/eval/dev.jsonl"
    )]
    Eval {
        /// JSON lines: {"id", "title", "body", "topics", "parties", "alerts"}
        file: PathBuf,
        /// Also list every label of the wrong items with its evidence
        #[arg(long)]
        explain: bool,
    },
    /// Group JSON lines from standard input into stories, in published order
    #[command(
        after_help = "Reads one item a line, {\"id\", \"lang\", \"source\", \"published\", \"title\", \"body\"},\nin published order (RFC 3339 times), and writes one line per item, {\"id\", \"story\"},\nby the algorithm ingest uses with the active config. A story is named by the id\nof its first item. With --explain also \"lang\" and \"why\": how the item joined\n(new, copy, words, evidence), the score, the gap in time, and the shared words,\nnames, numbers, concepts, parties and rules.\n\nExample:\n  marsad cluster --explain < items.jsonl"
    )]
    Cluster {
        /// Add why each item joined its story
        #[arg(long)]
        explain: bool,
        /// Override a clustering parameter (experiments), e.g. --set words=0.3
        #[arg(long = "set", value_name = "KEY=VALUE", hide = true)]
        set: Vec<String>,
    },
    /// Stories with items in a span, the most items first: headline, items, sources, languages
    #[command(
        after_help = "A story is one event, from every source and in both languages, as ingest\ngrouped it. --json writes one object a line: id, headline, link, items,\nrecent (items in the span), sources, languages, first, last, topics, parties, links.\n\nExamples:\n  marsad stories --since 24h\n  marsad stories --topic nuclear --json"
    )]
    Stories(stories::StoriesArgs),
    /// The brief an analyst sends: per topic the top stories, breaking periods, alerts fired
    #[command(
        after_help = "Examples:\n  marsad digest --since 24h > brief.md\n  marsad digest --since 7d --format json"
    )]
    Digest(stories::DigestArgs),
    /// Score the story clustering on labeled items (the format of stories-dev.jsonl)
    #[command(
        after_help = "Clusters the items as `marsad cluster` does and prints BCubed precision,\nrecall and F1 and pairwise precision and recall over cross-language pairs.\n--explain lists merged and split stories with why each item joined.\n\nExample:\n  marsad eval-stories ../shared/eval/stories-dev.jsonl"
    )]
    EvalStories {
        /// JSON lines: {"id", "story", "lang", "source", "published", "title", "body"}
        file: PathBuf,
        /// List merged and split stories with why each item joined
        #[arg(long)]
        explain: bool,
        /// Print the scores as JSON
        #[arg(long)]
        json: bool,
        /// Override a clustering parameter (experiments), e.g. --set words=0.3
        #[arg(long = "set", value_name = "KEY=VALUE", hide = true)]
        set: Vec<String>,
    },
}

/// Reads JSON lines from standard input, one `T` a line (blank lines skipped),
/// and writes what `each` makes of each as one JSON line to standard output.
/// A line that is not a `T` (`what` names the expected object) or not UTF-8 is
/// named on stderr with its number and cause and skipped; the others go on,
/// and the exit status is then 1.
pub(crate) fn map_json_lines<T: serde::de::DeserializeOwned>(
    what: &str,
    mut each: impl FnMut(T) -> anyhow::Result<serde_json::Value>,
) -> anyhow::Result<ExitCode> {
    use anyhow::Context as _;
    use std::io::{BufRead, Write};
    let mut stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let (mut n, mut bad) = (0usize, 0usize);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if stdin
            .read_until(b'\n', &mut buf)
            .context("reading standard input")?
            == 0
        {
            break;
        }
        n += 1;
        let input = match std::str::from_utf8(&buf) {
            Err(e) => Err(format!("not UTF-8 ({e})")),
            Ok(line) if line.trim().is_empty() => continue,
            Ok(line) => serde_json::from_str::<T>(line)
                .map_err(|e| format!("not a JSON object with {what} ({e})")),
        };
        match input {
            Ok(input) => {
                serde_json::to_writer(&mut out, &each(input)?)?;
                out.write_all(b"\n")?;
            }
            Err(cause) => {
                bad += 1;
                out.flush()?;
                eprintln!("marsad: line {n}: {cause}; skipped");
            }
        }
    }
    out.flush()?;
    if bad > 0 {
        eprintln!(
            "marsad: {bad} bad line{} of {n} skipped",
            if bad == 1 { "" } else { "s" }
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether `e` is a write to a closed pipe: whoever read the output has gone
/// (`marsad feeds | head -1`, `marsad list | true`). The command then ends
/// quietly with exit 0, as Unix tools do (Rust ignores SIGPIPE, so the write
/// fails with EPIPE instead of ending the process).
pub fn is_closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        let kind = if let Some(io) = c.downcast_ref::<std::io::Error>() {
            Some(io.kind())
        } else if let Some(json) = c.downcast_ref::<serde_json::Error>() {
            json.io_error_kind()
        } else if let Some(csv) = c.downcast_ref::<csv::Error>() {
            match csv.kind() {
                csv::ErrorKind::Io(io) => Some(io.kind()),
                _ => None,
            }
        } else {
            None
        };
        kind == Some(std::io::ErrorKind::BrokenPipe)
    })
}

/// Runs the command line. A usage error (an unknown topic, party, alert or
/// feed) is printed here and ends with exit code 2, as clap's own do.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match run_command(cli) {
        Err(e) if e.is::<resolve::UsageError>() => {
            eprintln!("marsad: {e}");
            Ok(ExitCode::from(2))
        }
        other => other,
    }
}

fn run_command(cli: Cli) -> anyhow::Result<ExitCode> {
    let command = cli.command.unwrap_or(Command::Watch);
    if let Command::Check = command {
        return check::run(cli.config.as_deref(), cli.store.as_deref());
    }
    if let Command::Demo = command {
        return demo::run();
    }
    if let Command::Farm(args) = &command {
        return farm::run(args);
    }
    let ctx = Context::new(
        cli.config.as_deref(),
        cli.store.as_deref(),
        cli.user.as_deref(),
    )?;
    match command {
        Command::Check | Command::Demo | Command::Farm(_) => unreachable!("handled above"),
        Command::Watch => {
            use std::io::IsTerminal;
            if std::io::stdout().is_terminal() {
                watch::run(&ctx)
            } else {
                // Not a terminal (a pipe, a script): a summary instead of a dashboard.
                list::summary(&ctx)
            }
        }
        Command::Seed { dir } => seed::run(&ctx, dir.as_deref()),
        Command::List(args) => list::list(&ctx, &args),
        Command::Export(args) => list::export(&ctx, &args),
        Command::Fetch(args) => fetch::run(&ctx, &args),
        Command::Prune(args) => prune::run(&ctx, &args),
        Command::Feeds { json } => feeds::run(&ctx, json),
        Command::Opml(cmd) => opml::run(&ctx.config, &cmd),
        Command::Classify { explain } => classify::run(&ctx, explain),
        Command::Eval { file, explain } => eval::run(&ctx, &file, explain),
        Command::Cluster { explain, set } => cluster::run(&ctx, explain, &set),
        Command::Stories(args) => stories::stories(&ctx, &args),
        Command::Digest(args) => stories::digest(&ctx, &args),
        Command::EvalStories {
            file,
            explain,
            json,
            set,
        } => eval_stories::run(&ctx, &file, explain, json, &set),
    }
}
