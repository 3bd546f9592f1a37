//! CLI: `stepbook lsp`, the language server (`stepbook::lsp::server`) on stdin and stdout.

use super::Ui;
use stepbook::Error;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Talk over stdin and stdout (the only transport; editors pass it).
    #[arg(long)]
    pub stdio: bool,
}

pub(crate) fn run(_args: Args, _ui: Ui) -> Result<(), Error> {
    stepbook::lsp::server::run(|| std::io::stdin().lock(), || std::io::stdout().lock())
}
