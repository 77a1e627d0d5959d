//! Shortcodes: commentary that quotes the data instead of copying it, so it cannot disagree.
//!
//! Inline values: `{{ count(q="q1", option="adopted") }}`, `{{ percent(...) }}` (a weighted
//! sample's estimate), `{{ ci(...) }}` and `{{ mark(...) }}` (its 95% interval and ▲/▼),
//! `{{ base(q="q2") }}`, `{{ n() }}`, `{{ label(q="q1", option="adopted") }}`.
//! Blocks, alone on their line: `{{ chart(q="q1") }}`, `{{ table(q="q1") }}`,
//! `{{ answers(q="q5") }}`, `{{ note(text="…") }}`.
//! `region` and `q` default to the page's own; `region="tokyo"` compares with another region.
//! Code spans and blocks are left as written; `{{/* n() */}}` writes `{{ n() }}` in prose.
//! Every problem is reported with `file:line:column`.

use std::fmt::Write as _;

use anyhow::Result;

use crate::load::content::Commentary;
use crate::load::{did_you_mean, not_in_codebook};
use crate::model::{Count, Estimates, Question, QuestionKind, Region, Survey};
use crate::render::format::{NOT_REPORTED, format_count};
use crate::render::markdown;

/// What a shortcode may default to: the page's region and question, if it has them.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageContext<'a> {
    pub region: Option<&'a str>,
    pub question: Option<&'a str>,
}

/// A block shortcode, left for the caller to render (it needs templates and charts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Chart {
        region: Option<String>,
        question: String,
    },
    Table {
        region: Option<String>,
        question: String,
    },
    Answers {
        region: String,
        question: String,
    },
    Note {
        text: String,
    },
}

/// A block and where it goes: `at` is its `file:line:column` in the commentary (for messages),
/// `offset` the byte offset of its placeholder paragraph in [`Expanded::markdown`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedBlock {
    pub block: Block,
    pub at: String,
    pub offset: usize,
}

/// Markdown with inline values filled in and each block replaced by a placeholder paragraph.
/// The caller puts the block's HTML in place of the paragraph that starts at the block's
/// `offset` (see `markdown::to_html_with_blocks`): found by where it is, not by what it says,
/// so commentary that happens to contain the placeholder's text is left alone.
#[derive(Debug, Default)]
pub struct Expanded {
    pub markdown: String,
    pub blocks: Vec<PlacedBlock>,
}

pub fn placeholder(n: usize) -> String {
    format!("SURVEYSITE-BLOCK-{n}")
}

/// One parsed call: `name(key="value", …)`.
#[derive(Debug)]
struct Call {
    name: String,
    args: Vec<(String, String)>,
}

/// Problems listed per file; the rest are counted (800,000 broken shortcodes are one mistake
/// repeated, not 56 MB of messages).
pub const MAX_PROBLEMS: usize = 20;

/// A message's longest length in characters: text quoted from the file is cut, not echoed whole.
const MAX_MESSAGE: usize = 300;

struct Problems {
    shown: Vec<String>,
    more: usize,
}

impl Problems {
    fn push(&mut self, message: String) {
        if self.shown.len() < MAX_PROBLEMS {
            self.shown.push(shorten(&message, MAX_MESSAGE));
        } else {
            self.more += 1;
        }
    }

    fn into_result(self, file: &str) -> Result<()> {
        let mut lines = self.shown;
        if self.more > 0 {
            lines.push(format!(
                "{file}: … and {} more shortcode problems (the first {MAX_PROBLEMS} are listed)",
                self.more
            ));
        }
        if lines.is_empty() {
            Ok(())
        } else {
            anyhow::bail!("{}", lines.join("\n"))
        }
    }
}

/// At most `max` characters of `text`, with `…` where it was cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Expands the shortcodes of one commentary file in one pass over its body (time linear in its
/// length, however many shortcodes it holds). Every problem is reported at `file:line:column`.
/// `allow_html` is the report's setting: a value inside raw HTML is HTML-escaped where the HTML
/// is kept, and left as it is where the HTML is shown as text.
pub fn expand(
    commentary: &Commentary,
    survey: &Survey,
    page: PageContext,
    allow_html: bool,
    t: &super::strings::Strings,
) -> Result<Expanded> {
    expand_in(commentary, survey, &[], page, allow_html, t)
}

