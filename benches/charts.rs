//! Chart rendering benchmark: prints ms per chart, charts/s on the worker threads, and cold vs
//! warm build time of the example report. `cargo bench --bench charts`
//!
//! Figures, not assertions: timing targets live here, never in tests.

use std::path::Path;
use std::time::Instant;

use surveysite::render::{self, charts, echarts::Engine, svg};

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
    let project = surveysite::load::project(tmp.path()).unwrap();
    let specs = charts::specs(&project.survey);

    let t = Instant::now();
    let engine = Engine::new().unwrap();
    let engine_ms = t.elapsed().as_secs_f64() * 1000.0;

    // One engine, one thread: the cost of a chart.
    let rounds = 5;
    let t = Instant::now();
    for _ in 0..rounds {
        for s in specs.values() {
            engine
                .render_svg(&s.option_json(), s.width, s.height)
                .unwrap();
        }
    }
    let per_chart = t.elapsed().as_secs_f64() * 1000.0 / (rounds * specs.len()) as f64;

    // All charts on the worker threads, no cache (engine start-up included).
    let mut many = std::collections::BTreeMap::new();
    for i in 0..8 {
        for (id, s) in &specs {
            let mut s = s.clone();
            s.id = format!("{id}-{i}");
            many.insert(s.id.clone(), s);
        }
    }
    let t = Instant::now();
    let (_, stats) = svg::render_all(&many, None).unwrap();
    let secs = t.elapsed().as_secs_f64();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());

    // The example's build: cold (empty chart cache) and warm.
    let _ = std::fs::remove_dir_all(render::cache_dir(&project));
    let t = Instant::now();
    let cold = render::site(&project).unwrap();
    let cold_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let warm = render::site(&project).unwrap();
    let warm_ms = t.elapsed().as_secs_f64() * 1000.0;

    println!("ECharts engine start-up:        {engine_ms:8.1} ms");
    println!(
        "one chart, one engine:          {per_chart:8.1} ms  (mean of {} renders)",
        rounds * specs.len()
    );
    println!(
        "{} charts on {threads} threads:        {:8.1} charts/s  ({:.0} ms in all, start-up included)",
        stats.rendered,
        stats.rendered as f64 / secs,
        secs * 1000.0
    );
    println!(
        "example build, cold cache:      {cold_ms:8.1} ms  ({} charts rendered)",
        cold.charts.rendered
    );
    println!(
        "example build, warm cache:      {warm_ms:8.1} ms  ({} charts rendered, {} from cache)",
        warm.charts.rendered, warm.charts.cached
    );
}
