//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "surveysite",
    version,
    about = "Survey data + markdown commentary → a static report site with charts"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the report into a static site (default: <root>/site)
    Build {
        /// The report project: the folder holding report.yaml
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: <root>/site)
        #[arg(long)]
        output: Option<PathBuf>,
        /// The URL the site is published at, e.g. https://user.github.io/repo/ (overrides report.yaml)
        #[arg(long)]
        base_url: Option<String>,
        /// Replace the output folder even if surveysite did not make it
        #[arg(long)]
        force: bool,
    },
    /// Build in memory and report every broken link, missing title, orphan commentary and data
    /// problem at once; list the pages that have no commentary yet
    Check {
        /// The report project: the folder holding report.yaml
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Check links as published at this URL, e.g. https://user.github.io/repo/
        #[arg(long)]
        base_url: Option<String>,
    },
}
