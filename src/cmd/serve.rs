//! CLI: `stepbook serve`.

use super::{BookDir, DestDir, Ui};
use std::net::IpAddr;
use stepbook::Error;
use stepbook::serve::ServeOptions;
use stepbook::watch::WatchOptions;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub book: BookDir,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, short, default_value_t = 3000)]
    pub port: u16,
    /// Address to listen on. The default serves this machine only; use 0.0.0.0 to let others
    /// on the network see the book.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Open the book in the default browser.
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    pub dest: DestDir,
    /// Poll for changes instead of using file system events.
    #[arg(long)]
    pub poll: bool,
    /// Also answer requests for this host name (repeatable), e.g. the machine's name on the
    /// network with `--bind 0.0.0.0`. IP addresses and localhost always work; other names are
    /// refused so a web page cannot read the book through DNS rebinding.
    #[arg(long, value_name = "NAME")]
    pub allow_host: Vec<String>,
}

pub(crate) fn run(args: Args, ui: Ui) -> Result<(), Error> {
    let opts = ServeOptions {
        bind: args.bind,
        port: args.port,
        watch: WatchOptions {
            poll: args.poll,
            dest_dir: args.dest.dest_dir,
            selection: args.book.selection_of_one()?,
        },
        allow_hosts: args.allow_host,
    };
    let open = args.open;
    stepbook::serve::serve(
        &args.book.dir,
        &opts,
        move |outcome| ui.rebuilt(outcome),
        super::ctrl_c_flag(),
        |addr| {
            let url = format!("http://{addr}/");
            eprintln!("serving {url} (Ctrl-C to stop)");
            if open && opener::open_browser(&url).is_err() {
                eprintln!("could not open a browser; open {url} yourself");
            }
        },
    )
}
