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
            std::process::ExitCode::from(1)
        }
    }
}