/// `expand` in a project with several editions (docs/editions.md): `count`, `percent` and `ci`
/// also take `edition="2025"`, quoting that edition's figure.
pub fn expand_in(
    commentary: &Commentary,
    survey: &Survey,
    editions: &[crate::model::Edition],
    page: PageContext,
    allow_html: bool,
    t: &super::strings::Strings,
) -> Result<Expanded> {
    let mut out = Expanded::default();
    let mut problems = Problems {
        shown: Vec::new(),
        more: 0,
    };
    let body = commentary.body.as_str();
    let mut layout = Layout::of(body);
    let mut cursor = Cursor::new(body, commentary.body_line);
    // body[copied..] is not in the output yet; the next `{{` is looked for from `from`.
    let mut copied = 0;
    let mut from = 0;
    while let Some(i) = body[from..].find("{{") {
        let start = from + i;
        if let Some(code_end) = layout.code_end(start) {
            // Code shows what is written: `{{` there is text, copied with the code.
            from = code_end.max(start + 2);
            continue;
        }
        out.markdown.push_str(&body[copied..start]);
        let here = cursor.at(start);
        let at = format!("{}:{}:{}", commentary.file, here.line, here.column);
        // A `{{` whose `}}` comes only after the next `{{` is unclosed: otherwise the two
        // shortcodes would be read as one and the error would point at the wrong thing.
        let next_open = body[start + 2..].find("{{").map(|i| start + 2 + i);
        let Some(end) = body[start..next_open.unwrap_or(body.len())]
            .find("}}")
            .map(|i| start + i)
        else {
            problems.push(format!("{at}: `{{{{` without a closing `}}}}`"));
            // Keep looking: the shortcodes after this one are checked too.
            let resume = next_open.unwrap_or(body.len());
            out.markdown.push_str(&body[start..resume]);
            copied = resume;
            from = resume;
            continue;
        };
        let inner = &body[start + 2..end];
        let after = end + 2;
        copied = after;
        from = after;
        if let Some(literal) = escaped_literal(inner) {
            out.markdown.push_str(&escape_markdown(&literal));
            continue;
        }
        let call = match parse_call(inner.trim()) {
            Ok(call) => call,
            Err(e) => {
                problems.push(format!("{at}: {e}"));
                continue;
            }
        };
        match in_edition(&call, survey, editions, page, t) {
            Err(e) => problems.push(format!("{at}: {e}")),
            // Raw HTML is not markdown: a label's `<` must not open a tag there.
            Ok(Value::Text(t)) if layout.in_html(start) => out.markdown.push_str(&if allow_html {
                crate::render::escape_html(&t)
            } else {
                t
            }),
            Ok(Value::Text(t)) => out.markdown.push_str(&escape_markdown(&t)),
            Ok(Value::Block(_))
                if !here.blank_before
                    || !blank_to_line_end(body, after)
                    || layout.in_container(start) =>
            {
                problems.push(format!(
                    "{at}: `{}` is a block: put it alone on its own line, outside lists, tables and quotes",
                    call.name
                ));
            }
            Ok(Value::Block(block)) => {
                // A paragraph of its own, so the block never lands inside a sentence.
                out.markdown.push_str("\n\n");
                let offset = out.markdown.len();
                let _ = write!(out.markdown, "{}\n\n", placeholder(out.blocks.len()));
                out.blocks.push(PlacedBlock { block, at, offset });
            }
        }
    }
    out.markdown.push_str(&body[copied..]);
    problems.into_result(&commentary.file)?;
    Ok(out)
}

/// `{{/* count(q="q1") */}}` → `{{ count(q="q1") }}`, shown as written: the way to write a
/// shortcode in prose without running it.
fn escaped_literal(inner: &str) -> Option<String> {
    let commented = inner.trim().strip_prefix("/*")?.strip_suffix("*/")?;
    Some(format!("{{{{{commented}}}}}"))
}

/// Byte ranges of a body, sorted by start, asked about at increasing offsets: each query moves
/// a pointer forward, so a whole pass costs one walk over the ranges.
struct Ranges {
    ranges: Vec<std::ops::Range<usize>>,
    /// ranges[..next] start at or before the last offset asked about.
    next: usize,
    /// The furthest end among ranges[..next]: the offset is inside one of them iff it is before.
    furthest: usize,
}

