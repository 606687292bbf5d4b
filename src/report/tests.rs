#![allow(clippy::unwrap_used)]

use super::*;

#[test]
fn control_characters_in_paths_are_escaped_for_people() {
    for (name, path, shown) in [
        ("plain", "jobs/a.txt", "jobs/a.txt"),
        ("newline", "new\nline.txt", "new\\nline.txt"),
        ("escape", "red\x1b[31m.txt", "red\\u{1b}[31m.txt"),
        ("tab and C1", "a\tb\u{85}.txt", "a\\tb\\u{85}.txt"),
        ("backslash kept", "C:\\jobs\\a.txt", "C:\\jobs\\a.txt"),
        ("lossy kept", "bad\u{fffd}.txt", "bad\u{fffd}.txt"),
    ] {
        assert_eq!(escape_controls(path), shown, "{name}");
        let mut r = Record::new(path.into(), Outcome::Failed("x".into()), Vec::new());
        assert_eq!(r.display_path(), shown, "{name}");
        r.record = Some(3);
        assert_eq!(r.display_path(), format!("{shown}#3"), "{name}");
    }
}

#[cfg(unix)]
#[test]
fn a_path_that_is_not_utf8_keeps_its_bytes_with_a_warning() {
    use std::os::unix::ffi::OsStrExt;
    let path = std::path::Path::new(std::ffi::OsStr::from_bytes(b"dir/bad\xff.txt"));
    let shown = ShownPath::of(path);
    assert_eq!(shown.text, "dir/bad\u{fffd}.txt");
    let r = Record::at(&shown, Outcome::Skipped("binary".into()), Vec::new());
    assert_eq!(r.path_bytes.as_deref(), Some(&b"dir/bad\xff.txt"[..]));
    assert_eq!(r.warnings, [NON_UTF8_PATH]);
    // A UTF-8 path has neither.
    let r = Record::at(
        &ShownPath::of(std::path::Path::new("dir/é.txt")),
        Outcome::Skipped("binary".into()),
        Vec::new(),
    );
    assert_eq!((r.path_bytes, r.warnings.len()), (None, 0));
}
