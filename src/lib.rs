//! surveysite: survey data + markdown commentary → a static report site with charts.
//!
//! The pipeline reads like the folders: `load` (report.yaml, codebook, CSV data, commentary) →
//! `model` (plain data) → `render` (pages, charts, templates: the site's files in memory) →
//! `output` (written atomically). `cmd` holds the subcommands on top.

pub mod aggregate;
pub mod cache;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod linkcheck;
pub mod load;
pub mod model;
pub mod output;
pub mod render;
pub mod url;
pub mod workflow;
