//! A project's own templates: a broken override names the file to fix.

use crate::common::*;

#[test]
fn an_emptied_base_html_is_blamed_on_base_html_not_on_a_page_template() {
    let project = Project::example();
    project.write("templates/base.html", "");
    let out = project.run_build(&project.path("site"), &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first = stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("error: templates/base.html: has no `{% block content %}`, which "),
        "{stderr}"
    );
    assert!(first.contains("fills"), "{stderr}");
    // Said once, not once per page template or per error source.
    assert_eq!(stderr.matches("block content").count(), 1, "{stderr}");
    assert!(
        !project.path("site").exists(),
        "a failed build wrote a site"
    );
}
