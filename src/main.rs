//! The `stepbook` binary: parse flags, run the command, map the outcome to an exit code. The
//! command-line interface (`cmd`) is the binary's own module tree: the library cannot reach it.

mod cmd;

use clap::Parser;
use cmd::Cli;
use stepbook::error::exit;

fn main() {
    // Freed memory goes back to the OS after mimalloc's default 10 ms. Purging at once kept the
    // 1,000-guide build at 87 instead of 97 MiB, but since guides are checked and rendered one
    // family at a time, the page-table shootdowns it costs made that build 15% slower
    // (benches/README.md); a large book's memory is flat either way.
    // `MIMALLOC_PURGE_DELAY` in the environment (ms) still decides, for measurements.
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a process-wide allocator option; no allocation is in flight.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10) };
    }
    #[cfg(feature = "pdf")]
    {
        use stepbook::render::pdf::worker;
        if std::env::args_os()
            .nth(1)
            .is_some_and(|a| a == worker::WORKER_ARG)
        {
            // A compile frees and allocates again at a high rate: purging what it freed
            // after 10 ms made the kernel zero the same huge pages over and over (a fifth to
            // a third of a print run's CPU time, `perf`). A worker keeps it for the job and
            // gives it all back once the job is done.
            if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
                // SAFETY: as above.
                unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 600_000) };
            }
            // SAFETY: mi_collect only walks mimalloc's own heaps and arenas.
            std::process::exit(worker::serve(|| unsafe {
                libmimalloc_sys::mi_collect(true)
            }));
        }
        if let Ok(exe) = std::env::current_exe() {
            worker::isolate_in(exe);
        }
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => match cmd::left_out(&e) {
            Some(message) => {
                eprint!("{message}");
                std::process::exit(2);
            }
            None => e.exit(),
        },
    };
    let color = cli.color.enabled();
    let code = match cmd::run(cli) {
        Ok(()) => exit::OK,
        Err(e) => {
            eprint!("{}", e.render(color));
            e.exit_code()
        }
    };
    for line in stepbook::pipeline::take_timings() {
        eprintln!("{line}");
    }
    std::process::exit(code);
}

/// mimalloc: the build allocates many small strings on every core; glibc's malloc spent ~15% of
/// the benchmark in malloc/free (benches/README.md).
/// `mi_option_purge_delay` in the mimalloc headers libmimalloc-sys bundles (v2 and v3 alike:
/// right before `mi_option_use_numa_nodes`, which the crate does name).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t =
    libmimalloc_sys::mi_option_use_numa_nodes - 1;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
/// `mi_option_arena_eager_commit`: two before `mi_option_allow_large_os_pages` (which the crate
/// names `mi_option_large_os_pages`) in the v2 and v3 headers alike.
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t =
    libmimalloc_sys::mi_option_large_os_pages - 2;

/// Runs before `main` and before the Rust runtime allocates: mimalloc reserves its first arena
/// on the first allocation, so an arena option set in `main` comes too late for it. glibc passes
/// the arguments to these functions (musl does not, hence the `gnu` condition).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[used]
#[unsafe(link_section = ".init_array")]
static SET_ALLOCATOR_OPTIONS: extern "C" fn(i32, *const *const std::ffi::c_char) =
    set_allocator_options;

/// For `lint` only, commit arena memory as it is used instead of whole: it runs one thread per
/// request in flight, and with eager commit each costs about 1.2 MiB (5,000 URLs at 1,024 in
/// flight: 1.27 GiB peak; committed lazily: 0.2 GiB). A build, with few threads, is ~10% faster
/// with eager commit, so it keeps it.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
extern "C" fn set_allocator_options(argc: i32, argv: *const *const std::ffi::c_char) {
    if argv.is_null() {
        return;
    }
    // SAFETY: glibc calls `.init_array` functions with the process's argc and argv, which are
    // valid NUL-terminated strings for the life of the process.
    let lint = (0..argc.max(0) as usize).any(|i| unsafe {
        let arg = *argv.add(i);
        !arg.is_null() && std::ffi::CStr::from_ptr(arg).to_bytes() == b"lint"
    });
    if lint {
        // SAFETY: sets a process-wide allocator option before anything is allocated.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
    }
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
