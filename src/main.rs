//! The k8lint binary: parse arguments, run the command, map the outcome to an exit status.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use k8lint::app::{self, Fatal, Outcome};
use k8lint::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = io::stdout().lock();
    let mut stderr = io::stderr();
    let result = match &cli.command {
        Command::Check(args) => app::check(args, &mut stdout, &mut stderr),
        Command::Render(args) => app::render(args, &mut stdout, &mut stderr),
        Command::Rules(args) => app::rules(args, &mut stdout),
        Command::Explain(args) => app::explain(args, &mut stdout),
    };
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        // `k8lint check | head` closes the pipe early: not an error worth a message.
        Err(Fatal::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(stderr, "k8lint: error: {e}");
            ExitCode::from(2)
        }
    }
}
