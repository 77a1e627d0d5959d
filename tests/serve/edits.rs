//! Edits: rebuilds, reloads, errors shown until fixed.

use std::time::{Duration, Instant};

use crate::common::*;
use crate::harness::*;

// ---------------------------------------------------------------------------------------------
// Edits

#[test]
fn an_edit_reloads_every_open_page_and_a_broken_front_matter_shows_until_fixed() {
    let project = Project::example();
    let mut server = serve(&project, &[]);
    let mut first = server.live();
    let mut second = server.live();

    // An edit of the commentary: both pages are told to reload, and the page has the text.
    let sentence = unique_sentence("再読み込みの確認");
    assert!(!server.get("/").body.contains(&sentence));
    let edited = Instant::now();
    append(&project, HOME, &sentence);
    first.expect("reload");
    let latency = edited.elapsed();
    second.expect("reload");
    println!(
        "edit of {HOME} → reload message: {} ms",
        latency.as_millis()
    );
    let line = server.rebuild_line(HOME);
    assert!(
        line.starts_with("out: ") && line.contains("commentary only") && line.ends_with(" ms"),
        "the rebuild line should say what changed, how and how long it took: {line:?}"
    );
    // Only the edited page is rendered again: its body changed, not what other pages show.
    assert!(
        line.contains("(1 of 30 pages rendered, 1 changed)"),
        "{line:?}"
    );
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains(&sentence), "the edit is not on the page");
    assert_shows("/", &home.body, HOME_ROWS);

    // A broken front matter: an error naming the file and line, and the last good page stays.
    let line_no = project.replace_line(HOME, HOME_TITLE, &HOME_TITLE.replace(": ", ": ["));
    assert_eq!(line_no, 2);
    let error = first.expect("error");
    assert_eq!(second.expect("error"), error);
    let message = error["message"].as_str().expect("an error message");
    assert!(
        message.starts_with("content/index.md:2:"),
        "the error should start with `content/index.md:2:`: {message:?}"
    );
    server
        .wait_line(EDIT_TIMEOUT, |l| {
            l.starts_with("err: content/index.md changed: error: content/index.md:2:")
        })
        .unwrap_or_else(|| panic!("no error line on stderr:\n{}", server.transcript()));
    let home = server.get("/");
    assert_eq!(home.status, 200, "the last good page is still served");
    assert!(home.body.contains(&sentence), "the last good page is gone");
    assert!(
        !home.body.contains("title: ["),
        "the broken text was served"
    );
    assert_eq!(home.served_error().as_deref(), Some(message));
    // Every page carries the error, not only the edited one.
    let other = server.get("/regions/tokyo/q1/");
    assert_eq!(other.status, 200);
    assert_eq!(other.served_error().as_deref(), Some(message));

    // Fixing it recovers by itself.
    project.replace_line(HOME, &HOME_TITLE.replace(": ", ": ["), HOME_TITLE);
    first.expect("reload");
    second.expect("reload");
    server.rebuild_line(HOME);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.served_error(),
        None,
        "the error is still shown after the fix"
    );
    assert!(home.body.contains(&sentence));
    assert!(
        first.next(Duration::from_millis(300)).is_none(),
        "a stray message"
    );
}

#[test]
fn a_data_error_is_not_hidden_by_a_later_commentary_edit() {
    let project = Project::example();
    let server = serve(&project, &[]);
    let mut live = server.live();

    const COUNTS: &str = "data/counts.csv";
    let good = "tokyo,q1,planned,51";
    let bad = "tokyo,q1,plannedd,51";
    let line_no = project.replace_line(COUNTS, good, bad);
    let error = live.expect("error");
    let message = error["message"].as_str().unwrap().to_string();
    assert!(
        message.contains(&format!("{COUNTS}:{line_no}: option \"plannedd\"")),
        "the error should name {COUNTS}:{line_no}: {message:?}"
    );

    // The data is still broken: a commentary edit must not clear the error or serve old data
    // as if all were well.
    let sentence = unique_sentence("データ誤りの間の編集");
    append(&project, HOME, &sentence);
    let next = live.expect("error");
    assert_eq!(next["message"], message.as_str());
    assert_eq!(
        server.get("/").served_error().as_deref(),
        Some(message.as_str())
    );

    // Fixing the data brings the commentary edit too.
    project.replace_line(COUNTS, bad, good);
    live.expect("reload");
    let home = server.get("/");
    assert_eq!(home.served_error(), None);
    assert!(home.body.contains(&sentence));
    assert_shows(
        "/regions/tokyo/q1/",
        &server.get("/regions/tokyo/q1/").body,
        TOKYO_Q1_ROWS,
    );
}

