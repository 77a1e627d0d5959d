//! Weighted sample surveys: surveysite's design-based estimates, confidence intervals and tests
//! against R's survey package (tests/reference/weights-expected.csv, written by
//! tests/reference/weights.R from the made-up sample in tests/fixtures/weighted/), and the
//! figures a reader sees on the built pages.

#[path = "common/mod.rs"]
mod common;

/// One row of the reference CSV.
struct Reference {
    region: String,
    question: String,
    option: String,
    estimate: f64,
    se: f64,
    df: u64,
    lower: Option<f64>,
    upper: Option<f64>,
    /// svyciprop's own bounds (its logistic fit stops at glm's default convergence, 1e-8).
    default_lower: Option<f64>,
    default_upper: Option<f64>,
    t: Option<f64>,
    t_df: Option<u64>,
    p: Option<f64>,
}

fn number(s: &str) -> Option<f64> {
    (s != "NA" && s != "NaN").then(|| s.parse().unwrap_or_else(|_| panic!("bad number {s}")))
}

fn reference() -> Vec<Reference> {
    let text = std::fs::read_to_string(
        common::manifest_dir().join("tests/reference/weights-expected.csv"),
    )
    .unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "region,question,option,count,base,estimate,se,df,lower,upper,svyciprop_lower,svyciprop_upper,t,t_df,p"
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Reference {
                region: f[0].into(),
                question: f[1].into(),
                option: f[2].into(),
                estimate: number(f[5]).unwrap(),
                se: number(f[6]).unwrap(),
                df: f[7].parse().unwrap(),
                lower: number(f[8]),
                upper: number(f[9]),
                default_lower: number(f[10]),
                default_upper: number(f[11]),
                t: number(f[12]),
                t_df: number(f[13]).map(|x| x as u64),
                p: number(f[14]),
            }
        })
        .collect()
}

fn close(what: &str, ours: f64, r: f64) {
    near(what, ours, r, 1e-9);
}

fn near(what: &str, ours: f64, r: f64, relative: f64) {
    let tolerance = relative * r.abs().max(1e-12);
    assert!(
        (ours - r).abs() <= tolerance,
        "{what}: surveysite {ours:e}, R {r:e}"
    );
}

fn fixture() -> common::Project {
    let p = common::Project::example_with(&[]);
    p.overlay("weighted");
    p
}

#[test]
fn estimates_intervals_and_tests_equal_r() {
    let p = fixture();
    let project = surveysite::load::project(p.root()).expect("loading the weighted fixture");
    let survey = &project.survey;
    let rows = reference();
    assert_eq!(rows.len(), 28);
    assert_eq!(survey.data.estimates.len(), 28);
    for r in &rows {
        let at = format!("{} {} {}", r.region, r.question, r.option);
        let e = survey
            .estimate(&r.region, &r.question, &r.option)
            .unwrap_or_else(|| panic!("no estimate for {at}"));
        close(&format!("{at} estimate"), e.p, r.estimate);
        close(&format!("{at} SE"), e.se, r.se);
        assert_eq!(e.df, r.df, "{at} df");
        // R's bounds where it gives an interval; none where its estimate is 0 or 1 (its fit
        // does not converge) or at 1 degree of freedom (bounds 0 and NaN): we show none there.
        let r_has_ci = r.estimate > 0.0 && r.estimate < 1.0 && r.df >= 2;
        match e.ci {
            Some((lo, hi)) => {
                assert!(r_has_ci, "{at}: an interval where R has none");
                close(&format!("{at} lower"), lo, r.lower.unwrap());
                close(&format!("{at} upper"), hi, r.upper.unwrap());
                near(
                    &format!("{at} svyciprop lower"),
                    lo,
                    r.default_lower.unwrap(),
                    1e-7,
                );
                near(
                    &format!("{at} svyciprop upper"),
                    hi,
                    r.default_upper.unwrap(),
                    1e-7,
                );
            }
            None => assert!(
                !r_has_ci,
                "{at}: no interval, R has {:?}–{:?}",
                r.lower, r.upper
            ),
        }
        match (e.test, r.t) {
            (Some(t), Some(rt)) => {
                close(&format!("{at} t"), t.t, rt);
                close(&format!("{at} p"), t.p, r.p.unwrap());
                assert_eq!(Some(t.df), r.t_df, "{at} test df");
            }
            (None, None) => {}
            (None, Some(_)) => panic!("{at}: R tests this region and surveysite does not"),
            (Some(t), None) => panic!("{at}: surveysite tests ({t:?}) where R cannot"),
        }
    }
}
