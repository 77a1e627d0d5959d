//! Rows read ahead on a second thread: while one thread turns rows into counts, the other reads,
//! decodes, splits and checks the next ones (`Source::next`). Rows come out in file order, exactly
//! as `Source::next` gives them, ending with its error if it has one, so everything done with
//! them (the counts, the order of weighted additions, the problems listed) is what reading on one
//! thread gives. Memory stays flat: at most `IN_FLIGHT` batches of rows exist, their buffers
//! handed back and reused.

use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};

use anyhow::Result;

use super::source::{Record, Source};

/// Rows per batch: enough that passing a batch costs little beside reading its rows.
const BATCH: usize = 512;
/// Batches that exist at once (being filled, waiting, being used).
const IN_FLIGHT: usize = 4;

/// A batch of rows: `records[..len]` are read (and `prepared[..len]` made of them when
/// `is_prepared`); then, if `end`, the source ended there (with `Some(error)` when it failed).
struct Batch<P> {
    records: Vec<Record>,
    prepared: Vec<P>,
    len: usize,
    is_prepared: bool,
    end: Option<Option<anyhow::Error>>,
}

impl<P> Default for Batch<P> {
    fn default() -> Batch<P> {
        Batch {
            records: Vec::new(),
            prepared: Vec::new(),
            len: 0,
            is_prepared: false,
            end: None,
        }
    }
}

/// The rows of a source read on another thread; `next` hands them out one by one.
pub struct Ahead<P> {
    full: Receiver<Batch<P>>,
    empty: SyncSender<Batch<P>>,
    batch: Batch<P>,
    at: usize,
}

impl<P> Ahead<P> {
    /// The next row, with what the reading thread made of it if it had the time (`prepare`
    /// of `read_ahead`); `None` at the end, or the source's error (after every row before it).
    #[allow(clippy::type_complexity)]
    pub fn next(&mut self) -> Result<Option<(&Record, Option<&mut P>)>> {
        while self.at == self.batch.len {
            if let Some(end) = self.batch.end.take() {
                return match end {
                    Some(e) => Err(e),
                    None => Ok(None),
                };
            }
            let Ok(next) = self.full.recv() else {
                // The reader stopped without saying how: it panicked (its panic is raised when
                // the scope ends).
                anyhow::bail!("reading the rows stopped unexpectedly");
            };
            let used = std::mem::replace(&mut self.batch, next);
            // The reader may have stopped already: then the buffer is simply dropped.
            let _ = self.empty.try_send(used);
            self.at = 0;
        }
        let i = self.at;
        self.at += 1;
        let prepared = self.batch.is_prepared.then(|| &mut self.batch.prepared[i]);
        Ok(Some((&self.batch.records[i], prepared)))
    }
}

