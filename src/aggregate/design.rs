//! Weighted rows → the per-stratum sums that design-based estimates need (src/aggregate/
//! estimate.rs turns them into estimates, intervals and tests). Memory follows strata × regions ×
//! options, plus the PSUs when the design has clusters (a cluster's rows may come in any order,
//! so its totals are kept until the end); without clusters each row is its own PSU and is added
//! to its domains' Σ w and Σ w² at once: memory stays flat in the number of rows. Once every row
//! is read, `Weighted::finish` leaves one `Table` that the estimates read by index.
//!
//! Domains: a region's respondents in a question's base (who was asked), and the same for every
//! respondent (slot `everyone`), which gives the total region's figures (or, without a total
//! region, the pooled figure of the ranked chart) and each test's "rest". For the cross-tab by the
//! dimension, a region's (or everyone's) respondents in one group, or in any group (its 計 row),
//! whether asked the question or not (as the census cross-tab divides by the group's size).

use std::collections::BTreeMap;

use super::count::Respondent;
use super::estimate::{self, Quadratic, Stratum, Sums};
use crate::model::{Estimate, Survey};

/// A row's place in the design (read from its cells by src/load/responses.rs).
#[derive(Debug, Clone, Copy, Default)]
pub struct RowDesign {
    pub weight: f64,
    pub stratum: u32,
    /// The row's cluster (PSU); `None`: the row is its own PSU.
    pub psu: Option<u32>,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct StratumInfo {
    name: String,
    /// The export's line of its first row (for messages).
    line: u64,
    /// The fpc cell: a sampling fraction (≤ 1) or the population's PSU count.
    #[serde(with = "bits")]
    fpc: Option<f64>,
    /// PSUs sampled (the whole design).
    psus: u64,
}

/// An `Option<f64>` kept between builds as its bits (read back as the very same double).
mod bits {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        v.map(f64::to_bits).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Ok(Option::<u64>::deserialize(d)?.map(f64::from_bits))
    }
}

/// One domain (slot) × question in one PSU: respondents, Σ w, and Σ w per option (only while
/// rows are read: never kept between builds).
#[derive(Debug, Clone, Default)]
struct Part {
    rows: u64,
    b: f64,
    a: Vec<f64>,
}

/// Rows that are each their own PSU (no clusters), by domain (slot) and stratum: one block of
/// sums per slot × stratum that has rows, the blocks side by side in `sums`. Per question, from
/// `Weighted::offsets[q]`: the rows of its base (counted in a double: exact below 2^53), Σ w and
/// Σ w² of the base, then per option Σ w and Σ w² of those who chose it.
#[derive(Debug, Clone, Default)]
struct RowSums {
    /// Per slot: (stratum, where its block starts in `sums`), by stratum.
    blocks: Vec<Vec<(u32, usize)>>,
    sums: Vec<f64>,
    /// A block's length (`Weighted::offsets`' last).
    len: usize,
}

impl RowSums {
    /// Where the block of `stratum` × `slot` starts in `sums`; made (zeros) when it has no row
    /// yet.
    fn start(&mut self, stratum: u32, slot: usize) -> usize {
        if self.blocks.len() <= slot {
            self.blocks.resize_with(slot + 1, Vec::new);
        }
        let list = &mut self.blocks[slot];
        match list.binary_search_by_key(&stratum, |&(h, _)| h) {
            Ok(i) => list[i].1,
            Err(i) => {
                let start = self.sums.len();
                self.sums.resize(start + self.len, 0.0);
                list.insert(i, (stratum, start));
                start
            }
        }
    }

    fn block(&mut self, stratum: u32, slot: usize) -> &mut [f64] {
        let start = self.start(stratum, slot);
        &mut self.sums[start..start + self.len]
    }

