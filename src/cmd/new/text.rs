//! Text from an export on its way out: as a YAML value (every character that could end the
//! scalar, the line or the file escaped), as shown to a person (quoted, control characters
//! visible, shortened), and padded to a display width (a full-width character takes 2 columns).

/// Characters of data a person sees at most in a message or a comment.
const SHOWN_CHARS: usize = 40;

/// A YAML double-quoted scalar holding exactly `s`: `"`, `\` and every character YAML does not
/// allow raw (C0 and C1 controls, DEL), reads as a line break (NEL, U+2028, U+2029) or hides
/// (the BOM) are escaped, so nothing from an export can end the value or become YAML structure.
pub(super) fn yaml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Not printable in YAML 1.2, a line break to YAML 1.1 readers, or invisible direction marks.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
        || ('\u{200b}'..='\u{200f}').contains(&c)
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// `s` as a person should see it in the terminal, a message or a comment: in double quotes,
/// control characters as `\u{1b}` (no escape sequence runs, no line ends), at most
/// SHOWN_CHARS characters (then `…`).
pub(super) fn shown(s: &str) -> String {
    let mut out = String::from("\"");
    for (i, c) in s.chars().enumerate() {
        if i == SHOWN_CHARS {
            out.push('…');
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Columns a terminal gives `s`: 2 for East Asian wide and full-width characters, 0 for
/// combining marks, 1 otherwise.
pub(super) fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` followed by spaces up to `columns` display columns (never cut).
pub(super) fn pad(s: &str, columns: usize) -> String {
    let w = width(s);
    format!("{s}{}", " ".repeat(columns.saturating_sub(w)))
}

/// "1 value", "2 values".
pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_escapes_what_yaml_refuses_or_reads_as_structure() {
        assert_eq!(yaml("Q1\ntitle: x"), r#""Q1\ntitle: x""#);
        assert_eq!(yaml("a\u{7f}b\u{85}c\u{9b}"), r#""a\u007Fb\u0085c\u009B""#);
        assert_eq!(yaml("say \"hi\" \\"), r#""say \"hi\" \\""#);
        assert_eq!(yaml("全体"), "\"全体\"");
        // What the loader's YAML parser reads back is the text itself.
        for s in [
            "Q1\ntitle: x",
            "a\u{7f}b\u{85}c\u{9b}\u{2028}",
            "{{ config }} -->",
        ] {
            let back: String = serde_saphyr::from_str(&yaml(s)).unwrap();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn shown_text_is_quoted_visible_and_short() {
        assert_eq!(shown("\u{1b}[31m北"), "\"\\u{1b}[31m北\"");
        assert_eq!(
            shown(&"長".repeat(100)),
            format!("\"{}…\"", "長".repeat(40))
        );
        assert_eq!(shown("a\nb"), "\"a\\u{a}b\"");
    }

    #[test]
    fn full_width_characters_take_two_columns() {
        assert_eq!(width("Q1 導入"), 7);
        assert_eq!(pad("区南部", 8), "区南部  ");
        assert_eq!(plural(1, "value", "values"), "1 value");
    }
}
