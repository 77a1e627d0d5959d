//! Watching the inputs and loading them again. A commentary edit reloads only content/ and
//! renders now only the pages whose commentary changed, and those that show it
//! (`render::pages::shown_elsewhere`: a summary shows on the home page and the indexes); when
//! it shows on every page (an order or draft flag), the edited page and the home page are
//! rendered now and every other page on demand or behind. Any other change loads everything
//! (the counts of unchanged respondent files come from their cache) and renders one page of
//! each kind now, to find errors before the site is swapped; the rest follows the same way.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::Instant;

use anyhow::{Context, Result};
use notify_debouncer_full::notify::{EventKind, RecursiveMode};

use super::site::{Change, Site, Snapshot, error_message, release_memory};
use crate::load::{self, content::Commentary};
use crate::render::{self, OutputFile};

pub struct Builder {
    pub root: PathBuf,
    pub base_url: Option<String>,
    pub site: Arc<Site>,
    /// The last snapshot whose data loaded; None after a failed full load, so that the next
    /// commentary edit loads everything again rather than hide the data error.
    good: Option<Arc<Snapshot>>,
}

/// What a rebuild did, for its log line.
pub struct Rebuilt {
    what: &'static str,
    /// How long the data and the charts took ("data 412 ms, templates and charts 3120 ms, ").
    phases: String,
    rendered: usize,
    pages: usize,
    changed: usize,
    /// Pages left to render on demand and behind.
    later: bool,
}

impl Builder {
    pub fn new(root: PathBuf, base_url: Option<String>, site: Arc<Site>) -> Builder {
        Builder {
            root,
            base_url,
            site,
            good: None,
        }
    }

    /// Loads what changed (everything if `full`) and serves it; on an error the last good site
    /// stays.
    pub fn build(&mut self, full: bool) -> Result<Rebuilt> {
        match (&self.good, full) {
            (Some(good), false) => {
                let good = Arc::clone(good);
                self.commentary(&good)
            }
            _ => self.everything(),
        }
    }

    fn everything(&mut self) -> Result<Rebuilt> {
        self.good = None;
        let start = Instant::now();
        let mut project = super::super::build::load_project(&self.root, self.base_url.as_deref())?;
        project.drafts = true;
        let loaded = start.elapsed();
        let prepared = Arc::new(render::prepare(&project)?);
        let charts = start.elapsed() - loaded;
        let snapshot = Arc::new(Snapshot::new(project, prepared));
        let probe = snapshot.probe_pages();
        let mut files = snapshot.render(&probe)?;
        // The assets at once too: a stylesheet edit shows with the page it reloads.
        files.extend(early_assets(&snapshot.project));
        let pages = snapshot.page_count();
        self.good = Some(Arc::clone(&snapshot));
        let changed = self.site.publish(snapshot, Change::Everything, files);
        Ok(Rebuilt {
            what: "full rebuild",
            phases: format!(
                "data {} ms, templates and charts {} ms, ",
                loaded.as_millis(),
                charts.as_millis()
            ),
            rendered: probe.len(),
            pages,
            changed,
            later: true,
        })
    }

    fn commentary(&mut self, good: &Snapshot) -> Result<Rebuilt> {
        let commentary = load::content::load(&self.root, &good.project.survey)?;
        let change = changed_pages(&good.project.commentary, &commentary);
        let mut project = good.project.clone();
        project.commentary = commentary;
        let snapshot = Arc::new(Snapshot::new(project, Arc::clone(&good.prepared)));
        let mut wanted: std::collections::HashSet<String> = change.pages.into_iter().collect();
        if change.others {
            // The home page lists the regions and questions with their summaries.
            wanted.insert(String::new());
        }
        let files = snapshot.render(&wanted)?;
        let pages = snapshot.page_count();
        self.good = Some(Arc::clone(&snapshot));
        let kind = if change.others {
            Change::Pages
        } else {
            Change::These
        };
        let changed = self.site.publish(snapshot, kind, files);
        Ok(Rebuilt {
            what: "commentary only",
            phases: String::new(),
            rendered: wanted.len(),
            pages,
            changed,
            later: change.others,
        })
    }
}

