//! One respondent's row → option indexes and texts, with `file:line:column` errors that name the
//! nearest known value.

use anyhow::Result;

use super::plan::{Plan, QuestionPlan, Source};
use crate::aggregate::Respondent;
use crate::load::{clean_text, closest, is_control, may_hold_control, quote_cell, trim_cell};
use crate::model::{QuestionKind, Survey};

/// The nearest of `known` to a cell's text: by edit distance, else the longest shared start.
fn nearest<'a>(wanted: &str, known: impl Iterator<Item = &'a str> + Clone) -> Option<&'a str> {
    closest(wanted, known.clone()).or_else(|| {
        known
            .map(|k| {
                let shared = k
                    .chars()
                    .zip(wanted.chars())
                    .take_while(|(a, b)| a == b)
                    .count();
                (shared, k)
            })
            .filter(|(n, _)| *n >= 2)
            // The first of equals: options are in questionnaire order.
            .fold(None, |best: Option<(usize, &str)>, (n, k)| match best {
                Some((b, _)) if b >= n => best,
                _ => Some((n, k)),
            })
            .map(|(_, k)| k)
    })
}

fn hint(known: Option<&str>) -> String {
    known
        .map(|k| format!(" (did you mean \"{k}\"?)"))
        .unwrap_or_default()
}

/// Cell text of a one-column-per-option answer: checked or not.
fn checked(text: &str, label: &str, id: &str) -> Option<bool> {
    match text {
        "" | "0" | "false" | "FALSE" | "False" | "no" | "No" | "NO" | "N" | "n" | "いいえ"
        | "×" | "-" | "－" => Some(false),
        "1" | "true" | "TRUE" | "True" | "yes" | "Yes" | "YES" | "Y" | "y" | "はい" | "○" | "◯"
        | "●" | "✓" | "✔" | "checked" => Some(true),
        _ if text == label || text == id => Some(true),
        _ => None,
    }
}

impl Plan {
    /// Reads one row into `r`. Errors name `file:line:column`.
    pub(super) fn row(
        &self,
        survey: &Survey,
        record: &super::source::Cells,
        line: u64,
        r: &mut Respondent,
    ) -> Result<()> {
        let cell = |c: usize| cell(record, c);
        let err = |c: usize, message: String| self.err(line, c, message);
        r.clear(survey.questions.len());
        r.region = match &self.region {
            None => self.fixed_region.unwrap_or(0),
            Some(l) => {
                let text_cell = cell(l.column);
                let text: &str = &text_cell;
                if text.is_empty() {
                    return Err(err(
                        l.column,
                        "no region: every respondent needs one".into(),
                    ));
                }
                let Some(&i) = l.values.get(text) else {
                    return Err(err(
                        l.column,
                        format!(
                            "region {} is not in the codebook{}",
                            quote_cell(text),
                            hint(nearest(text, l.known()))
                        ),
                    ));
                };
                if Some(i) == self.total {
                    return Err(err(
                        l.column,
                        format!(
                            "{} is the all-regions total, which is computed from every row: give the respondent's own region",
                            quote_cell(text)
                        ),
                    ));
                }
                i
            }
        };
        if let Some(l) = &self.group {
            let text_cell = cell(l.column);
            let text: &str = &text_cell;
            if !text.is_empty() {
                let Some(&g) = l.values.get(text) else {
                    return Err(err(
                        l.column,
                        format!(
                            "{} is not a group of the dimension{}",
                            quote_cell(text),
                            hint(nearest(text, l.known()))
                        ),
                    ));
                };
                r.group = Some(g);
            }
        }
        for p in &self.questions {
            self.answer(survey, p, record, line, r)?;
        }
        // Conditions: a question asked only of some is left blank by the others.
        for p in &self.questions {
            let Some((fq, options)) = &p.base else {
                continue;
            };
            let answered = !r.chosen[p.q].is_empty() || r.texts.iter().any(|(q, ..)| *q == p.q);
            if answered && !r.chosen[*fq].iter().any(|o| options.contains(o)) {
                let q = &survey.questions[p.q];
                let from = &survey.questions[*fq];
                let given = r.chosen[*fq]
                    .first()
                    .map_or("（無回答）".to_string(), |&o| {
                        from.options[o].label.clone()
                    });
                let c = match &p.source {
                    Source::Cell { column, .. } => *column,
                    Source::PerOption(list) => list.first().map_or(0, |x| x.1),
                };
                return Err(err(
                    c,
                    format!(
                        "question \"{}\" is asked only of 「{}」, but this respondent answered \"{}\" 「{given}」: clear this answer or correct \"{}\"",
                        q.id,
                        survey.base(&q.base).map_or("", |b| b.title.as_str()),
                        from.id,
                        from.id
                    ),
                ));
            }
        }
        Ok(())
    }

