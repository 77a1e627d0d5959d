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
    ///
    /// Only quotes, line ends (and `#` when comments are on) change what follows, so the text
    /// between them is skipped with `memchr` rather than stepped through byte by byte; whether
    /// a quote opens a cell is told by the byte before it (`,`, a line end or the start of the
    /// text). The outcome is that of `step` on every byte (the tests compare the two).
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), QuoteProblem> {
        if let Some(p) = &self.problem {
            return Err(p.clone());
        }
        let mut i = 0;
        while i < bytes.len() {
            let rest = &bytes[i..];
            match self.state {
                State::QuoteInQuoted => {
                    self.step(rest[0])?;
                    i += 1;
                }
                // Inside a quoted cell only its closing quote changes the state.
                State::Quoted => {
                    let k = memchr::memchr(b'"', rest).unwrap_or(rest.len());
                    self.line += newlines(&rest[..k]);
                    if k < rest.len() {
                        self.state = State::QuoteInQuoted;
                    }
                    i += k + 1;
                }
                State::Comment => match memchr::memchr(b'\n', rest) {
                    None => i = bytes.len(),
                    Some(k) => {
                        self.state = State::RowStart;
                        self.line += 1;
                        i += k + 1;
                    }
                },
                State::RowStart | State::FieldStart | State::Unquoted if !self.comments => {
                    // Without comments, only a quote matters: line ends between are counted.
                    let k = memchr::memchr(b'"', rest).unwrap_or(rest.len());
                    if k > 0 {
                        self.line += newlines(&rest[..k]);
                        self.state = match rest[k - 1] {
                            b',' => State::FieldStart,
                            b'\n' => State::RowStart,
                            _ => State::Unquoted,
                        };
                    }
                    if k < rest.len() {
                        self.step(rest[k])?;
                    }
                    i += k + 1;
                }
                State::RowStart | State::FieldStart | State::Unquoted => {
                    let k = memchr::memchr3(b'"', b'\n', b'#', rest).unwrap_or(rest.len());
                    if k > 0 {
                        // Bytes that are neither a quote, a line end nor `#`: only a comma
                        // changes the state (a cell starts after it).
                        self.state = if rest[k - 1] == b',' {
                            State::FieldStart
                        } else {
                            State::Unquoted
                        };
                    }
                    if k < rest.len() {
                        self.step(rest[k])?;
                    }
                    i += k + 1;
                }
            }
        }
        Ok(())
    }

    /// Follows one byte.
    fn step(&mut self, b: u8) -> Result<(), QuoteProblem> {
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
        Ok(())
    }

    /// Lines begun so far, less one: the line ends followed (ignoring any after a problem).
    pub fn line_ends(&self) -> u64 {
        self.line - 1
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

/// Line ends in `bytes` (memchr counts them many bytes at a time).
pub fn newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
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

    /// Every byte through `step`, as `feed` did before it skipped ahead with memchr.
    fn stepped(pieces: &[&[u8]], comments: bool) -> (Quotes, Result<(), QuoteProblem>) {
        let mut q = Quotes::new(comments);
        for piece in pieces {
            if let Some(p) = &q.problem {
                return (q.clone(), Err(p.clone()));
            }
            for &b in *piece {
                if let Err(p) = q.step(b) {
                    return (q, Err(p));
                }
            }
        }
        let r = q.finish();
        (q, r)
    }

    fn fed(pieces: &[&[u8]], comments: bool) -> (Quotes, Result<(), QuoteProblem>) {
        let mut q = Quotes::new(comments);
        for piece in pieces {
            if let Err(p) = q.feed(piece) {
                return (q, Err(p));
            }
        }
        let r = q.finish();
        (q, r)
    }

    fn same(text: &[u8], cuts: &[usize], comments: bool) {
        let mut pieces = Vec::new();
        let mut from = 0;
        for &c in cuts {
            let c = c.clamp(from, text.len());
            pieces.push(&text[from..c]);
            from = c;
        }
        pieces.push(&text[from..]);
        let (a, ra) = stepped(&pieces, comments);
        let (b, rb) = fed(&pieces, comments);
        let shown = String::from_utf8_lossy(text);
        assert_eq!(ra, rb, "{shown:?} cut at {cuts:?}, comments {comments}");
        assert_eq!(
            format!("{a:?}"),
            format!("{b:?}"),
            "{shown:?} cut at {cuts:?}, comments {comments}"
        );
        assert_eq!(a.line_ends(), b.line_ends());
    }

    #[test]
    fn skipping_ahead_follows_quotes_as_stepping_every_byte_does() {
        // Quotes, line ends and commas at the edges of the pieces fed.
        for text in [
            "a,b\n\"x\",\"y\n\"\"z\"\n",
            "\"open",
            "a,\"b\"c\n",
            "#\"c\n\"d\"\r\n,#x\n",
            "a,\"\"\n\"\r\"\n",
            ",\",\"\",\"\n\"",
            "é,\"ü\"\n\r,\"",
        ] {
            let text = text.as_bytes();
            for comments in [false, true] {
                same(text, &[], comments);
                for i in 0..=text.len() {
                    same(text, &[i], comments);
                    for j in i..=text.len() {
                        same(text, &[i, j], comments);
                    }
                }
            }
        }
        // Made-up texts of the bytes that matter, fed in pieces of 1 to 8 bytes.
        let alphabet = [b'"', b',', b'\n', b'\r', b'#', b'a', b' ', 0xC3, 0xA9];
        let mut next = crate::load::made_up(0x9E37_79B9_7F4A_7C15_u64);
        for _ in 0..20_000 {
            let len = next(40);
            let text: Vec<u8> = (0..len).map(|_| alphabet[next(9)]).collect();
            let mut cuts = Vec::new();
            let mut at = 0;
            while at < len {
                at += 1 + next(8);
                cuts.push(at);
            }
            let comments = next(2) == 0;
            same(&text, &cuts, comments);
            same(&text, &[], comments);
        }
    }

    #[test]
    fn lines_are_counted_inside_and_outside_quotes() {
        let mut q = Quotes::new(true);
        q.feed(b"a\n\"b\nc\"\n#x\n").unwrap();
        assert_eq!(q.line_ends(), 4);
        q.feed(b"\"").unwrap();
        assert_eq!(q.finish(), Err(QuoteProblem::Unclosed { opened: 5 }));
    }
}
