//! How the site is written to disk (issues 11, 12 #8, 13 #7–#9): only changed files are
//! rewritten, a reader never finds the output missing or half written, leftovers of killed
//! builds are cleaned and never offered to git, the output is never an input, and a `site`
//! symlink is written through.

#![cfg(unix)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use surveysite::output::{self, Staging};
use surveysite::render::OutputFile;

use crate::common::*;

/// Every file of the output → (inode, modification time in ns).
fn identities(dir: &Path) -> BTreeMap<String, (u64, i128)> {
    files_under(dir)
        .into_keys()
        .map(|rel| {
            let m = fs::metadata(dir.join(&rel)).unwrap();
            let time = i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec());
            (rel, (m.ino(), time))
        })
        .collect()
}

/// The files of `now` whose inode or modification time differ from `before`.
fn rewritten<'a>(
    before: &BTreeMap<String, (u64, i128)>,
    now: &'a BTreeMap<String, (u64, i128)>,
) -> BTreeSet<&'a String> {
    now.iter()
        .filter(|(rel, id)| before.get(*rel) != Some(*id))
        .map(|(rel, _)| rel)
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn surveysite(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_surveysite"))
        .args(args)
        .output()
        .expect("running surveysite")
}

#[test]
fn a_published_file_changed_by_hand_is_put_right_by_the_next_build() {
    // An unchanged rebuild trusts the last build's manifest of what it published, but only for
    // a file found exactly as recorded: one written to in place (same length, same inode, even
    // with its modification time put back) is read and replaced.
    let project = Project::example();
    let site = project.path("site");
    project.build();
    project.build();
    let page = site.join("regions/ku-seinanbu/q1/index.html");
    let good = fs::read_to_string(&page).unwrap();
    let shown = "<td class=\"num\">4</td>";
    assert!(good.contains(shown), "the example's page changed: {shown}");
    let forged = good.replacen(shown, "<td class=\"num\">9</td>", 1);
    assert_eq!(forged.len(), good.len());
    let modified = fs::metadata(&page).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut file = fs::File::options().write(true).open(&page).unwrap();
    std::io::Write::write_all(&mut file, forged.as_bytes()).unwrap();
    file.set_modified(modified).unwrap();
    drop(file);
    assert_eq!(fs::read_to_string(&page).unwrap(), forged);

    project.build();
    assert_eq!(fs::read_to_string(&page).unwrap(), good);
    let fresh = project.build_into(&project.path("fresh"), &[]).files();
    assert!(
        files_under(&site) == fresh,
        "the site differs from a fresh build"
    );
}

