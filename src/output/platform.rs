//! What the operating system offers for the swap: exchanging two folders in one step
//! (renameat2 RENAME_EXCHANGE on Linux, renamex_np RENAME_SWAP on macOS), an exclusive lock
//! that ends with the process, and whether a process still runs.

use std::fs::File;
use std::io;
use std::path::Path;

/// Exchanges `a` and `b` (both must exist) in one step. `Ok(false)` when the system or the
/// file system cannot, and nothing was changed.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
pub fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e)
            if e == rustix::io::Errno::INVAL
                || e == rustix::io::Errno::NOSYS
                || e == rustix::io::Errno::NOTSUP
                || e == rustix::io::Errno::OPNOTSUPP =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
pub fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Takes an exclusive lock on an open file, waiting for another holder. The lock ends when the
/// file is closed or the process ends, however it ends.
#[cfg(unix)]
pub fn lock(file: &File) -> io::Result<()> {
    use rustix::fs::{FlockOperation, flock};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(()),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => {
            eprintln!("waiting for another surveysite build writing the same output…");
            flock(file, FlockOperation::LockExclusive).map_err(io::Error::from)
        }
        // A file system without locks (some network shares): build without one.
        Err(e) if e == rustix::io::Errno::NOLCK || e == rustix::io::Errno::NOSYS => Ok(()),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(unix))]
pub fn lock(_file: &File) -> io::Result<()> {
    Ok(())
}

/// Whether process `pid` may still be running (when in doubt, yes).
#[cfg(unix)]
pub fn is_running(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    match rustix::process::test_kill_process(pid) {
        Ok(()) => true,
        Err(e) => e != rustix::io::Errno::SRCH,
    }
}

#[cfg(not(unix))]
pub fn is_running(_pid: u32) -> bool {
    true
}

/// The same file (hard links of one inode).
#[cfg(unix)]
pub fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
pub fn same_file(_a: &std::fs::Metadata, _b: &std::fs::Metadata) -> bool {
    false
}
