//! Encodings of respondent files: UTF-8, UTF-8 with BOM and CP932 (Shift_JIS, what Excel in
//! Japan writes), detected or declared, decoded as the file streams by.

use std::io::{self, BufRead, Read};
use std::path::Path;

use anyhow::{Context, Result};

use super::cache::{Digest, Digested};
use crate::load::quotes::Quotes;

/// How the responses file is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (with or without BOM) if the bytes are UTF-8, else CP932.
    Auto,
    Utf8,
    Cp932,
}

impl Encoding {
    pub fn parse(name: &str) -> Option<Encoding> {
        match name.to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => Some(Encoding::Auto),
            "utf-8" | "utf8" | "utf-8-sig" => Some(Encoding::Utf8),
            "cp932" | "shift-jis" | "sjis" | "windows-31j" | "ms932" => Some(Encoding::Cp932),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Encoding::Auto => "auto",
            Encoding::Utf8 => "UTF-8",
            Encoding::Cp932 => "CP932 (Shift_JIS)",
        }
    }
}

const CHUNK: usize = 64 * 1024;

/// Turns a byte stream in `encoding` into UTF-8 as it is read: a BOM is dropped, CP932 is
/// transcoded, CRLF and a lone CR become LF, and a byte that is not valid text is an error
/// naming its line; so is a quote left open at the end of the file (src/load/quotes.rs).
/// (The csv crate counts a CRLF file's lines one short, rust-csv#395, and a CR-only file as one
/// line; src/load/tables.rs reads LF only for the same reason.)
pub struct Decode<R> {
    inner: R,
    file: String,
    want: Encoding,
    decoder: Option<encoding_rs::Decoder>,
    raw: Vec<u8>,
    out: Vec<u8>,
    /// The buffer `crlf_to_lf` writes into (swapped with `out`, so neither is allocated anew).
    spare: Vec<u8>,
    pos: usize,
    started: bool,
    done: bool,
    /// Newlines handed out so far, to name the line of a bad byte.
    lines: u64,
    /// A CR that ended the last chunk: dropped if the next one starts with LF.
    held_cr: bool,
    /// The bytes of a UTF-8 character cut at the end of the last chunk.
    cut: Vec<u8>,
    quotes: Quotes,
    /// A digest of the bytes read, when asked for (`digesting`): the file's cache key
    /// (src/load/responses/cache.rs), taken as it is parsed rather than by reading it twice.
    digest: Option<Digest>,
}

impl<R: Read> Decode<R> {
    pub fn new(inner: R, encoding: Encoding, file: &str) -> Decode<R> {
        Decode {
            inner,
            file: file.to_string(),
            want: encoding,
            decoder: None,
            raw: vec![0; CHUNK],
            out: Vec::new(),
            spare: Vec::new(),
            pos: 0,
            started: false,
            done: false,
            lines: 0,
            held_cr: false,
            cut: Vec::new(),
            quotes: Quotes::new(false),
            digest: None,
        }
    }

    /// Takes a digest of every byte read from now on (call before reading).
    pub fn digesting(mut self) -> Decode<R> {
        self.digest = Some(Digest::default());
        self
    }

    /// The digest of the bytes read, once the end of the input has been reached.
    pub fn digest(&mut self) -> Option<Digested> {
        if !self.done {
            return None;
        }
        self.digest.take().map(Digest::finish)
    }