/// The files of the site's assets/ folder, for the first pages before the background worker
/// has written every file (`render::site_with` writes the same, and replaces these).
fn early_assets(project: &load::Project) -> Vec<OutputFile> {
    let root = &project.root;
    let mut files: Vec<OutputFile> = render::templates::ASSETS
        .iter()
        .filter_map(|(name, default)| {
            let bytes = render::templates::asset(root, name, default).ok()?;
            Some(OutputFile {
                path: format!("assets/{name}"),
                bytes,
            })
        })
        .collect();
    if project.config.settings.interactive_charts {
        files.push(OutputFile {
            path: "assets/echarts.min.js".into(),
            bytes: render::echarts::ECHARTS_JS.as_bytes().to_vec(),
        });
        if let Ok(bytes) = render::templates::asset(root, "charts.js", render::templates::CHARTS_JS)
        {
            files.push(OutputFile {
                path: "assets/charts.js".into(),
                bytes: render::strings::localize_script(bytes, &project.config.language),
            });
        }
    }
    if let Ok(extra) = render::templates::extra_assets(root) {
        files.extend(extra.into_iter().map(|(name, bytes)| OutputFile {
            path: format!("assets/{name}"),
            bytes,
        }));
    }
    files
}

/// Which pages a commentary edit touches.
#[derive(Debug, PartialEq, Eq)]
pub struct CommentaryChange {
    /// Pages whose own commentary changed (or appeared, or went).
    pub pages: BTreeSet<String>,
    /// Other pages may show the change too: a title, summary, order or draft flag changed, or
    /// a file was added or removed.
    pub others: bool,
}

pub fn changed_pages(old: &[Commentary], new: &[Commentary]) -> CommentaryChange {
    let mut change = CommentaryChange {
        pages: BTreeSet::new(),
        others: false,
    };
    let find = |list: &'_ [Commentary], page: &str| list.iter().position(|c| c.page == page);
    let mut note = |page: &str, a: Option<&Commentary>, b: Option<&Commentary>| {
        change.pages.insert(page.to_string());
        // The page list knows which other pages show what of a page's front matter.
        match render::pages::shown_elsewhere(a.map(|c| &c.front), b.map(|c| &c.front)) {
            render::pages::Elsewhere::EveryPage => change.others = true,
            render::pages::Elsewhere::Pages(pages) => change.pages.extend(pages),
        }
    };
    for b in new {
        match find(old, &b.page) {
            None => note(&b.page, None, Some(b)),
            Some(i) if old[i] != *b => note(&b.page, Some(&old[i]), Some(b)),
            Some(_) => {}
        }
    }
    for a in old {
        if find(new, &a.page).is_none() {
            note(&a.page, Some(a), None);
        }
    }
    change
}

/// Is this changed path one of ours, and not an editor's swap or temp file? `root` is
/// canonical, as are the paths the watcher reports.
pub fn relevant(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let rel_str = rel.to_string_lossy().replace('\\', "/");
    let name = rel.file_name()?.to_string_lossy();
    let temp = name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913";
    let ours = rel_str == "report.yaml"
        || matches!(rel_str.as_str(), "content" | "data" | "templates")
        || rel_str.starts_with("content/")
        || rel_str.starts_with("data/")
        || rel_str.starts_with("templates/");
    (ours && !temp).then_some(rel_str)
}

pub type Events = Receiver<notify_debouncer_full::DebounceEventResult>;

/// The watcher of the input folders, and which of them it watches.
pub struct InputWatch {
    debouncer: notify_debouncer_full::Debouncer<
        notify_debouncer_full::notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
    watched: Vec<&'static str>,
}

impl InputWatch {
    /// Watches `root` (report.yaml is watched through its folder, as editors replace files on
    /// save; so is the creation of the input folders) and content/, data/ and templates/.
    pub fn start(root: &Path) -> Result<(InputWatch, Events)> {
        let (tx, rx) = std::sync::mpsc::channel();
        let mut debouncer =
            notify_debouncer_full::new_debouncer(std::time::Duration::from_millis(50), None, tx)
                .context("starting the file watcher")?;
        debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .with_context(|| format!("watching {}", root.display()))?;
        let mut inputs = InputWatch {
            debouncer,
            watched: Vec::new(),
        };
        inputs.watch_new_folders(root)?;
        Ok((inputs, rx))
    }

    /// Watches content/, data/ and templates/ where they exist and are not watched yet.
    fn watch_new_folders(&mut self, root: &Path) -> Result<()> {
        for name in ["content", "data", "templates"] {
            let dir = root.join(name);
            if dir.is_dir() && !self.watched.contains(&name) {
                self.debouncer
                    .watch(&dir, RecursiveMode::Recursive)
                    .with_context(|| format!("watching {}", dir.display()))?;
                self.watched.push(name);
            }
        }
        Ok(())
    }
}

