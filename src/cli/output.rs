//! Output files: a report is written beside its path and renamed over it when complete.
//!
//! In: the path asked for with `-o`. Out: a temporary file beside it, or a refusal
//! when that path is also an input; write errors name the path asked for.

use std::io;
use std::path::{Path, PathBuf};

use roletag::input::walk;

/// Refuses `-o FILE` when FILE is one of the inputs named on the command line
/// (the same file, through whatever path or symlink): renaming the report over
/// it would destroy the input.
pub(crate) fn refuse_output_as_input(output: &Path, roots: &[PathBuf]) -> anyhow::Result<()> {
    let Ok(out) = walk::FileId::of(output) else {
        return Ok(()); // a new file cannot be an input
    };
    if is_special_file(output) {
        return Ok(()); // `-o /dev/stdout` is written, never renamed over
    }
    for root in roots.iter().filter(|r| r.as_os_str() != "-") {
        if walk::FileId::of(root).is_ok_and(|id| id == out) {
            anyhow::bail!(
                "-o {} is also an input ({}): the report would replace it; write it elsewhere",
                output.display(),
                root.display()
            );
        }
    }
    Ok(())
}

/// A temporary file in `path`'s folder, renamed over `path` once the report is
/// complete. It is created with mode 0666 less the umask, as `File::create` would
/// (tempfile's own default, 0600, would leave reports unreadable to the group).
/// An error is the cause alone: the caller names `path`. Write through
/// [`tempfile::NamedTempFile::as_file`]: the `NamedTempFile`'s own errors name
/// the temporary file, which the user never asked for.
pub(crate) fn report_temp_beside(path: &Path) -> io::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".roletag-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir).map_err(without_temp_path)
}

/// `e` without the ` at path "…/.roletag-XXXX.tmp"` that tempfile appends: the
/// user asked for the report's path, which the caller names, and has never heard of
/// the temporary file.
fn without_temp_path(e: io::Error) -> io::Error {
    let message = e.to_string();
    match message.rfind(" at path ") {
        Some(at) if e.get_ref().is_some() => io::Error::new(e.kind(), &message[..at]),
        _ => e,
    }
}

/// A failed write of the report: its cause once, and the path the user asked for.
pub(crate) fn output_error(e: io::Error, path: Option<&Path>) -> anyhow::Error {
    let what = match path {
        Some(p) => format!("cannot write the report to {}", p.display()),
        None => "cannot write the report".to_string(),
    };
    anyhow::Error::new(e).context(what)
}

/// True when `path` exists and is neither a regular file nor a folder.
pub(crate) fn is_special_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}
