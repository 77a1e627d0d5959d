//! The codebook's `design:` columns, found in the respondent export's header, and each row's
//! weight, stratum, cluster and fpc read from its cells (errors name `file:line:column`).

use anyhow::Result;

use super::plan::Plan;
use crate::aggregate::{RowDesign, Weighted};
use crate::load::{codebook, did_you_mean, located, quote_cell};
use crate::model::Design;

/// The header positions of the design's columns.
pub(super) struct Columns {
    weight: usize,
    strata: Option<usize>,
    cluster: Option<usize>,
    fpc: Option<usize>,
}

fn find(headers: &[String], (name, line): &(String, u64), file: &str) -> Result<usize> {
    headers
        .iter()
        .position(|h| h.trim() == name)
        .ok_or_else(|| {
            located(
                codebook::FILE,
                *line,
                None,
                format!(
                    "`design:` column \"{name}\" is not in the header of {file}{}",
                    did_you_mean(name, headers.iter().map(String::as_str))
                ),
            )
        })
}

impl Columns {
    pub(super) fn new(design: &Design, headers: &[String], file: &str) -> Result<Columns> {
        let optional =
            |c: &Option<(String, u64)>| c.as_ref().map(|c| find(headers, c, file)).transpose();
        Ok(Columns {
            weight: find(headers, &design.weight, file)?,
            strata: optional(&design.strata)?,
            cluster: optional(&design.cluster)?,
            fpc: optional(&design.fpc)?,
        })
    }

    pub(super) fn clustered(&self) -> bool {
        self.cluster.is_some()
    }

    /// One row's place in the design.
    pub(super) fn read(
        &self,
        plan: &Plan,
        record: &super::source::Cells,
        line: u64,
        weighted: &mut Weighted,
    ) -> Result<RowDesign> {
        let cell = |c: usize| crate::load::trim_cell(record.get(c).unwrap_or(""));
        let number = |c: usize, what: &str| -> Result<f64> {
            let text = cell(c);
            match text.parse::<f64>() {
                Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
                Ok(_) => Err(plan.err(
                    line,
                    c,
                    format!("{what} {} must be a number above 0", quote_cell(text)),
                )),
                Err(_) if text.is_empty() => {
                    Err(plan.err(line, c, format!("no {what} (every respondent needs one)")))
                }
                Err(_) => Err(plan.err(
                    line,
                    c,
                    format!("{what} {} is not a number", quote_cell(text)),
                )),
            }
        };
        let weight = number(self.weight, "weight")?;
        let fpc = self.fpc.map(|c| number(c, "fpc")).transpose()?;
        let label = |c: Option<usize>, what: &str| -> Result<Option<&str>> {
            match c {
                None => Ok(None),
                Some(c) if cell(c).is_empty() => {
                    Err(plan.err(line, c, format!("no {what} (every respondent needs one)")))
                }
                Some(c) => Ok(Some(cell(c))),
            }
        };
        let stratum = label(self.strata, "stratum")?.unwrap_or("");
        let cluster = label(self.cluster, "cluster")?;
        let (stratum, psu) = weighted
            .locate(stratum, cluster, fpc, line)
            .map_err(|m| plan.err(line, self.fpc.unwrap_or(self.weight), m))?;
        Ok(RowDesign {
            weight,
            stratum,
            psu,
        })
    }
}