impl Ranges {
    fn new(mut ranges: Vec<std::ops::Range<usize>>) -> Ranges {
        ranges.sort_by_key(|r| r.start);
        Ranges {
            ranges,
            next: 0,
            furthest: 0,
        }
    }

    /// The end of the (outermost) range holding `offset`; offsets must not decrease.
    fn end_of_range_at(&mut self, offset: usize) -> Option<usize> {
        while let Some(r) = self.ranges.get(self.next).filter(|r| r.start <= offset) {
            self.furthest = self.furthest.max(r.end);
            self.next += 1;
        }
        (offset < self.furthest).then_some(self.furthest)
    }
}

/// Where the markdown of a body puts code and HTML comments (left as written), containers (no
/// place for a block) and raw HTML, as byte ranges of the body.
struct Layout {
    code: Ranges,
    containers: Ranges,
    html: Ranges,
}

impl Layout {
    fn of(body: &str) -> Layout {
        use pulldown_cmark::{Event, Parser, Tag};
        let mut code = Vec::new();
        let mut containers = Vec::new();
        let mut html = Vec::new();
        for (event, range) in Parser::new_ext(body, markdown::options()).into_offset_iter() {
            match event {
                // A start tag's range covers the whole element, up to its end tag.
                Event::Code(_) | Event::Start(Tag::CodeBlock(_)) => code.push(range),
                // What is commented out is not run: `<!-- {{ chart() }} -->` hides a chart.
                Event::Start(Tag::HtmlBlock) | Event::InlineHtml(_) => {
                    comments(body, range.clone(), &mut code);
                    html.push(range);
                }
                Event::Start(
                    Tag::Item | Tag::Table(_) | Tag::BlockQuote(_) | Tag::FootnoteDefinition(_),
                ) => containers.push(range),
                _ => {}
            }
        }
        Layout {
            code: Ranges::new(code),
            containers: Ranges::new(containers),
            html: Ranges::new(html),
        }
    }

    /// Whether `offset` is inside raw HTML (a block, or a tag in a paragraph). Offsets asked
    /// about must not decrease.
    fn in_html(&mut self, offset: usize) -> bool {
        self.html.end_of_range_at(offset).is_some()
    }

    /// The end of the code span or block `offset` is in, if it is in one. Offsets asked about
    /// must not decrease.
    fn code_end(&mut self, offset: usize) -> Option<usize> {
        self.code.end_of_range_at(offset)
    }

    /// Offsets asked about must not decrease.
    fn in_container(&mut self, offset: usize) -> bool {
        self.containers.end_of_range_at(offset).is_some()
    }
}

/// The `<!-- … -->` comments in raw HTML at `range` of the body (an unclosed one runs to the
/// range's end, as the HTML block does).
fn comments(body: &str, range: std::ops::Range<usize>, out: &mut Vec<std::ops::Range<usize>>) {
    let html = &body[range.clone()];
    let mut at = 0;
    while let Some(i) = html[at..].find("<!--") {
        let open = at + i;
        let close = html[open + 4..]
            .find("-->")
            .map_or(html.len(), |j| open + 4 + j + 3);
        out.push(range.start + open..range.start + close);
        at = close;
    }
}

/// Only white space from `offset` to the end of its line. Stops at the first other character,
/// so white space is looked at once however many shortcodes share a line.
fn blank_to_line_end(body: &str, offset: usize) -> bool {
    body[offset..]
        .chars()
        .take_while(|c| !matches!(c, '\n' | '\r'))
        .all(char::is_whitespace)
}

/// Where an offset is: line (from the file's start; CR, LF and CRLF each end a line), column
/// (in characters, from 1), and whether only white space precedes it on its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Position {
    line: u64,
    column: u64,
    blank_before: bool,
}

/// Positions of increasing offsets in one walk over the body: every character is read once,
/// not once per shortcode.
struct Cursor<'a> {
    body: &'a str,
    offset: usize,
    here: Position,
}

