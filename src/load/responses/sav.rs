//! An SPSS .sav file (or .zsav) as header and rows of cell text, read with ambers (pure Rust):
//! the header is the variable names, a cell is the stored code (`1`, `2`, or a string's text),
//! and a user-missing value (「無回答」= 9, declared missing in the file) is an empty cell, so it
//! is never an answer. The dictionary — variable labels, value labels in coded order, missing
//! values, multiple-response sets — is kept for `new --from` to write the codebook from.

use std::path::Path;

use anyhow::Result;
use arrow_array::{Array, Float64Array, StringViewArray};

use super::source::{Place, Table, TableRow};

/// One variable of the file's dictionary.
#[derive(Debug, Clone, Default)]
pub struct Variable {
    pub name: String,
    /// The variable label ("" when the file gives none).
    pub label: String,
    /// Value labels of the values that are answers, in coded order: (code, label).
    pub labels: Vec<(String, String)>,
    /// Value labels of user-missing values: (code, label), in coded order.
    pub missing_labels: Vec<(String, String)>,
    /// Whether the file declares user-missing values for it.
    pub has_missing: bool,
    pub string: bool,
}

/// A multiple-response set the file defines (SPSS MRSETS).
#[derive(Debug, Clone)]
pub struct ResponseSet {
    pub name: String,
    pub label: String,
    /// Dichotomy sets: the code that means "chosen" (`1`); category sets: `None`.
    pub counted: Option<String>,
    pub variables: Vec<String>,
}

/// A .sav file read whole.
#[derive(Debug, Default)]
pub struct Sav {
    pub table: Table,
    pub variables: Vec<Variable>,
    pub sets: Vec<ResponseSet>,
}

