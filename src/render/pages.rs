//! The page list: the one place that knows which pages the site has, where each is written and
//! which charts it shows. What each page shows (its template context) is in `context.rs`.

use crate::load::Project;
use crate::load::content::{Commentary, FrontMatter};
use crate::render::charts::{crosstab_id, question_id, region_question_id};
use crate::url::Linker;

/// The whole report's numbers, linked from the home page.
pub const DATA_CSV: &str = "data.csv";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Home,
    /// The list of every region (regions/).
    Regions,
    /// The list of every question (questions/).
    Questions,
    Region,
    Question,
    RegionQuestion,
    NotFound,
}

impl Kind {
    pub fn template(self) -> &'static str {
        match self {
            Kind::Home => "index.html",
            Kind::Regions => "regions.html",
            Kind::Questions => "questions.html",
            Kind::Region => "region.html",
            Kind::Question => "question.html",
            Kind::RegionQuestion => "region_question.html",
            Kind::NotFound => "404.html",
        }
    }

    /// The name templates see as `page.kind`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Home => "home",
            Kind::Regions => "regions",
            Kind::Questions => "questions",
            Kind::Region => "region",
            Kind::Question => "question",
            Kind::RegionQuestion => "regionquestion",
            Kind::NotFound => "notfound",
        }
    }
}

/// One page to render: where it goes and what its template sees.
pub struct Page {
    /// Site path of the page ("" home, "regions/x/"); the 404 page is "404.html".
    pub path: String,
    pub kind: Kind,
    pub region: Option<String>,
    pub question: Option<String>,
    pub linker: Linker,
}

impl Page {
    /// The file the page is written to.
    pub fn output_file(&self) -> String {
        if self.kind == Kind::NotFound {
            self.path.clone()
        } else {
            format!("{}index.html", self.path)
        }
    }
}

pub const REGIONS_PATH: &str = "regions/";
pub const QUESTIONS_PATH: &str = "questions/";

pub fn region_path(region: &str) -> String {
    format!("regions/{region}/")
}

pub fn question_path(question: &str) -> String {
    format!("questions/{question}/")
}

pub fn region_question_path(region: &str, question: &str) -> String {
    format!("regions/{region}/{question}/")
}

/// Every page of the site, in a stable order.
pub fn list(project: &Project) -> Vec<Page> {
    let survey = &project.survey;
    // An earlier edition's pages are the same list under its folder (load::Project::for_edition).
    let prefix = project.edition_prefix();
    let page = |path: String, kind, region: Option<&str>, question: Option<&str>| Page {
        linker: Linker::for_edition_page(&format!("{prefix}{path}"), &prefix),
        path: format!("{prefix}{path}"),
        kind,
        region: region.map(str::to_string),
        question: question.map(str::to_string),
    };
    let mut pages = vec![
        page(String::new(), Kind::Home, None, None),
        page(REGIONS_PATH.into(), Kind::Regions, None, None),
        page(QUESTIONS_PATH.into(), Kind::Questions, None, None),
    ];
    for r in &survey.regions {
        pages.push(page(region_path(&r.id), Kind::Region, Some(&r.id), None));
        for q in &survey.questions {
            pages.push(page(
                region_question_path(&r.id, &q.id),
                Kind::RegionQuestion,
                Some(&r.id),
                Some(&q.id),
            ));
        }
    }
    for q in &survey.questions {
        pages.push(page(
            question_path(&q.id),
            Kind::Question,
            None,
            Some(&q.id),
        ));
    }
    if !prefix.is_empty() {
        // One 404 page serves the whole site.
        return pages;
    }
    pages.push(Page {
        path: "404.html".into(),
        kind: Kind::NotFound,
        region: None,
        question: None,
        linker: Linker::rooted(&project.config.base_url),
    });
    pages
}

/// The charts a page shows, main chart first (ids that have no chart are skipped by callers).
pub fn chart_ids(page: &Page) -> Vec<String> {
    match (page.kind, &page.region, &page.question) {
        (Kind::RegionQuestion, Some(r), Some(q)) => {
            vec![region_question_id(r, q), crosstab_id(r, q)]
        }
        (Kind::Question, _, Some(q)) => vec![question_id(q)],
        _ => Vec::new(),
    }
}

/// Which other pages show a change of a page's commentary front matter (`None`: no commentary).
/// Its title and description show only on its own page; a summary shows on the home page and the
/// indexes; an order (or a draft flag, or commentary that appears or goes with one) changes the
/// order of lists and neighbours on every page.
pub fn shown_elsewhere(old: Option<&FrontMatter>, new: Option<&FrontMatter>) -> Elsewhere {
    let none = FrontMatter::default();
    let (a, b) = (old.unwrap_or(&none), new.unwrap_or(&none));
    if a.order != b.order || a.draft != b.draft {
        Elsewhere::EveryPage
    } else if a.summary != b.summary {
        Elsewhere::Pages(vec![
            String::new(),
            REGIONS_PATH.to_string(),
            QUESTIONS_PATH.to_string(),
        ])
    } else {
        Elsewhere::Pages(Vec::new())
    }
}

/// What `shown_elsewhere` answers.
#[derive(Debug, PartialEq, Eq)]
pub enum Elsewhere {
    Pages(Vec<String>),
    EveryPage,
}

/// Commentary files for a page the site does not have (most likely a mistyped id), the
/// latest edition's and every earlier edition's (content/editions/<id>/…, checked against that
/// edition's pages, which are under `<id>/`: a region it did not survey has none).
pub fn orphan_commentary(project: &Project) -> Vec<Commentary> {
    let earlier = (0..project.editions.len()).filter_map(|i| project.for_edition(i));
    std::iter::once(None)
        .chain(earlier.map(Some))
        .flat_map(|edition| {
            let p = edition.as_ref().unwrap_or(project);
            let paths: std::collections::HashSet<String> = list(p)
                .into_iter()
                .filter(|page| page.kind != Kind::NotFound)
                .map(|page| page.path)
                .collect();
            p.commentary
                .iter()
                .filter(|c| !paths.contains(&c.page))
                .cloned()
                .collect::<Vec<_>>()
        })
        .collect()
}

/// What `check` (an error) and `build` (a warning) say about an orphan commentary file.
pub fn orphan_message(c: &Commentary) -> String {
    format!(
        "{}: commentary for /{} but the site has no such page (is the region or question id right?)",
        c.file, c.page
    )
}
