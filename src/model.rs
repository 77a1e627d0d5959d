//! The survey as plain data: the codebook (regions, questions, options, bases) and the numbers
//! loaded from data/. Everything here is validated by `load`; rendering only reads it.

use std::collections::BTreeMap;

/// One characteristic every respondent has (e.g. 病院としての主な機能), used for cross-tabs.
#[derive(Debug, Clone)]
pub struct Dimension {
    pub id: String,
    pub title: String,
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Region {
    pub id: String,
    pub title: String,
    pub description: String,
    /// The all-regions figures (e.g. 都全域), shown as the comparison.
    pub total: bool,
    /// The group the regions index lists it under (e.g. its prefecture), if the codebook gives one.
    pub group: Option<String>,
}

/// Who a question was asked of.
#[derive(Debug, Clone)]
pub struct Base {
    pub id: String,
    pub title: String,
    /// `None`: every respondent of the region. `Some`: the sum of these options' counts.
    pub from: Option<BaseFrom>,
}

#[derive(Debug, Clone)]
pub struct BaseFrom {
    pub question: String,
    pub options: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionKind {
    Single,
    Multiple,
    Text,
}

impl QuestionKind {
    pub fn label(self) -> &'static str {
        match self {
            QuestionKind::Single => "単一回答",
            QuestionKind::Multiple => "複数回答",
            QuestionKind::Text => "自由記述",
        }
    }

    pub fn is_choice(self) -> bool {
        self != QuestionKind::Text
    }
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub title: String,
    pub short: String,
    pub kind: QuestionKind,
    pub base: String,
    pub key_option: Option<String>,
    pub options: Vec<ChoiceOption>,
    pub notes: Vec<String>,
}

impl Question {
    pub fn option(&self, id: &str) -> Option<&ChoiceOption> {
        self.options.iter().find(|o| o.id == id)
    }