    /// Adds each block of slot `from` to the block of the same stratum of slot `to` (the sums
    /// of a domain that holds the other).
    fn add_into(&mut self, from: usize, to: usize) {
        let n = self.blocks.get(from).map_or(0, Vec::len);
        for i in 0..n {
            let (stratum, start) = self.blocks[from][i];
            let target = self.start(stratum, to);
            for k in 0..self.len {
                self.sums[target + k] += self.sums[start + k];
            }
        }
    }
}

/// One domain × question in one stratum, from clusters.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct Folded {
    /// PSUs with a respondent of the domain (for the degrees of freedom).
    psus: u64,
    /// PSUs whose base respondents are all of the domain (none left for the rest).
    only: u64,
    /// Per option.
    sums: Vec<Sums>,
}

/// Every stratum × domain's sums once the rows are read (`Weighted::finish`), found by index.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct Table {
    strata: usize,
    /// Per slot × stratum (`slot * strata + stratum`): its block, `NONE` when no PSU of the
    /// stratum has a respondent of the slot's domain.
    index: Vec<u32>,
    blocks: Blocks,
}

const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
enum Blocks {
    /// Rows that are each their own PSU: `RowSums` blocks side by side, question q's sums from
    /// `offsets[q]` (the last offset: a block's length).
    Rows {
        offsets: Vec<usize>,
        #[serde(with = "many_bits")]
        sums: Vec<f64>,
    },
    /// Clusters: per block, per question.
    Clusters(Vec<Vec<Folded>>),
}

impl Default for Blocks {
    fn default() -> Blocks {
        Blocks::Clusters(Vec::new())
    }
}

/// A `Vec<f64>` kept between builds as its bits.
mod many_bits {
    use serde::ser::SerializeSeq;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for x in v {
            seq.serialize_element(&x.to_bits())?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        Ok(Vec::<u64>::deserialize(d)?
            .into_iter()
            .map(f64::from_bits)
            .collect())
    }
}

/// One domain × question in one stratum, as `Table` holds it.
#[derive(Clone, Copy)]
enum Cell<'a> {
    /// The question's part of a `RowSums` block: rows, Σ w, Σ w², then per option Σ a, Σ a².
    Rows(&'a [f64]),
    Clusters(&'a Folded),
}

impl Cell<'_> {
    /// PSUs with a respondent of the domain (for the degrees of freedom).
    fn psus(self) -> u64 {
        match self {
            Cell::Rows(s) => s[0] as u64,
            Cell::Clusters(f) => f.psus,
        }
    }

    /// PSUs whose base respondents are all of the domain (a row that is its own PSU is).
    fn only(self) -> u64 {
        match self {
            Cell::Rows(s) => s[0] as u64,
            Cell::Clusters(f) => f.only,
        }
    }

    /// Option o's sums of the vector (a, b, A, B) over the stratum's PSUs (for rows that are
    /// their own PSU, (a, w, a, w)).
    fn sums(self, o: usize) -> Option<Sums> {
        match self {
            Cell::Rows(s) => {
                let a = s.get(3 + 2 * o..5 + 2 * o)?;
                Some(Sums::of_rows(a[0], s[1], a[1], s[2]))
            }
            Cell::Clusters(f) => f.sums.get(o).cloned(),
        }
    }
}

/// A cluster's totals until every row is read: slot → per question.
#[derive(Debug, Clone, Default)]
struct Cluster {
    stratum: u32,
    slots: BTreeMap<usize, Vec<Part>>,
}