#[test]
fn editor_temp_files_do_not_rebuild() {
    let project = Project::example();
    let mut server = serve(&project, &[]);
    let mut live = server.live();

    for temp in ["content/.index.md.swp", "content/index.md~", "content/4913"] {
        project.write(temp, "一時ファイル\n");
    }
    let rebuilt = server.wait_line(Duration::from_millis(1200), |l| l.contains(" changed: "));
    assert_eq!(rebuilt, None, "an editor temp file caused a rebuild");
    assert_eq!(live.next(Duration::from_millis(100)), None);

    // The watcher is alive: a real edit next to the temp files rebuilds.
    let sentence = unique_sentence("一時ファイルの後の編集");
    append(&project, HOME, &sentence);
    live.expect("reload");
    let line = server.rebuild_line(HOME);
    assert!(!line.contains(".swp") && !line.contains('~'), "{line:?}");
    assert!(server.get("/").body.contains(&sentence));
}

/// The preview as README and docs/editors.md start it: in the project folder with no `--root`
/// (the root is `.`), with `--root .`, and with a relative root from elsewhere. Each rebuilds
/// on an edit (issue 12 #1: the watcher reports absolute paths, and a root kept as typed
/// matched none of them, so the page never changed and nothing was logged).
#[test]
fn the_preview_rebuilds_when_started_with_a_relative_root() {
    let project = Project::example();
    let root = project.root().to_path_buf();
    let cases: [(&str, std::path::PathBuf, &[&str]); 3] = [
        ("no --root", root.clone(), &[]),
        ("--root .", root.clone(), &["--root", "."]),
        ("--root ..", root.join("content"), &["--root", ".."]),
    ];
    for (how, cwd, args) in cases {
        let args: Vec<std::ffi::OsString> = args.iter().map(|a| a.into()).collect();
        let mut server = serve_in(&cwd, &args);
        let mut live = server.live();
        let sentence = unique_sentence(how);
        assert!(!server.get("/").body.contains(&sentence));
        append(&project, HOME, &sentence);
        live.expect("reload");
        let line = server.rebuild_line(HOME);
        assert!(line.contains("commentary only"), "{how}: {line:?}");
        let home = server.get("/");
        assert!(
            home.body.contains(&sentence),
            "{how}: the edit is not on the page"
        );
        assert_shows("/", &home.body, HOME_ROWS);
    }
}

/// A summary shows on the home page, an order on every page's navigation: an edit of either
/// renders the edited page now and every other page that may show it on demand or behind,
/// never serving a page as it was before the edit.
#[test]
fn a_summary_or_order_edit_reaches_every_page_that_shows_it() {
    const TOKYO: &str = "content/regions/tokyo/index.md";
    let project = Project::example();
    let mut server = serve(&project, &[]);
    let mut live = server.live();

    let old_summary = project
        .read(TOKYO)
        .lines()
        .find(|l| l.starts_with("summary: "))
        .unwrap()
        .to_string();
    let summary = unique_sentence("要約の変更");
    project.replace_line(TOKYO, &old_summary, &format!("summary: {summary}"));
    live.expect("reload");
    let line = server.rebuild_line(TOKYO);
    // A summary shows on the home page and the two indexes: those and the edited page are
    // rendered now, and no other page.
    assert!(
        line.contains("commentary only")
            && line.contains("(4 of 30 pages rendered")
            && !line.contains("on demand"),
        "{line:?}"
    );
    let home = server.get("/");
    assert!(
        text(&home.body).contains(&summary),
        "the home page lists the new summary"
    );

    wait_until_served_as_built(&server, &project.build_into(&project.path("out1"), &[]));

    // Regions are listed by `order` (navigation, previous / next region): put 都全域 first.
    // A page the edit does not touch is not served as it was, from the first request on.
    let page = "regions/ku-seinanbu/q2/";
    let before = strip_client(&server.get(&format!("/{page}")).body);
    project.replace_line(TOKYO, "order: 2", "order: 0");
    live.expect("reload");
    server.rebuild_line(TOKYO);
    let built = project.build_into(&project.path("out2"), &[]);
    assert_ne!(
        built.page(page),
        before,
        "{page} shows the order of the regions"
    );
    assert_eq!(
        strip_client(&server.get(&format!("/{page}")).body),
        built.page(page),
        "{page} is served as it was before the edit"
    );
    wait_until_served_as_built(&server, &built);
}

