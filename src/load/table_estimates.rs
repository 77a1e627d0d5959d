//! The optional `estimate,lower,upper` columns of the count tables: estimates and 95% intervals
//! a survey office computed elsewhere, in percent as published. Each problem names its cell.

use std::collections::HashMap;

use anyhow::Result;

use super::{located, quote_cell};
use crate::model::{Count, Estimate, Survey};

pub const ESTIMATE: &str = "estimate";
pub const LOWER: &str = "lower";
pub const UPPER: &str = "upper";

/// Where the estimate columns are in a table (1-based, for messages).
pub struct Columns {
    estimate: u64,
    /// `lower` and `upper`, when the table gives intervals.
    bounds: Option<(u64, u64)>,
}

/// The estimate columns of a table, if it has them: `estimate` alone or with `lower` and
/// `upper`, and only in a project whose figures are not estimated from respondent rows.
pub fn columns(survey: &Survey, headers: &[String], file: &str) -> Result<Option<Columns>> {
    let at = |name: &str| headers.iter().position(|h| h == name).map(|i| i as u64 + 1);
    let (estimate, lower, upper) = (at(ESTIMATE), at(LOWER), at(UPPER));
    let bounds = match (lower, upper) {
        (Some(l), Some(u)) => Some((l, u)),
        (None, None) => None,
        (Some(c), None) | (None, Some(c)) => {
            return Err(located(
                file,
                1,
                Some(c),
                "the columns lower and upper go together (the two bounds of the 95% interval): add the other one or remove this one",
            ));
        }
    };
    let estimate = match (estimate, bounds) {
        (Some(e), _) => e,
        (None, None) => return Ok(None),
        (None, Some((l, _))) => {
            return Err(located(
                file,
                1,
                Some(l),
                "the columns lower and upper bound an estimate: add the column estimate",
            ));
        }
    };
    if let Some(d) = &survey.data.design {
        return Err(located(
            file,
            1,
            Some(estimate),
            format!(
                "the codebook's `design:` (weight column \"{}\", data/codebook.yaml:{}) estimates every % from the respondent rows: remove the estimate columns, or the design to show the office's estimates",
                d.weight.0, d.weight.1
            ),
        ));
    }
    if let Some(rows) = &survey.data.rows_file {
        return Err(located(
            file,
            1,
            Some(estimate),
            format!(
                "the figures counted from {rows} have no estimate: estimate columns need every count in the tables"
            ),
        ));
    }
    Ok(Some(Columns { estimate, bounds }))
}

/// The cross-tab gives estimates exactly when data/counts.csv does: a page never mixes the
/// office's estimates with count ÷ base.
pub fn check_both(survey: &Survey, crosstab_given: bool, file: &str) -> Result<()> {
    match (survey.data.estimates_given, crosstab_given) {
        (true, false) => Err(located(
            file,
            1,
            None,
            format!(
                "{} gives the office's estimates (columns estimate,lower,upper): the cross-tab needs them too",
                super::tables::COUNTS
            ),
        )),
        (false, true) => Err(located(
            file,
            1,
            None,
            format!(
                "estimate columns here but not in {}: give the office's estimates in both tables or in neither",
                super::tables::COUNTS
            ),
        )),
        _ => Ok(()),
    }
}

/// The cross-tab's 計 row (every respondent of the region) is the region's own estimate.
pub fn total_rows(survey: &mut Survey) {
    let keys: Vec<(String, String, String)> = survey
        .data
        .crosstab
        .keys()
        .map(|(r, q, _, o)| (r.clone(), q.clone(), o.clone()))
        .collect();
    for (r, q, o) in keys {
        if let Some(&e) = survey
            .data
            .estimates
            .get(&(r.clone(), q.clone(), o.clone()))
        {
            survey.data.crosstab_estimates.insert((r, q, None, o), e);
        }
    }
}

