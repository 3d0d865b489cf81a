//! The Debian package (scripts/deb.sh): built around this build's binary, it holds the
//! binary, the man page and the three completions where Debian's tools look for them,
//! and a control file naming the package, its version and the libc it needs.

use std::path::Path;
use std::process::Command;

#[test(dpkg)]
fn the_debian_package_holds_the_binary_man_page_and_completions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    // Under the strictest umask: every mode in the package is set by the script.
    let built = Command::new("bash")
        .args(["-c", "umask 077 && exec bash \"$@\"", "bash"])
        .arg(root.join("scripts/deb.sh"))
        .arg("--binary")
        .arg(env!("CARGO_BIN_EXE_pwaccount"))
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let deb = String::from_utf8(built.stdout).unwrap().trim().to_owned();
    let name = Path::new(&deb)
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let version = env!("CARGO_PKG_VERSION");
    assert!(name.starts_with(&format!("pwaccount_{version}_")), "{name}");

    let listing = Command::new("dpkg-deb")
        .arg("-c")
        .arg(&deb)
        .output()
        .unwrap();
    let listing = String::from_utf8(listing.stdout).unwrap();
    for line in listing.lines().filter(|l| l.starts_with('d')) {
        assert!(line.starts_with("drwxr-xr-x"), "a folder's mode: {line}");
    }
    // `-rwxr-xr-x root/root 123 2026-01-01 00:00 ./usr/bin/pwaccount`
    let mut files: Vec<(String, String)> = listing
        .lines()
        .filter(|l| !l.starts_with('d'))
        .map(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            (fields[0].to_owned(), fields[fields.len() - 1].to_owned())
        })
        .collect();
    files.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        files,
        [
            ("-rwxr-xr-x", "./usr/bin/pwaccount"),
            (
                "-rw-r--r--",
                "./usr/share/bash-completion/completions/pwaccount"
            ),
            ("-rw-r--r--", "./usr/share/doc/pwaccount/README.md"),
            ("-rw-r--r--", "./usr/share/doc/pwaccount/changelog.gz"),
            (
                "-rw-r--r--",
                "./usr/share/fish/vendor_completions.d/pwaccount.fish"
            ),
            ("-rw-r--r--", "./usr/share/man/man1/pwaccount.1.gz"),
            (
                "-rw-r--r--",
                "./usr/share/zsh/vendor-completions/_pwaccount"
            ),
        ]
        .map(|(mode, path)| (mode.to_owned(), path.to_owned()))
    );
    assert!(
        listing.lines().all(|l| l.contains(" root/root ")),
        "every file belongs to root:\n{listing}"
    );

    let field = |name: &str| {
        let out = Command::new("dpkg-deb")
            .args(["-f", &deb, name])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    assert_eq!(field("Package"), "pwaccount");
    assert_eq!(field("Version"), version);
    assert!(
        field("Depends").starts_with("libc6 (>= 2."),
        "{}",
        field("Depends")
    );

    // What is packaged is what the repository holds: the binary itself, and the man page.
    let unpacked = tempfile::tempdir().unwrap();
    let status = Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(unpacked.path())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        std::fs::read(unpacked.path().join("usr/bin/pwaccount")).unwrap(),
        std::fs::read(env!("CARGO_BIN_EXE_pwaccount")).unwrap()
    );
    let man =
        std::fs::File::open(unpacked.path().join("usr/share/man/man1/pwaccount.1.gz")).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(man), &mut text).unwrap();
    assert_eq!(
        text,
        std::fs::read_to_string(root.join("man/pwaccount.1")).unwrap()
    );
}
