//! `new --from EXPORT --weight COL [--strata COL] [--cluster COL] [--fpc COL]`: the sample design written into
//! the new codebook's `design:` section, its columns left out of the questions.

use anyhow::Result;

use super::infer::{Inferred, Role, listed};
use super::text::{shown, yaml};
use crate::load::closest;

/// The design columns given on the command line.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub weight: Option<String>,
    pub strata: Option<String>,
    pub cluster: Option<String>,
    pub fpc: Option<String>,
}

impl Flags {
    fn named(&self) -> Vec<(&'static str, &str)> {
        [
            ("weight", &self.weight),
            ("strata", &self.strata),
            ("cluster", &self.cluster),
            ("fpc", &self.fpc),
        ]
        .into_iter()
        .filter_map(|(flag, c)| c.as_deref().map(|c| (flag, c.trim())))
        .collect()
    }
}

/// Checks each named column is in the export, makes it a design column (not a question) and
/// numbers the questions again. Without `--weight` nothing changes (a census).
pub(super) fn apply(inferred: &mut Inferred, flags: &Flags, export: &str) -> Result<()> {
    let named = flags.named();
    if named.is_empty() {
        return Ok(());
    }
    if flags.weight.is_none() {
        anyhow::bail!(
            "--strata, --cluster and --fpc describe a weighted sample: give --weight COL too"
        );
    }
    for (flag, name) in &named {
        let Some(i) = inferred
            .columns
            .iter()
            .position(|c| c.stats.header == *name)
        else {
            let headers = inferred.columns.iter().map(|c| c.stats.header.as_str());
            let hint = match closest(name, headers.clone()) {
                Some(h) => format!("did you mean {}?", shown(h)),
                None => format!("the columns are: {}", listed(headers)),
            };
            anyhow::bail!(
                "--{flag}: {} is not a column of {export} ({hint})",
                shown(name)
            );
        };
        let column = &mut inferred.columns[i];
        // A region column may also be the strata: it stays the region column.
        if !matches!(column.role, Role::Region) {
            column.role = Role::Skip("sample design (`design:` in the codebook)");
            column.question = None;
        }
    }
    let mut n = 0;
    for c in inferred.columns.iter_mut().filter(|c| c.question.is_some()) {
        n += 1;
        c.question = Some(format!("q{n}"));
    }
    if n == 0 {
        anyhow::bail!("{export}: no column looks like a question (every column was left out)");
    }
    Ok(())
}

/// The codebook's `design:` section (empty without `--weight`).
pub(super) fn section(flags: &Flags) -> String {
    if flags.weight.is_none() {
        return String::new();
    }
    let mut out = String::from(
        "\n# A weighted sample: every % is a design-based estimate with its 95% confidence interval\n# (docs/statistics.md). Columns of the export:\ndesign:\n",
    );
    for (flag, name) in flags.named() {
        out.push_str(&format!("  {flag}: {}\n", yaml(name)));
    }
    out
}
