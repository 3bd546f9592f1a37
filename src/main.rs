//! The `stepbook` binary: parse flags, run the command, map the outcome to an exit code.

use clap::Parser;
use stepbook::cmd::{self, Cli, ColorChoice};
use stepbook::{Error, exit};

fn main() {
    let cli = Cli::parse();
    let color = cli.color == ColorChoice::Always
        || (cli.color == ColorChoice::Auto
            && std::io::IsTerminal::is_terminal(&std::io::stderr())
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()));
    let code = match cmd::run(cli) {
        Ok(()) => exit::OK,
        Err(e) => {
            match &e {
                Error::Content {
                    diagnostics,
                    sources,
                } => eprint!("{}", diagnostics.render(sources, color)),
                Error::Config(stepbook::config::ConfigError::Invalid {
                    diagnostics,
                    sources,
                }) => eprint!("{}", diagnostics.render(sources, color)),
                Error::Config(c) => eprintln!("error: {c}"),
                Error::Other(err) => eprintln!("error: {err:#}"),
            }
            e.exit_code()
        }
    };
    std::process::exit(code);
}

/// mimalloc: the build allocates many small strings on every core; glibc's malloc spent ~15% of
/// the benchmark in malloc/free (benches/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
