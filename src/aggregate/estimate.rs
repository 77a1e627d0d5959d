//! Design-based estimates of a proportion from per-stratum sums (src/aggregate/design.rs keeps
//! them while the rows stream by): the estimate, its Taylor-linearised standard error, the logit
//! confidence interval and the t test of a region against the rest of the survey, each equal to
//! R's survey package (docs/statistics.md gives the R calls; tests/weights.rs checks the figures).
//!
//! Notation: a PSU's `a` is Σ w·y over its rows in the domain, `b` is Σ w; `A`, `B` the same over
//! every row of the question's base (the whole survey), for the test's "rest".

use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::model::{Estimate, Test};

/// What one stratum holds for one domain × option: the sums and cross-products over its PSUs of
/// the vector (a, b, A, B) (a PSU with no row in the domain adds 0 to every entry but A·A, A·B,
/// B·B, which are read from the whole-survey domain instead).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(try_from = "SumsBits")]
pub struct Sums {
    pub sum: [f64; 4],
    /// Upper triangle of the Gram matrix, row by row: (0,0) (0,1) (0,2) (0,3) (1,1) (1,2) (1,3)
    /// (2,2) (2,3) (3,3).
    pub gram: [f64; 10],
}

/// `Sums` as kept between builds: each figure's bits (JSON numbers read back are not always
/// the same double, and a rebuild must print the same figures), the sum then the Gram entries.
#[derive(Clone, serde::Deserialize)]
#[serde(transparent)]
struct SumsBits(Vec<u64>);

impl serde::Serialize for Sums {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(14))?;
        for x in self.sum.iter().chain(&self.gram) {
            seq.serialize_element(&x.to_bits())?;
        }
        seq.end()
    }
}

impl TryFrom<SumsBits> for Sums {
    type Error = String;

    fn try_from(s: SumsBits) -> Result<Sums, String> {
        let v: Vec<f64> = s.0.into_iter().map(f64::from_bits).collect();
        let sum = v.get(..4).and_then(|x| x.try_into().ok());
        let gram = v.get(4..).and_then(|x| x.try_into().ok());
        match (sum, gram) {
            (Some(sum), Some(gram)) => Ok(Sums { sum, gram }),
            _ => Err(format!("{} figures, not 14", v.len())),
        }
    }
}

impl Sums {
    /// The sums over rows that are each their own PSU of the vector (a, w, a, w) (a = w if the
    /// row chose the option, else 0), from Σ a, Σ w, Σ a², Σ w² (src/aggregate/design.rs).
    pub fn of_rows(a: f64, w: f64, a2: f64, w2: f64) -> Sums {
        Sums {
            sum: [a, w, a, w],
            // (0,0) (0,1) (0,2) (0,3) (1,1) (1,2) (1,3) (2,2) (2,3) (3,3)
            gram: [a2, a2, a2, a2, w2, a2, w2, a2, a2, w2],
        }
    }

    pub fn add(&mut self, v: [f64; 4]) {
        let mut k = 0;
        for i in 0..4 {
            self.sum[i] += v[i];
            for j in i..4 {
                self.gram[k] += v[i] * v[j];
                k += 1;
            }
        }
    }

    fn g(&self, i: usize, j: usize) -> f64 {
        let (i, j) = if i <= j { (i, j) } else { (j, i) };
        // Index of (i, j) in the upper triangle of a 4 × 4 matrix.
        let k = i * 4 - i * (i + 1) / 2 + j;
        self.gram[k]
    }
}

/// One stratum's part in a variance: its PSU count in the whole design and its factor
/// (1 − f)·n/(n − 1).
#[derive(Debug, Clone, Copy)]
pub struct Stratum {
    pub psus: u64,
    pub factor: f64,
}

/// Σ over strata of factor·(Σ z² − (Σ z)²/n), where a PSU's z = coefficients · its vector.
fn variance<'a>(parts: impl Iterator<Item = (Stratum, [f64; 4], Quadratic<'a>)>) -> f64 {
    let mut v = 0.0;
    for (s, c, q) in parts {
        if s.psus < 2 {
            continue;
        }
        let mut zz = 0.0;
        for i in 0..4 {
            for j in 0..4 {
                zz += c[i] * c[j] * q.g(i, j);
            }
        }
        let z: f64 = (0..4).map(|i| c[i] * q.sum(i)).sum();
        v += s.factor * (zz - z * z / s.psus as f64);
    }
    v
}

/// The Gram entries of a stratum: the domain's own (and its cross terms with the whole survey)
/// from `own`, the whole survey's from `all`.
#[derive(Clone, Copy)]
pub struct Quadratic<'a> {
    pub own: Option<&'a Sums>,
    pub all: Option<&'a Sums>,
}

impl Quadratic<'_> {
    fn g(&self, i: usize, j: usize) -> f64 {
        if i >= 2 && j >= 2 {
            // The whole survey's (A, B) are stored as entries 0 and 1 of its own sums.
            self.all.map_or(0.0, |s| s.g(i - 2, j - 2))
        } else {
            self.own.map_or(0.0, |s| s.g(i, j))
        }
    }

    fn sum(&self, i: usize) -> f64 {
        if i >= 2 {
            self.all.map_or(0.0, |s| s.sum[i - 2])
        } else {
            self.own.map_or(0.0, |s| s.sum[i])
        }
    }
}

