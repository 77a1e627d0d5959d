//! Writes a SYNTHETIC report project (made-up respondent rows, for benchmarks and trying the
//! tool at scale; never the example report):
//! `cargo run --release --example synth -- DIR [REGIONS] [PER_REGION]`, then
//! `surveysite build --root DIR`.

#[path = "../benches/support/synth.rs"]
mod synth;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: synth DIR [REGIONS=300] [PER_REGION=1000]");
        std::process::exit(2);
    };
    let number = |i: usize, default: usize| {
        args.get(i).map_or(default, |a| {
            a.parse().unwrap_or_else(|_| {
                eprintln!("{a}: not a number");
                std::process::exit(2)
            })
        })
    };
    let s = synth::Synth {
        regions: number(1, 300),
        per_region: number(2, 1000),
        with_id: true,
        other_text_rate: 0.01,
    };
    match synth::write_project(std::path::Path::new(dir), &s) {
        Ok(rows) => println!("wrote {rows} synthetic rows into {dir}"),
        Err(e) => {
            eprintln!("{dir}: {e}");
            std::process::exit(1);
        }
    }
}
