//! The `marsad` binary: parse the command line, set up logging, run the command.

use std::process::ExitCode;

use clap::Parser;
use marsad::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _log = marsad::logging::init(cli.verbose);
    match cli::run(cli) {
        Ok(code) => code,
        // Whoever read the output has gone: nothing to say, nothing failed.
        Err(e) if cli::is_closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("marsad: {e:#}");
            ExitCode::FAILURE
        }
    }
}
