//! SYNTHETIC respondent data for benchmarks only: a report project whose data/responses.csv has
//! `regions × per_region` made-up rows. Never part of the example report. Deterministic (a fixed
//! xorshift seed), so every run measures the same bytes.

use std::fmt::Write as _;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

/// What to generate.
pub struct Synth {
    pub regions: usize,
    pub per_region: usize,
    /// Declare a respondent id column (its uniqueness check keeps 8 bytes of hash per row).
    pub with_id: bool,
    /// Share of adopters who type text into その他 (text answers are kept: they are shown).
    pub other_text_rate: f64,
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

/// The dimension's groups, worded as the example report's (katakana compounds the search must
/// find whole: ケアミックス, サブアキュート).
const FUNCTIONS: [&str; 4] = [
    "高度急性期",
    "急性期/サブアキュート",
    "回復期/ポストアキュート",
    "ケアミックス",
];
/// その他 answers: when there are any, the first region's first three adopters write the first
/// three (words the search must find inside free text), everyone else the last one.
const OTHER_TEXTS: [&str; 4] = [
    "画像データの共有に使っている",
    "マイナポータルとの連携を検討している",
    "電子カルテの情報を地域で共有している",
    "地域の会議で活用している",
];
const Q1: [&str; 3] = ["導入している", "今後導入する予定がある", "導入予定なし"];
const Q2: [&str; 5] = [
    "患者情報の共有が円滑になった",
    "重複検査や重複処方が減った",
    "質の高い医療につながった",
    "病状経過を正確に把握できるようになった",
    "事務作業が減った",
];

/// Writes report.yaml, data/codebook.yaml and data/responses.csv into `dir`; returns the
/// number of rows written.
pub fn write_project(dir: &Path, s: &Synth) -> std::io::Result<u64> {
    fs::create_dir_all(dir.join("data"))?;
    fs::write(
        dir.join("report.yaml"),
        "# SYNTHETIC data for benchmarks (benches/support/synth.rs): not a real survey.\n\
         title: 合成データ（ベンチマーク用）\nsource: 合成データ\nlanguage: ja\n",
    )?;
    fs::write(dir.join("data/codebook.yaml"), codebook(s))?;

    let file = fs::File::create(dir.join("data/responses.csv"))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let id = if s.with_id { "回答ID," } else { "" };
    writeln!(
        w,
        "{id}タイムスタンプ,地域,病院の機能,Q1 導入状況,Q2 メリット,Q3_1,Q3_2,Q3_3,Q3_4,Q4 満足度"
    )?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut rows = 0u64;
    let mut line = String::new();
    for r in 0..s.regions {
        let mut other_written = 0;
        for i in 0..s.per_region {
            line.clear();
            if s.with_id {
                let _ = write!(line, "S{r:03}-{i:06},");
            }
            let q1 = rng.below(3) as usize;
            let _ = write!(
                line,
                "2025/01/{:02} 10:{:02}:00,地域{:03},{},{},",
                1 + i % 28,
                i % 60,
                r + 1,
                FUNCTIONS[rng.below(4) as usize],
                Q1[q1]
            );
            if q1 == 0 {
                let mut chosen: Vec<&str> =
                    Q2.iter().copied().filter(|_| rng.chance(0.4)).collect();
                let special = r == 0 && s.other_text_rate > 0.0 && other_written < 3;
                if special || rng.chance(s.other_text_rate) {
                    chosen.push(OTHER_TEXTS[if special { other_written } else { 3 }]);
                    other_written += 1;
                }
                if chosen.len() > 1 {
                    let _ = write!(line, "\"{}\"", chosen.join(", "));
                } else {
                    line.push_str(&chosen.join(""));
                }
            }
            line.push(',');
            for _ in 0..4 {
                line.push_str(if rng.chance(0.3) { "1," } else { "0," });
            }
            let _ = write!(line, "{}", 1 + rng.below(5));
            line.push_str("\r\n");
            w.write_all(line.as_bytes())?;
            rows += 1;
        }
    }
    w.flush()?;
    Ok(rows)
}

fn codebook(s: &Synth) -> String {
    let mut y = String::from(
        "# SYNTHETIC data for benchmarks (benches/support/synth.rs): not a real survey.\n\
         unit: 病院\n\
         dimension:\n  id: function\n  title: 病院の機能\n  groups:\n",
    );
    for (i, f) in FUNCTIONS.iter().enumerate() {
        let _ = writeln!(y, "    - {{ id: f{i}, label: {f} }}");
    }
    y.push_str("regions:\n");
    for r in 0..s.regions {
        // Grouped as the secondary medical areas of a prefecture are: seven to a group.
        let _ = writeln!(
            y,
            "  - {{ id: r{:03}, title: 地域{:03}, group: 県{:02} }}",
            r + 1,
            r + 1,
            r / 7 + 1
        );
    }
    y.push_str("  - { id: all, title: 全体, total: true }\n");
    y.push_str(
        "bases:\n  all: { title: 全回答病院 }\n  adopted:\n    title: 導入している病院\n    from: { question: q1, options: [adopted] }\n",
    );
    y.push_str("questions:\n");
    y.push_str("  - id: q1\n    title: 導入状況\n    type: single\n    base: all\n    options:\n");
    for (id, label) in ["adopted", "planned", "none"].iter().zip(Q1) {
        let _ = writeln!(y, "      - {{ id: {id}, label: {label} }}");
    }
    y.push_str(
        "  - id: q2\n    title: メリット\n    type: multiple\n    base: adopted\n    options:\n",
    );
    for (i, label) in Q2.iter().enumerate() {
        let _ = writeln!(y, "      - {{ id: m{i}, label: {label} }}");
    }
    y.push_str("      - { id: other, label: その他, other: true }\n");
    y.push_str(
        "  - id: q3\n    title: 連携手段\n    type: multiple\n    base: all\n    options:\n",
    );
    for (i, label) in ["電話", "FAX", "メール", "システム"].iter().enumerate() {
        let _ = writeln!(y, "      - {{ id: c{i}, label: {label} }}");
    }
    y.push_str("  - id: q4\n    title: 満足度\n    type: single\n    base: all\n    options:\n");
    for i in 1..=5 {
        let _ = writeln!(y, "      - {{ id: s{i}, label: \"{i}\" }}");
    }
    y.push_str("responses:\n  file: data/responses.csv\n");
    if s.with_id {
        y.push_str("  id: 回答ID\n");
    }
    y.push_str(
        "  region: { column: 地域 }\n  dimension: { column: 病院の機能, questions: [q1] }\n  questions:\n\
         \x20   q1: { column: Q1 導入状況 }\n\
         \x20   q2: { column: Q2 メリット, separator: \", \", other_in_cell: true }\n\
         \x20   q3: { columns: { c0: Q3_1, c1: Q3_2, c2: Q3_3, c3: Q3_4 } }\n\
         \x20   q4: { column: Q4 満足度 }\n",
    );
    y
}