impl Columns {
    /// The estimate of one row whose count is `count`: required for a reported count, none
    /// for `…` (a count not reported shows no estimate).
    pub fn read(
        &self,
        file: &str,
        line: u64,
        row: &HashMap<String, String>,
        count: Count,
    ) -> Result<Option<Estimate>> {
        let value = |name: &str, column: u64| -> Result<Option<f64>> {
            let text = row.get(name).map_or("", |s| s.trim());
            parse_percent(text).map_err(|()| {
                located(
                    file,
                    line,
                    Some(column),
                    format!(
                        "{name} {} is not a percent from 0 to 100 (e.g. 12.3 or 12.3%; leave it empty or write … when not given)",
                        quote_cell(text)
                    ),
                )
            })
        };
        let estimate = value(ESTIMATE, self.estimate)?;
        let bounds = match self.bounds {
            None => None,
            Some((l, u)) => match (value(LOWER, l)?, value(UPPER, u)?) {
                (Some(lo), Some(hi)) => Some((lo, hi)),
                (None, None) => None,
                (Some(_), None) | (None, Some(_)) => {
                    let missing = if row.get(LOWER).is_some_and(|s| is_given(s)) {
                        (UPPER, u)
                    } else {
                        (LOWER, l)
                    };
                    return Err(located(
                        file,
                        line,
                        Some(missing.1),
                        format!(
                            "{} is empty: give both bounds of the 95% interval or neither",
                            missing.0
                        ),
                    ));
                }
            },
        };
        let Some(p) = estimate else {
            if bounds.is_some() {
                return Err(located(
                    file,
                    line,
                    Some(self.estimate),
                    "the estimate is empty but its interval is given: give the estimate too",
                ));
            }
            if let Count::Value(c) = count {
                return Err(located(
                    file,
                    line,
                    Some(self.estimate),
                    format!(
                        "the estimate is empty, but the count {c} is reported: give the office's estimate (a reader's % is the estimate), or write … as the count"
                    ),
                ));
            }
            return Ok(None);
        };
        if count.value().is_none() {
            return Err(located(
                file,
                line,
                Some(self.estimate),
                "the count is not reported (…), so its estimate cannot be shown: leave estimate, lower and upper empty",
            ));
        }
        if let Some((lo, hi)) = bounds
            && !(lo <= p && p <= hi)
        {
            return Err(located(
                file,
                line,
                Some(self.estimate),
                format!(
                    "estimate {p} is not within its interval {lo} to {hi} (expected lower ≤ estimate ≤ upper)"
                ),
            ));
        }
        Ok(Some(Estimate::given(p, bounds)))
    }
}

fn is_given(text: &str) -> bool {
    !matches!(text.trim(), "" | "…" | "...")
}

/// A percent cell: `12.3` or `12.3%`, 0 to 100; `Ok(None)` for empty or `…` (not given).
fn parse_percent(text: &str) -> Result<Option<f64>, ()> {
    if !is_given(text) {
        return Ok(None);
    }
    let number = text.strip_suffix('%').unwrap_or(text).trim_end();
    // Digits and one point only: no sign, exponent, `inf` or `NaN`.
    if number.is_empty()
        || !number.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        || number.bytes().filter(|&b| b == b'.').count() > 1
    {
        return Err(());
    }
    match number.parse::<f64>() {
        Ok(v) if (0.0..=100.0).contains(&v) => Ok(Some(v)),
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_cells() {
        assert_eq!(parse_percent("12.3"), Ok(Some(12.3)));
        assert_eq!(parse_percent("12.3%"), Ok(Some(12.3)));
        assert_eq!(parse_percent("0"), Ok(Some(0.0)));
        assert_eq!(parse_percent("100"), Ok(Some(100.0)));
        assert_eq!(parse_percent(""), Ok(None));
        assert_eq!(parse_percent("…"), Ok(None));
        assert_eq!(parse_percent("100.1"), Err(()));
        assert_eq!(parse_percent("-1"), Err(()));
        assert_eq!(parse_percent("1e1"), Err(()));
        assert_eq!(parse_percent("NaN"), Err(()));
        assert_eq!(parse_percent("."), Err(()));
        assert_eq!(parse_percent("%"), Err(()));
        assert_eq!(parse_percent("1.2.3"), Err(()));
    }
}