/// A numeric code as text: `1` for 1.0, `2.5` for 2.5 (what `values:` in the codebook names).
pub fn code(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn is_missing(specs: &[ambers::MissingSpec], value: &ambers::Value) -> bool {
    specs.iter().any(|s| match (s, value) {
        (ambers::MissingSpec::Value(x), ambers::Value::Numeric(v)) => x == v,
        (ambers::MissingSpec::Range { lo, hi }, ambers::Value::Numeric(v)) => lo <= v && v <= hi,
        (ambers::MissingSpec::StringValue(x), ambers::Value::String(v)) => {
            x.trim_end() == v.trim_end()
        }
        _ => false,
    })
}

/// Reads the file at `path`, shown as `shown`.
pub fn read(path: &Path, shown: &str) -> Result<Sav> {
    // ambers can panic on a damaged file (an overflow in a record length): that must end as an
    // error naming the file, not a crash, nor a panic message on the terminal. (The hook is
    // process-wide: a panic elsewhere meanwhile would be reported by its own caller only.)
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let read = std::panic::catch_unwind(|| ambers::read_sav(path));
    std::panic::set_hook(hook);
    let (batch, meta) = match read {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => anyhow::bail!(
            "{shown}: cannot be read as an SPSS .sav file ({e}): save it again from SPSS or PSPP"
        ),
        Err(_) => anyhow::bail!(
            "{shown}: cannot be read as an SPSS .sav file (the file is damaged): save it again from SPSS or PSPP"
        ),
    };
    // A file cut short reads as fewer cases: that is no survey to count.
    if !meta.warnings.is_empty() {
        anyhow::bail!(
            "{shown}: the file looks damaged ({}): save it again from SPSS or PSPP",
            meta.warnings.join("; ")
        );
    }
    let names = meta.variable_names.clone();
    if names.is_empty() || batch.num_columns() != names.len() {
        anyhow::bail!("{shown}: the file has no variables");
    }
    let mut variables = Vec::with_capacity(names.len());
    let mut missing_specs = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let specs = meta
            .variable_missing_values
            .get(name)
            .cloned()
            .unwrap_or_default();
        let mut labels: Vec<(ambers::Value, String)> = meta
            .value_labels(name)
            .map(|m| m.iter().map(|(v, l)| (v.clone(), l.clone())).collect())
            .unwrap_or_default();
        labels.sort_by(|a, b| a.0.cmp(&b.0));
        let text = |v: &ambers::Value| match v {
            ambers::Value::Numeric(x) => code(*x),
            ambers::Value::String(s) => s.trim_end().to_string(),
        };
        let (missing, answers): (Vec<_>, Vec<_>) =
            labels.iter().partition(|(v, _)| is_missing(&specs, v));
        variables.push(Variable {
            name: name.clone(),
            label: meta.label(name).unwrap_or("").trim().to_string(),
            labels: answers
                .iter()
                .map(|(v, l)| (text(v), l.trim().to_string()))
                .collect(),
            missing_labels: missing
                .iter()
                .map(|(v, l)| (text(v), l.trim().to_string()))
                .collect(),
            has_missing: !specs.is_empty(),
            string: batch.column(i).as_any().is::<StringViewArray>(),
        });
        missing_specs.push(specs);
    }
    let rows = batch.num_rows();
    let mut table_rows: Vec<TableRow> = (0..rows)
        .map(|r| TableRow {
            at: r as u64 + 1,
            cells: Vec::with_capacity(names.len()),
            bad: Vec::new(),
        })
        .collect();
    for (i, column) in batch.columns().iter().enumerate() {
        let specs = &missing_specs[i];
        if let Some(a) = column.as_any().downcast_ref::<Float64Array>() {
            for (r, row) in table_rows.iter_mut().enumerate() {
                let cell = if a.is_null(r) {
                    String::new()
                } else {
                    let v = a.value(r);
                    if is_missing(specs, &ambers::Value::Numeric(v)) {
                        String::new()
                    } else {
                        code(v)
                    }
                };
                row.cells.push(cell);
            }
        } else if let Some(a) = column.as_any().downcast_ref::<StringViewArray>() {
            for (r, row) in table_rows.iter_mut().enumerate() {
                let cell = if a.is_null(r) {
                    String::new()
                } else {
                    let v = a.value(r).trim_end();
                    if is_missing(specs, &ambers::Value::String(v.to_string())) {
                        String::new()
                    } else {
                        v.to_string()
                    }
                };
                row.cells.push(cell);
            }
        } else {
            // Dates, times and durations: as arrow shows them (2024-06-01, 2024-06-01T10:00:00).
            let options = arrow_cast::display::FormatOptions::default();
            let format = arrow_cast::display::ArrayFormatter::try_new(column.as_ref(), &options)
                .map_err(|e| anyhow::anyhow!("{shown}: variable {}: {e}", names[i]))?;
            for (r, row) in table_rows.iter_mut().enumerate() {
                let cell = if column.is_null(r) {
                    String::new()
                } else {
                    format.value(r).to_string()
                };
                row.cells.push(cell);
            }
        }
    }
    let sets = meta
        .mr_sets
        .values()
        .map(|s| ResponseSet {
            name: s.name.trim_start_matches('$').to_string(),
            label: s.label.trim().to_string(),
            counted: match s.mr_type {
                ambers::MrType::MultipleDichotomy => Some(
                    s.counted_value
                        .as_deref()
                        .map(|c| match c.trim().parse::<f64>() {
                            Ok(v) => code(v),
                            Err(_) => c.trim().to_string(),
                        })
                        .unwrap_or_else(|| "1".into()),
                ),
                ambers::MrType::MultipleCategory => None,
            },
            variables: s.variables.clone(),
        })
        .collect();
    Ok(Sav {
        table: Table {
            headers: names,
            place: Some(Place::Case),
            rows: table_rows,
        },
        variables,
        sets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_as_written() {
        assert_eq!(code(1.0), "1");
        assert_eq!(code(-9.0), "-9");
        assert_eq!(code(2.5), "2.5");
    }

    #[test]
    fn user_missing_values_and_ranges() {
        let specs = [
            ambers::MissingSpec::Value(9.0),
            ambers::MissingSpec::Range { lo: 97.0, hi: 99.0 },
        ];
        assert!(is_missing(&specs, &ambers::Value::Numeric(9.0)));
        assert!(is_missing(&specs, &ambers::Value::Numeric(98.0)));
        assert!(!is_missing(&specs, &ambers::Value::Numeric(1.0)));
    }
}
