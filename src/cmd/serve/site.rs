//! What `serve` serves: the files of the last good load of the project. A new load is served
//! at once: its pages are rendered when first asked for (the page a browser is on comes first)
//! and by one background worker behind, which also writes the files other than pages
//! (`render::site_with`, the same files `build` writes). Until a page is rendered again, it is
//! "stale" and never served as it was. A build error keeps the last good files and is shown on
//! every page.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

use anyhow::Result;
use tokio::sync::{broadcast, watch};

use super::paths::{self, Target};
use crate::load::Project;
use crate::render::{self, OutputFile, Prepared, pages};

/// One successful load of the project, and the pages it has.
pub struct Snapshot {
    pub project: Project,
    pub prepared: Arc<Prepared>,
    /// The path of every page ("" home, "regions/a/", "404.html"), by the file it is written to.
    pages: HashMap<String, String>,
    /// The first page of each kind, in page-list order.
    firsts: Vec<String>,
}

impl Snapshot {
    pub fn new(project: Project, prepared: Arc<Prepared>) -> Snapshot {
        let mut pages = HashMap::new();
        let mut firsts = Vec::new();
        let mut kinds = Vec::new();
        for page in pages::list(&project) {
            if !kinds.contains(&page.kind) {
                kinds.push(page.kind);
                firsts.push(page.path.clone());
            }
            pages.insert(page.output_file(), page.path);
        }
        // Earlier editions' pages (under `<id>/`), rendered on demand like the others.
        for earlier in (0..project.editions.len()).filter_map(|i| project.for_edition(i)) {
            for page in pages::list(&earlier) {
                pages.insert(page.output_file(), page.path);
            }
        }
        Snapshot {
            project,
            prepared,
            pages,
            firsts,
        }
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// One page of each kind: rendering them finds any error every page of a kind would have.
    pub fn probe_pages(&self) -> HashSet<String> {
        self.firsts.iter().cloned().collect()
    }

    /// The page whose rendering writes `file`: its own HTML, or a CSV beside it.
    fn owner(&self, file: &str) -> Option<&String> {
        if let Some(page) = self.pages.get(file) {
            return Some(page);
        }
        let (dir, _) = file.rsplit_once('/')?;
        self.pages.get(&format!("{dir}/index.html"))
    }

    pub fn render(&self, wanted: &HashSet<String>) -> Result<Vec<OutputFile>> {
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        render::render_pages(&self.project, &self.prepared, &|p| wanted.contains(&p.path))
    }

    fn base_path(&self) -> String {
        crate::url::base_path(&self.project.config.base_url)
    }
}

/// What a new snapshot changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Data, codebook, templates or report.yaml: every file may differ.
    Everything,
    /// Commentary that other pages show (a title, summary, order; a file added or removed):
    /// every page may differ, the other files do not.
    Pages,
    /// Only the pages given rendered with it differ.
    These,
}

/// What the background worker still has to do for the current snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Pending {
    Nothing,
    /// Write every file (`render::site_with`).
    Everything,
}

/// What a request finds.
pub enum Found {
    File {
        /// The site file ("regions/a/index.html").
        name: String,
        bytes: Arc<Vec<u8>>,
        status: u16,
        /// The build error to show over the page, if the last build failed.
        error: Option<String>,
    },
    Redirect(String),
    /// Nothing to serve: no build has succeeded yet (the error says why).
    NoSite {
        error: Option<String>,
    },
}

struct State {
    /// Bumped by every new snapshot; work for an older one is thrown away.
    generation: u64,
    snapshot: Option<Arc<Snapshot>>,
    files: HashMap<String, Arc<Vec<u8>>>,
    /// Pages of the snapshot whose files in `files` are older than it (or missing).
    stale: HashSet<String>,
    pending: Pending,
    /// The generation the background worker last took up.
    taken: u64,
    /// The first load has ended (well or not): requests stop waiting for it.
    loaded: bool,
    /// Every file of the snapshot's data is in `files`: a missing one will not come.
    complete: bool,
    /// Until `complete`: the files other than pages already made from the snapshot's data (the
    /// assets); any other (data.csv, sitemap.xml) waits for the background worker rather than
    /// be served from older data.
    fresh: HashSet<String>,
    base_path: String,
    error: Option<String>,
}

pub struct Site {
    state: Mutex<State>,
    /// Wakes the background worker.
    work: Condvar,
    /// Ticks on every change of `state`, for requests that wait.
    ticks: watch::Sender<u64>,
    /// Messages for the open pages' live-reload sockets.
    messages: broadcast::Sender<String>,
}