    /// The option whose figure stands for the question on region pages.
    pub fn key_option(&self) -> Option<&ChoiceOption> {
        match &self.key_option {
            Some(id) => self.option(id),
            None => self.options.first(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ChoiceOption {
    pub id: String,
    pub label: String,
    /// Text typed into this option (その他) is listed with the free-text answers.
    pub other: bool,
}

/// A count as the source gives it: a number, or nothing (not reported, shown `…`), or a number
/// hidden by small-cell suppression (shown `x`; it never reaches a page, a CSV or a chart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Value(u64),
    NotReported,
    Suppressed,
}

/// The shown form of a suppressed count.
pub const SUPPRESSED: &str = "x";

impl Count {
    /// The number, if it may be shown.
    pub fn value(self) -> Option<u64> {
        match self {
            Count::Value(v) => Some(v),
            Count::NotReported | Count::Suppressed => None,
        }
    }
}

/// A note on one region × question: why a value is not reported, where a number comes from.
#[derive(Debug, Clone)]
pub struct Note {
    pub region: String,
    pub question: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Answer {
    pub region: String,
    pub question: String,
    /// `None` for a free-text question; the その他 option's id for text typed into it.
    pub option: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Data {
    /// Respondents per region.
    pub respondents: BTreeMap<String, u64>,
    /// Respondents per region × dimension group.
    pub group_respondents: BTreeMap<(String, String), u64>,
    /// region, question, option → count
    pub counts: BTreeMap<(String, String, String), Count>,
    /// region, question, group, option → count
    pub crosstab: BTreeMap<(String, String, String, String), Count>,
    /// In file order.
    pub answers: Vec<Answer>,
    /// Where each count was read (data/counts.csv line), for error messages.
    pub count_lines: std::collections::HashMap<(String, String, String), u64>,
    /// region, question: free-text answers withheld by suppression (not absent from the source).
    pub withheld: std::collections::BTreeSet<(String, String)>,
    /// The respondent file the figures already here were counted from, before the tables are
    /// read (for their messages: those figures must not be given again).
    pub rows_file: Option<String>,
    /// The sample design (codebook `design:`): `None` for a census, whose figures are counts.
    pub design: Option<Design>,
    /// The count tables carry the office's own estimates (columns `estimate,lower,upper`), read
    /// into `estimates`: `Survey::estimates` says what a reader's % is.
    pub estimates_given: bool,
    /// region, question, option → the design-based estimate, or the office's given one
    /// (weighted projects only).
    pub estimates: BTreeMap<(String, String, String), Estimate>,
    /// region, question, group (`None`: every respondent of the region, the cross-tab's 計 row),
    /// option → the cross-tab's design-based estimate (weighted projects only).
    pub crosstab_estimates: BTreeMap<(String, String, Option<String>, String), Estimate>,
    /// question, option → the estimate over every respondent in the question's base: the ranked
    /// chart's pooled all-regions line (weighted projects without a total region only).
    pub pooled: BTreeMap<(String, String), Estimate>,
    /// The folder holding the tables when it is not data/ (an edition's, src/load/editions.rs);
    /// `Some` also lets a region have no row at all (not reported in that edition).
    pub folder: Option<String>,
}

/// The codebook's `design:` section: columns of the respondent export (with the codebook line
/// each was written on, for messages).
#[derive(Debug, Clone)]
pub struct Design {
    pub weight: (String, u64),
    pub strata: Option<(String, u64)>,
    pub cluster: Option<(String, u64)>,
    pub fpc: Option<(String, u64)>,
}

/// A design-based estimate of a proportion (src/aggregate/estimate.rs says how it is made).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Estimate {
    /// The estimated proportion, 0 to 1.
    pub p: f64,
    /// Its standard error (Taylor linearisation).
    pub se: f64,
    /// The degrees of freedom of the domain (PSUs − strata with a respondent in it).
    pub df: u64,
    /// The 95% confidence interval (logit), when it can be computed: 0 < p < 1 and df ≥ 2.
    pub ci: Option<(f64, f64)>,
    /// The test of this region against the rest of the survey, when it can be done.
    pub test: Option<Test>,
}

/// Where the percentages a reader sees come from.
#[derive(Debug, Clone, Copy)]
pub enum Estimates<'a> {
    /// A census: count ÷ base.
    Counts,
    /// A weighted sample, estimated by surveysite from the respondent rows with this design.
    Design(&'a Design),
    /// Estimates and intervals computed by the survey office elsewhere, given in the count
    /// tables (`estimate,lower,upper`): no standard error, no test, so no mark.
    Tables,
}

impl Estimate {
    /// An estimate as the office publishes it: percent (0–100) and, when given, its interval.
    pub fn given(percent: f64, interval: Option<(f64, f64)>) -> Estimate {
        Estimate {
            p: percent / 100.0,
            // Unknown: the office gives bounds, not a standard error (nothing reads these two
            // for given estimates; the interval is shown as given).
            se: f64::NAN,
            df: 0,
            ci: interval.map(|(lo, hi)| (lo / 100.0, hi / 100.0)),
            test: None,
        }
    }
}

/// A design-based t test of a region's proportion against the rest of the survey.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Test {
    /// The region's estimate minus the rest's.
    pub difference: f64,
    pub t: f64,
    pub df: u64,
    pub p: f64,
}

impl Test {
    /// Significant at 5%: the mark a reader sees (higher or lower than the rest).
    pub fn mark(&self) -> Option<&'static str> {
        match (self.p < 0.05, self.difference > 0.0) {
            (false, _) => None,
            (true, true) => Some("▲"),
            (true, false) => Some("▼"),
        }
    }
}

/// A proportion as a reader sees it: percent to one decimal (`12.2%`), rounded from the exact
/// binary value (so R's figure printed to one decimal reads the same).
pub fn percent_of(p: f64) -> String {
    format!("{:.1}%", p * 100.0)
}

/// A confidence interval as a reader sees it: `10.8〜13.6%`.
pub fn interval_of(separator: &str, (lower, upper): (f64, f64)) -> String {
    format!("{:.1}{separator}{:.1}%", lower * 100.0, upper * 100.0)
}

/// One edition of a survey repeated over time (codebook `editions:`, src/load/editions.rs).
#[derive(Debug, Clone)]
pub struct Edition {
    pub id: String,
    /// What readers see: 「2025年度調査」.
    pub label: String,
    /// ISO date (YYYY-MM-DD).
    pub date: String,
    /// question id → its wording in this edition, where it differed from the codebook's title.
    pub wording: BTreeMap<String, String>,
    /// What this edition asked (questions and options it did not ask are absent) and its data.
    pub survey: std::sync::Arc<Survey>,
}

#[derive(Debug, Clone)]
pub struct Survey {
    /// What one respondent is called in counts: 「4病院」. Default 「件」.
    pub unit: String,
    pub dimension: Option<Dimension>,
    pub regions: Vec<Region>,
    pub bases: Vec<Base>,
    pub questions: Vec<Question>,
    pub notes: Vec<Note>,
    pub data: Data,
}

impl Survey {
    /// The design-based estimate of an option in a region (weighted projects only).
    pub fn estimate(&self, region: &str, question: &str, option: &str) -> Option<&Estimate> {
        self.data
            .estimates
            .get(&(region, question, option) as &dyn lookup::Three)
    }

    /// Where the % a reader sees comes from: counts, the codebook's design, or the tables.
    pub fn estimates(&self) -> Estimates<'_> {
        match (&self.data.design, self.data.estimates_given) {
            (Some(d), _) => Estimates::Design(d),
            (None, true) => Estimates::Tables,
            (None, false) => Estimates::Counts,
        }
    }

    /// Does a reader see estimates with intervals (a weighted sample, or estimates given by the
    /// office), rather than count ÷ base?
    pub fn weighted(&self) -> bool {
        !matches!(self.estimates(), Estimates::Counts)
    }

    /// The share (0–100) of an option in a region a reader sees: the design-based estimate of a
    /// weighted sample, else count ÷ base. `None` when the count is not shown (`…`, `x`).
    pub fn share_of(&self, region: &str, q: &Question, option: &str) -> Option<f64> {
        let count = self.count(region, &q.id, option);
        match (count, self.estimate(region, &q.id, option)) {
            (Count::Value(_), Some(e)) => Some(e.p * 100.0),
            _ => share(count, self.base_count(region, q)),
        }
    }

    /// The percent of an option in a region as shown (`12.2%`), as `share_of`.
    pub fn percent_of(&self, region: &str, q: &Question, option: &str) -> Option<String> {
        let count = self.count(region, &q.id, option);
        match (count, self.estimate(region, &q.id, option)) {
            (Count::Value(_), Some(e)) => Some(percent_of(e.p)),
            _ => percent(count, self.base_count(region, q)),
        }
    }

    /// The cross-tab's estimate behind a shown figure of a region × group (`None`: the region's
    /// 計 row), as `shown_estimate`: `None` when the count is hidden or the survey is a census.
    pub fn crosstab_shown_estimate(
        &self,
        region: &str,
        question: &str,
        group: Option<&str>,
        option: &str,
    ) -> Option<&Estimate> {
        let count = match group {
            Some(g) => self.crosstab_count(region, question, g, option),
            None => self.count(region, question, option),
        };
        count.value()?;
        self.data
            .crosstab_estimates
            .get(&(region, question, group, option) as &dyn lookup::FourMaybe)
    }

    /// The estimate behind a shown figure: `None` when the count is hidden (a suppressed cell's
    /// interval and mark are never shown) or the survey is a census.
    pub fn shown_estimate(&self, region: &str, question: &str, option: &str) -> Option<&Estimate> {
        match self.count(region, question, option) {
            Count::Value(_) => self.estimate(region, question, option),
            Count::NotReported | Count::Suppressed => None,
        }
    }

    pub fn region(&self, id: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.id == id)
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    pub fn base(&self, id: &str) -> Option<&Base> {
        self.bases.iter().find(|b| b.id == id)
    }

    pub fn count(&self, region: &str, question: &str, option: &str) -> Count {
        self.data
            .counts
            .get(&(region, question, option) as &dyn lookup::Three)
            .copied()
            .unwrap_or(Count::NotReported)
    }

    pub fn respondents(&self, region: &str) -> Count {
        self.data
            .respondents
            .get(region)
            .map_or(Count::NotReported, |&n| Count::Value(n))
    }

    /// Respondents of a region in one group of the dimension.
    pub fn group_respondents(&self, region: &str, group: &str) -> Count {
        self.data
            .group_respondents
            .get(&(region, group) as &dyn lookup::Two)
            .map_or(Count::NotReported, |&n| Count::Value(n))
    }

    /// A cross-tab cell: the count of an option within one group of the dimension.
    pub fn crosstab_count(&self, region: &str, question: &str, group: &str, option: &str) -> Count {
        self.data
            .crosstab
            .get(&(region, question, group, option) as &dyn lookup::Four)
            .copied()
            .unwrap_or(Count::NotReported)
    }

    /// The number of respondents a question was asked of in a region.
    pub fn base_count(&self, region: &str, question: &Question) -> Count {
        let Some(base) = self.base(&question.base) else {
            return Count::NotReported;
        };
        match &base.from {
            None => self.respondents(region),
            Some(from) => {
                let mut sum = 0;
                for option in &from.options {
                    match self.count(region, &from.question, option) {
                        Count::Value(v) => sum += v,
                        // A base made of a hidden count would give it away.
                        hidden @ (Count::NotReported | Count::Suppressed) => return hidden,
                    }
                }
                Count::Value(sum)
            }
        }
    }

    pub fn notes_for(&self, region: &str, question: &str) -> impl Iterator<Item = &Note> {
        self.notes
            .iter()
            .filter(move |n| n.region == region && n.question == question)
    }

    /// Were this region's answers to the question withheld by suppression?
    pub fn answers_withheld(&self, region: &str, question: &str) -> bool {
        self.data
            .withheld
            .contains(&(region.to_string(), question.to_string()))
    }

    pub fn answers_for<'a>(
        &'a self,
        region: &'a str,
        question: &'a str,
    ) -> impl Iterator<Item = &'a Answer> {
        self.data
            .answers
            .iter()
            .filter(move |a| a.region == region && a.question == question)
    }