    /// `file:line:column: column "header": message` (or the sheet's cell, or the case and
    /// variable of a .sav file).
    pub(super) fn err(&self, line: u64, c: usize, message: String) -> anyhow::Error {
        let header = self.headers.get(c).map_or("", String::as_str);
        self.place.error(&self.file, line, c, header, message)
    }

    fn answer(
        &self,
        survey: &Survey,
        p: &QuestionPlan,
        record: &super::source::Cells,
        line: u64,
        r: &mut Respondent,
    ) -> Result<()> {
        let q = &survey.questions[p.q];
        let cell = |c: usize| cell(record, c);
        let err = |c: usize, message: String| self.err(line, c, message);
        match &p.source {
            Source::Cell { column, .. } if p.kind == QuestionKind::Text => {
                let text = clean_text(&cell(*column));
                if !text.trim().is_empty() {
                    r.texts.push((p.q, None, text));
                }
            }
            Source::Cell {
                column,
                separator,
                joined_values,
                values,
            } => {
                let text_cell = cell(*column);
                let text: &str = &text_cell;
                if !text.is_empty() {
                    let mut unknown: Vec<&str> = Vec::new();
                    let choose = |o: usize, r: &mut Respondent| {
                        if !r.chosen[p.q].contains(&o) {
                            r.chosen[p.q].push(o);
                        }
                    };
                    match separator {
                        None => match values.get(text) {
                            Some(Some(o)) => choose(*o, r),
                            Some(None) => {}
                            None => unknown.push(text),
                        },
                        // Labels may hold the separator: then runs of pieces are tried too.
                        Some(sep) if *joined_values => {
                            let pieces: Vec<&str> = split(text, sep);
                            let mut i = 0;
                            while i < pieces.len() {
                                // The longest run first.
                                let mut matched = None;
                                for j in (i + 2..=pieces.len().min(i + 8)).rev() {
                                    let joined = pieces[i..j].join(sep);
                                    if let Some(o) = values.get(joined.trim()) {
                                        matched = Some((j, *o));
                                        break;
                                    }
                                }
                                if matched.is_none()
                                    && let Some(o) = values.get(pieces[i])
                                {
                                    matched = Some((i + 1, *o));
                                }
                                match matched {
                                    Some((j, o)) => {
                                        if let Some(o) = o {
                                            choose(o, r);
                                        }
                                        i = j;
                                    }
                                    None => {
                                        unknown.push(pieces[i]);
                                        i += 1;
                                    }
                                }
                            }
                        }
                        Some(sep) => each_piece(text, sep, |piece| match values.get(piece) {
                            Some(Some(o)) => choose(*o, r),
                            Some(None) => {}
                            None => unknown.push(piece),
                        }),
                    }
                    if !unknown.is_empty() {
                        match p.other {
                            Some((o, None)) => {
                                choose(o, r);
                                let sep = separator.as_deref().unwrap_or("");
                                r.texts.push((p.q, Some(o), clean_text(&unknown.join(sep))));
                            }
                            _ => {
                                let wanted = unknown[0];
                                let labels = q.options.iter().map(|o| o.label.as_str());
                                let near = nearest(wanted, labels.clone())
                                    .or_else(|| nearest(wanted, values.keys().map(String::as_str)));
                                return Err(err(
                                    *column,
                                    format!(
                                        "{} is not an option of question \"{}\"{}{}",
                                        quote_cell(wanted),
                                        q.id,
                                        hint(near),
                                        if q.kind == QuestionKind::Multiple && separator.is_none() {
                                            " (a multiple-choice cell joined by \", \"? set `separator`)"
                                        } else {
                                            ""
                                        }
                                    ),
                                ));
                            }
                        }
                    }
                }
            }
            Source::PerOption(list) => {
                for &(o, c) in list {
                    let text_cell = cell(c);
                    let text: &str = &text_cell;
                    let option = &q.options[o];
                    match checked(text, &option.label, &option.id) {
                        Some(true) => r.chosen[p.q].push(o),
                        Some(false) => {}
                        None if option.other
                            && p.other.is_some_and(|(x, c)| x == o && c.is_none()) =>
                        {
                            // The その他 column holds the text itself.
                            r.chosen[p.q].push(o);
                            r.texts.push((p.q, Some(o), clean_text(text)));
                        }
                        None => {
                            return Err(err(
                                c,
                                format!(
                                    "{} is neither checked (1, TRUE, ○, the label) nor unchecked (0, blank) for option \"{}\" of question \"{}\"",
                                    quote_cell(text),
                                    option.id,
                                    q.id
                                ),
                            ));
                        }
                    }
                }
            }
        }
        if let Some((o, Some(c))) = p.other {
            let text_cell = cell(c);
            let text: &str = &text_cell;
            if !text.is_empty() {
                if !r.chosen[p.q].contains(&o) {
                    r.chosen[p.q].push(o);
                }
                r.texts.push((p.q, Some(o), clean_text(text)));
            }
        }
        if p.kind == QuestionKind::Single && r.chosen[p.q].len() > 1 {
            let c = match &p.source {
                Source::Cell { column, .. } => *column,
                Source::PerOption(list) => list[0].1,
            };
            let labels: Vec<&str> = r.chosen[p.q]
                .iter()
                .map(|&o| q.options[o].label.as_str())
                .collect();
            return Err(err(
                c,
                format!(
                    "question \"{}\" is single choice, but this respondent chose {}: 「{}」",
                    q.id,
                    labels.len(),
                    labels.join("」「")
                ),
            ));
        }
        Ok(())
    }
}