/// Runs `use_rows` with the rows of `source`, read ahead on a second thread, and gives the
/// source back. When the reading thread is ahead (the rows wait for `use_rows`), it also runs
/// `prepare` on the rows it has read, sharing the work: `prepare` must give what the using
/// thread would work out itself (it is used instead). Stopping early (not reading to the end)
/// stops the reader too.
pub fn read_ahead<P: Default + Send, T>(
    source: Source,
    prepare: impl Fn(&Record, &mut P) + Sync,
    use_rows: impl FnOnce(&mut Ahead<P>) -> T,
) -> (T, Source) {
    let (full_tx, full_rx) = sync_channel::<Batch<P>>(IN_FLIGHT);
    let (empty_tx, empty_rx) = sync_channel::<Batch<P>>(IN_FLIGHT);
    for _ in 0..IN_FLIGHT - 1 {
        let _ = empty_tx.try_send(Batch::default());
    }
    std::thread::scope(|scope| {
        let prepare = &prepare;
        let reader = scope.spawn(move || read(source, prepare, &full_tx, &empty_rx));
        let mut ahead = Ahead {
            full: full_rx,
            empty: empty_tx,
            batch: Batch::default(),
            at: 0,
        };
        let out = use_rows(&mut ahead);
        // A reader waiting to hand over a batch, or for an empty one, is told to stop.
        drop(ahead);
        match reader.join() {
            Ok(source) => (out, source),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// The reader's side: fills empty batches until the source ends or nobody reads any more.
fn read<P: Default>(
    mut source: Source,
    prepare: &impl Fn(&Record, &mut P),
    full: &SyncSender<Batch<P>>,
    empty: &Receiver<Batch<P>>,
) -> Source {
    let Ok(mut batch) = empty.recv() else {
        return source;
    };
    loop {
        batch.len = 0;
        batch.is_prepared = false;
        batch.end = None;
        while batch.len < BATCH {
            if batch.records.len() == batch.len {
                batch.records.push(Record::default());
            }
            match source.next(&mut batch.records[batch.len]) {
                Ok(true) => batch.len += 1,
                Ok(false) => {
                    batch.end = Some(None);
                    break;
                }
                Err(e) => {
                    batch.end = Some(Some(e));
                    break;
                }
            }
        }
        // No empty batch to fill next: the rows wait to be used, so this thread has the time
        // to prepare them.
        let next = match empty.try_recv() {
            Ok(b) => Some(b),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => return source,
        };
        if next.is_none() {
            batch
                .prepared
                .resize_with(batch.len.max(batch.prepared.len()), P::default);
            for (record, p) in batch.records[..batch.len].iter().zip(&mut batch.prepared) {
                prepare(record, p);
            }
            batch.is_prepared = true;
        }
        let ended = batch.end.is_some();
        if full.send(batch).is_err() || ended {
            return source;
        }
        batch = match next {
            Some(b) => b,
            None => match empty.recv() {
                Ok(b) => b,
                Err(_) => return source,
            },
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::responses::decode::Encoding;

    fn source(text: &str) -> (tempfile::TempDir, Source) {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("rows.csv");
        std::fs::write(&path, text).unwrap();
        let source = Source::open(&path, "rows.csv", Encoding::Utf8, None).unwrap();
        (tmp, source)
    }

    /// Each row's line, index and cells, then the error if any.
    type Read = (Vec<(u64, u64, Vec<String>)>, Option<String>);

    /// What one thread reads.
    fn read_here(mut s: Source) -> Read {
        let mut out = Vec::new();
        let mut r = Record::default();
        loop {
            match s.next(&mut r) {
                Ok(true) => out.push((r.at, r.index, r.cells.iter().map(String::from).collect())),
                Ok(false) => return (out, None),
                Err(e) => return (out, Some(e.to_string())),
            }
        }
    }

    fn prepare(r: &Record, p: &mut String) {
        *p = r.cells.iter().collect::<Vec<_>>().join("|");
    }

    fn read_on_two(s: Source) -> Read {
        let (read, _) = read_ahead(s, prepare, |rows| {
            let mut out = Vec::new();
            loop {
                match rows.next() {
                    Ok(Some((r, prepared))) => {
                        let cells: Vec<String> = r.cells.iter().map(String::from).collect();
                        // What the reader prepared is what this thread would have.
                        if let Some(p) = prepared {
                            assert_eq!(p, &cells.join("|"));
                        }
                        out.push((r.at, r.index, cells))
                    }
                    Ok(None) => return (out, None),
                    Err(e) => return (out, Some(e.to_string())),
                }
            }
        });
        read
    }

    #[test]
    fn rows_come_in_file_order_across_batches_with_the_error_last() {
        let mut text = String::from("id,q1\n");
        // Past the decoder's first chunk (64 KiB), so that a bad byte is met while rows are read.
        for i in 0..(BATCH * IN_FLIGHT * 8 + 7) {
            text.push_str(&format!("{i},\"a\nb{i}\"\n"));
        }
        let (_t1, a) = source(&text);
        let (_t2, b) = source(&text);
        let here = read_here(a);
        assert_eq!(here.0.len(), BATCH * IN_FLIGHT * 8 + 7);
        assert_eq!(here.0[3], (8, 3, vec!["3".into(), "a\nb3".into()]));
        assert_eq!(read_on_two(b), here);

        // Bytes that are not UTF-8 end the rows with their error, after every row before them.
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(b"x,\xff\xfe\n9,z\n");
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("rows.csv");
        std::fs::write(&path, &bytes).unwrap();
        let open = || Source::open(&path, "rows.csv", Encoding::Utf8, None).unwrap();
        let here = read_here(open());
        let error = here.1.as_deref().unwrap();
        // The header, two lines a row, then the bad one.
        let bad_line = 2 * (BATCH * IN_FLIGHT * 8 + 7) + 2;
        assert!(
            error.starts_with(&format!("rows.csv:{bad_line}: the file is not valid UTF-8")),
            "{error}"
        );
        // (The decoder names the bad byte before it hands out the rows of its chunk.)
        assert!(here.0.len() > BATCH * IN_FLIGHT * 2, "{}", here.0.len());
        assert_eq!(read_on_two(open()), here);
    }

    #[test]
    fn a_reader_with_time_to_spare_prepares_rows_as_the_user_would() {
        let mut text = String::from("id,q1\n");
        for i in 0..(BATCH * IN_FLIGHT * 3) {
            text.push_str(&format!("{i},a{i}\n"));
        }
        let (_t, s) = source(&text);
        let ((prepared, rows), _) = read_ahead(s, prepare, |rows| {
            let (mut prepared, mut n) = (0, 0);
            while let Some((r, p)) = rows.next().unwrap() {
                if n == 0 {
                    // A slow start: the reader fills every batch and runs out of empty ones.
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                n += 1;
                if let Some(p) = p {
                    assert_eq!(*p, format!("{}|a{}", r.index, r.index));
                    prepared += 1;
                }
            }
            (prepared, n)
        });
        assert_eq!(rows, BATCH * IN_FLIGHT * 3);
        assert!(prepared >= BATCH, "{prepared} rows prepared");
    }

    #[test]
    fn stopping_early_stops_the_reader() {
        let mut text = String::from("id,q1\n");
        for i in 0..(BATCH * IN_FLIGHT * 4) {
            text.push_str(&format!("{i},a\n"));
        }
        let (_t, s) = source(&text);
        // Returns (the scope joins the reader): it did not wait forever to hand over a batch.
        let (first, _) = read_ahead(s, prepare, |rows| rows.next().unwrap().map(|r| r.0.at));
        assert_eq!(first, Some(2));
    }
}