impl<'a> Cursor<'a> {
    fn new(body: &'a str, first_line: u64) -> Cursor<'a> {
        Cursor {
            body,
            offset: 0,
            here: Position {
                line: first_line,
                column: 1,
                blank_before: true,
            },
        }
    }

    /// The position of `offset`, which must not be before the last one asked about.
    fn at(&mut self, offset: usize) -> Position {
        let bytes = self.body.as_bytes();
        for (i, c) in self.body[self.offset..offset].char_indices() {
            let i = self.offset + i;
            match c {
                // The `\n` of a CRLF was counted with its `\r`.
                '\n' if i > 0 && bytes[i - 1] == b'\r' => {}
                '\n' | '\r' => {
                    self.here.line += 1;
                    self.here.column = 1;
                    self.here.blank_before = true;
                }
                c => {
                    self.here.column += 1;
                    self.here.blank_before &= c.is_whitespace();
                }
            }
        }
        self.offset = offset;
        self.here
    }
}

/// Line and column of one offset (a fresh walk: for single messages, not for loops).
#[cfg(test)]
fn position(body: &str, offset: usize, body_line: u64) -> (u64, u64) {
    let p = Cursor::new(body, body_line).at(offset);
    (p.line, p.column)
}

fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `name(key="value", key=3)` → a call. Strings are double-quoted; `\"` inside is a quote.
fn parse_call(text: &str) -> std::result::Result<Call, String> {
    let open = text.find('(').ok_or_else(|| {
        format!(
            "expected a shortcode like `count(q=\"q1\", option=\"adopted\")`, found `{}`",
            shorten(text, 60)
        )
    })?;
    let name = text[..open].trim().to_string();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!(
            "expected a shortcode name before `(`, found `{}`",
            shorten(&text[..open], 60)
        ));
    }
    let inner = text[open + 1..]
        .trim_end()
        .strip_suffix(')')
        .ok_or_else(|| format!("shortcode `{name}` is missing its closing `)`"))?;
    let mut args = Vec::new();
    let mut chars = inner.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let key: String =
            std::iter::from_fn(|| chars.next_if(|c| c.is_ascii_alphanumeric() || *c == '_'))
                .collect();
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if key.is_empty() || chars.next() != Some('=') {
            return Err(format!(
                "in `{name}(…)`: expected arguments like key=\"value\""
            ));
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let value = if chars.peek() == Some(&'"') {
            chars.next();
            let mut v = String::new();
            loop {
                match chars.next() {
                    None => {
                        return Err(format!(
                            "in `{name}(…)`: the value of `{key}` has no closing `\"`"
                        ));
                    }
                    Some('\\') if chars.peek() == Some(&'"') => {
                        chars.next();
                        v.push('"');
                    }
                    Some('"') => break,
                    Some(c) => v.push(c),
                }
            }
            v
        } else {
            let v: String =
                std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace() && *c != ',')).collect();
            if v.is_empty() {
                return Err(format!("in `{name}(…)`: `{key}=` has no value"));
            }
            v
        };
        if args.iter().any(|(k, _)| *k == key) {
            return Err(format!("in `{name}(…)`: `{key}` is given twice"));
        }
        args.push((key, value));
    }
    Ok(Call { name, args })
}

enum Value {
    Text(String),
    Block(Block),
}

const SHORTCODES: &[(&str, &[&str])] = &[
    ("count", &["q", "option", "region"]),
    ("percent", &["q", "option", "region"]),
    ("ci", &["q", "option", "region"]),
    ("mark", &["q", "option", "region"]),
    ("base", &["q", "region"]),
    ("n", &["region"]),
    ("label", &["q", "option"]),
    ("chart", &["q", "region"]),
    ("table", &["q", "region"]),
    ("answers", &["q", "region"]),
    ("note", &["text"]),
];

/// A call with `edition="…"` is evaluated against that edition's figures (count, percent, ci).
fn in_edition(
    call: &Call,
    survey: &Survey,
    editions: &[crate::model::Edition],
    page: PageContext,
    t: &super::strings::Strings,
) -> std::result::Result<Value, String> {
    let Some(id) = call
        .args
        .iter()
        .find(|(k, _)| k == "edition")
        .map(|(_, v)| v.as_str())
    else {
        return evaluate(call, survey, page, t);
    };
    if editions.is_empty() || !matches!(call.name.as_str(), "count" | "percent" | "ci") {
        // As any argument the shortcode does not take.
        return evaluate(call, survey, page, t);
    }
    let Some(edition) = editions.iter().find(|e| e.id == id) else {
        return Err(format!(
            "edition {} is not under `editions:` in the codebook{}",
            crate::load::quote_cell(id),
            did_you_mean(id, editions.iter().map(|e| e.id.as_str()))
        ));
    };
    let call = Call {
        name: call.name.clone(),
        args: call
            .args
            .iter()
            .filter(|(k, _)| k != "edition")
            .cloned()
            .collect(),
    };
    evaluate(&call, &edition.survey, page, t)
}

