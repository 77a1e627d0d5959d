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
#[allow(clippy::large_enum_variant)] // parsed once per run
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
    /// Preview the report: build in memory, serve it, rebuild and reload pages on every edit
    Serve {
        /// The report project: the folder holding report.yaml
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port to listen on (0: any free port)
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// The address to listen on; the default keeps the preview on this machine
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Serve under this URL's path, as published (e.g. https://user.github.io/repo/ → /repo/)
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Start a report project: a small working one, or one whose codebook is inferred from a
    /// respondent-level export (Google Forms, Microsoft Forms, Excel CSV)
    New {
        /// The folder to create (new, or empty); with --edition, the existing project
        dir: PathBuf,
        /// A CSV, Excel workbook (.xlsx) or SPSS file (.sav) with one row per respondent to infer
        /// the codebook from (copied into data/)
        #[arg(long, value_name = "EXPORT.csv")]
        from: Option<PathBuf>,
        /// The export's column that gives each respondent's region (default: guessed from the header)
        #[arg(long, value_name = "NAME", requires = "from")]
        region_column: Option<String>,
        /// The interface's language, ja or en (default: what the export is written in)
        #[arg(long, value_name = "LANG", requires = "from")]
        lang: Option<String>,
        /// The sheet of an Excel workbook to read (default: the first)
        #[arg(long, value_name = "NAME", requires = "from")]
        sheet: Option<String>,
        /// A weighted sample: the export's column of each respondent's weight (written to the
        /// codebook's `design:`; every % becomes an estimate with its confidence interval)
        #[arg(long, value_name = "COL", requires = "from")]
        weight: Option<String>,
        /// The weighted sample's strata column
        #[arg(long, value_name = "COL", requires = "weight")]
        strata: Option<String>,
        /// The weighted sample's cluster (primary sampling unit) column
        #[arg(long, value_name = "COL", requires = "weight")]
        cluster: Option<String>,
        /// The weighted sample's finite population correction column (population PSUs per
        /// stratum, or the sampling fraction)
        #[arg(long, value_name = "COL", requires = "weight")]
        fpc: Option<String>,
        /// Add the export as a new edition (e.g. 2026) of the existing project DIR: its questions
        /// and options are matched to data/codebook.yaml, which gains an `editions:` entry
        #[arg(long, value_name = "ID", requires = "from", conflicts_with_all = ["lang", "weight"])]
        edition: Option<String>,
        /// The new edition's label readers see (default: its id)
        #[arg(long, value_name = "TEXT", requires = "edition")]
        label: Option<String>,
        /// The new edition's date, YYYY-MM-DD (editions are ordered by it)
        #[arg(long, value_name = "DATE", requires = "edition")]
        date: Option<String>,
        /// The first time editions are added: the id of the edition the project's data is
        #[arg(long, value_name = "ID", requires = "edition")]
        previous_edition: Option<String>,
        /// That edition's label (default: its id)
        #[arg(long, value_name = "TEXT", requires = "previous_edition")]
        previous_label: Option<String>,
        /// That edition's date, YYYY-MM-DD
        #[arg(long, value_name = "DATE", requires = "previous_edition")]
        previous_date: Option<String>,
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