#[test]
fn a_rebuild_rewrites_only_the_files_whose_bytes_changed() {
    let project = Project::example();
    let site = project.path("site");
    project.build();
    let first = identities(&site);
    let first_bytes = files_under(&site);

    // Nothing changed: no file is rewritten (same inode, same modification time).
    project.build();
    let again = identities(&site);
    assert_eq!(
        rewritten(&first, &again),
        BTreeSet::new(),
        "a rebuild without changes rewrote these files"
    );
    project.build();
    let again = identities(&site);
    assert_eq!(
        rewritten(&first, &again),
        BTreeSet::new(),
        "a third build rewrote these files"
    );

    // One commentary edit: exactly the files whose bytes differ are new.
    let home = project.read("content/index.md");
    project.write("content/index.md", &format!("{home}\n追記した一文です。\n"));
    project.build();
    // The search index names its files by their content (pagefind/): those change names when
    // the text they index changes; every other file keeps its name.
    let not_index = |rel: &&String| !rel.starts_with("pagefind/");
    let after = identities(&site);
    let after_bytes = files_under(&site);
    assert_eq!(
        after.keys().filter(not_index).collect::<Vec<_>>(),
        first.keys().filter(not_index).collect::<Vec<_>>()
    );
    let changed: BTreeSet<&String> = after_bytes
        .iter()
        .filter(|(rel, bytes)| first_bytes.get(*rel) != Some(*bytes))
        .map(|(rel, _)| rel)
        .collect();
    assert!(changed.contains(&"index.html".to_string()), "{changed:?}");
    assert_eq!(rewritten(&first, &after), changed);
    assert!(
        changed.len() < first.len() / 4,
        "one commentary edit changed {} of {} files: {changed:?}",
        changed.len(),
        first.len()
    );
    assert!(
        text(&fs::read_to_string(site.join("index.html")).unwrap()).contains("追記した一文です。")
    );

    // A file no longer produced is removed, with the folder that held only it.
    project.write(
        "templates/assets/img/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    project.build();
    assert!(site.join("assets/img/logo.svg").is_file());
    fs::remove_dir_all(project.path("templates/assets/img")).unwrap();
    let site_files = project.build().files();
    assert!(
        !site.join("assets/img").exists(),
        "assets/img/ was left in the site"
    );
    assert_eq!(
        site_files.keys().collect::<Vec<_>>(),
        after_bytes.keys().collect::<Vec<_>>()
    );
    // And the output stays byte-identical to a build into a fresh folder.
    let fresh = project.build_into(&project.path("fresh"), &[]).files();
    assert!(
        site_files == fresh,
        "the updated site differs from a fresh build"
    );
}

/// A tiny site whose files all say which generation they belong to.
fn generation(n: usize) -> Vec<OutputFile> {
    ["index.html", "regions/a/index.html", "assets/style.css"]
        .iter()
        .map(|p| OutputFile {
            path: p.to_string(),
            bytes: format!("generation {n} {p}\n").into_bytes(),
        })
        .collect()
}

#[test]
fn a_reader_never_finds_the_output_missing_during_the_swap() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("report");
    fs::create_dir_all(&root).unwrap();
    let out = root.join("site");
    output::write(&out, &root, &generation(0), false).unwrap();
    let done = AtomicBool::new(false);
    let missing = AtomicUsize::new(0);
    let looks = AtomicUsize::new(0);
    std::thread::scope(|s| {
        s.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                looks.fetch_add(1, Ordering::Relaxed);
                if !out.join("index.html").is_file() {
                    missing.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        for n in 1..=150 {
            output::write(&out, &root, &generation(n), false).unwrap();
        }
        done.store(true, Ordering::Relaxed);
    });
    assert!(looks.load(Ordering::Relaxed) > 150);
    assert_eq!(
        missing.load(Ordering::Relaxed),
        0,
        "a reader found site/index.html missing during a build"
    );
    assert_eq!(
        fs::read_to_string(out.join("regions/a/index.html")).unwrap(),
        "generation 150 regions/a/index.html\n"
    );
}

#[test]
fn the_streaming_writer_takes_files_from_several_threads_and_an_abort_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("report");
    fs::create_dir_all(&root).unwrap();
    let out = root.join("site");
    output::write(&out, &root, &generation(1), false).unwrap();
    let before = files_under(&out);
    let before_ids = identities(&out);

    // An aborted build (dropped before commit) after writing changed and new files.
    {
        let staging = Staging::begin(&out, &root, false).unwrap();
        staging.put("index.html", b"half of a new site").unwrap();
        staging
            .put("regions/b/index.html", b"a page of a build that failed")
            .unwrap();
    }
    assert!(
        files_under(&out) == before,
        "an aborted build changed the site"
    );
    assert_eq!(identities(&out), before_ids);

    // 400 pages from 4 threads, then the swap: the site holds exactly them.
    let staging = Staging::begin(&out, &root, false).unwrap();
    std::thread::scope(|s| {
        for t in 0..4 {
            let staging = &staging;
            s.spawn(move || {
                for i in 0..100 {
                    let page = format!("regions/r{t}-{i}/index.html");
                    staging.put(&page, page.as_bytes()).unwrap();
                }
            });
        }
    });
    staging.put("index.html", b"home").unwrap();
    staging.commit().unwrap();
    let files = files_under(&out);
    assert_eq!(
        files.len(),
        400 + 2,
        "{:?}",
        files.keys().take(5).collect::<Vec<_>>()
    );
    assert_eq!(
        files["regions/r3-99/index.html"],
        b"regions/r3-99/index.html"
    );
    assert_eq!(files["index.html"], b"home");
    assert!(!files.contains_key("regions/b/index.html"));
    assert!(!files.contains_key("assets/style.css"));
    assert!(files.contains_key(".surveysite"));

    // A path that leaves the site is refused.
    let staging = Staging::begin(&out, &root, false).unwrap();
    let err = staging.put("../escape.html", b"x").unwrap_err();
    assert!(
        err.to_string()
            .contains("\"../escape.html\" is not a path inside the site"),
        "{err}"
    );
    assert!(!root.join("escape.html").exists());
}

