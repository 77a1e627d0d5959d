//! The output replaces a whole folder: it is never the project, a folder holding it, or anything
//! the build reads (not even with --force). `Inputs` lists what the build reads.

use std::path::{Component, Path, PathBuf};

use anyhow::Result;

use crate::load::Project;

/// Everything a build reads, each with the name an error shows.
pub struct Inputs {
    root: PathBuf,
    paths: Vec<(PathBuf, String)>,
}

/// The folders and files every project may have, relative to its root.
const FIXED: [(&str, &str); 7] = [
    ("report.yaml", "report.yaml"),
    (crate::load::codebook::FILE, crate::load::codebook::FILE),
    ("content", "the project's content/ folder"),
    ("data", "the project's data/ folder"),
    ("templates", "the project's templates/ folder"),
    (".git", "the project's .git/ folder"),
    (
        ".surveysite-cache",
        "the cache .surveysite-cache/ (counted respondent rows)",
    ),
];

impl Inputs {
    /// What a loaded project reads: the fixed files and folders, and every file the codebook
    /// names (the respondent rows of `responses: file:`, which may lie outside data/).
    pub fn of(project: &Project) -> Inputs {
        let mut inputs = Inputs::fixed(&project.root);
        if let Some(file) = &project.survey.data.rows_file {
            inputs.add_named(file);
        }
        inputs
    }

    /// What the project at `root` reads, when only the root is at hand: the codebook is read
    /// again for the files it names (a codebook that cannot be read names none; the build has
    /// already reported it).
    pub fn at(root: &Path) -> Inputs {
        #[derive(serde::Deserialize)]
        struct Codebook {
            #[serde(default)]
            responses: Option<Responses>,
        }
        #[derive(serde::Deserialize)]
        struct Responses {
            file: String,
        }
        let mut inputs = Inputs::fixed(root);
        let named = std::fs::read_to_string(root.join(crate::load::codebook::FILE))
            .ok()
            .and_then(|text| serde_saphyr::from_str::<Codebook>(&text).ok())
            .and_then(|c| c.responses);
        if let Some(r) = named {
            inputs.add_named(&r.file);
        }
        inputs
    }

    fn fixed(root: &Path) -> Inputs {
        Inputs {
            root: root.to_path_buf(),
            paths: FIXED
                .iter()
                .map(|(rel, shown)| (root.join(rel), (*shown).to_string()))
                .collect(),
        }
    }

    fn add_named(&mut self, file: &str) {
        self.paths.push((
            self.root.join(file),
            format!(
                "{file} (the respondent rows named by {})",
                crate::load::codebook::FILE
            ),
        ));
    }

    /// Refuses an output that is the project, holds it, or is, holds or lies inside an input.
    pub fn guard(&self, output: &Path) -> Result<()> {
        let out = resolved(output);
        let root = resolved(&self.root);
        let suggestion = self.root.join("site");
        if root.starts_with(&out) {
            anyhow::bail!(
                "--output {} is the project folder or holds it: building there would replace report.yaml, data/ and content/ (choose e.g. {})",
                output.display(),
                suggestion.display()
            );
        }
        for (path, shown) in &self.paths {
            let input = resolved(path);
            if out == input {
                anyhow::bail!(
                    "--output {} is {shown}, which the build reads: choose a folder of its own (e.g. {})",
                    output.display(),
                    suggestion.display()
                );
            }
            if out.starts_with(&input) {
                anyhow::bail!(
                    "--output {} is inside {shown}, which the build reads: choose a folder outside it (e.g. {})",
                    output.display(),
                    suggestion.display()
                );
            }
            if input.starts_with(&out) {
                anyhow::bail!(
                    "--output {} holds {shown}, which the build reads: building there would replace it (choose e.g. {})",
                    output.display(),
                    suggestion.display()
                );
            }
        }
        Ok(())
    }
}

impl From<&Project> for Inputs {
    fn from(project: &Project) -> Inputs {
        Inputs::of(project)
    }
}

impl From<&Path> for Inputs {
    fn from(root: &Path) -> Inputs {
        Inputs::at(root)
    }
}

impl From<&PathBuf> for Inputs {
    fn from(root: &PathBuf) -> Inputs {
        Inputs::at(root)
    }
}

/// An absolute path with `.` and `..` folded and symlinks resolved as far as the path exists.
pub(super) fn resolved(path: &Path) -> PathBuf {
    resolved_within(path, 40)
}

/// `resolved`, following at most `links` dangling symlinks (a loop ends there).
fn resolved_within(path: &Path, links: usize) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut lexical = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.clone();
    let mut rest = Vec::new();
    while existing.symlink_metadata().is_err() {
        let Some(name) = existing.file_name().map(|n| n.to_os_string()) else {
            break;
        };
        rest.push(name);
        existing.pop();
    }
    // A dangling symlink resolves to where it points.
    let mut out = existing
        .canonicalize()
        .unwrap_or_else(|_| match std::fs::read_link(&existing) {
            Ok(target) if links > 0 => resolved_within(
                &existing.parent().unwrap_or(Path::new("/")).join(target),
                links - 1,
            ),
            _ => existing.clone(),
        });
    out.extend(rest.into_iter().rev());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_project_and_its_inputs_are_never_the_output() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("report");
        std::fs::create_dir_all(root.join("data")).unwrap();
        let inputs = Inputs::at(&root);
        assert!(inputs.guard(&root).is_err());
        assert!(inputs.guard(tmp.path()).is_err());
        assert!(inputs.guard(&root.join("data")).is_err());
        assert!(inputs.guard(&root.join("data/out")).is_err());
        assert!(inputs.guard(&root.join("site/../data")).is_err());
        assert!(inputs.guard(&root.join("report.yaml")).is_err());
        assert!(inputs.guard(&root.join(".surveysite-cache")).is_err());
        assert!(inputs.guard(&root.join(".surveysite-cache/maps")).is_err());
        assert!(inputs.guard(&root.join("site")).is_ok());
        assert!(inputs.guard(&tmp.path().join("elsewhere")).is_ok());
    }

    #[test]
    fn a_file_the_codebook_names_outside_data_is_protected() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("report");
        std::fs::create_dir_all(root.join("data")).unwrap();
        std::fs::write(
            root.join("data/codebook.yaml"),
            "regions: []\nquestions: []\nresponses:\n  file: ../exports/rows.csv\n",
        )
        .unwrap();
        let inputs = Inputs::at(&root);
        let err = inputs.guard(&tmp.path().join("exports")).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "--output {} holds ../exports/rows.csv (the respondent rows named by data/codebook.yaml), which the build reads: building there would replace it (choose e.g. {})",
                tmp.path().join("exports").display(),
                root.join("site").display()
            )
        );
        assert!(inputs.guard(&tmp.path().join("exports/rows.csv")).is_err());
        assert!(inputs.guard(&tmp.path().join("exports2")).is_ok());
    }
}
