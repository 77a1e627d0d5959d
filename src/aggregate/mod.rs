//! Respondent rows → counts per region (and the all-regions total), then small-cell suppression.
//! Only counts are kept while rows stream by: memory follows regions × questions × options, not
//! the number of rows (free-text answers, which are shown verbatim, are the exception).
//!
//! `count.rs` tallies the rows, `design.rs` + `estimate.rs` make the design-based estimates of a
//! weighted sample, `suppress.rs` hides small cells and what would give them away,
//! `withhold.rs` holds back free text that could identify respondents.

mod count;
mod design;
mod estimate;
mod suppress;
#[cfg(test)]
mod tests;
mod withhold;

pub use count::{FromRows, Respondent, Tally};
pub use design::{RowDesign, Weighted};
pub use suppress::{Suppression, suppress_small_cells, suppress_small_cells_in};
