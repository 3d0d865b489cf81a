//! The few file-system rules the store keeps everywhere: files it creates are private
//! (0600), folders it creates are private (0700), and a file or folder without write
//! permission bits is treated as read-only even for root (for whom the kernel would
//! ignore them).

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Create `path` as a new, empty file readable and writable by its owner only; fails if
/// anything exists at the path.
pub(super) fn create_private_file(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

/// Create `folder` (and its missing parents) with mode 0700.
pub(super) fn create_private_folder(folder: &Path) -> io::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)
}

/// Whether the permission bits forbid writing (for anyone, root included).
pub(super) fn no_write_bits(meta: &fs::Metadata) -> bool {
    meta.permissions().mode() & 0o222 == 0
}
