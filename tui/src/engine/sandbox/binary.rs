//! Finding the neard binary: `NEAR_SANDBOX_BIN_PATH`, else one near-sandbox downloaded before
//! (remembered in nearviz's data directory), else near-sandbox's download (needs internet).

use super::error::SandboxError;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The variable near-workspaces and near-sandbox read for a local neard.
pub const BIN_ENV: &str = "NEAR_SANDBOX_BIN_PATH";

/// Where a neard binary came from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BinarySource {
    /// `NEAR_SANDBOX_BIN_PATH`.
    EnvVar,
    /// Downloaded by near-sandbox (now or in an earlier run).
    Download,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct NeardBinary {
    pub path: PathBuf,
    pub source: BinarySource,
}

/// A neard available without the network, or why there is none (one short phrase).
pub fn find_local() -> Result<NeardBinary, String> {
    find_local_with(std::env::var_os(BIN_ENV), remembered_download())
}

/// `find_local` with its inputs given: the variable's value and a remembered download.
pub fn find_local_with(
    env_value: Option<OsString>,
    remembered: Option<PathBuf>,
) -> Result<NeardBinary, String> {
    if let Some(value) = env_value.filter(|value| !value.is_empty()) {
        let path = PathBuf::from(value);
        return if path.is_file() {
            Ok(NeardBinary { path, source: BinarySource::EnvVar })
        } else {
            Err(format!("{BIN_ENV}={} is not a file", path.display()))
        };
    }
    match remembered {
        Some(path) if path.is_file() => Ok(NeardBinary { path, source: BinarySource::Download }),
        _ => Err(format!("{BIN_ENV} is unset")),
    }
}

/// The near-sandbox platform name of this machine, `None` where it has no prebuilt binary.
pub fn prebuilt_platform() -> Option<&'static str> {
    if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        Some("Linux-x86_64")
    } else if cfg!(all(target_os = "linux", target_arch = "aarch64")) {
        Some("Linux-aarch64")
    } else if cfg!(all(target_os = "macos", target_arch = "aarch64")) {
        Some("Darwin-arm64")
    } else {
        None
    }
}

/// A neard to run: a local one, else near-sandbox's download (blocking I/O on a worker thread).
pub async fn obtain(progress: impl Fn(String)) -> Result<NeardBinary, SandboxError> {
    let reason = match find_local() {
        Ok(binary) => return Ok(binary),
        Err(reason) => reason,
    };
    if std::env::var_os(BIN_ENV).is_some_and(|value| !value.is_empty()) {
        // The user pointed at a binary that is not there: downloading would hide the mistake.
        return Err(SandboxError::NoBinary { reason });
    }
    if prebuilt_platform().is_none() {
        return Err(SandboxError::UnsupportedPlatform {
            platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        });
    }
    progress(format!(
        "downloading the neard sandbox {} (first run only)…",
        near_sandbox::DEFAULT_NEAR_SANDBOX_VERSION
    ));
    let download = tokio::task::spawn_blocking(near_sandbox::install).await;
    let path = match download {
        Ok(Ok(path)) => path,
        Ok(Err(err)) => {
            return Err(SandboxError::NoBinary {
                reason: format!("{reason} and the download failed ({err})"),
            })
        }
        Err(join) => {
            return Err(SandboxError::NoBinary {
                reason: format!("{reason} and the download crashed ({join})"),
            })
        }
    };
    remember_download(&path);
    Ok(NeardBinary { path, source: BinarySource::Download })
}

/// The file holding the path of the last downloaded neard.
fn remembered_file() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "nearviz")?;
    Some(dirs.data_local_dir().join("neard-path"))
}

fn remembered_download() -> Option<PathBuf> {
    let text = std::fs::read_to_string(remembered_file()?).ok()?;
    let path = PathBuf::from(text.trim());
    path.is_absolute().then_some(path)
}

/// Best effort: `auto` finds the binary next time without the network.
fn remember_download(path: &Path) {
    let Some(file) = remembered_file() else { return };
    let written = file
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&file, path.display().to_string()));
    if let Err(err) = written {
        tracing::warn!(file = %file.display(), %err, "cannot remember the neard download");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_var_wins_and_must_exist() {
        let file = tempfile::NamedTempFile::new().expect("temp file");
        let found = find_local_with(Some(file.path().into()), None).expect("found");
        assert_eq!(found, NeardBinary { path: file.path().into(), source: BinarySource::EnvVar });

        let err = find_local_with(Some("/nonexistent/neard".into()), Some(file.path().into()))
            .expect_err("missing file");
        assert_eq!(err, "NEAR_SANDBOX_BIN_PATH=/nonexistent/neard is not a file");
    }

    #[test]
    fn remembered_download_is_used_when_present() {
        let file = tempfile::NamedTempFile::new().expect("temp file");
        let found = find_local_with(None, Some(file.path().into())).expect("found");
        assert_eq!(found.source, BinarySource::Download);
        let gone = PathBuf::from("/nonexistent/near-sandbox");
        assert_eq!(
            find_local_with(Some(OsString::new()), Some(gone)),
            Err("NEAR_SANDBOX_BIN_PATH is unset".to_owned())
        );
    }
}