/// The first load, then a rebuild for every batch of changes, until the watcher stops.
pub fn run(mut builder: Builder, mut inputs: InputWatch, events: Events) {
    let start = Instant::now();
    match builder.build(true) {
        Ok(r) => println!(
            "loaded the project in {} ms ({}{} pages rendered first)",
            start.elapsed().as_millis(),
            r.phases,
            r.rendered
        ),
        Err(e) => {
            let message = format!("{e:#}");
            eprintln!("error: {message}");
            builder.site.fail(&message);
        }
    }
    release_memory();
    for batch in events {
        let Ok(batch) = batch else { continue };
        if let Err(e) = inputs.watch_new_folders(&builder.root) {
            eprintln!("warning: {e:#}");
        }
        // Reading the inputs (our own rebuild included) is not a change.
        let mut changed: Vec<String> = batch
            .iter()
            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
            .flat_map(|e| e.paths.iter())
            .filter_map(|p| relevant(&builder.root, p))
            .collect();
        changed.sort();
        changed.dedup();
        if changed.is_empty() {
            continue;
        }
        // An earlier edition's commentary (content/editions/) is loaded with its edition.
        let full = changed
            .iter()
            .any(|c| !c.starts_with("content/") || c.starts_with("content/editions/"));
        let start = Instant::now();
        let what = if changed.len() == 1 {
            changed[0].clone()
        } else {
            format!("{} and {} more", changed[0], changed.len() - 1)
        };
        match builder.build(full) {
            Ok(r) => {
                println!(
                    "{what} changed: {} ({}{} of {} pages rendered, {} changed{}) in {} ms",
                    r.what,
                    r.phases,
                    r.rendered,
                    r.pages,
                    r.changed,
                    if r.later {
                        "; the others on demand and behind"
                    } else {
                        ""
                    },
                    start.elapsed().as_millis()
                );
                builder.site.broadcast(r#"{"type":"reload"}"#);
            }
            Err(e) => {
                let message = format!("{e:#}");
                eprintln!("{what} changed: error: {message}");
                builder.site.fail(&message);
                builder.site.broadcast(&error_message(&message));
            }
        }
        release_memory();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_files_are_ignored() {
        let root = Path::new("/p");
        assert_eq!(
            relevant(root, Path::new("/p/content/index.md")).as_deref(),
            Some("content/index.md")
        );
        assert_eq!(
            relevant(root, Path::new("/p/report.yaml")).as_deref(),
            Some("report.yaml")
        );
        assert_eq!(relevant(root, Path::new("/p/content/.index.md.swp")), None);
        assert_eq!(relevant(root, Path::new("/p/content/index.md~")), None);
        assert_eq!(relevant(root, Path::new("/p/content/4913")), None);
        assert_eq!(relevant(root, Path::new("/p/site/index.html")), None);
        assert_eq!(
            relevant(root, Path::new("/p/content")).as_deref(),
            Some("content")
        );
    }

    fn file(page: &str, summary: &str, body: &str) -> Commentary {
        Commentary {
            file: format!("content/{page}index.md"),
            page: page.into(),
            front: load::content::FrontMatter {
                summary: Some(summary.into()),
                ..Default::default()
            },
            body: body.into(),
            body_line: 4,
        }
    }

    fn change(pages: &[&str], others: bool) -> CommentaryChange {
        CommentaryChange {
            pages: pages.iter().map(|p| p.to_string()).collect(),
            others,
        }
    }

    #[test]
    fn a_body_edit_touches_its_page_and_a_summary_edit_may_touch_others() {
        let old = vec![file("", "s", "a"), file("regions/x/", "s", "b")];
        let body = vec![file("", "s", "a"), file("regions/x/", "s", "B")];
        assert_eq!(changed_pages(&old, &body), change(&["regions/x/"], false));
        // A summary shows on the home page and the indexes, and nowhere else.
        let indexes = ["regions/x/", "", "regions/", "questions/"];
        let summary = vec![file("", "s", "a"), file("regions/x/", "S", "b")];
        assert_eq!(changed_pages(&old, &summary), change(&indexes, false));
        assert_eq!(changed_pages(&old, &old[..1]), change(&indexes, false));
        assert_eq!(changed_pages(&old[..1], &old), change(&indexes, false));
        // An order reorders lists and neighbours on every page.
        let mut ordered = old.clone();
        ordered[1].front.order = Some(1);
        assert_eq!(changed_pages(&old, &ordered), change(&["regions/x/"], true));
        assert_eq!(changed_pages(&old, &old), change(&[], false));
    }
}
