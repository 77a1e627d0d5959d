//! Writing the site to disk: only the files whose bytes changed are written, into a buffer
//! folder beside the output that is swapped with it in one step (staging.rs). A reader sees the
//! previous site or the new one, never a mix; a failed or killed build leaves the previous site
//! as it was; the output is never something the build reads (guard.rs).

mod guard;
mod manifest;
mod platform;
mod staging;
mod strays;

use std::path::Path;

use anyhow::Result;

use crate::render::OutputFile;

pub use guard::Inputs;
pub use staging::Staging;

/// Written into every output folder, so that a later build knows the folder is its own.
pub const MARKER: &str = ".surveysite";

/// Writes a whole site held in memory: `Staging` with every file, then the swap. `inputs` is
/// the loaded project (or its root).
pub fn write(
    output: &Path,
    inputs: impl Into<Inputs>,
    files: &[OutputFile],
    force: bool,
) -> Result<()> {
    let staging = Staging::begin(output, inputs, force)?;
    for f in files {
        staging.put(&f.path, &f.bytes)?;
    }
    staging.commit()
}
