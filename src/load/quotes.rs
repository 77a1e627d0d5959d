//! Quoted CSV fields, followed as the bytes go by: a quote left open must not swallow the rest
//! of a file silently (the csv crate ends such a field at the end of the file without a word).
//! The text is LF-only (src/load/mod.rs `normalize_newlines`, responses/decode.rs).

/// What went wrong with a quote, and where (1-based lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuoteProblem {
    /// The quote opened on `opened` is still open at the end of the file.
    Unclosed { opened: u64 },
    /// The quote opened on `opened` was closed on `line` by a quote that text follows
    /// (`"abc"def`): most often the opening quote of a later cell, the first one left open.
    TextAfterClose { opened: u64, line: u64 },
}

impl QuoteProblem {
    /// `(line, message)`: the line is the one where the quote opened.
    pub fn located(&self) -> (u64, String) {
        match *self {
            QuoteProblem::Unclosed { opened } => (
                opened,
                "a quoted cell opens here and is never closed: the rest of the file would be read as this one cell (add the closing \")".to_string(),
            ),
            QuoteProblem::TextAfterClose { opened, line } => (
                opened,
                format!(
                    "a quoted cell opens here and runs to line {line}, where its closing quote is followed by more text (is the closing \" of this cell missing? a \" inside a quoted cell is written \"\")"
                ),
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a row (where `#` starts a comment, if comments are on).
    RowStart,
    FieldStart,
    Unquoted,
    Comment,
    Quoted,
    /// A quote inside a quoted field: `""` (a quote) or the field's end.
    QuoteInQuoted,
}

/// Follows quotes through a CSV text given in pieces.
#[derive(Debug, Clone)]
pub struct Quotes {
    state: State,
    comments: bool,
    line: u64,
    opened: u64,
    /// Quoted cells that ran over a line end: (line opened, line closed).
    multiline: Vec<(u64, u64)>,
    problem: Option<QuoteProblem>,
}

impl Quotes {
    /// `comments`: a `#` at the start of a row starts a comment line (the tables in data/).
    pub fn new(comments: bool) -> Quotes {
        Quotes {
            state: State::RowStart,
            comments,
            line: 1,
            opened: 0,
            multiline: Vec::new(),
            problem: None,
        }
    }

    /// Follows `bytes`; the first problem found is kept (later bytes are then ignored).
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), QuoteProblem> {
        if let Some(p) = &self.problem {
            return Err(p.clone());
        }
        for &b in bytes {
            self.state = match (self.state, b) {
                (State::Comment, b'\n') => State::RowStart,
                (State::Comment, _) => State::Comment,
                (State::RowStart, b'#') if self.comments => State::Comment,
                (State::RowStart | State::FieldStart, b'"') => {
                    self.opened = self.line;
                    State::Quoted
                }
                (State::Quoted, b'"') => State::QuoteInQuoted,
                (State::Quoted, _) => State::Quoted,
                (State::QuoteInQuoted, b'"') => State::Quoted,
                (State::QuoteInQuoted, b',' | b'\n') | (_, b',' | b'\n') => {
                    if self.state == State::QuoteInQuoted && self.line > self.opened {
                        self.multiline.push((self.opened, self.line));
                    }
                    if b == b',' {
                        State::FieldStart
                    } else {
                        State::RowStart
                    }
                }
                (State::QuoteInQuoted, b'\r') => State::QuoteInQuoted,
                (State::QuoteInQuoted, _) => {
                    let p = QuoteProblem::TextAfterClose {
                        opened: self.opened,
                        line: self.line,
                    };
                    self.problem = Some(p.clone());
                    return Err(p);
                }
                _ => State::Unquoted,
            };
            if b == b'\n' {
                self.line += 1;
            }
        }
        Ok(())
    }

    /// At the end of the text: a quote still open is a problem.
    pub fn finish(&mut self) -> Result<(), QuoteProblem> {
        if let Some(p) = &self.problem {
            return Err(p.clone());
        }
        match self.state {
            State::Quoted => Err(QuoteProblem::Unclosed {
                opened: self.opened,
            }),
            State::QuoteInQuoted if self.line > self.opened => {
                self.multiline.push((self.opened, self.line));
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Quoted cells that held a line break: (line opened, line closed).
    pub fn multiline(&self) -> &[(u64, u64)] {
        &self.multiline
    }
}

/// Follows a whole text.
pub fn scan(text: &str, comments: bool) -> Result<Quotes, QuoteProblem> {
    let mut q = Quotes::new(comments);
    q.feed(text.as_bytes())?;
    q.finish()?;
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_quoted_text_passes() {
        let q = scan(
            "a,b\n1,\"x, \"\"y\"\"\"\n2,\"two\nlines\"\n# \"comment\n3,z\"\n",
            true,
        )
        .unwrap();
        assert_eq!(q.multiline(), [(3, 4)]);
        // a quote in the middle of an unquoted cell is text
        scan("a,b\n1,ab\"c\n", false).unwrap();
    }

    #[test]
    fn an_unclosed_quote_names_its_line() {
        assert_eq!(
            scan("a,b\n1,2\n3,\"open\n4,5\n", false).unwrap_err(),
            QuoteProblem::Unclosed { opened: 3 }
        );
        assert_eq!(
            scan("a,b\n1,\"open\n2,3\n4,\"x\"\n", false).unwrap_err(),
            QuoteProblem::TextAfterClose { opened: 2, line: 4 }
        );
        // fed in pieces, the same
        let mut q = Quotes::new(false);
        for piece in ["a,b\n1,\"", "open\n2", ",3\n"] {
            q.feed(piece.as_bytes()).unwrap();
        }
        assert_eq!(q.finish(), Err(QuoteProblem::Unclosed { opened: 2 }));
    }
}
