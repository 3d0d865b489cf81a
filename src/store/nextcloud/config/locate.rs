//! Where the configuration is, and which of its files are read: the installation and its
//! `config/` folder (or `NEXTCLOUD_CONFIG_DIR`), `config.php` and the `*.config.php` beside
//! it in PHP's natural order, each a regular file of bounded size owned by whoever runs
//! pwaccount.

use std::ffi::OsString;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use super::config_error;
use super::natural::natural_cmp;
use crate::error::{Error, Id, Result};

/// The largest configuration file read (Nextcloud's own are a few kilobytes).
const MAX_FILE: u64 = 1024 * 1024;

/// The installation folder and its configuration folder, for `path` (the installation
/// folder, its `config/` folder, or `config.php`), with `NEXTCLOUD_CONFIG_DIR` as
/// Nextcloud reads it.
///
/// The path is resolved first (symbolic links, `..`, relative to the current folder):
/// - an installation folder (it holds `config/config.php`) is `OC::$SERVERROOT`, and its
///   configuration folder is what Nextcloud running there reads;
/// - a `config.php` (named, or in the folder named) belongs to the installation where the
///   file really is: a link to it from another folder names that installation, whose
///   `*.config.php`, `version.php` and apps are read, never those beside the link. Such a
///   link is followed only to a folder that is an installation's (`version.php` beside
///   it); otherwise it is refused.
pub(super) fn locate(path: &Path, config_dir_env: Option<&OsString>) -> Result<(PathBuf, PathBuf)> {
    let not_found = || not_installation(path);
    let real = path.canonicalize().map_err(|_| not_found())?;
    let (root, dir, named_config) = if real.is_dir() && real.join("config/config.php").exists()
        || real.is_dir() && config_dir_env.is_some()
    {
        let dir = real.join("config");
        let dir = dir.canonicalize().unwrap_or(dir);
        (real, dir, false)
    } else {
        let (root, dir) = named_config(path, &real)?;
        (root, dir, true)
    };
    // lib/base.php: `if ($dir = getenv('NEXTCLOUD_CONFIG_DIR'))`, so "" and "0" do not count.
    let Some(env_dir) = config_dir_env.filter(|d| !d.is_empty() && d.as_bytes() != b"0") else {
        return Ok((root, dir));
    };
    let env_dir = PathBuf::from(env_dir);
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !named_config || same(&env_dir, &dir) {
        return Ok((root, env_dir));
    }
    Err(config_error(format!(
        "NEXTCLOUD_CONFIG_DIR is set to {}, so Nextcloud reads its configuration there, not \
         in {}: unset it, or give the installation folder; nothing was changed",
        env_dir.display(),
        dir.display()
    )))
}

/// `locate` for a path that names a `config.php` (or a folder holding one that is not an
/// installation's): the installation where the file really is, and its folder.
fn named_config(path: &Path, real: &Path) -> Result<(PathBuf, PathBuf)> {
    let not_found = || not_installation(path);
    let named = if real.is_dir() {
        real.join("config.php")
    } else {
        real.to_path_buf()
    };
    let named_here = if real.is_dir() {
        real.join("config.php")
    } else {
        // The folder the link (if any) is in, itself resolved.
        parent(path)
            .canonicalize()
            .map_err(|_| not_found())?
            .join(path.file_name().unwrap_or_default())
    };
    let file = named.canonicalize().map_err(|_| not_found())?;
    if file.file_name() != Some("config.php".as_ref()) || !file.is_file() {
        let through = if file.as_path() == path {
            String::new()
        } else {
            format!(" (it leads to {})", file.display())
        };
        return Err(config_error(format!(
            "{}{through} is not a Nextcloud configuration: give the installation folder \
             or its config/config.php",
            path.display()
        )));
    }
    let dir = parent(&file);
    let root = parent(&dir);
    if parent(&named_here) != dir && !root.join("version.php").is_file() {
        return Err(config_error(format!(
            "{} is a link to {}, which is not in a Nextcloud installation's config folder \
             (no version.php in {}): give the installation folder; nothing was read",
            named_here.display(),
            file.display(),
            root.display()
        )));
    }
    Ok((root, dir))
}

fn not_installation(path: &Path) -> Error {
    config_error(format!(
        "{} is not a Nextcloud installation: no config/config.php there",
        path.display()
    ))
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The files Nextcloud includes, in its order: `config.php`, then `glob("*.config.php")`
/// (no name starting with a dot) in `natsort` order.
pub(super) fn files(dir: &Path, main: &Path) -> Result<Vec<PathBuf>> {
    let mut extra: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .map_err(|e| cannot_read(dir, &e.to_string()))?
        .map(|entry| entry.map(|e| e.file_name().as_bytes().to_vec()))
        .collect::<std::io::Result<_>>()
        .map_err(|e| cannot_read(dir, &e.to_string()))?;
    extra.retain(|name| name.ends_with(b".config.php") && !name.starts_with(b"."));
    // glob sorts by byte order (the C locale), natsort then sorts stably.
    extra.sort();
    extra.sort_by(|a, b| natural_cmp(a, b));
    let mut files = vec![main.to_path_buf()];
    files.extend(
        extra
            .into_iter()
            .map(|name| dir.join(std::ffi::OsStr::from_bytes(&name))),
    );
    Ok(files)
}

/// Refuse to go on unless this process runs as the owner of `config.php` (root
/// included), as `occ` refuses: the configuration is code that only its owner runs.
pub(super) fn check_owner(file: &Path) -> Result<()> {
    let owner = std::fs::metadata(file)
        .map_err(|e| cannot_read(file, &e.to_string()))?
        .uid();
    let me = crate::sys::effective_uid();
    if owner == me {
        return Ok(());
    }
    Err(Error::new(
        Id::NotInstallationOwner,
        format!(
            "pwaccount must run as the user that owns {} (user id {owner}), as Nextcloud's \
             occ must; it runs as user id {me}. Try `sudo -u '#{owner}' pwaccount …`, or \
             with Docker `docker exec -u {owner} CONTAINER pwaccount …`; nothing was read \
             or changed",
            file.display()
        ),
    ))
}

/// The bytes of one configuration file: a regular file (opened without waiting, so a
/// FIFO cannot hang the run) of at most `MAX_FILE` bytes.
pub(super) fn read_file(path: &Path) -> Result<Vec<u8>> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| cannot_read(path, &e.to_string()))?;
    let meta = file
        .metadata()
        .map_err(|e| cannot_read(path, &e.to_string()))?;
    if !meta.is_file() {
        return Err(cannot_read(path, "it is not a regular file"));
    }
    if meta.len() > MAX_FILE {
        return Err(cannot_read(
            path,
            &format!(
                "it is larger than {} KiB, which no Nextcloud configuration is",
                MAX_FILE / 1024
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot_read(path, &e.to_string()))?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(cannot_read(path, "it grew past the size limit while read"));
    }
    Ok(bytes)
}

pub(super) fn cannot_read(path: &Path, why: &str) -> Error {
    config_error(format!(
        "cannot read the Nextcloud configuration {}: {why}; nothing was changed",
        path.display()
    ))
}
