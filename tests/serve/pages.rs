//! What is served: the built pages plus the live-reload client.

use std::fs;

use crate::common::*;
use crate::harness::*;

// ---------------------------------------------------------------------------------------------
// Pages

#[test]
fn served_pages_are_the_built_pages_plus_the_live_reload_client() {
    let project = Project::example();
    let mut server = serve(&project, &[]);
    assert_eq!(server.base, "/");
    let built = project.build_into(&project.path("out"), &[]);

    for (path, rows) in [("/", HOME_ROWS), ("/regions/tokyo/q1/", TOKYO_Q1_ROWS)] {
        let reply = server.get(path);
        assert_eq!(reply.status, 200, "GET {path}");
        assert_eq!(
            reply.header("Content-Type"),
            Some("text/html; charset=utf-8"),
            "GET {path}"
        );
        assert_shows(path, &reply.body, rows);
        assert_client_injected(path, &reply.body);
        assert_eq!(reply.served_error(), None, "GET {path}: no error yet");
        // Apart from the client, the page is byte for byte what `build` writes.
        let file = built.page(&path[1..]);
        let at = reply
            .body
            .find("<script>window.__surveysiteError=")
            .unwrap();
        let injected_end = reply.body.rfind("</script>\n").unwrap() + "</script>\n".len();
        assert_eq!(
            format!("{}{}", &reply.body[..at], &reply.body[injected_end..]),
            file,
            "GET {path}: served page differs from the built one"
        );
    }
    // A page reached without its trailing slash is redirected, as on a static host.
    let reply = server.get("/regions/tokyo/q1");
    assert_eq!(reply.status, 301);
    assert_eq!(reply.header("Location"), Some("/regions/tokyo/q1/"));
    // Assets are served untouched.
    let css = server.get("/assets/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));
    assert_eq!(
        css.body,
        fs::read_to_string(built.dir.join("assets/style.css")).unwrap()
    );

    // `build` never writes the client.
    let files = built.files();
    assert!(files.contains_key("index.html") && files.contains_key("regions/tokyo/q1/index.html"));
    for (file, bytes) in &files {
        assert!(
            !String::from_utf8_lossy(bytes).contains("__surveysite"),
            "build output {file} mentions __surveysite"
        );
    }
    // Every file `build` writes is served, and as it is written: pages rendered on demand,
    // the assets served before the whole site is written, and the rest written behind.
    wait_until_served_as_built(&server, &built);

    // Nothing was edited: no rebuild line.
    let rebuilt: Vec<String> = server
        .transcript()
        .lines()
        .filter(|l| l.contains(" changed: "))
        .map(str::to_string)
        .collect();
    assert!(rebuilt.is_empty(), "rebuilt without an edit: {rebuilt:?}");
}