    /// The encoding in use (`Auto` until a byte outside ASCII has been seen).
    pub fn encoding(&self) -> Encoding {
        match &self.decoder {
            None => self.want,
            Some(d) if d.encoding() == encoding_rs::SHIFT_JIS => Encoding::Cp932,
            Some(_) => Encoding::Utf8,
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        let mut n = 0;
        // The first read gathers at least 3 bytes, to see a BOM.
        loop {
            let got = self.inner.read(&mut self.raw[n..])?;
            if let Some(d) = &mut self.digest {
                d.update(&self.raw[n..n + got]);
            }
            n += got;
            if got == 0 || self.started || n >= 3 {
                break;
            }
        }
        let last = n == 0;
        let mut src = &self.raw[..n];
        if !self.started {
            self.started = true;
            if let Some(rest) = src.strip_prefix(b"\xEF\xBB\xBF") {
                src = rest;
                self.decoder = Some(encoding_rs::UTF_8.new_decoder_without_bom_handling());
            }
        }
        if self.decoder.is_none() {
            let encoding = match self.want {
                Encoding::Utf8 => encoding_rs::UTF_8,
                Encoding::Cp932 => encoding_rs::SHIFT_JIS,
                Encoding::Auto if src.is_ascii() => {
                    // Same bytes in every candidate: decide later.
                    self.out.clear();
                    self.out.extend_from_slice(src);
                    self.pos = 0;
                    self.done = last;
                    self.crlf_to_lf();
                    self.count_lines();
                    return self.follow_quotes();
                }
                Encoding::Auto => match std::str::from_utf8(src) {
                    Ok(_) => encoding_rs::UTF_8,
                    // A character cut at the end of the chunk is still UTF-8.
                    Err(e) if e.error_len().is_none() => encoding_rs::UTF_8,
                    // UTF-8 characters before the bad byte: a UTF-8 file with a bad byte (said
                    // at its line), not a CP932 file (which would fail at line 1).
                    Err(e) if !src[..e.valid_up_to()].is_ascii() => encoding_rs::UTF_8,
                    Err(_) => encoding_rs::SHIFT_JIS,
                },
            };
            self.decoder = Some(encoding.new_decoder_without_bom_handling());
        }
        let Some(decoder) = self.decoder.as_mut() else {
            return Ok(());
        };
        if decoder.encoding() == encoding_rs::UTF_8 {
            // UTF-8 is only checked, not transcoded: a chunk at a time, copied once.
            let out = &mut self.out;
            out.clear();
            out.append(&mut self.cut);
            out.extend_from_slice(src);
            let malformed = match simdutf8::compat::from_utf8(out) {
                Ok(_) => false,
                // A character cut at the end of the chunk: its bytes begin the next one.
                Err(e) if e.error_len().is_none() && !last => {
                    self.cut.extend_from_slice(&out[e.valid_up_to()..]);
                    out.truncate(e.valid_up_to());
                    false
                }
                Err(e) => {
                    out.truncate(e.valid_up_to());
                    true
                }
            };
            return self.decoded(malformed, Encoding::Utf8, last);
        }
        let room = decoder
            .max_utf8_buffer_length_without_replacement(src.len())
            .unwrap_or(src.len() * 3 + 16);
        self.out.clear();
        self.out.resize(room, 0);
        let (result, _, written) =
            decoder.decode_to_utf8_without_replacement(src, &mut self.out, last);
        let malformed = matches!(result, encoding_rs::DecoderResult::Malformed(..));
        self.out.truncate(written);
        let name = if decoder.encoding() == encoding_rs::SHIFT_JIS {
            Encoding::Cp932
        } else {
            Encoding::Utf8
        };
        self.decoded(malformed, name, last)
    }

    /// After a chunk is decoded into `out` (up to a byte that is not valid text, if `malformed`):
    /// its line ends made LF, its lines counted and its quotes followed, or the error.
    fn decoded(&mut self, malformed: bool, name: Encoding, last: bool) -> io::Result<()> {
        self.pos = 0;
        self.done = last;
        self.crlf_to_lf();
        if malformed {
            self.count_lines();
            let hint = match (self.want, name) {
                (Encoding::Cp932, _) => {
                    "set `encoding: utf-8` under `responses:` in data/codebook.yaml if the file is UTF-8"
                }
                (_, Encoding::Utf8) => {
                    "if Excel saved the file, set `encoding: cp932` under `responses:` in data/codebook.yaml"
                }
                // Detected: its first bytes were not UTF-8, and now it is not CP932 either.
                _ => "nor UTF-8: save it from Excel as \"CSV UTF-8\"",
            };
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{}:{}: the file is not valid {} text ({hint})",
                    self.file,
                    self.lines + 1,
                    name.name()
                ),
            ));
        }
        self.count_lines();
        self.follow_quotes()
    }

    /// A quote still open at the end of the file is an error naming the line it opened on.
    fn follow_quotes(&mut self) -> io::Result<()> {
        let mut result = self.quotes.feed(&self.out);
        if result.is_ok() && self.done && !self.held_cr {
            result = self.quotes.finish();
        }
        result.map_err(|p| {
            let (line, message) = p.located();
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}:{line}: {message}", self.file),
            )
        })
    }

    /// CRLF and a lone CR become LF in `out`, holding back a CR that ends an unfinished chunk.
    /// A chunk without a CR (an LF file) is left as it is; otherwise the text between CRs is
    /// copied whole into `spare`, which then becomes `out`.
    fn crlf_to_lf(&mut self) {
        let held = std::mem::take(&mut self.held_cr);
        if !held && memchr::memchr(b'\r', &self.out).is_none() {
            return;
        }
        let text = &mut self.spare;
        text.clear();
        text.reserve(self.out.len() + 1);
        if held {
            match self.out.first() {
                Some(b'\n') => {}
                None if !self.done => {
                    self.held_cr = true;
                    return;
                }
                _ => text.push(b'\n'),
            }
        }
        let mut from = 0;
        for i in memchr::memchr_iter(b'\r', &self.out) {
            text.extend_from_slice(&self.out[from..i]);
            from = i + 1;
            match self.out.get(i + 1) {
                // The LF is copied with the text that follows.
                Some(b'\n') => {}
                None if !self.done => self.held_cr = true,
                _ => text.push(b'\n'),
            }
        }
        text.extend_from_slice(&self.out[from..]);
        std::mem::swap(&mut self.out, &mut self.spare);
    }

    fn count_lines(&mut self) {
        self.lines += crate::load::quotes::newlines(&self.out);
    }
}