/// The weighted side of a tally.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Weighted {
    /// Options per question (0: not counted).
    options: Vec<usize>,
    /// Per question: asked of those who chose one of these options of that question (`None`: all).
    bases: Vec<Option<(usize, Vec<usize>)>>,
    /// Regions; slot `regions` is everyone.
    regions: usize,
    /// Groups of the dimension (0: none); the cross-tab's slots follow everyone's (`xslot`).
    #[serde(default)]
    groups: usize,
    /// Per question: split by the dimension (the cross-tab)?
    #[serde(default)]
    crosstab: Vec<bool>,
    strata: Vec<StratumInfo>,
    #[serde(skip)]
    stratum_index: foldhash::HashMap<String, u32>,
    /// Per stratum: its clusters' PSU numbers by name.
    #[serde(skip)]
    cluster_index: Vec<foldhash::HashMap<String, u32>>,
    /// Emptied by `finish` (which runs before a tally is cached).
    #[serde(skip)]
    clusters: Vec<Cluster>,
    /// Rows that are their own PSU: taken into the table by `finish`.
    #[serde(skip)]
    row_sums: RowSums,
    /// Where each question's sums start in a `RowSums` block (one more: the block's length).
    #[serde(skip)]
    offsets: Vec<usize>,
    /// The sums, once `finish` has run.
    table: Table,
    /// The design has clusters (else every row is its own PSU).
    clustered: bool,
}

impl Weighted {
    /// `crosstab[q]`: question q is cross-tabbed by the dimension (its groups come from the rows).
    pub fn new(survey: &Survey, options: &[usize], crosstab: &[bool], clustered: bool) -> Weighted {
        let index = |id: &str| survey.questions.iter().position(|q| q.id == id);
        let bases = survey
            .questions
            .iter()
            .map(|q| {
                let from = survey.base(&q.base)?.from.as_ref()?;
                let bq = index(&from.question)?;
                let opts = from
                    .options
                    .iter()
                    .filter_map(|o| survey.questions[bq].options.iter().position(|x| x.id == *o))
                    .collect();
                Some((bq, opts))
            })
            .collect();
        let mut offsets = vec![0];
        for &n in options {
            offsets.push(offsets[offsets.len() - 1] + 3 + 2 * n);
        }
        Weighted {
            row_sums: RowSums {
                len: offsets[options.len()],
                ..RowSums::default()
            },
            offsets,
            options: options.to_vec(),
            bases,
            regions: survey.regions.len(),
            groups: survey.dimension.as_ref().map_or(0, |d| d.groups.len()),
            crosstab: crosstab.to_vec(),
            clustered,
            ..Weighted::default()
        }
    }

    /// The stratum and cluster of a row, by their cells; an error message when the fpc differs
    /// from the stratum's first row's.
    pub fn locate(
        &mut self,
        stratum: &str,
        cluster: Option<&str>,
        fpc: Option<f64>,
        line: u64,
    ) -> Result<(u32, Option<u32>), String> {
        let h = match self.stratum_index.get(stratum) {
            Some(&h) => h,
            None => {
                let h = self.strata.len() as u32;
                self.strata.push(StratumInfo {
                    name: stratum.to_string(),
                    line,
                    fpc,
                    psus: 0,
                });
                self.stratum_index.insert(stratum.to_string(), h);
                self.cluster_index.push(foldhash::HashMap::default());
                h
            }
        };
        let info = &self.strata[h as usize];
        if info.fpc != fpc {
            return Err(format!(
                "fpc {} differs from the {} of line {} in the same stratum \"{}\" (the fpc is one figure per stratum)",
                fpc.map_or("(empty)".into(), |f| f.to_string()),
                info.fpc.map_or("(empty)".into(), |f| f.to_string()),
                info.line,
                info.name
            ));
        }
        let psu = cluster.map(|c| {
            let index = &mut self.cluster_index[h as usize];
            match index.get(c) {
                Some(&p) => p,
                None => {
                    let next = self.clusters.len() as u32;
                    index.insert(c.to_string(), next);
                    next
                }
            }
        });
        if let Some(p) = psu
            && p as usize == self.clusters.len()
        {
            self.clusters.push(Cluster {
                stratum: h,
                slots: BTreeMap::new(),
            });
            self.strata[h as usize].psus += 1;
        }
        if psu.is_none() {
            self.strata[h as usize].psus += 1;
        }
        Ok((h, psu))
    }