/// The id of a process that has ended.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().expect("running true");
    let pid = child.id();
    child.wait().unwrap();
    pid
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("running git");
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn leftovers_of_killed_builds_are_cleaned_and_git_is_offered_none_of_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("report");
    let made = surveysite(&["new", &dir.display().to_string()]);
    assert!(made.status.success(), "{}", stderr(&made));
    git(&dir, &["init", "-q"]);
    let project_files = git(&dir, &["status", "--porcelain", "--untracked-files=all"]);
    assert!(project_files.contains("?? report.yaml"), "{project_files}");

    // Builds of an earlier version killed mid-way left their per-process folders.
    let pid = dead_pid();
    for stray in [format!(".site.new-{pid}"), format!(".site.old-{pid}")] {
        fs::create_dir_all(dir.join(&stray).join("regions")).unwrap();
        fs::write(dir.join(&stray).join("regions/index.html"), "stale").unwrap();
    }
    let root = dir.display().to_string();
    for _ in 0..3 {
        let built = surveysite(&["build", "--root", &root]);
        assert!(built.status.success(), "{}", stderr(&built));
    }
    assert!(
        !dir.join(format!(".site.new-{pid}")).exists(),
        "the stray .site.new-{pid} is still there"
    );
    assert!(
        !dir.join(format!(".site.old-{pid}")).exists(),
        "the stray .site.old-{pid} is still there"
    );
    // A build killed now leaves at most its half-updated buffer: ignored by git too.
    let previous = dir.join(".site.surveysite/previous");
    assert!(previous.join("index.html").is_file());
    fs::write(previous.join("half-written.html"), "killed here").unwrap();
    assert_eq!(
        git(&dir, &["status", "--porcelain", "--untracked-files=all"]),
        project_files,
        "git is offered what a build left behind"
    );
    // The next build removes it.
    assert!(surveysite(&["build", "--root", &root]).status.success());
    assert!(!previous.join("half-written.html").exists());
    assert!(dir.join("site/index.html").is_file());
}

#[test]
fn a_site_missing_after_an_old_killed_build_is_put_back() {
    let project = Project::example();
    let site = project.build();
    let before = site.files();
    let pid = dead_pid();
    // An earlier version was killed between its two renames: the site is only in .site.old-PID.
    fs::rename(
        project.path("site"),
        project.path(&format!(".site.old-{pid}")),
    )
    .unwrap();
    project.replace_line("data/counts.csv", "tokyo,q2,a,55", "tokyo,q2,a,x55");
    // This build fails (before writing anything), so the site is put back only by a build
    // that gets to write: fix the data and build.
    assert!(
        !project
            .run_build(&project.path("site"), &[])
            .status
            .success()
    );
    project.replace_line("data/counts.csv", "tokyo,q2,a,x55", "tokyo,q2,a,55");
    let out = project.run_build(&project.path("site"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("put the previous site back from .site.old-{pid}")),
        "{}",
        stderr(&out)
    );
    assert!(files_under(&project.path("site")) == before);
    assert!(!project.path(&format!(".site.old-{pid}")).exists());
}

#[test]
fn the_output_is_never_an_input_of_the_project_even_with_force() {
    let project = Project::example();
    project.build();
    let root = project.root().to_path_buf();
    let cases = [
        ("report.yaml", "is report.yaml, which the build reads"),
        (
            "data/codebook.yaml",
            "is data/codebook.yaml, which the build reads",
        ),
        ("data/counts.csv", "is inside the project's data/ folder"),
        (
            ".surveysite-cache",
            "is the cache .surveysite-cache/ (counted respondent rows), which the build reads",
        ),
        (
            ".surveysite-cache/rows",
            "is inside the cache .surveysite-cache/ (counted respondent rows)",
        ),
        ("content/regions", "is inside the project's content/ folder"),
        ("templates", "is the project's templates/ folder"),
        (".git", "is the project's .git/ folder"),
        (".", "is the project folder or holds it"),
        ("..", "is the project folder or holds it"),
    ];
    let inputs_before = files_under(&root.join("data"));
    let report = project.read("report.yaml");
    for (output, says) in cases {
        let out = project.run_build(&root.join(output), &["--force"]);
        let err = stderr(&out);
        assert!(
            !out.status.success(),
            "--output {output} --force was accepted"
        );
        assert!(err.contains(says), "--output {output}: {err}");
    }
    assert_eq!(project.read("report.yaml"), report);
    assert!(files_under(&root.join("data")) == inputs_before);
}

