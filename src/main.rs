//! The k8lint binary: parse arguments, run the command, map the outcome to an exit status.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use k8lint::app::{self, Fatal, Outcome};
use k8lint::cli::{Cli, Command, PolicyCommand};

/// Parsing allocates many small nodes: mimalloc roughly halves the time glibc's
/// allocator spends on them. Its 2.x line (Cargo.toml): the 3.x line kept a fifth more
/// memory resident and ran slower. Its defaults are kept: on Linux it commits its arena up
/// front, which lets the kernel back the heap with 2 MiB pages. In a virtual machine (CI
/// runners are) that saves a third of the CPU (page faults and page-table walks); resident
/// memory is then counted in whole 2 MiB pages (README, "Memory"). A user short of memory
/// sets `MIMALLOC_ARENA_EAGER_COMMIT=0`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Panics are caught and reported (as `internal-error` findings, or below): the default
    // hook's backtrace text would only duplicate them.
    std::panic::set_hook(Box::new(|_| {}));
    match std::panic::catch_unwind(run) {
        Ok(code) => code,
        Err(payload) => {
            let why = k8lint::check::panic_message(payload.as_ref());
            let _ = writeln!(
                io::stderr(),
                "k8lint: internal error: {why} (please report this bug)"
            );
            ExitCode::from(2)
        }
    }
}

fn run() -> ExitCode {
    let mut cli = Cli::parse();
    // The library caches only where it is told to; the command's default is the user's
    // cache folder.
    if let Command::Check(args) = &mut cli.command {
        if !args.cache.no_cache && args.cache.cache_dir.is_none() {
            args.cache.cache_dir = k8lint::cache::default_dir();
        }
    }
    let mut stdout = io::stdout().lock();
    let mut stderr = io::stderr();
    let result = match &cli.command {
        Command::Check(args) => app::check(args, &mut stdout, &mut stderr),
        Command::Render(args) => app::render(args, &mut stdout, &mut stderr),
        Command::Rules(args) => app::rules(args, &mut stdout),
        Command::Explain(args) => app::explain(args, &mut stdout),
        Command::Schemas(args) => app::schemas::schemas(args, &mut stdout),
        Command::Graph(args) => app::graph(args, &mut stdout, &mut stderr),
        Command::Fix(args) => app::fix::command(args, &mut stdout, &mut stderr),
        Command::Lsp => k8lint::lsp::serve(),
        Command::Completions(args) => app::completions(args, &mut stdout),
        Command::Man => app::man(&mut stdout),
        Command::Policy(PolicyCommand::Test(args)) => app::policy_test(args, &mut stdout),
    };
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Ok(Outcome::InternalError | Outcome::Unreadable) => ExitCode::from(2),
        // `k8lint check | head` closes the pipe early: not an error worth a message.
        Err(Fatal::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(stderr, "k8lint: error: {e}");
            ExitCode::from(2)
        }
    }
}