    fn chosen(r: &Respondent, q: usize) -> &[usize] {
        r.chosen.get(q).map_or(&[][..], Vec::as_slice)
    }

    /// The cross-tab slot of a region (`regions`: everyone) and a group (`None`: any group).
    fn xslot(&self, region: usize, group: Option<usize>) -> usize {
        self.regions + 1 + region * (self.groups + 1) + group.unwrap_or(self.groups)
    }

    /// Is any question cross-tabbed (so the cross-tab slots are kept)?
    fn crosstabbed(&self) -> bool {
        self.groups > 0 && self.crosstab.iter().any(|&x| x)
    }

    /// Adds one respondent (its region, or everyone only when the row is the total's own).
    pub fn add(&mut self, r: &Respondent, d: RowDesign, total: Option<usize>) {
        let everyone = self.regions;
        let own = (Some(r.region) != total).then_some(r.region);
        let group = r.group.filter(|&g| g < self.groups);
        // (slot, whole): the slots of the row's domains; `whole`: a cross-tab slot.
        let mut slots = [None; 6];
        if d.psu.is_none() {
            // A row that is its own PSU adds to its home domains only: its region's (everyone's
            // for a row of the total region) and its group's there (the "any group" slot for a
            // row with none). Everyone's sums, and each "any group" slot's, are the sums of the
            // domains they hold: `Weighted::spread` adds them up once every row is read.
            let home = own.unwrap_or(everyone);
            slots[0] = Some((home, false));
            if self.crosstabbed() {
                slots[1] = Some((self.xslot(home, group), true));
            }
        } else {
            slots[0] = own.map(|o| (o, false));
            slots[1] = Some((everyone, false));
            if self.crosstabbed() {
                for (i, region) in own.into_iter().chain([everyone]).enumerate() {
                    slots[2 + 2 * i] = group.map(|g| (self.xslot(region, Some(g)), true));
                    slots[3 + 2 * i] = Some((self.xslot(region, None), true));
                }
            }
        }
        let Weighted {
            options,
            bases,
            crosstab,
            row_sums,
            offsets,
            clusters,
            ..
        } = self;
        // Is question q counted in the slot's domain for this respondent? A region's or
        // everyone's: when the respondent was asked it (in its base); a cross-tab slot: when the
        // question is cross-tabbed (every respondent of the group counts).
        let asked = |q: usize, whole: bool| {
            options[q] > 0
                && match (whole, &bases[q]) {
                    (true, _) => crosstab.get(q).copied().unwrap_or(false),
                    (false, None) => true,
                    (false, Some((bq, opts))) => r
                        .chosen
                        .get(*bq)
                        .is_some_and(|c| c.iter().any(|o| opts.contains(o))),
                }
        };
        let w = d.weight;
        let Some(p) = d.psu else {
            // The row is its own PSU: its domains' totals are the row's own, so Σ w and Σ w² (of
            // the domain, and of those who chose each option) are all the sums need; `Cell::sums`
            // spreads them into the cross-products.
            let w2 = w * w;
            for (slot, whole) in slots.into_iter().flatten() {
                let block = row_sums.block(d.stratum, slot);
                for (q, &n) in options.iter().enumerate() {
                    if !asked(q, whole) {
                        continue;
                    }
                    let s = &mut block[offsets[q]..offsets[q + 1]];
                    s[0] += 1.0;
                    s[1] += w;
                    s[2] += w2;
                    for &o in Self::chosen(r, q) {
                        if o < n {
                            s[3 + 2 * o] += w;
                            s[4 + 2 * o] += w2;
                        }
                    }
                }
            }
            return;
        };
        for (slot, whole) in slots.into_iter().flatten() {
            let acc = clusters[p as usize].slots.entry(slot).or_insert_with(|| {
                options
                    .iter()
                    .map(|&n| Part {
                        rows: 0,
                        b: 0.0,
                        a: vec![0.0; n],
                    })
                    .collect()
            });
            for (q, part) in acc.iter_mut().enumerate() {
                if !asked(q, whole) {
                    continue;
                }
                part.rows += 1;
                part.b += w;
                for &o in Self::chosen(r, q) {
                    if let Some(a) = part.a.get_mut(o) {
                        *a += w;
                    }
                }
            }
        }
    }

