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

/// A space between two Japanese characters reads as a gap in Japanese (「対象 全回答病院 に対する%」).
fn spaced_japanese(text: &str) -> Option<String> {
    let japanese =
        |c: char| ('\u{3000}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c);
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(3)
        .find_map(|w| (japanese(w[0]) && w[1] == ' ' && japanese(w[2])).then(|| w.iter().collect()))
}

#[test]
fn captions_put_no_spaces_inside_japanese() {
    let site = Project::example().build();
    for (file, bytes) in site.files() {
        if !file.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for element in elements(&html, "figcaption")
            .into_iter()
            .chain(elements(&html, "caption"))
        {
            // Tags dropped, whitespace as written (a full-width space is a Japanese space).
            let mut caption = String::new();
            let mut in_tag = false;
            for c in inner(element).chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => caption.push(c),
                    _ => {}
                }
            }
            let caption = decode_entities(&caption);
            assert_eq!(spaced_japanese(&caption), None, "{file}: {caption}");
        }
    }
}