#[test]
fn the_respondent_rows_the_codebook_names_outside_data_are_protected() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("report");
    assert!(
        surveysite(&["new", &dir.display().to_string()])
            .status
            .success()
    );
    fs::create_dir_all(tmp.path().join("exports")).unwrap();
    fs::rename(
        dir.join("data/responses.csv"),
        tmp.path().join("exports/rows.csv"),
    )
    .unwrap();
    let codebook = fs::read_to_string(dir.join("data/codebook.yaml")).unwrap();
    assert_eq!(codebook.matches("file: data/responses.csv").count(), 1);
    fs::write(
        dir.join("data/codebook.yaml"),
        codebook.replace("file: data/responses.csv", "file: ../exports/rows.csv"),
    )
    .unwrap();
    let rows = fs::read(tmp.path().join("exports/rows.csv")).unwrap();
    let root = dir.display().to_string();
    let built = surveysite(&["build", "--root", &root]);
    assert!(built.status.success(), "{}", stderr(&built));
    for output in ["exports", "exports/rows.csv"] {
        let out = surveysite(&[
            "build",
            "--root",
            &root,
            "--output",
            &tmp.path().join(output).display().to_string(),
            "--force",
        ]);
        assert!(
            !out.status.success(),
            "--output {output} --force was accepted"
        );
        assert!(
            stderr(&out).contains("../exports/rows.csv (the respondent rows named by data/codebook.yaml), which the build reads"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(fs::read(tmp.path().join("exports/rows.csv")).unwrap(), rows);
}

#[test]
fn a_site_that_is_a_symlink_is_written_through() {
    let project = Project::example();
    let web = tempfile::tempdir().unwrap();
    let target = web.path().join("report");
    fs::create_dir_all(&target).unwrap();
    let link = project.path("site");
    std::os::unix::fs::symlink(&target, &link).unwrap();

    project.build();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "site is no longer a symlink"
    );
    assert_eq!(fs::read_link(&link).unwrap(), target);
    assert!(
        target.join("index.html").is_file(),
        "the web root was not written"
    );
    let first = identities(&target);

    let home = project.read("content/index.md");
    project.write(
        "content/index.md",
        &format!("{home}\n公開先に届く一文です。\n"),
    );
    project.build();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_link(&link).unwrap(), target);
    assert!(
        fs::read_to_string(target.join("index.html"))
            .unwrap()
            .contains("公開先に届く一文です。")
    );
    // Only the changed page was rewritten in the web root.
    let after = identities(&target);
    assert_ne!(after["index.html"], first["index.html"]);
    assert_eq!(after["assets/style.css"], first["assets/style.css"]);
    // The previous site is kept beside the web root, not in the project.
    assert!(web.path().join(".report.surveysite").is_dir());
    assert!(!project.path(".site.surveysite").exists());
}

#[test]
fn a_symlink_loop_as_output_is_an_error_not_a_crash() {
    let project = Project::example();
    let (a, b) = (project.path("a"), project.path("b"));
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let out = project.run_build(&a, &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(&format!(
            "error: --output {}: too many levels of symlinks (a loop?)",
            a.display()
        )),
        "{}",
        stderr(&out)
    );
    assert!(fs::symlink_metadata(&a).unwrap().file_type().is_symlink());
}

#[test]
fn builds_running_at_the_same_time_into_one_output_leave_a_whole_site() {
    let project = Project::example();
    let fresh = project.build_into(&project.path("fresh"), &[]).files();
    let site = project.path("site");
    let builds: Vec<_> = (0..3)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_surveysite"))
                .arg("build")
                .arg("--root")
                .arg(project.root())
                .arg("--output")
                .arg(&site)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("running surveysite")
        })
        .collect();
    for b in builds {
        let out = b.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert!(
        files_under(&site) == fresh,
        "the site differs from a single build's"
    );
    assert!(files_under(&project.path(".site.surveysite/previous")) == fresh);
}
