//! `surveysite new DIR [--from EXPORT.csv|.xlsx|.sav]`: a small working project, or one whose
//! codebook is inferred from a respondent-level export (Google Forms, Microsoft Forms, Excel,
//! SPSS) for the user to check and retitle. With `--edition ID`, DIR is an existing project and
//! the export becomes its next edition (new/edition.rs).

mod design;
pub mod edition;
mod infer;
mod lang;
mod sav;
mod text;
mod tiles;
mod write;

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The copy of the export inside the new project.
const RESPONSES: &str = "data/responses.csv";

pub use design::Flags as DesignFlags;

pub fn run(
    dir: &Path,
    from: Option<&Path>,
    region_column: Option<&str>,
    sheet: Option<&str>,
    language: Option<&str>,
    design: &DesignFlags,
) -> Result<()> {
    if dir.exists()
        && fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .next()
            .is_some()
    {
        anyhow::bail!(
            "{}: the folder exists and is not empty (give a new folder)",
            dir.display()
        );
    }
    let files = match from {
        None => starter(),
        Some(export) => {
            let mut inferred = infer::infer(export, region_column, sheet)?;
            design::apply(&mut inferred, design, &export.display().to_string())?;
            let choice = lang::choose(&inferred, language)?;
            lang::localize(&mut inferred, choice.words);
            // A closed stdout (`| head`) is no reason to stop, nor to panic.
            let _ =
                std::io::stdout().write_all(inferred.summary(export, dir, choice.words).as_bytes());
            let _ = writeln!(std::io::stdout(), "{}", choice.line());
            let mut files = inferred.files(export, choice.words)?;
            if let Some((_, codebook)) = files
                .iter_mut()
                .find(|(p, _)| p == Path::new(crate::load::codebook::FILE))
            {
                codebook.extend_from_slice(design::section(design).as_bytes());
            }
            files
        }
    };
    for (rel, bytes) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    let _ = writeln!(
        std::io::stdout(),
        "wrote {} files into {}; build it with: surveysite build --root {}",
        files.len(),
        dir.display(),
        dir.display()
    );
    Ok(())
}

/// The workflow that publishes the project on GitHub Pages.
fn workflow() -> (PathBuf, Vec<u8>) {
    (
        PathBuf::from(".github/workflows/pages.yml"),
        crate::workflow::pages_workflow(crate::workflow::DEFAULT_INSTALL).into_bytes(),
    )
}

/// A small project that builds: three regions' sample respondents, three questions.
fn starter() -> Vec<(PathBuf, Vec<u8>)> {
    let files: &[(&str, &str)] = &[
        ("report.yaml", STARTER_REPORT),
        ("data/codebook.yaml", STARTER_CODEBOOK),
        (RESPONSES, STARTER_RESPONSES),
        ("content/index.md", STARTER_INDEX),
        (".gitignore", GITIGNORE),
    ];
    let mut out: Vec<(PathBuf, Vec<u8>)> = files
        .iter()
        .map(|(p, t)| match *p {
            "data/codebook.yaml" => (PathBuf::from(p), tiles::with_layout(t).into_bytes()),
            _ => (PathBuf::from(p), t.as_bytes().to_vec()),
        })
        .collect();
    out.push(workflow());
    out
}

const GITIGNORE: &str = "site/\n.surveysite-cache/\n";

const STARTER_REPORT: &str = r#"# The report's settings.
title: 地域の図書館利用アンケート（サンプル）
description: 3つの地区の住民にたずねた図書館の利用状況と要望の集計です（サンプルデータ）。
source: サンプルデータ（surveysite new が作成）
language: ja
base_url: ""   # the published URL; the Pages workflow passes it with --base-url
settings:
  interactive_charts: true
  # Counts under 5 shown as x, free text of regions under 10 respondents withheld:
  # suppression: { threshold: 5, min_respondents_for_text: 10 }
"#;

const STARTER_CODEBOOK: &str = r#"# The survey: regions, questions and options, and where each answer is in data/responses.csv.
unit: 人

regions:
  - { id: east, title: 東地区 }
  - { id: west, title: 西地区 }
  - { id: south, title: 南地区 }
  - { id: all, title: 全体, total: true }   # computed from every row

bases:
  all:
    title: 全回答者
  users:
    title: 図書館を利用している人
    from: { question: q1, options: [weekly, monthly, rarely] }

questions:
  - id: q1
    title: 図書館をどのくらい利用していますか
    short: 利用頻度
    type: single
    base: all
    options:
      - { id: weekly, label: 週に1回以上 }
      - { id: monthly, label: 月に1回程度 }
      - { id: rarely, label: 年に数回 }
      - { id: never, label: 利用していない }
  - id: q2
    title: 図書館で利用するサービス
    short: 利用するサービス
    type: multiple
    base: users
    options:
      - { id: lending, label: 本の貸し出し }
      - { id: study, label: 自習室 }
      - { id: events, label: 講座・イベント }
      - { id: other, label: その他, other: true }
    notes:
      - 複数回答のため、合計は100%を超えることがあります。
  - id: q3
    title: 図書館への要望
    short: 要望
    type: text
    base: all

responses:
  file: data/responses.csv
  region: { column: 地区 }
  questions:
    q1: { column: 利用頻度 }
    q2: { column: 利用するサービス, separator: ", ", other_in_cell: true }
    q3: { column: 要望 }
"#;

const STARTER_RESPONSES: &str = "タイムスタンプ,地区,利用頻度,利用するサービス,要望
2025/04/01 10:00:00,東地区,週に1回以上,\"本の貸し出し, 自習室\",開館時間を延ばしてほしい
2025/04/01 10:10:00,東地区,月に1回程度,本の貸し出し,
2025/04/01 11:00:00,東地区,利用していない,,駐車場がほしい
2025/04/01 12:30:00,東地区,週に1回以上,\"自習室, 講座・イベント\",
2025/04/02 09:00:00,西地区,年に数回,本の貸し出し,
2025/04/02 09:30:00,西地区,利用していない,,
2025/04/02 10:00:00,西地区,月に1回程度,\"本の貸し出し, 雑誌のコピー\",\"新聞の種類を増やしてほしい, 特に地方紙\"
2025/04/03 15:00:00,南地区,週に1回以上,\"本の貸し出し, 自習室, 講座・イベント\",
2025/04/03 16:00:00,南地区,月に1回程度,講座・イベント,子ども向けの講座を増やしてほしい
2025/04/03 17:00:00,南地区,利用していない,,
";

const STARTER_INDEX: &str = r#"---
title: 調査の概要
summary: 3つの地区の住民にたずねた図書館の利用状況と要望（サンプルデータ）。
---

このサイトは `surveysite new` が作ったサンプルです。data/responses.csv（回答者ごとの行）を
data/codebook.yaml の設問に沿って地区ごとに集計し、全体の数値も計算しています。

自分の調査で始めるときは `surveysite new 新しいフォルダ --from 回答.csv` を使います。
"#;
