//! CLI: `stepbook completions <shell>`: a completion script for the shell, made from the same
//! clap definitions as `--help` (so it always knows every command and flag).

use clap::CommandFactory;

use super::{Cli, Ui};
use stepbook::Error;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub(crate) fn run(args: Args, _ui: Ui) -> Result<(), Error> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "stepbook", &mut script);
    super::write_stdout(&script)
}