/// The 97.5% quantile of Student's t on `df` degrees of freedom, worked out once per df: it is
/// asked for every estimate, and a survey's domains share a few df (statrs finds it by search).
fn t975(df: u64) -> Option<f64> {
    thread_local! {
        static KNOWN: std::cell::RefCell<std::collections::HashMap<u64, Option<f64>>> =
            Default::default();
    }
    KNOWN.with_borrow_mut(|known| {
        *known.entry(df).or_insert_with(|| {
            let t = StudentsT::new(0.0, 1.0, df as f64).ok()?;
            Some(t.inverse_cdf(0.975))
        })
    })
}

/// `svyciprop(~y, domain, method = "logit")`: expit(logit(p) ± t·SE/(p(1 − p))) with t the
/// 97.5% quantile of Student's t on the domain's degrees of freedom. `None` for an estimate of 0
/// or 1 (the logit is infinite; R's fit does not converge) and below 2 degrees of freedom (R's
/// bounds are 0 and NaN there: its t level rounds to 1).
pub fn logit_ci(p: f64, se: f64, df: u64) -> Option<(f64, f64)> {
    if !(p > 0.0 && p < 1.0) || df < 2 || !se.is_finite() {
        return None;
    }
    let t = t975(df)?;
    let eta = (p / (1.0 - p)).ln();
    let half = t * se / (p * (1.0 - p));
    let expit = |x: f64| x.exp() / (1.0 + x.exp());
    Some((expit(eta - half), expit(eta + half)))
}

/// A domain's figures: the estimate from its sums, the variance over the strata.
/// `strata` yields each stratum with the domain's sums there (`None`: no PSU of it in the domain).
pub fn estimate<'a>(
    strata: impl Iterator<Item = (Stratum, Option<&'a Sums>)> + Clone,
    df: u64,
) -> Option<Estimate> {
    let (mut y, mut n) = (0.0, 0.0);
    for (_, s) in strata.clone() {
        if let Some(s) = s {
            y += s.sum[0];
            n += s.sum[1];
        }
    }
    if n <= 0.0 {
        return None;
    }
    let p = y / n;
    let c = [1.0 / n, -p / n, 0.0, 0.0];
    let v = variance(strata.map(|(st, s)| (st, c, Quadratic { own: s, all: None })));
    let se = v.max(0.0).sqrt();
    Some(Estimate {
        p,
        se,
        df,
        ci: logit_ci(p, se, df),
        test: None,
    })
}

/// `svyttest(y ~ I(region == r), base_design)`: the region's proportion against the rest's, with
/// the whole base's degrees of freedom less 1. `strata` yields each stratum with the region's
/// sums and the whole survey's.
pub fn test<'a>(
    strata: impl Iterator<Item = (Stratum, Quadratic<'a>)> + Clone,
    df: u64,
) -> Option<Test> {
    let (mut yr, mut nr, mut ya, mut na) = (0.0, 0.0, 0.0, 0.0);
    for (_, q) in strata.clone() {
        yr += q.sum(0);
        nr += q.sum(1);
        ya += q.sum(2);
        na += q.sum(3);
    }
    let ns = na - nr;
    if nr <= 0.0 || ns <= 0.0 || df < 1 {
        return None;
    }
    let (pr, ps) = (yr / nr, (ya - yr) / ns);
    let c = [1.0 / nr + 1.0 / ns, -pr / nr - ps / ns, -1.0 / ns, ps / ns];
    let v = variance(strata.map(|(st, q)| (st, c, q)));
    if v.is_nan() || v <= 0.0 || !v.is_finite() {
        return None;
    }
    let difference = pr - ps;
    let t = difference / v.sqrt();
    let dist = StudentsT::new(0.0, 1.0, df as f64).ok()?;
    Some(Test {
        difference,
        t,
        df,
        p: 2.0 * dist.cdf(-t.abs()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_are_kept_as_their_very_bits() {
        let kept = |s: &Sums| serde_json::to_string(s).unwrap();
        let back = |j: &str| serde_json::from_str::<Sums>(j);
        let mut clusters = Sums::default();
        clusters.add([0.1, 2.0, 0.3, 5.0]);
        clusters.add([0.0, 1.5, 0.7 + 0.2, 5.0]);
        let j = kept(&clusters);
        assert_eq!(j.matches(',').count(), 13, "{j}");
        assert_eq!(back(&j).unwrap(), clusters);
        assert_eq!(
            back(&j).unwrap().sum[2].to_bits(),
            (0.3f64 + (0.7 + 0.2)).to_bits()
        );
        // Anything else is not read back (the cache entry is then ignored).
        assert!(back("[1,2,3,4]").is_err());
        assert!(back("[]").is_err());
    }

    #[test]
    fn gram_index_covers_the_upper_triangle() {
        let mut s = Sums::default();
        s.add([1.0, 2.0, 3.0, 5.0]);
        assert_eq!(s.g(0, 0), 1.0);
        assert_eq!(s.g(1, 3), 10.0);
        assert_eq!(s.g(3, 1), 10.0);
        assert_eq!(s.g(2, 3), 15.0);
        assert_eq!(s.g(3, 3), 25.0);
    }

    #[test]
    fn no_interval_at_0_1_or_one_degree_of_freedom() {
        assert_eq!(logit_ci(0.0, 0.0, 9), None);
        assert_eq!(logit_ci(1.0, 0.0, 9), None);
        assert_eq!(logit_ci(0.5, 0.1, 1), None);
        let (lo, hi) = logit_ci(0.5, 0.1, 9).unwrap();
        assert!((lo + hi - 1.0).abs() < 1e-12 && lo < 0.5);
    }
}
