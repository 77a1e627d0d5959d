//! Chart drawing benchmark: prints µs per chart (both variants, wide and narrow), bytes per
//! chart, and the example's build time. `cargo bench --bench charts`; with
//! `CHARTS_BENCH_ROOT=/tmp/s330` (a project, e.g. from `examples/synth.rs`) it measures that
//! project's charts instead of the example's.
//!
//! Figures, not assertions: timing targets live here, never in tests.

use std::path::Path;
use std::time::Instant;

use surveysite::render::{self, charts, svg};

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

fn main() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(repo.join("report.yaml"), tmp.path().join("report.yaml")).unwrap();
    copy_dir(&repo.join("data"), &tmp.path().join("data"));
    copy_dir(&repo.join("content"), &tmp.path().join("content"));
    let root = std::env::var_os("CHARTS_BENCH_ROOT").map(std::path::PathBuf::from);
    let project = surveysite::load::project(root.as_deref().unwrap_or(tmp.path())).unwrap();

    let rounds = if root.is_some() { 3 } else { 200 };
    let t = Instant::now();
    let mut specs = charts::specs(&project.survey);
    for _ in 1..rounds {
        specs = charts::specs(&project.survey);
    }
    let spec_us = t.elapsed().as_secs_f64() * 1e6 / (rounds * specs.len()) as f64;

    let t = Instant::now();
    let mut bytes = 0;
    for _ in 0..rounds {
        bytes = specs.values().map(|s| svg::render(s).len()).sum::<usize>();
    }
    let per_chart = t.elapsed().as_secs_f64() * 1e6 / (rounds * specs.len()) as f64;

    let t = Instant::now();
    for _ in 0..rounds {
        for s in specs.values() {
            std::hint::black_box(s.option_json());
        }
    }
    let option_us = t.elapsed().as_secs_f64() * 1e6 / (rounds * specs.len()) as f64;

    println!("chart spec (numbers, aria, CSV):  {spec_us:8.1} µs per chart");
    println!(
        "SVG, wide + narrow:               {per_chart:8.1} µs per chart  ({} charts, {} bytes each on average)",
        specs.len(),
        bytes / specs.len().max(1)
    );
    println!("ECharts option JSON (interactive): {option_us:7.1} µs per chart");
    if root.is_some() {
        // A big project: the page rendering is not this benchmark's business.
        return;
    }
    let t = Instant::now();
    let files = render::site(&project).unwrap();
    let build_ms = t.elapsed().as_secs_f64() * 1000.0;
    println!(
        "example build (render only):      {build_ms:8.1} ms  ({} files)",
        files.len()
    );
}
