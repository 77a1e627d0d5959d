//! The subcommands.

pub mod build;
