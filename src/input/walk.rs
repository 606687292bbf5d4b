//! Walking folders into a deterministic, streamed list of posting paths.
//!
//! Input is the roots given on the command line and [`WalkOptions`]; output is
//! a stream of [`WalkItem`]s handed to a callback: files in a fixed order
//! (each folder's entries sorted by name, depth first), and errors (a missing
//! root, an unreadable folder, a symlink loop) as items of their own, so a bad
//! path becomes a record in the report instead of ending the run. Hidden files
//! are skipped unless asked for; ignore files (`.gitignore`) are not consulted;
//! symlinks are not followed unless asked; FIFOs, sockets and devices are
//! yielded as [`WalkItem::Special`], to be reported as skipped, never opened.
//! Paths are not held in memory, so a folder of a million postings walks flat.

use std::path::{Path, PathBuf};

use ignore::overrides::OverrideBuilder;
use ignore::WalkBuilder;

/// How to walk.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// Include hidden files and folders (names starting with `.`).
    pub hidden: bool,
    /// Follow symbolic links.
    pub follow_links: bool,
    /// ripgrep-style globs: `*.txt` includes only matching files, `!*.md` excludes.
    pub globs: Vec<String>,
    /// Maximum depth below each root (`None`: unlimited).
    pub max_depth: Option<usize>,
    /// Files left out of the walk wherever they are found: the report being
    /// written (`-o`) and its temporary file, so a scan never reads its own output.
    pub skip: Vec<SkipFile>,
}

/// A file the walk leaves out, known by its name and its identity, so that a
/// symlink or another path to it is left out too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkipFile {
    name: std::ffi::OsString,
    id: FileId,
}

impl SkipFile {
    /// The file at `path`, or `None` when it does not exist (nothing to skip).
    pub fn new(path: &Path) -> Option<SkipFile> {
        Some(SkipFile {
            name: path.file_name()?.to_os_string(),
            id: FileId::of(path).ok()?,
        })
    }
}

/// A file's identity: device and inode on Unix, the canonical path elsewhere.
/// Two paths with the same identity are the same file (a symlink, a hard link, `./x`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileId(#[cfg(unix)] (u64, u64), #[cfg(not(unix))] PathBuf);

impl FileId {
    /// The identity of the file `path` names, following symlinks.
    ///
    /// # Errors
    /// The file cannot be found or its metadata read.
    pub fn of(path: &Path) -> std::io::Result<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let m = std::fs::metadata(path)?;
            Ok(FileId((m.dev(), m.ino())))
        }
        #[cfg(not(unix))]
        {
            Ok(FileId(std::fs::canonicalize(path)?))
        }
    }
}

/// True when the walk should leave `entry` out. Only a file with a skipped
/// file's name, or a followed symlink, costs a `stat`.
fn is_skipped(entry: &ignore::DirEntry, skip: &[SkipFile]) -> bool {
    if skip.is_empty() {
        return false;
    }
    let maybe = entry.path_is_symlink() || skip.iter().any(|s| s.name == entry.file_name());
    maybe && FileId::of(entry.path()).is_ok_and(|id| skip.iter().any(|s| s.id == id))
}

/// One thing the walk found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WalkItem {
    /// A regular file to read.
    File(PathBuf),
    /// A FIFO, socket or device: not to be opened (see [`crate::input::special_kind`]).
    Special {
        /// Where it is.
        path: PathBuf,
        /// What it is: `"FIFO"`, `"socket"`, `"block device"` or `"character device"`.
        kind: &'static str,
    },
    /// A symbolic link inside a folder, not followed (no `-L`): reported as
    /// skipped, so that no input is left out without a word.
    Symlink(PathBuf),
    /// A path that could not be walked, with why.
    Error {
        /// The path concerned (the root when the error names none).
        path: PathBuf,
        /// What went wrong.
        message: String,
        /// True when the path is a command-line root that does not exist.
        missing_root: bool,
    },
}

/// A glob could not be compiled.
#[derive(Debug, thiserror::Error)]
#[error("invalid --glob {glob:?}: {message}")]
pub struct GlobError {
    /// The glob as given.
    pub glob: String,
    /// Why it is invalid.
    pub message: String,
}

/// Checks the globs up front, so a typo is a usage error before any work starts.
///
/// # Errors
/// The first invalid glob.
pub fn check_globs(globs: &[String]) -> Result<(), GlobError> {
    build_overrides(Path::new("."), globs).map(|_| ())
}

