//! Getting the bytes: regular files only, a size limit, and blank files refused without being held in memory.

use super::error::FileKind;
use super::ReadError;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Reads a regular file of at most `max` bytes.
///
/// A file of whitespace only is refused as [`ReadError::Empty`] after one streaming pass in 64 KiB blocks, so a
/// huge file of blank lines costs neither memory nor time.
pub(crate) fn read_file(path: &Path, name: &str, max: u64) -> Result<Vec<u8>, ReadError> {
    let io = |source| ReadError::Io {
        file: name.to_owned(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile {
            file: name.to_owned(),
            kind: FileKind::of(&meta.file_type()),
        });
    }
    if meta.len() > max {
        return Err(ReadError::TooLarge {
            file: name.to_owned(),
            size: meta.len(),
            limit: max,
        });
    }
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut block = vec![0u8; 1 << 16];
    let mut blank = true;
    loop {
        let n = match file.read(&mut block) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io(e)),
        };
        if !block.get(..n).unwrap_or_default().iter().all(u8::is_ascii_whitespace) {
            blank = false;
            break;
        }
    }
    if blank {
        return Err(ReadError::Empty { file: name.to_owned() });
    }
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    // One allocation of the file's size, and never more than the limit even if the file grows meanwhile.
    read_limited(file, name, max, usize::try_from(meta.len()).unwrap_or(0))
}

/// Reads a stream of at most `max` bytes.
pub(crate) fn read_stream(reader: impl Read, name: &str, max: u64) -> Result<Vec<u8>, ReadError> {
    read_limited(reader, name, max, 0)
}

fn read_limited(reader: impl Read, name: &str, max: u64, capacity: usize) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::with_capacity(capacity);
    reader
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| ReadError::Io {
            file: name.to_owned(),
            source,
        })?;
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > max {
        return Err(ReadError::TooLarge {
            file: name.to_owned(),
            size,
            limit: max,
        });
    }
    Ok(bytes)
}