    /// Does the cross-tab data hold this question?
    pub fn crosstab_options<'a>(&self, question: &'a Question) -> Vec<&'a ChoiceOption> {
        // One pass over the cross-tab (not one per option): callers ask once per question.
        let given: std::collections::BTreeSet<&str> = self
            .data
            .crosstab
            .keys()
            .filter(|(_, q, _, _)| q == &question.id)
            .map(|(_, _, _, opt)| opt.as_str())
            .collect();
        question
            .options
            .iter()
            .filter(|o| given.contains(o.id.as_str()))
            .collect()
    }
}

/// Percent of `base`, to one decimal, rounded half up, computed in integers so that the same
/// numbers always print the same way. `None` when either side is not reported or the base is 0.
pub fn percent(count: Count, base: Count) -> Option<String> {
    let (Count::Value(c), Count::Value(b)) = (count, base) else {
        return None;
    };
    if b == 0 {
        return None;
    }
    let (c, b) = (u128::from(c), u128::from(b));
    let tenths = (c * 2000 + b) / (2 * b);
    Some(format!("{}.{}%", tenths / 10, tenths % 10))
}

/// The share as a number from 0 to 100 (for bar widths), or `None` as `percent`.
pub fn share(count: Count, base: Count) -> Option<f64> {
    match (count, base) {
        (Count::Value(c), Count::Value(b)) if b > 0 => Some(c as f64 * 100.0 / b as f64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_half_up_to_one_decimal() {
        assert_eq!(percent(Count::Value(4), Count::Value(16)).unwrap(), "25.0%");
        assert_eq!(percent(Count::Value(1), Count::Value(3)).unwrap(), "33.3%");
        assert_eq!(percent(Count::Value(2), Count::Value(3)).unwrap(), "66.7%");
        assert_eq!(percent(Count::Value(1), Count::Value(8)).unwrap(), "12.5%");
        assert_eq!(percent(Count::Value(1), Count::Value(16)).unwrap(), "6.3%");
        assert_eq!(percent(Count::Value(0), Count::Value(16)).unwrap(), "0.0%");
    }

    #[test]
    fn percent_of_not_reported_is_none() {
        assert_eq!(percent(Count::NotReported, Count::Value(16)), None);
        assert_eq!(percent(Count::Value(3), Count::NotReported), None);
        assert_eq!(percent(Count::Value(0), Count::Value(0)), None);
    }
}

/// Looking a figure up by `&str`s in a map keyed by a tuple of `String`s, without making the
/// owned key first: pages and charts ask hundreds of thousands of times. A tuple of `&str`s
/// orders as the tuple of `String`s it stands for, so the map finds it where it would find that.
mod lookup {
    use std::borrow::Borrow;
    use std::cmp::Ordering;

    macro_rules! borrowed_key {
        ($name:ident, ($($owned:ty),+), ($($borrowed:ty),+), |$k:ident| $parts:expr) => {
            pub trait $name {
                fn parts(&self) -> ($($borrowed),+);
            }
            impl $name for ($($owned),+) {
                fn parts(&self) -> ($($borrowed),+) {
                    let $k = self;
                    $parts
                }
            }
            impl $name for ($($borrowed),+) {
                fn parts(&self) -> ($($borrowed),+) {
                    *self
                }
            }
            impl<'a> Borrow<dyn $name + 'a> for ($($owned),+) {
                fn borrow(&self) -> &(dyn $name + 'a) {
                    self
                }
            }
            impl PartialEq for dyn $name + '_ {
                fn eq(&self, other: &Self) -> bool {
                    self.parts() == other.parts()
                }
            }
            impl Eq for dyn $name + '_ {}
            impl PartialOrd for dyn $name + '_ {
                fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                    Some(self.cmp(other))
                }
            }
            impl Ord for dyn $name + '_ {
                fn cmp(&self, other: &Self) -> Ordering {
                    self.parts().cmp(&other.parts())
                }
            }
        };
    }

    borrowed_key!(Two, (String, String), (&str, &str), |k| (&k.0, &k.1));
    borrowed_key!(Three, (String, String, String), (&str, &str, &str), |k| (
        &k.0, &k.1, &k.2
    ));
    borrowed_key!(
        Four,
        (String, String, String, String),
        (&str, &str, &str, &str),
        |k| (&k.0, &k.1, &k.2, &k.3)
    );
    borrowed_key!(
        FourMaybe,
        (String, String, Option<String>, String),
        (&str, &str, Option<&str>, &str),
        |k| (&k.0, &k.1, k.2.as_deref(), &k.3)
    );

    #[cfg(test)]
    mod tests {
        use super::*;
        use std::collections::BTreeMap;

        #[test]
        fn a_borrowed_key_finds_what_the_owned_key_finds() {
            let ids = ["", "a", "a-b", "ab", "b", "北部", "r10", "r2"];
            let mut map = BTreeMap::new();
            let mut maybe = BTreeMap::new();
            for (i, a) in ids.iter().enumerate() {
                for b in &ids[..i] {
                    map.insert((a.to_string(), b.to_string(), "o".to_string()), (a, b));
                    maybe.insert(
                        (a.to_string(), "q".into(), Some(b.to_string()), "o".into()),
                        1,
                    );
                    maybe.insert((a.to_string(), "q".into(), None, "o".into()), 2);
                }
            }
            for a in ids {
                for b in ids {
                    let found = map.get(&(a, b, "o") as &dyn Three);
                    assert_eq!(found, map.get(&(a.into(), b.into(), "o".into())));
                    let at = |x| ids.iter().position(|i| *i == x);
                    assert_eq!(found.is_some(), at(b) < at(a), "{a} {b}");
                    let k = (a, "q", Some(b), "o");
                    let owned = (a.to_string(), "q".into(), Some(b.to_string()), "o".into());
                    assert_eq!(maybe.get(&k as &dyn FourMaybe), maybe.get(&owned));
                }
                let none = (a.to_string(), "q".into(), None, "o".into());
                assert_eq!(
                    maybe.get(&(a, "q", None, "o") as &dyn FourMaybe),
                    maybe.get(&none)
                );
            }
            assert_eq!(map.get(&("a", "b", "x") as &dyn Three), None);
        }
    }
}