impl Site {
    pub fn new(base_path: String) -> Result<Arc<Site>> {
        let site = Arc::new(Site {
            state: Mutex::new(State {
                generation: 0,
                snapshot: None,
                files: HashMap::new(),
                stale: HashSet::new(),
                pending: Pending::Nothing,
                taken: 0,
                loaded: false,
                complete: false,
                fresh: HashSet::new(),
                base_path,
                error: None,
            }),
            work: Condvar::new(),
            ticks: watch::Sender::new(0),
            messages: broadcast::Sender::new(16),
        });
        let worker = Arc::clone(&site);
        std::thread::Builder::new()
            .name("serve-render".into())
            .spawn(move || worker.background())
            .map_err(|e| anyhow::anyhow!("starting the render thread: {e}"))?;
        Ok(site)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn tick(&self) {
        self.ticks.send_modify(|t| *t = t.wrapping_add(1));
    }

    pub fn subscribe(&self) -> broadcast::Receiver<String> {
        self.messages.subscribe()
    }

    pub fn broadcast(&self, message: &str) {
        // No open page is not an error.
        let _ = self.messages.send(message.to_string());
    }

    /// Serves `snapshot` from now on, with `rendered` (files already made for it). Returns how
    /// many pages of `rendered` differ from what was served.
    pub fn publish(
        &self,
        snapshot: Arc<Snapshot>,
        change: Change,
        rendered: Vec<OutputFile>,
    ) -> usize {
        let mut st = self.lock();
        st.generation += 1;
        match change {
            Change::Everything => {
                st.stale = snapshot.pages.values().cloned().collect();
                st.pending = Pending::Everything;
                st.complete = false;
                st.fresh = rendered
                    .iter()
                    .filter(|f| snapshot.owner(&f.path).is_none())
                    .map(|f| f.path.clone())
                    .collect();
            }
            // The search index holds every page's text, so after any commentary edit it is made
            // again behind, with every file as `build` writes them; until then the edited pages
            // are served at once and other stale pages are rendered on demand.
            Change::Pages => {
                st.stale = snapshot.pages.values().cloned().collect();
                st.pending = st.pending.max(Pending::Everything);
            }
            Change::These => st.pending = st.pending.max(Pending::Everything),
        }
        st.base_path = snapshot.base_path();
        st.snapshot = Some(snapshot);
        st.error = None;
        st.loaded = true;
        let changed = store(&mut st, rendered);
        drop(st);
        self.work.notify_all();
        self.tick();
        changed
    }

    /// A build failed: the last good files stay, with `message` shown over them.
    pub fn fail(&self, message: &str) {
        let mut st = self.lock();
        st.error = Some(message.to_string());
        st.loaded = true;
        drop(st);
        self.tick();
    }

    /// Finds what a request path names, rendering its page first if it is stale, and waiting
    /// for the first load (and for files not written yet) where needed.
    pub async fn find(&self, target: &str) -> Found {
        let mut ticks = self.ticks.subscribe();
        loop {
            let step = {
                let st = self.lock();
                step(&st, target)
            };
            match step {
                Step::Done(found) => return found,
                Step::Wait => {
                    if ticks.changed().await.is_err() {
                        return Found::NoSite { error: None };
                    }
                }
                Step::Render(snapshot, generation, page) => {
                    let wanted: HashSet<String> = [page.clone()].into();
                    let rendered =
                        tokio::task::spawn_blocking(move || snapshot.render(&wanted)).await;
                    let mut st = self.lock();
                    if st.generation != generation {
                        continue; // a newer snapshot came meanwhile: render from it
                    }
                    match rendered {
                        Ok(Ok(files)) => {
                            store(&mut st, files);
                        }
                        Ok(Err(e)) => {
                            // Serve what there is, with the error over it.
                            st.stale.remove(&page);
                            let message = format!("{e:#}");
                            eprintln!("error: {message}");
                            st.error = Some(message.clone());
                            drop(st);
                            self.broadcast(&error_message(&message));
                        }
                        Err(_) => {
                            st.stale.remove(&page);
                        }
                    }
                    self.tick();
                }
            }
        }
    }

    /// The background worker: whenever a snapshot leaves work, does it, most recent first.
    fn background(&self) {
        loop {
            let (generation, snapshot, pending) = {
                let mut st = self.lock();
                while st.pending == Pending::Nothing || st.taken == st.generation {
                    st = self.work.wait(st).unwrap_or_else(|e| e.into_inner());
                }
                st.taken = st.generation;
                let Some(snapshot) = st.snapshot.clone() else {
                    st.pending = Pending::Nothing;
                    continue;
                };
                (st.generation, snapshot, st.pending)
            };
            match pending {
                Pending::Everything => self.write_everything(generation, &snapshot),
                Pending::Nothing => {}
            }
            drop(snapshot);
            release_memory();
        }
    }

    fn write_everything(&self, generation: u64, snapshot: &Snapshot) {
        let start = Instant::now();
        let site = render::site_with(&snapshot.project, &snapshot.prepared);
        let mut st = self.lock();
        if st.generation != generation {
            return;
        }
        st.pending = Pending::Nothing;
        st.complete = true;
        st.fresh.clear();
        match site {
            Ok(files) => {
                let count = files.len();
                // Pages rendered on demand meanwhile came from the same snapshot: same bytes.
                st.files = files
                    .into_iter()
                    .map(|f| (f.path, Arc::new(f.bytes)))
                    .collect();
                st.stale.clear();
                drop(st);
                println!("built {count} files in {} ms", start.elapsed().as_millis());
            }
            Err(e) => {
                let message = format!("{e:#}");
                st.stale.clear();
                st.error = Some(message.clone());
                drop(st);
                eprintln!("error: {message}");
                self.broadcast(&error_message(&message));
            }
        }
        self.tick();
    }
}

/// `{"type":"error","message":…}` for the live-reload sockets.
pub fn error_message(message: &str) -> String {
    serde_json::json!({"type": "error", "message": message}).to_string()
}

/// Puts rendered files in, their pages fresh again. Returns how many pages differ.
fn store(st: &mut State, files: Vec<OutputFile>) -> usize {
    let mut changed = 0;
    for file in files {
        if let Some(owner) = st.snapshot.as_ref().and_then(|s| s.owner(&file.path)) {
            st.stale.remove(owner);
        }
        if file.path.ends_with(".html")
            && st
                .files
                .get(&file.path)
                .is_none_or(|old| **old != file.bytes)
        {
            changed += 1;
        }
        st.files.insert(file.path, Arc::new(file.bytes));
    }
    changed
}

enum Step {
    Done(Found),
    Wait,
    /// Render this page of this snapshot (of this generation), then look again.
    Render(Arc<Snapshot>, u64, String),
}

fn step(st: &State, target: &str) -> Step {
    if !st.loaded {
        return Step::Wait;
    }
    let exists = |f: &str| {
        st.files.contains_key(f)
            || st
                .snapshot
                .as_ref()
                .is_some_and(|s| s.pages.contains_key(f))
    };
    match paths::resolve(target, &st.base_path, exists) {
        Target::Redirect(to) => Step::Done(Found::Redirect(to)),
        Target::File(name) => file_step(st, name, 200),
        Target::NotFound => file_step(st, "404.html".into(), 404),
    }
}

fn file_step(st: &State, name: String, status: u16) -> Step {
    let owner = st.snapshot.as_ref().and_then(|s| s.owner(&name));
    if let (Some(snapshot), Some(owner)) = (&st.snapshot, owner)
        && st.stale.contains(owner)
    {
        return Step::Render(Arc::clone(snapshot), st.generation, owner.clone());
    }
    // The background worker is writing the other files of new data: a file that is not a
    // page and not made yet, or missing (data.csv at start), comes from it.
    let writing = !st.complete && st.snapshot.is_some() && st.error.is_none();
    if writing && (status == 404 || (owner.is_none() && !st.fresh.contains(&name))) {
        return Step::Wait;
    }
    match st.files.get(&name) {
        Some(bytes) => Step::Done(Found::File {
            name,
            bytes: Arc::clone(bytes),
            status,
            error: st.error.clone(),
        }),
        None if status == 200 => file_step(st, "404.html".into(), 404),
        None => Step::Done(Found::NoSite {
            error: st.error.clone(),
        }),
    }
}

/// Gives memory freed by a rebuild back to the system (allocators keep it for reuse otherwise,
/// and the preview's resident size grows with every rebuild): mimalloc's (the binary's
/// allocator, src/main.rs) and glibc's (what C code allocates).
pub fn release_memory() {
    // SAFETY: mi_collect only returns memory that is free to the system; it takes no pointers
    // and may be called from any thread at any time.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: malloc_trim only returns free heap memory to the system; it takes no
        // pointers and is safe to call from any thread at any time.
        unsafe {
            malloc_trim(0);
        }
    }
}
