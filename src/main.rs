//! surveysite: survey data + markdown commentary → a static report site.

use clap::Parser;
use surveysite::{cli, cmd};

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Build {
            root,
            output,
            base_url,
            force,
        } => cmd::build::run(&root, output, base_url.as_deref(), force),
        cli::Command::Check { root, base_url } => cmd::check::run(&root, base_url.as_deref()),
        cli::Command::New {
            dir,
            from,
            region_column,
            sheet,
            lang,
            weight,
            strata,
            cluster,
            fpc,
            edition,
            label,
            date,
            previous_edition,
            previous_label,
            previous_date,
        } => match (edition, from) {
            (Some(edition), Some(from)) => cmd::new::edition::run(
                &dir,
                &from,
                region_column.as_deref(),
                sheet.as_deref(),
                &cmd::new::edition::Flags {
                    edition,
                    label,
                    date,
                    previous_edition,
                    previous_label,
                    previous_date,
                },
            ),
            (_, from) => cmd::new::run(
                &dir,
                from.as_deref(),
                region_column.as_deref(),
                sheet.as_deref(),
                lang.as_deref(),
                &cmd::new::DesignFlags {
                    weight,
                    strata,
                    cluster,
                    fpc,
                },
            ),
        },
        cli::Command::Serve {
            root,
            port,
            bind,
            base_url,
        } => cmd::serve::run(cmd::serve::Options {
            root,
            port,
            bind,
            base_url,
        }),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// mimalloc rather than the system's allocator: a build makes and drops millions of small
/// strings and maps; measured in docs/benchmarks.md (less CPU, a lower peak).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