/// A cell as the codebook's labels are read: trimmed, control characters removed (a label
/// holding one was cleaned the same way, so they still match).
fn cell(record: &super::source::Cells, c: usize) -> std::borrow::Cow<'_, str> {
    let raw = trim_cell(record.get(c).unwrap_or(""));
    if record.may_hold_control()
        && may_hold_control(raw)
        && raw.chars().any(|c| c != '\n' && c != '\t' && is_control(c))
    {
        std::borrow::Cow::Owned(clean_text(raw).trim().to_string())
    } else {
        std::borrow::Cow::Borrowed(raw)
    }
}

/// Splits a multiple-choice cell; a newline separator also splits CRLF.
fn split<'a>(text: &'a str, sep: &str) -> Vec<&'a str> {
    let mut pieces = Vec::new();
    each_piece(text, sep, |p| pieces.push(p));
    pieces
}

/// Calls `f` with each piece of a multiple-choice cell, trimmed, skipping empty ones (as
/// `split` gives them, without gathering them: most cells are split once and looked up).
fn each_piece<'a>(text: &'a str, sep: &str, mut f: impl FnMut(&'a str)) {
    let each = |p: &'a str| {
        let p = trim_cell(p);
        if !p.is_empty() {
            f(p)
        }
    };
    if sep == "\n" {
        text.lines().for_each(each)
    } else if sep.trim().is_empty() {
        text.split(sep).for_each(each)
    } else {
        // ", " also splits "," and ",  ": match the separator's visible part, then trim.
        let visible = sep.trim();
        let mut chars = visible.chars();
        match (chars.next(), chars.next()) {
            // One character (",", ";", "、"): split by the char, which memchr finds.
            (Some(c), None) => text.split(c).for_each(each),
            _ => text.split(visible).for_each(each),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_forms_cells() {
        assert_eq!(split("a, b,c ,  d", ", "), ["a", "b", "c", "d"]);
        assert_eq!(split("a;b; c", ";"), ["a", "b", "c"]);
        assert_eq!(split("a\r\nb\n\nc", "\n"), ["a", "b", "c"]);
    }

    #[test]
    fn checkbox_cells() {
        assert_eq!(checked("1", "L", "a"), Some(true));
        assert_eq!(checked("", "L", "a"), Some(false));
        assert_eq!(checked("0", "L", "a"), Some(false));
        assert_eq!(checked("L", "L", "a"), Some(true));
        assert_eq!(checked("2", "L", "a"), None);
    }

    #[test]
    fn the_nearest_option_of_a_japanese_typo() {
        let known = ["導入している", "今後導入する予定がある", "導入予定なし"];
        assert_eq!(
            nearest("導入済", known.iter().copied()),
            Some("導入している")
        );
        assert_eq!(
            nearest("導入予定無し", known.iter().copied()),
            Some("導入予定なし")
        );
        assert_eq!(nearest("わからない", known.iter().copied()), None);
    }
}