    /// Folds one PSU's totals into its stratum's sums (`folded`: `(slot, stratum)` → per
    /// question).
    fn fold(
        &self,
        folded: &mut BTreeMap<(usize, u32), Vec<Folded>>,
        stratum: u32,
        slots: &BTreeMap<usize, Vec<Part>>,
    ) {
        let everyone = self.regions;
        let Some(all) = slots.get(&everyone) else {
            return;
        };
        for (&slot, parts) in slots {
            let folded = folded.entry((slot, stratum)).or_insert_with(|| {
                parts
                    .iter()
                    .map(|p| Folded {
                        psus: 0,
                        only: 0,
                        sums: vec![Sums::default(); p.a.len()],
                    })
                    .collect()
            });
            for ((f, p), e) in folded.iter_mut().zip(parts).zip(all) {
                if p.rows == 0 {
                    continue;
                }
                f.psus += 1;
                if p.rows == e.rows {
                    f.only += 1;
                }
                for ((s, a), ea) in f.sums.iter_mut().zip(&p.a).zip(&e.a) {
                    s.add([*a, p.b, *ea, e.b]);
                }
            }
        }
    }

    /// Slots: each region's and everyone's, then the cross-tab's (`xslot`) when kept.
    fn slots(&self) -> usize {
        let domains = self.regions + 1;
        if self.crosstabbed() {
            domains * (self.groups + 2)
        } else {
            domains
        }
    }

    /// Rows that are their own PSU were added to their home domains only (`add`): adds each
    /// region's sums to everyone's, in region order, then each group's to its "any group" slot,
    /// in group order (the same additions in the same order, whatever order the rows came in).
    fn spread(&self, rows: &mut RowSums) {
        let everyone = self.regions;
        let crosstabbed = self.crosstabbed();
        for region in 0..self.regions {
            rows.add_into(region, everyone);
            if crosstabbed {
                for g in (0..self.groups).map(Some).chain([None]) {
                    rows.add_into(self.xslot(region, g), self.xslot(everyone, g));
                }
            }
        }
        if crosstabbed {
            for region in 0..=self.regions {
                for g in 0..self.groups {
                    rows.add_into(self.xslot(region, Some(g)), self.xslot(region, None));
                }
            }
        }
    }

    /// Folds the clusters in (once every row is read), or adds up the sums of rows that are
    /// their own PSU (`spread`), into the table the estimates read. Then checks the design:
    /// every stratum needs two PSUs, and an fpc no smaller than its sample. Messages name the
    /// stratum.
    pub fn finish(&mut self) -> Result<(), String> {
        let strata = self.strata.len();
        let mut index = vec![NONE; self.slots() * strata];
        let blocks = if self.clustered {
            let mut folded = BTreeMap::new();
            for c in std::mem::take(&mut self.clusters) {
                self.fold(&mut folded, c.stratum, &c.slots);
            }
            let mut blocks = Vec::with_capacity(folded.len());
            for ((slot, stratum), f) in folded {
                if let Some(i) = index.get_mut(slot * strata + stratum as usize) {
                    *i = blocks.len() as u32;
                    blocks.push(f);
                }
            }
            Blocks::Clusters(blocks)
        } else {
            let mut rows = std::mem::take(&mut self.row_sums);
            self.spread(&mut rows);
            for (slot, list) in rows.blocks.iter().enumerate() {
                for &(stratum, start) in list {
                    if let Some(i) = index.get_mut(slot * strata + stratum as usize) {
                        *i = (start / rows.len.max(1)) as u32;
                    }
                }
            }
            Blocks::Rows {
                offsets: self.offsets.clone(),
                sums: rows.sums,
            }
        };
        self.table = Table {
            strata,
            index,
            blocks,
        };
        for s in &self.strata {
            if s.psus < 2 {
                return Err(format!(
                    "stratum \"{}\" (first row on line {}) has only one {}: its variance cannot be estimated; merge it with a similar stratum in the export (R's survey package fails here too)",
                    s.name,
                    s.line,
                    if !self.clustered {
                        "respondent"
                    } else {
                        "cluster (PSU)"
                    }
                ));
            }
            if let Some(f) = s.fpc
                && f > 1.0
                && f < s.psus as f64
            {
                return Err(format!(
                    "stratum \"{}\" (first row on line {}): the fpc says {f} PSUs in the population, fewer than the {} sampled",
                    s.name, s.line, s.psus
                ));
            }
        }
        Ok(())
    }

