//! The `undersign` command: parse the command line, start logging, hand over to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = undersign::cli::Cli::parse();
    undersign::telemetry::init();
    match undersign::web::limits::raise_open_file_limit() {
        Ok(limit) => tracing::debug!(limit, "open file limit"),
        Err(e) => tracing::warn!(error = %e, "could not raise the open file limit"),
    }
    let outcome = actix_web::rt::System::new().block_on(undersign::cli::run(cli));
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("undersign: {e:#}");
            // EX_TEMPFAIL: an MTA piping to `bounces ingest` keeps the message for later.
            let later = e
                .downcast_ref::<undersign::cli::bounces::TryAgainLater>()
                .is_some();
            std::process::ExitCode::from(if later { 75 } else { 1 })
        }
    }
}