impl<R: Read> Read for Decode<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let text = self.fill_buf()?;
        let n = buf.len().min(text.len());
        buf[..n].copy_from_slice(&text[..n]);
        self.consume(n);
        Ok(n)
    }
}

/// The decoded text is read where it lies (src/load/responses/csv_rows.rs), without a copy.
impl<R: Read> io::BufRead for Decode<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.out.len() {
            if self.done {
                return Ok(&[]);
            }
            self.fill()?;
        }
        Ok(&self.out[self.pos..])
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.out.len());
    }
}

/// A respondent file opened to be decoded as it is read.
/// `digest`: take a digest of the file's bytes as they are read (`Decode::digest`).
pub fn open(
    path: &Path,
    shown: &str,
    encoding: Encoding,
    digest: bool,
) -> Result<Decode<std::fs::File>> {
    let file = std::fs::File::open(path).with_context(|| format!("reading {shown}"))?;
    let decode = Decode::new(file, encoding, shown);
    Ok(if digest { decode.digesting() } else { decode })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8], encoding: Encoding) -> io::Result<(String, Encoding)> {
        // A tiny reader hands out 5 bytes at a time, to cut characters between reads.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = buf.len().min(5).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut d = Decode::new(Trickle(bytes), encoding, "data/r.csv");
        let mut out = String::new();
        d.read_to_string(&mut out)?;
        Ok((out, d.encoding()))
    }

    #[test]
    fn decodes_utf8_bom_and_cp932() {
        let text = "地域,回答\r\n区西南部,\"導入している, その他\"\r\n";
        let lf = text.replace("\r\n", "\n");
        assert_eq!(
            decode(text.as_bytes(), Encoding::Auto).unwrap(),
            (lf.clone(), Encoding::Utf8)
        );
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(&bom, Encoding::Auto).unwrap().0, lf);
        let (sjis, _, bad) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!bad);
        assert_eq!(
            decode(&sjis, Encoding::Auto).unwrap(),
            (lf.clone(), Encoding::Cp932)
        );
        assert_eq!(decode(&sjis, Encoding::Cp932).unwrap().0, lf);
    }

    #[test]
    fn crlf_becomes_lf_even_when_a_read_ends_between_cr_and_lf() {
        // Shifting the text by 0–4 bytes puts every CRLF across a 5-byte read once.
        for pad in ["", "x", "xx", "xxx", "xxxx"] {
            let text = format!("{pad}a,b\r\n1,\"2\r\n3\"\r\n\r\n4\r5\r");
            for encoding in [Encoding::Auto, Encoding::Utf8, Encoding::Cp932] {
                assert_eq!(
                    decode(text.as_bytes(), encoding).unwrap().0,
                    format!("{pad}a,b\n1,\"2\n3\"\n\n4\n5\n"),
                    "{pad:?} {encoding:?}"
                );
            }
        }
    }

    /// Decodes `bytes` handed out in reads of the given sizes (in turn), as a file would.
    fn decode_in(bytes: &[u8], sizes: &[usize], encoding: Encoding) -> io::Result<String> {
        struct Pieces<'a> {
            rest: &'a [u8],
            sizes: Vec<usize>,
            turn: usize,
        }
        impl Read for Pieces<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let size = self.sizes[self.turn % self.sizes.len()];
                self.turn += 1;
                let n = buf.len().min(size).min(self.rest.len());
                buf[..n].copy_from_slice(&self.rest[..n]);
                self.rest = &self.rest[n..];
                Ok(n)
            }
        }
        let pieces = Pieces {
            rest: bytes,
            sizes: sizes.to_vec(),
            turn: 0,
        };
        let mut out = String::new();
        Decode::new(pieces, encoding, "data/r.csv").read_to_string(&mut out)?;
        Ok(out)
    }

    /// What decoding must give: CRLF and lone CR as LF, or the quote problem of that text.
    fn expected(text: &str) -> Result<String, String> {
        let lf = text.replace("\r\n", "\n").replace('\r', "\n");
        match crate::load::quotes::scan(&lf, false) {
            Ok(_) => Ok(lf),
            Err(p) => {
                let (line, message) = p.located();
                Err(format!("data/r.csv:{line}: {message}"))
            }
        }
    }

    #[test]
    fn line_ends_and_quotes_at_every_read_boundary() {
        let cases = [
            "a,b\r\n1,2\r\n",
            "a,b\n1,2\n",
            "\r",
            "\r\n",
            "\n\r",
            "a\r\rb\r",
            "a,\"x\r\ny\"\r\n2,\"\"\"\"\r",
            "a,\"open\r\n1,2\r\n",
            "a,\"b\"c\r\n",
            "a,\"b\"\r\n",
            "導,\"é\r\n\"\r",
        ];
        for text in cases {
            for bom in [false, true] {
                let bytes = if bom {
                    [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()
                } else {
                    text.as_bytes().to_vec()
                };
                for size in 1..=bytes.len().max(1) + 1 {
                    for encoding in [Encoding::Auto, Encoding::Utf8] {
                        let got = decode_in(&bytes, &[size], encoding).map_err(|e| e.to_string());
                        assert_eq!(got, expected(text), "{text:?} bom {bom}, reads of {size}");
                    }
                }
            }
        }
    }

    #[test]
    fn made_up_texts_decode_as_the_plain_replacement() {
        let alphabet = ["\r", "\n", "\"", ",", "a", "é", "導"];
        let mut next = crate::load::made_up(0x2545_F491_4F6C_DD1D_u64);
        for _ in 0..5_000 {
            let len = next(30);
            let text: String = (0..len).map(|_| alphabet[next(7)]).collect();
            let bom = next(4) == 0;
            let bytes = if bom {
                [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()
            } else {
                text.as_bytes().to_vec()
            };
            let sizes: Vec<usize> = (0..4).map(|_| 1 + next(9)).collect();
            let encoding = [Encoding::Auto, Encoding::Utf8][next(2)];
            let got = decode_in(&bytes, &sizes, encoding).map_err(|e| e.to_string());
            assert_eq!(
                got,
                expected(&text),
                "{text:?} bom {bom}, reads of {sizes:?}"
            );
        }
    }

    #[test]
    fn a_long_file_crosses_chunks_unchanged() {
        // Longer than two chunks, CRLF and a quoted line break across the chunk edges.
        let row = "地域001,\"導入している, その他\r\n次の行\",1\r\n";
        let text = row.repeat(3 * CHUNK / row.len() + 7);
        for sizes in [vec![CHUNK], vec![CHUNK - 1, 3], vec![7, CHUNK + 1]] {
            let got = decode_in(text.as_bytes(), &sizes, Encoding::Auto).unwrap();
            assert_eq!(Ok(got), expected(&text));
        }
        // An LF file is handed out as it is.
        let lf = text.replace("\r\n", "\n");
        assert_eq!(
            decode_in(lf.as_bytes(), &[CHUNK], Encoding::Utf8).unwrap(),
            lf
        );
    }

    #[test]
    fn bytes_that_are_not_the_encoding_name_their_line() {
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("a,b\n1,2\n導入,x\n");
        let e = decode(&sjis, Encoding::Utf8).unwrap_err().to_string();
        assert!(
            e.starts_with("data/r.csv:3: the file is not valid UTF-8 text"),
            "{e}"
        );
        assert!(e.contains("encoding: cp932"), "{e}");
    }

    #[test]
    fn a_bad_or_cut_utf8_character_names_its_line_at_every_read_boundary() {
        // "導" is E5 B0 8E: cut at the end of the file, or followed by a byte that cannot follow
        // (after a whole one, which tells `auto` the file is UTF-8, not CP932).
        let cut = b"a,b\n\xE5\xB0\x8E,x\n2,\xE5\xB0".as_slice();
        let bad = b"a,b\n\xE5\xB0\x8E,2\n3,\xE5\xB0A\n".as_slice();
        for (bytes, line) in [(cut, 3), (bad, 3)] {
            for size in 1..=bytes.len() + 1 {
                for encoding in [Encoding::Auto, Encoding::Utf8] {
                    let e = decode_in(bytes, &[size], encoding).unwrap_err().to_string();
                    assert!(
                        e.starts_with(&format!(
                            "data/r.csv:{line}: the file is not valid UTF-8 text"
                        )),
                        "reads of {size}: {e}"
                    );
                }
            }
        }
    }
}