    /// Each stratum's part in a variance, by index.
    fn strata(&self) -> Vec<Stratum> {
        (0..self.strata.len()).map(|h| self.stratum(h)).collect()
    }

    fn stratum(&self, h: usize) -> Stratum {
        let s = &self.strata[h];
        let n = s.psus as f64;
        let f = match s.fpc {
            None => 0.0,
            Some(f) if f <= 1.0 => f,
            Some(f) => n / f,
        };
        Stratum {
            psus: s.psus,
            factor: if s.psus > 1 {
                (1.0 - f) * n / (n - 1.0)
            } else {
                0.0
            },
        }
    }

    /// Question q's sums of a domain (slot) in stratum h; `None` when no PSU of the stratum has
    /// a respondent of the domain.
    fn cell(&self, h: usize, slot: usize, q: usize) -> Option<Cell<'_>> {
        let t = &self.table;
        let b = *t.index.get(slot * t.strata + h)?;
        if b == NONE {
            return None;
        }
        match &t.blocks {
            Blocks::Rows { offsets, sums } => {
                let start = b as usize * offsets.last()?;
                let s = sums.get(start + offsets.get(q)?..start + offsets.get(q + 1)?)?;
                Some(Cell::Rows(s))
            }
            Blocks::Clusters(blocks) => blocks.get(b as usize)?.get(q).map(Cell::Clusters),
        }
    }

    /// A domain's cells per stratum, those with a PSU.
    fn domain(&self, slot: usize, q: usize) -> impl Iterator<Item = Cell<'_>> {
        (0..self.strata.len())
            .filter_map(move |h| self.cell(h, slot, q))
            .filter(|c| c.psus() > 0)
    }

    /// Degrees of freedom of a domain: its PSUs less its strata (R's `degf` of the subset).
    fn df(&self, slot: usize, q: usize) -> u64 {
        let (psus, strata) = self
            .domain(slot, q)
            .fold((0u64, 0u64), |(p, s), c| (p + c.psus(), s + 1));
        psus.saturating_sub(strata)
    }

    fn psus(&self, slot: usize, q: usize) -> u64 {
        self.domain(slot, q).map(Cell::psus).sum()
    }

    /// PSUs whose respondents in the base are all of the domain.
    fn only(&self, slot: usize, q: usize) -> u64 {
        self.domain(slot, q).map(Cell::only).sum()
    }

    /// Option o's sums of a domain (slot) × question in each stratum.
    fn sums(&self, slot: usize, q: usize, o: usize) -> Vec<Option<Sums>> {
        (0..self.strata.len())
            .map(|h| self.cell(h, slot, q).and_then(|c| c.sums(o)))
            .collect()
    }

    /// The estimate of one domain (slot) × question × option, with no test.
    fn domain_estimate(
        &self,
        strata: &[Stratum],
        slot: usize,
        q: usize,
        o: usize,
    ) -> Option<Estimate> {
        let sums = self.sums(slot, q, o);
        estimate::estimate(
            strata.iter().copied().zip(sums.iter().map(Option::as_ref)),
            self.df(slot, q),
        )
    }

    /// The cross-tab's estimates of every region with rows (`with_rows`) and of the total
    /// region (from everyone): region index, question index, group index (`None`: every
    /// respondent of the region, the 計 row), option index → estimate. Empty without a
    /// cross-tab; no estimate for a domain without respondents.
    pub fn crosstab_estimates(
        &self,
        with_rows: &[usize],
        total: Option<usize>,
    ) -> Vec<(usize, usize, Option<usize>, usize, Estimate)> {
        let mut out = Vec::new();
        if !self.crosstabbed() {
            return out;
        }
        let strata = self.strata();
        for (q, &n) in self.options.iter().enumerate() {
            if n == 0 || !self.crosstab.get(q).copied().unwrap_or(false) {
                continue;
            }
            let regions = with_rows.iter().copied().filter(|&r| Some(r) != total);
            for r in regions.chain(total) {
                // The total region's domains are everyone's (its rows are every row).
                let from = if Some(r) == total { self.regions } else { r };
                for g in (0..self.groups).map(Some).chain([None]) {
                    let slot = self.xslot(from, g);
                    for o in 0..n {
                        if let Some(e) = self.domain_estimate(&strata, slot, q, o) {
                            out.push((r, q, g, o, e));
                        }
                    }
                }
            }
        }
        out
    }

    /// Everyone's estimates (each question's base over every row): question index, option
    /// index → estimate. The pooled figure of the ranked chart, when there is no total region.
    pub fn pooled_estimates(&self) -> Vec<(usize, usize, Estimate)> {
        let mut out = Vec::new();
        let strata = self.strata();
        for (q, &n) in self.options.iter().enumerate() {
            for o in 0..n {
                if let Some(e) = self.domain_estimate(&strata, self.regions, q, o) {
                    out.push((q, o, e));
                }
            }
        }
        out
    }

    /// The estimates of every region with rows (`with_rows`) and of the total region (from
    /// everyone): region index, question index, option index → estimate.
    pub fn estimates(
        &self,
        with_rows: &[usize],
        total: Option<usize>,
    ) -> Vec<(usize, usize, usize, Estimate)> {
        let everyone = self.regions;
        let strata = self.strata();
        let mut out = Vec::new();
        for (q, &n) in self.options.iter().enumerate() {
            if n == 0 {
                continue;
            }
            let df_all = self.df(everyone, q);
            let psus_all = self.psus(everyone, q);
            let regions: Vec<_> = (with_rows.iter().copied())
                .filter(|&r| Some(r) != total)
                .map(|r| (r, self.df(r, q), self.psus(r, q), self.only(r, q)))
                .collect();
            for o in 0..n {
                let all = self.sums(everyone, q, o);
                for &(r, df, psus_r, only) in &regions {
                    let own = self.sums(r, q, o);
                    let by_stratum = strata.iter().copied().zip(own.iter().map(Option::as_ref));
                    let Some(mut e) = estimate::estimate(by_stratum, df) else {
                        continue;
                    };
                    // The rest's PSUs: everyone's less those wholly of the region.
                    let psus_rest = psus_all.saturating_sub(only);
                    if psus_r >= 2 && psus_rest >= 2 && df_all >= 2 {
                        let quads = (strata.iter().copied().zip(own.iter().zip(&all))).map(
                            |(s, (own, all))| {
                                let (own, all) = (own.as_ref(), all.as_ref());
                                (s, Quadratic { own, all })
                            },
                        );
                        e.test = estimate::test(quads, df_all - 1);
                    }
                    out.push((r, q, o, e));
                }
                if let Some(t) = total {
                    let by_stratum = strata.iter().copied().zip(all.iter().map(Option::as_ref));
                    if let Some(e) = estimate::estimate(by_stratum, df_all) {
                        out.push((t, q, o, e));
                    }
                }
            }
        }
        out
    }
}
