//! Commentary markdown → HTML: CommonMark with tables, footnotes and heading anchors.
//! Commentary is written by editors and trusted; raw HTML follows `settings.allow_html`.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

pub fn to_html(markdown: &str, allow_html: bool) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let events: Vec<Event> = Parser::new_ext(markdown, options)
        .map(|e| match e {
            Event::Html(h) | Event::InlineHtml(h) if !allow_html => Event::Text(h),
            // Commentary sits below the page's h1 and section h2s: its headings start at h3.
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => Event::Start(Tag::Heading {
                level: demote(level),
                id,
                classes,
                attrs,
            }),
            Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
            other => other,
        })
        .collect();
    let events = add_heading_ids(events);
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    out
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 | HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Gives every heading without an explicit `{#id}` an id made from its text. Japanese headings
/// keep their characters (browsers and GitHub Pages handle UTF-8 fragments); spaces become `-`.
fn add_heading_ids(mut events: Vec<Event>) -> Vec<Event> {
    let mut used: Vec<String> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
            let mut text = String::new();
            for e in &events[i + 1..] {
                match e {
                    Event::End(TagEnd::Heading(_)) => break,
                    Event::Text(t) | Event::Code(t) => text.push_str(t),
                    _ => {}
                }
            }
            let mut slug = slugify(&text);
            if slug.is_empty() {
                slug = "section".into();
            }
            let mut unique = slug.clone();
            let mut n = 1;
            while used.contains(&unique) {
                unique = format!("{slug}-{n}");
                n += 1;
            }
            used.push(unique.clone());
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(unique));
            }
        }
        i += 1;
    }
    events
}

pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_headings_get_ids_and_start_below_the_page_heading() {
        let html = to_html("## 導入状況の概要\n\n本文\n\n## 導入状況の概要\n", true);
        assert!(
            html.contains("<h3 id=\"導入状況の概要\">導入状況の概要</h3>"),
            "{html}"
        );
        assert!(html.contains("<h3 id=\"導入状況の概要-1\">"), "{html}");
    }

    #[test]
    fn raw_html_follows_the_setting() {
        assert!(to_html("a <b>x</b>", true).contains("<b>x</b>"));
        assert!(to_html("a <b>x</b>", false).contains("&lt;b&gt;x&lt;/b&gt;"));
    }

    #[test]
    fn tables_and_footnotes() {
        let html = to_html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n注[^1]\n\n[^1]: 出典\n",
            true,
        );
        assert!(html.contains("<table>"));
        assert!(html.contains("footnote"));
    }
}
