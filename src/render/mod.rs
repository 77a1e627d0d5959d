//! The project → the site's files, in memory: `(path, bytes)` for every file of the output.

pub mod markdown;
pub mod pages;
pub mod templates;

use anyhow::Result;

use crate::load::Project;

/// One file of the generated site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative to the output folder, with `/`: "regions/tokyo/index.html".
    pub path: String,
    pub bytes: Vec<u8>,
}

pub fn site(project: &Project) -> Result<Vec<OutputFile>> {
    let tera = templates::load(&project.root)?;
    let mut files = Vec::new();
    for page in pages::list(project) {
        let context = pages::context(project, &page);
        let html = templates::render(&tera, page.kind.template(), &context)?;
        files.push(OutputFile {
            path: page.output_file(),
            bytes: html.into_bytes(),
        });
    }
    for (name, default) in templates::ASSETS {
        files.push(OutputFile {
            path: format!("assets/{name}"),
            bytes: templates::asset(&project.root, name, default)?,
        });
    }
    files.push(OutputFile {
        path: ".nojekyll".into(),
        bytes: Vec::new(),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
