//! The fork's answers on disk, so that a second run of the same fork is offline:
//! `<cache dir>/nearviz/fork/<chain id>-<genesis hash>/<block hash>/<entry>.json` (or under
//! `NEARVIZ_FORK_CACHE`), one file per
//! question (`view_account` of an account, a `view_state` prefix...), holding the node's
//! `result` or `null` for "does not exist". Written to a temporary file and renamed, so a
//! reader never sees half an entry.

use super::ForkBlock;
use near_primitives::hash::CryptoHash;
use near_primitives::views::BlockHeaderView;
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// Where the fork cache lives instead of the default (a directory).
pub const CACHE_ENV: &str = "NEARVIZ_FORK_CACHE";

/// `NEARVIZ_FORK_CACHE`, else `<cache dir>/nearviz/fork` when the platform has a cache
/// directory.
pub fn default_root() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CACHE_ENV).filter(|dir| !dir.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "nearviz").map(|dirs| dirs.cache_dir().join("fork"))
}

/// The directory of one network: its chain id and genesis hash (safe as a file name).
pub fn network_dir(chain_id: &str, genesis_hash: &str) -> String {
    let safe = |text: &str| -> String {
        text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect()
    };
    format!("{}-{}", safe(chain_id), safe(genesis_hash))
}

/// Answers by question, in memory and (when there is a directory) on disk.
pub struct Cache {
    dir: Option<PathBuf>,
    memory: Mutex<HashMap<String, Option<Value>>>,
}

impl Cache {
    pub fn new(dir: Option<PathBuf>) -> Self {
        Self { dir, memory: Mutex::new(HashMap::new()) }
    }

    /// The answer to `question`, if known: `Some(None)` is "does not exist".
    pub fn get(&self, question: &str) -> Option<Option<Value>> {
        if let Some(known) = self.memory.lock().ok()?.get(question) {
            return Some(known.clone());
        }
        let text = std::fs::read_to_string(self.path(question)?).ok()?;
        let value: Value = serde_json::from_str(&text).ok()?;
        let answer = (!value.is_null()).then_some(value);
        if let Ok(mut memory) = self.memory.lock() {
            memory.insert(question.to_owned(), answer.clone());
        }
        Some(answer)
    }

    /// Keeps an answer. A cache that cannot be written only costs a request next time.
    pub fn put(&self, question: &str, answer: Option<Value>) {
        if let Some(path) = self.path(question) {
            let text = answer.as_ref().map_or_else(|| "null".to_owned(), Value::to_string);
            if let Err(err) = write(&path, &text) {
                tracing::debug!(target: "nearviz::fork", path = %path.display(), %err, "cache not written");
            }
        }
        if let Ok(mut memory) = self.memory.lock() {
            memory.insert(question.to_owned(), answer);
        }
    }

    fn path(&self, question: &str) -> Option<PathBuf> {
        let name = CryptoHash::hash_bytes(question.as_bytes());
        Some(self.dir.as_ref()?.join(format!("{name}.json")))
    }
}

fn write(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().ok_or_else(|| std::io::Error::other("no parent directory"))?;
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut temp, text.as_bytes())?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// What a fork point is, once asked: kept per URL and block (a height or hash names one
/// block for good; `final` is asked every time), so that a second run needs no RPC.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Point {
    pub chain_id: String,
    pub genesis_hash: String,
    pub protocol_version: Option<u32>,
    pub header: BlockHeaderView,
}

impl Point {
    /// The file name for `url` at `block`; `None` for `final`.
    pub fn key(url: &str, block: ForkBlock) -> Option<String> {
        let block = match block {
            ForkBlock::Final => return None,
            ForkBlock::Height(height) => height.to_string(),
            ForkBlock::Hash(hash) => hash.to_string(),
        };
        Some(format!("{}.json", CryptoHash::hash_bytes(format!("{url} {block}").as_bytes())))
    }

    pub fn read(root: &std::path::Path, key: &str) -> Option<Point> {
        let text = std::fs::read_to_string(root.join("points").join(key)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Keeps the point; a cache that cannot be written only costs a request next time.
    pub fn write(&self, root: &std::path::Path, key: &str) {
        let path = root.join("points").join(key);
        let written = serde_json::to_string(self)
            .map_err(std::io::Error::from)
            .and_then(|text| write(&path, &text));
        if let Err(err) = written {
            tracing::debug!(target: "nearviz::fork", path = %path.display(), %err, "cache not written");
        }
    }
}
