//! Aggregation benchmark: SYNTHETIC respondent rows (benches/support/synth.rs) → counts per
//! region and the total, then suppression. Each size runs in a fresh process so that its peak
//! memory (VmHWM) is its own: memory follows regions × questions × options, not rows.
//! Two runs are of a weighted sample (a weight and strata on every row: design-based sums too).
//! `cargo bench --bench aggregation`
//!
//! Figures, not assertions: timing targets live here, never in tests. Each size is run 3 times
//! (`SURVEYSITE_BENCH_RUNS=N` for another number) and the median run is shown with the range.

#[path = "support/synth.rs"]
mod synth;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use surveysite::aggregate::{Suppression, suppress_small_cells};
use surveysite::load::{codebook, responses};

/// The allocator the `surveysite` binary uses (src/main.rs), so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Peak resident memory of this process so far, in MiB (Linux).
fn vmhwm_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn mib(v: Option<f64>) -> String {
    v.map_or("?".into(), |v| format!("{v:.1} MiB"))
}

/// Runs in the child: aggregate the project at `dir` and print one line of figures.
fn aggregate(dir: &Path) {
    let mut survey = codebook::load(dir).expect("codebook");
    let before = vmhwm_mib();
    let t = Instant::now();
    let from = responses::load(dir, &mut survey, None)
        .expect("aggregation")
        .expect("rows");
    let secs = t.elapsed().as_secs_f64();
    let peak = vmhwm_mib();
    let t = Instant::now();
    let s = Suppression {
        threshold: 5,
        min_respondents_for_text: 0,
    };
    suppress_small_cells(&mut survey, &s, Some(&from));
    let suppress_ms = t.elapsed().as_secs_f64() * 1000.0;
    let bytes = std::fs::metadata(dir.join("data/responses.csv")).map_or(0, |m| m.len());
    // First the time alone, for the parent to order the runs; then the figures.
    println!("{secs}");
    println!(
        "{:>9} rows ({:>5.1} MB): {:>6.2} s, {:>9.0} rows/s, peak memory {} (after the codebook: {}), suppression {:.0} ms, {} counts",
        from.rows,
        bytes as f64 / 1e6,
        secs,
        from.rows as f64 / secs,
        mib(peak),
        mib(before),
        suppress_ms,
        survey.data.counts.len() + survey.data.crosstab.len(),
    );
}

/// A weighted sample: a weight and one of 10 strata on every row, and the codebook's `design:`
/// (memory then follows strata × regions × options; no clusters, so each row is folded at once).
fn weigh(dir: &Path) -> std::io::Result<()> {
    use std::io::{BufRead, BufWriter, Write};
    let path = dir.join("data/responses.csv");
    let input = std::io::BufReader::new(std::fs::File::open(&path)?);
    let tmp = dir.join("data/weighted.csv");
    let mut out = BufWriter::new(std::fs::File::create(&tmp)?);
    for (i, line) in input.lines().enumerate() {
        let line = line?;
        let line = line.trim_end_matches('\r');
        if i == 0 {
            writeln!(out, "{line},w,s")?;
        } else {
            writeln!(out, "{line},{},{}", 1.0 + (i % 7) as f64 * 0.5, i % 10)?;
        }
    }
    out.flush()?;
    drop(out);
    std::fs::rename(&tmp, &path)?;
    let mut codebook = std::fs::read_to_string(dir.join("data/codebook.yaml"))?;
    codebook.push_str("\ndesign:\n  weight: w\n  strata: s\n");
    std::fs::write(dir.join("data/codebook.yaml"), codebook)
}

/// One benchmark project: 300 regions of `per_region` rows each.
fn write(dir: &Path, per_region: usize, with_id: bool, weighted: bool) -> std::io::Result<()> {
    synth::write_project(
        dir,
        &synth::Synth {
            regions: 300,
            per_region,
            with_id,
            other_text_rate: 0.0,
        },
    )?;
    if weighted {
        weigh(dir)?;
    }
    // On disk before the timing starts: otherwise the kernel writes the file just generated
    // back while it is aggregated, on the cores the aggregation's two threads use.
    std::fs::File::open(dir.join("data/responses.csv"))?.sync_all()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--aggregate") {
        aggregate(Path::new(&args[i + 1]));
        return;
    }
    // `--write DIR PER_REGION [weighted]`: leave one benchmark project in DIR, for a profiler
    // (`perf record … aggregation-* --aggregate DIR`).
    if let Some(i) = args.iter().position(|a| a == "--write") {
        let dir = Path::new(&args[i + 1]);
        let per_region = args[i + 2].parse().expect("PER_REGION: a number");
        write(
            dir,
            per_region,
            false,
            args.get(i + 3).is_some_and(|a| a == "weighted"),
        )
        .expect("writing synthetic data");
        return;
    }
    println!("aggregation of SYNTHETIC respondent rows (300 regions, 4 questions, 1 cross-tab)");
    let runs = [
        ("300 × 100", 100, false, false),
        ("300 × 1,000", 1000, false, false),
        ("300 × 10,000", 10_000, false, false),
        ("300 × 1,000, id column", 1000, true, false),
        ("300 × 1,000, weighted", 1000, false, true),
        ("300 × 10,000, weighted", 10_000, false, true),
    ];
    // This machine's speed moves by up to 2× from one run to the next: each size is aggregated
    // several times (cold each time: the rows cache is deleted) and the median run is shown.
    let repeats: usize = std::env::var("SURVEYSITE_BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(3);
    for (name, per_region, with_id, weighted) in runs {
        let tmp = tempfile::tempdir().expect("temp folder");
        let t = Instant::now();
        write(tmp.path(), per_region, with_id, weighted).expect("writing synthetic data");
        let gen_s = t.elapsed().as_secs_f64();
        let mut results: Vec<(f64, String)> = (0..repeats)
            .map(|_| {
                let _ = std::fs::remove_dir_all(tmp.path().join(".surveysite-cache"));
                let out = Command::new(std::env::current_exe().expect("this binary"))
                    .arg("--aggregate")
                    .arg(tmp.path())
                    .output()
                    .expect("running the aggregation");
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let out = String::from_utf8_lossy(&out.stdout).into_owned();
                let (secs, figures) = out.split_once('\n').expect("two lines");
                (
                    secs.parse().expect("seconds"),
                    figures.trim_end().to_string(),
                )
            })
            .collect();
        results.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (fastest, slowest) = (results[0].0, results[results.len() - 1].0);
        let (_, median) = &results[results.len() / 2];
        println!(
            "{name:<24} (generated in {gen_s:.1} s) {median}; median of {repeats} runs, {fastest:.2}–{slowest:.2} s"
        );
    }
}
