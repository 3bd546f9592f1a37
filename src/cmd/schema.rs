//! CLI: `stepbook schema`: the JSON Schema of guide files (or of book.toml), for editors.

use super::Ui;
use stepbook::Error;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Print the schema of book.toml instead of the guide files'.
    #[arg(long)]
    pub config: bool,
}

pub(crate) fn run(args: Args, _ui: Ui) -> Result<(), Error> {
    let schema = if args.config {
        stepbook::config::config_schema()
    } else {
        stepbook::schema::guide_schema_document()
    };
    let text = serde_json::to_string_pretty(&schema)
        .map_err(|e| Error::Other(anyhow::anyhow!("failed to print the schema: {e}")))?;
    super::write_stdout(format!("{text}\n").as_bytes())
}