fn evaluate(
    call: &Call,
    survey: &Survey,
    page: PageContext,
    t: &super::strings::Strings,
) -> std::result::Result<Value, String> {
    let Some((_, allowed)) = SHORTCODES.iter().find(|(n, _)| *n == call.name) else {
        // A census has no interval or mark to quote: those are not offered there.
        let known = || {
            SHORTCODES
                .iter()
                .map(|(n, _)| *n)
                .filter(|n| survey.weighted() || !matches!(*n, "ci" | "mark"))
                .filter(|n| !(*n == "mark" && matches!(survey.estimates(), Estimates::Tables)))
        };
        return Err(format!(
            "unknown shortcode `{}`{} (known: {})",
            call.name,
            did_you_mean(&call.name, known()),
            known().collect::<Vec<_>>().join(", ")
        ));
    };
    for (key, _) in &call.args {
        if !allowed.contains(&key.as_str()) {
            return Err(format!(
                "`{}` takes no argument `{key}`{} (it takes: {})",
                call.name,
                did_you_mean(key, allowed.iter().copied()),
                allowed.join(", ")
            ));
        }
    }
    let arg = |k: &str| {
        call.args
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let name = call.name.as_str();
    let region = |required: bool| -> std::result::Result<Option<&Region>, String> {
        match arg("region").or(page.region) {
            Some(id) => survey.region(id).map(Some).ok_or_else(|| {
                not_in_codebook("region", id, survey.regions.iter().map(|r| r.id.as_str()))
            }),
            None if required => Err(format!(
                "`{name}` needs a region: this page has none, so give one, e.g. region=\"{}\"",
                survey.regions.first().map_or("", |r| r.id.as_str())
            )),
            None => Ok(None),
        }
    };
    let question = || -> std::result::Result<&Question, String> {
        let id = arg("q").or(page.question).ok_or_else(|| {
            format!(
                "`{name}` needs a question: this page has none, so give one, e.g. q=\"{}\"",
                survey.questions.first().map_or("", |q| q.id.as_str())
            )
        })?;
        survey.question(id).ok_or_else(|| {
            not_in_codebook(
                "question",
                id,
                survey.questions.iter().map(|q| q.id.as_str()),
            )
        })
    };
    let option = |q: &Question| -> std::result::Result<String, String> {
        let id = arg("option")
            .ok_or_else(|| format!("`{name}` needs option=\"…\" (one of: {})", option_ids(q)))?;
        if q.kind == QuestionKind::Text {
            return Err(format!(
                "question \"{}\" is free text: it has no options",
                q.id
            ));
        }
        q.option(id).map(|o| o.id.clone()).ok_or_else(|| {
            format!(
                "option \"{id}\" is not an option of question \"{}\"{}",
                q.id,
                did_you_mean(id, q.options.iter().map(|o| o.id.as_str()))
            )
        })
    };
    let choice = |q: &Question| {
        if q.kind == QuestionKind::Text {
            Err(format!(
                "`{name}` needs a choice question, and \"{}\" is free text",
                q.id
            ))
        } else {
            Ok(())
        }
    };
    Ok(match name {
        "count" | "percent" => {
            let q = question()?;
            let o = option(q)?;
            let r = region(true)?.ok_or("unreachable")?;
            let c = survey.count(&r.id, &q.id, &o);
            if name == "count" {
                Value::Text(format_count(c))
            } else {
                let base = survey.base_count(&r.id, q);
                Value::Text(match (c, base) {
                    // A hidden base hides the share too (it would give the base away).
                    (Count::Value(_), Count::Suppressed) => format_count(base),
                    (Count::Value(_), _) => survey
                        .percent_of(&r.id, q, &o)
                        .unwrap_or_else(|| NOT_REPORTED.into()),
                    (other, _) => format_count(other),
                })
            }
        }
        "ci" | "mark" => {
            let q = question()?;
            let o = option(q)?;
            let r = region(true)?.ok_or("unreachable")?;
            if !survey.weighted() {
                return Err(format!(
                    "`{name}` needs a weighted sample (a `design:` section in the codebook): a census has no confidence interval or significance mark"
                ));
            }
            if name == "mark" && matches!(survey.estimates(), Estimates::Tables) {
                return Err(
                    "`mark` needs a test, and the office's estimates give only intervals: there is no significance mark to quote (write `ci` for the interval)".to_string(),
                );
            }
            let c = survey.count(&r.id, &q.id, &o);
            let e = survey.shown_estimate(&r.id, &q.id, &o);
            Value::Text(match (c, name) {
                // A hidden count hides its interval and mark too.
                (Count::NotReported | Count::Suppressed, _) => format_count(c),
                (_, "ci") => e.and_then(|e| e.ci).map_or_else(
                    || "—".to_string(),
                    |ci| crate::model::interval_of(t.ci_separator, ci),
                ),
                _ => e
                    .and_then(|e| e.test)
                    .and_then(|t| t.mark())
                    .unwrap_or("")
                    .to_string(),
            })
        }
        "base" => {
            let q = question()?;
            let r = region(true)?.ok_or("unreachable")?;
            Value::Text(format_count(survey.base_count(&r.id, q)))
        }
        "n" => {
            let r = region(true)?.ok_or("unreachable")?;
            Value::Text(format_count(survey.respondents(&r.id)))
        }
        "label" => {
            let q = question()?;
            let o = option(q)?;
            Value::Text(q.option(&o).map(|o| o.label.clone()).unwrap_or_default())
        }
        "chart" | "table" => {
            let q = question()?;
            choice(q)?;
            let region = region(false)?.map(|r| r.id.clone());
            if name == "chart" {
                Value::Block(Block::Chart {
                    region,
                    question: q.id.clone(),
                })
            } else {
                Value::Block(Block::Table {
                    region,
                    question: q.id.clone(),
                })
            }
        }
        "answers" => {
            let q = question()?;
            let r = region(true)?.ok_or("unreachable")?;
            Value::Block(Block::Answers {
                region: r.id.clone(),
                question: q.id.clone(),
            })
        }
        "note" => {
            let text = arg("text").ok_or("`note` needs text=\"…\"")?;
            Value::Block(Block::Note {
                text: text.to_string(),
            })
        }
        _ => unreachable!("every name of SHORTCODES is handled"),
    })
}

fn option_ids(q: &Question) -> String {
    q.options
        .iter()
        .map(|o| o.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The page context of a commentary file's page ("regions/tokyo/q1/" → tokyo, q1).
pub fn page_context(page: &str) -> PageContext<'_> {
    let parts: Vec<&str> = page.trim_end_matches('/').split('/').collect();
    match parts.as_slice() {
        ["regions", r] => PageContext {
            region: Some(r),
            question: None,
        },
        ["regions", r, q] => PageContext {
            region: Some(r),
            question: Some(q),
        },
        ["questions", q] => PageContext {
            region: None,
            question: Some(q),
        },
        _ => PageContext::default(),
    }
}

/// Answers as an escaped HTML list (respondents' text is untrusted).
pub fn answers_html(
    survey: &Survey,
    region: &str,
    question: &str,
    t: &super::strings::Strings,
) -> String {
    let answers: Vec<String> = survey
        .answers_for(region, question)
        .map(|a| format!("<li>{}</li>", crate::render::escape_html(&a.text)))
        .collect();
    if answers.is_empty() && survey.answers_withheld(region, question) {
        return format!(
            "<p class=\"muted\">{}</p>",
            crate::render::escape_html(t.withheld_text)
        );
    }
    if answers.is_empty() {
        return format!(
            "<p class=\"muted\">{NOT_REPORTED} {}</p>",
            crate::render::escape_html(t.answers_not_reported)
        );
    }
    format!("<ul class=\"answers\">{}</ul>", answers.join(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_parse_with_japanese_strings_and_escapes() {
        let call = parse_call(r#"note(text="注意: \"全数\"ではありません")"#).unwrap();
        assert_eq!(call.name, "note");
        assert_eq!(
            call.args,
            vec![(
                "text".to_string(),
                "注意: \"全数\"ではありません".to_string()
            )]
        );
        let call = parse_call(r#"count( q="q1" , option = "adopted" )"#).unwrap();
        assert_eq!(call.args.len(), 2);
        assert!(parse_call("count(q=\"q1\"").is_err());
        assert!(parse_call("count(q=)").is_err());
        assert_eq!(
            parse_call(r#"count(q="q1", option="a", option="b")"#).unwrap_err(),
            "in `count(…)`: `option` is given twice"
        );
    }

    #[test]
    fn positions_count_lines_from_the_file_and_columns_in_characters() {
        let body = "一行目\n二行目の{{ x() }}";
        let offset = body.find("{{").unwrap();
        assert_eq!(position(body, offset, 5), (6, 5));
    }

    #[test]
    fn cr_lf_and_crlf_each_end_one_line() {
        for end in ["\n", "\r", "\r\n"] {
            let body = ["一行目", "", "二{{ x() }}", "  {{ y() }}"].join(end);
            let mut cursor = Cursor::new(&body, 5);
            let x = cursor.at(body.find("{{ x").unwrap());
            let y = cursor.at(body.find("{{ y").unwrap());
            assert_eq!((x.line, x.column, x.blank_before), (7, 2, false), "{end:?}");
            assert_eq!((y.line, y.column, y.blank_before), (8, 3, true), "{end:?}");
        }
    }

    #[test]
    fn ranges_answer_increasing_offsets_with_nesting() {
        let mut r = Ranges::new(vec![10..20, 0..5, 12..14, 30..40]);
        assert_eq!(r.end_of_range_at(3), Some(5));
        assert_eq!(r.end_of_range_at(7), None);
        assert_eq!(r.end_of_range_at(13), Some(20));
        assert_eq!(r.end_of_range_at(16), Some(20));
        assert_eq!(r.end_of_range_at(25), None);
        assert_eq!(r.end_of_range_at(30), Some(40));
        assert_eq!(r.end_of_range_at(40), None);
    }

    #[test]
    fn messages_are_capped_and_shortened() {
        assert_eq!(shorten("あいうえお", 3), "あいう…");
        assert_eq!(shorten("あい", 3), "あい");
        let mut p = Problems {
            shown: Vec::new(),
            more: 0,
        };
        for i in 0..25 {
            p.push(format!("problem {i}"));
        }
        let message = format!("{:#}", p.into_result("f.md").unwrap_err());
        assert_eq!(message.lines().count(), MAX_PROBLEMS + 1);
        assert!(
            message.ends_with("f.md: … and 5 more shortcode problems (the first 20 are listed)")
        );
    }

    #[test]
    fn code_spans_and_blocks_and_containers_are_found() {
        let body =
            "a `{{ x }}` b\n\n```\n{{ y }}\n```\n\n- {{ z }}\n\n| {{ t }} |\n|---|\n\n{{ w }}\n";
        let mut layout = Layout::of(body);
        let at = |s: &str| body.find(s).unwrap();
        assert_eq!(layout.code_end(at("{{ x")), Some(at(" b\n")));
        assert!(layout.code_end(at("{{ y")).is_some());
        assert!(layout.code_end(at("{{ z")).is_none() && layout.in_container(at("{{ z")));
        assert!(layout.in_container(at("{{ t")));
        assert!(layout.code_end(at("{{ w")).is_none() && !layout.in_container(at("{{ w")));
    }

    #[test]
    fn escaped_shortcodes_are_shown_as_written() {
        assert_eq!(
            escaped_literal(r#"/* count(q="q1") */"#).as_deref(),
            Some(r#"{{ count(q="q1") }}"#)
        );
        assert_eq!(escaped_literal(r#" count(q="q1") "#), None);
    }

    #[test]
    fn page_contexts() {
        let c = page_context("regions/tokyo/q1/");
        assert_eq!((c.region, c.question), (Some("tokyo"), Some("q1")));
        let c = page_context("questions/q2/");
        assert_eq!((c.region, c.question), (None, Some("q2")));
        let c = page_context("");
        assert_eq!((c.region, c.question), (None, None));
    }
}