/// A data edit: every page and file the background finishes is what `build` writes from the
/// edited data, and the page asked for first already shows the new number.
#[test]
fn a_data_edit_reaches_every_file() {
    const COUNTS: &str = "data/counts.csv";
    let project = Project::example();
    let mut server = serve(&project, &[]);
    let mut live = server.live();

    project.replace_line(COUNTS, "tokyo,q1,planned,51", "tokyo,q1,planned,50");
    live.expect("reload");
    // Asked for at once, data.csv is never the one of the old data.
    let csv = server.get("/data.csv");
    let line = server.rebuild_line(COUNTS);
    assert!(line.contains("full rebuild"), "{line:?}");
    assert_shows(
        "/regions/tokyo/q1/",
        &server.get("/regions/tokyo/q1/").body,
        &["今後導入する予定がある 50 20.0%", "回答計 249"],
    );
    let built = project.build_into(&project.path("out"), &[]);
    assert_eq!(csv.status, 200);
    assert!(
        csv.bytes == built.files()["data.csv"],
        "data.csv was served from the old data"
    );
    wait_until_served_as_built(&server, &built);
}

/// A stylesheet edit: the page reloads with the new stylesheet, not the one before the edit.
#[test]
fn a_stylesheet_edit_is_served_with_the_reload() {
    const STYLE: &str = "templates/assets/style.css";
    let project = Project::example();
    let server = serve(&project, &[]);
    let mut live = server.live();
    let rule = format!(
        "\n/* {} */ .edited {{ color: #123456; }}\n",
        unique_sentence("スタイルの変更")
    );
    let mut style = project.read(STYLE);
    style.push_str(&rule);
    project.write(STYLE, &style);
    live.expect("reload");
    let css = server.get("/assets/style.css");
    assert_eq!(css.status, 200);
    assert!(css.body.ends_with(&rule), "the old stylesheet was served");
}

#[test]
fn an_earlier_editions_page_is_served_and_its_commentary_edit_shows() {
    // The three-edition fixture (made-up numbers): /2024/… pages are served from the start, and
    // an edit of content/editions/2024/… reaches the 2024 page (it is loaded with its edition).
    let project = Project::example_with(&[]);
    project.overlay("editions");
    let rel = "content/editions/2024/regions/north/q1.md";
    project.write(
        rel,
        "---\ntitle: 2024年の所見\n---\n紙での連携が残っていました。\n",
    );
    let mut server = serve(&project, &[]);
    let page = server.get("/2024/regions/north/q1/");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("紙での連携が残っていました。"),
        "{}",
        page.body
    );
    assert!(page.body.contains("2024年度調査"));

    let mut live = server.live();
    let sentence = unique_sentence("過去の年度の解説");
    append(&project, rel, &sentence);
    live.expect("reload");
    server.rebuild_line(rel);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let body = server.get("/2024/regions/north/q1/").body;
        if body.contains(&sentence) {
            assert!(!server.get("/regions/north/q1/").body.contains(&sentence));
            break;
        }
        assert!(Instant::now() < deadline, "the edit never showed: {body}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
