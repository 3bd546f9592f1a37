//! CLI: `stepbook check`.

use super::{BookDir, Ui};
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub book: BookDir,
    /// Treat warnings as errors: exit 2 if there are any.
    #[arg(long)]
    pub deny_warnings: bool,
}

pub fn run(args: Args, ui: Ui) -> Result<(), Error> {
    let book = args.book.open()?;
    // Every selected profile is checked: content tagged for one is only seen in its view.
    let all = book.check_each()?;
    let n = all.first().map_or(0, |(_, c)| c.book.guides.len());
    let profiles: Vec<String> = all.iter().filter_map(|(v, _)| v.profile.clone()).collect();
    let (diagnostics, sources) = crate::pipeline::merged(&all);
    let (diagnostics, sources) =
        crate::pipeline::stop_on(diagnostics, sources, args.deny_warnings)?;
    ui.report(&diagnostics, &sources);
    let with = match profiles.len() {
        0 => String::new(),
        1 => format!(" (profile `{}`)", profiles[0]),
        _ => format!(
            " (profiles {})",
            profiles
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    ui.status(&format!(
        "checked {n} guide{}{with}: no errors",
        if n == 1 { "" } else { "s" }
    ));
    Ok(())
}