fn build_overrides(
    root: &Path,
    globs: &[String],
) -> Result<ignore::overrides::Override, GlobError> {
    let mut b = OverrideBuilder::new(root);
    for g in globs {
        b.add(g).map_err(|e| GlobError {
            glob: g.clone(),
            message: e.to_string(),
        })?;
    }
    b.build().map_err(|e| GlobError {
        glob: globs.join(" "),
        message: e.to_string(),
    })
}

/// Walks `roots` in order, calling `sink` with each item; stops early when `sink` returns false.
///
/// # Errors
/// An invalid glob (see [`check_globs`]).
pub fn walk(
    roots: &[PathBuf],
    opts: &WalkOptions,
    mut sink: impl FnMut(WalkItem) -> bool,
) -> Result<(), GlobError> {
    for root in roots {
        if std::fs::symlink_metadata(root).is_err() && std::fs::metadata(root).is_err() {
            let message = "no such file or directory".to_string();
            let item = WalkItem::Error {
                path: root.clone(),
                message,
                missing_root: true,
            };
            if !sink(item) {
                return Ok(());
            }
            continue;
        }
        if !walk_root(root, opts, &mut sink)? {
            return Ok(());
        }
    }
    Ok(())
}

fn walk_root(
    root: &Path,
    opts: &WalkOptions,
    sink: &mut impl FnMut(WalkItem) -> bool,
) -> Result<bool, GlobError> {
    let mut b = WalkBuilder::new(root);
    // Hidden files are filtered here rather than by `hidden()`, because the
    // walker lets a whitelisting glob override its own hidden filter.
    let hidden = opts.hidden;
    b.standard_filters(false)
        .filter_entry(move |e| hidden || e.depth() == 0 || !is_hidden(e.file_name()))
        .follow_links(opts.follow_links)
        .max_depth(opts.max_depth)
        .sort_by_file_name(|a, b| a.cmp(b));
    if !opts.globs.is_empty() {
        b.overrides(build_overrides(root, &opts.globs)?);
    }
    for entry in b.build() {
        let item = match entry {
            Ok(e) => match e.file_type() {
                Some(t) if t.is_file() && is_skipped(&e, &opts.skip) => continue,
                Some(t) if t.is_file() => WalkItem::File(e.into_path()),
                Some(t) if t.is_symlink() => WalkItem::Symlink(e.into_path()),
                Some(t) => match crate::input::special_kind(t) {
                    Some(kind) => WalkItem::Special {
                        path: e.into_path(),
                        kind,
                    },
                    None => continue, // folders
                },
                None => continue, // stdin; never produced for a path root
            },
            Err(err) => walk_error(root, &err),
        };
        if !sink(item) {
            return Ok(false);
        }
    }
    Ok(true)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

fn walk_error(root: &Path, err: &ignore::Error) -> WalkItem {
    let path = error_path(err).unwrap_or_else(|| root.to_path_buf());
    let message = match err {
        ignore::Error::WithPath { err, .. } => err.to_string(),
        ignore::Error::WithDepth { err, .. } => err.to_string(),
        other => other.to_string(),
    };
    WalkItem::Error {
        path,
        message,
        missing_root: false,
    }
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn collect(roots: &[PathBuf], opts: &WalkOptions) -> Vec<WalkItem> {
        let mut items = Vec::new();
        walk(roots, opts, |i| {
            items.push(i);
            true
        })
        .unwrap();
        items
    }

    fn files(items: &[WalkItem], base: &Path) -> Vec<String> {
        items
            .iter()
            .filter_map(|i| match i {
                WalkItem::File(p) => Some(p.strip_prefix(base).unwrap().display().to_string()),
                WalkItem::Error { .. } | WalkItem::Special { .. } | WalkItem::Symlink(_) => None,
            })
            .collect()
    }

    fn tree() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        for p in ["b.txt", "a/z.txt", "a/c.md", ".hidden.txt", "a/.git/x.txt"] {
            let path = d.path().join(p);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "text").unwrap();
        }
        d
    }

    #[test]
    fn sorted_depth_first_without_hidden() {
        let d = tree();
        let items = collect(&[d.path().to_path_buf()], &WalkOptions::default());
        assert_eq!(files(&items, d.path()), ["a/c.md", "a/z.txt", "b.txt"]);
    }

    #[test]
    fn hidden_on_request() {
        let d = tree();
        let opts = WalkOptions {
            hidden: true,
            ..WalkOptions::default()
        };
        let got = files(&collect(&[d.path().to_path_buf()], &opts), d.path());
        assert_eq!(
            got,
            [".hidden.txt", "a/.git/x.txt", "a/c.md", "a/z.txt", "b.txt"]
        );
    }

    #[test]
    fn globs_include_and_exclude() {
        let d = tree();
        let only_txt = WalkOptions {
            globs: vec!["*.txt".into()],
            ..WalkOptions::default()
        };
        let got = files(&collect(&[d.path().to_path_buf()], &only_txt), d.path());
        assert_eq!(got, ["a/z.txt", "b.txt"]);
        let no_md = WalkOptions {
            globs: vec!["!*.md".into()],
            ..WalkOptions::default()
        };
        let got = files(&collect(&[d.path().to_path_buf()], &no_md), d.path());
        assert_eq!(got, ["a/z.txt", "b.txt"]);
    }

    #[test]
    fn missing_root_is_an_item_and_the_walk_goes_on() {
        let d = tree();
        let roots = [d.path().join("nope"), d.path().join("b.txt")];
        let items = collect(&roots, &WalkOptions::default());
        assert!(matches!(
            &items[0],
            WalkItem::Error {
                missing_root: true,
                ..
            }
        ));
        assert_eq!(items[1], WalkItem::File(d.path().join("b.txt")));
    }

    #[test]
    fn skipped_files_are_left_out_by_identity() {
        let d = tree();
        let opts = WalkOptions {
            skip: vec![SkipFile::new(&d.path().join("a/../b.txt")).unwrap()],
            ..WalkOptions::default()
        };
        let got = files(&collect(&[d.path().to_path_buf()], &opts), d.path());
        assert_eq!(got, ["a/c.md", "a/z.txt"]);
        assert_eq!(SkipFile::new(&d.path().join("nope.txt")), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_followed_symlink_to_a_skipped_file_is_left_out() {
        let d = tree();
        std::os::unix::fs::symlink(d.path().join("b.txt"), d.path().join("link.txt")).unwrap();
        let opts = WalkOptions {
            follow_links: true,
            skip: vec![SkipFile::new(&d.path().join("b.txt")).unwrap()],
            ..WalkOptions::default()
        };
        let got = files(&collect(&[d.path().to_path_buf()], &opts), d.path());
        assert_eq!(got, ["a/c.md", "a/z.txt"]);
    }

    #[test]
    fn bad_glob_is_refused() {
        assert!(check_globs(&["a[".into()]).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_is_reported_when_following() {
        let d = tempfile::tempdir().unwrap();
        fs::create_dir(d.path().join("x")).unwrap();
        fs::write(d.path().join("x/p.txt"), "t").unwrap();
        std::os::unix::fs::symlink(d.path(), d.path().join("x/loop")).unwrap();
        let opts = WalkOptions {
            follow_links: true,
            ..WalkOptions::default()
        };
        let items = collect(&[d.path().to_path_buf()], &opts);
        assert!(
            items.iter().any(|i| matches!(i, WalkItem::Error { .. })),
            "{items:?}"
        );
        let unfollowed = collect(&[d.path().to_path_buf()], &WalkOptions::default());
        assert_eq!(files(&unfollowed, d.path()), ["x/p.txt"]);
        // Not followed, but not left out without a word (issue 16).
        assert!(
            unfollowed.contains(&WalkItem::Symlink(d.path().join("x/loop"))),
            "{unfollowed:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_sockets_are_special_items_not_files() {
        let d = tempfile::tempdir().unwrap();
        fs::write(d.path().join("a.txt"), "t").unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(d.path().join("b.fifo"))
            .status()
            .unwrap();
        assert!(made.success());
        let _socket = std::os::unix::net::UnixListener::bind(d.path().join("c.sock")).unwrap();
        let items = collect(&[d.path().to_path_buf()], &WalkOptions::default());
        assert_eq!(
            items,
            [
                WalkItem::File(d.path().join("a.txt")),
                WalkItem::Special {
                    path: d.path().join("b.fifo"),
                    kind: "FIFO"
                },
                WalkItem::Special {
                    path: d.path().join("c.sock"),
                    kind: "socket"
                },
            ]
        );
        let root = collect(&[PathBuf::from("/dev/null")], &WalkOptions::default());
        assert_eq!(
            root,
            [WalkItem::Special {
                path: PathBuf::from("/dev/null"),
                kind: "character device"
            }]
        );
    }
}
