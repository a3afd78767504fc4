//! NEAR's VM (near-vm-runner, Wasmtime) with a compiled-contract cache: each contract is
//! compiled once (kept on disk and, loaded, in memory) and reused for every call.

use crate::error::RuntimeError;
use near_parameters::vm::Config as VmConfig;
use near_parameters::RuntimeFeesConfig;
use near_primitives::hash::CryptoHash;
use near_vm_runner::logic::errors::VMRunnerError;
use near_vm_runner::logic::{External, VMContext, VMOutcome};
use near_vm_runner::{
    noop_background_spawner, Contract, ContractCode, ContractRuntimeCache,
    FilesystemContractRuntimeCache,
};
use std::path::Path;
use std::sync::Arc;

/// How many loaded contracts stay in memory.
const MEMORY_CACHE_ITEMS: usize = 64;
/// Bound of the on-disk cache of compiled contracts.
const DISK_CACHE_BYTES: u64 = 1 << 30;

/// A contract as near-vm-runner wants it.
struct CodeRef {
    hash: CryptoHash,
    code: Option<Arc<ContractCode>>,
}

impl Contract for CodeRef {
    fn hash(&self) -> CryptoHash {
        self.hash
    }

    fn get_code(&self) -> Option<Arc<ContractCode>> {
        self.code.clone()
    }
}

/// The VM plus its caches, for one protocol version.
pub struct Vm {
    config: Arc<VmConfig>,
    fees: Arc<RuntimeFeesConfig>,
    cache: FilesystemContractRuntimeCache,
    _temp_dir: Option<tempfile::TempDir>,
}

impl Vm {
    pub fn new(
        config: Arc<VmConfig>,
        fees: Arc<RuntimeFeesConfig>,
        cache_dir: Option<&Path>,
    ) -> Result<Self, RuntimeError> {
        let temp_dir = match cache_dir {
            Some(_) => None,
            None => Some(tempfile::tempdir().map_err(|e| RuntimeError::Cache(e.to_string()))?),
        };
        let home = match (cache_dir, &temp_dir) {
            (Some(dir), _) => dir.to_path_buf(),
            (None, Some(temp)) => temp.path().to_path_buf(),
            (None, None) => return Err(RuntimeError::Internal("no cache directory".into())),
        };
        let cache = FilesystemContractRuntimeCache::with_memory_cache(
            &home,
            None::<&str>,
            "compiled-contracts",
            MEMORY_CACHE_ITEMS,
            None,
            DISK_CACHE_BYTES,
            noop_background_spawner(),
        )
        .map_err(|e| RuntimeError::Cache(format!("{}: {e}", home.display())))?;
        Ok(Self { config, fees, cache, _temp_dir: temp_dir })
    }

    /// Compiles `code` into the cache ahead of its first call (errors show up when called).
    pub fn precompile(&self, code: &ContractCode) {
        let cache: &dyn ContractRuntimeCache = &self.cache;
        match near_vm_runner::precompile_contract(code, Arc::clone(&self.config), Some(cache)) {
            Ok(Ok(_)) => {}
            Ok(Err(err)) => tracing::debug!(target: "runtime", ?err, "contract does not compile"),
            Err(err) => tracing::debug!(target: "runtime", %err, "compiled-contract cache failed"),
        }
    }

    /// Runs `context.method` of the contract. `code` is `None` for an account without one.
    pub fn run(
        &self,
        code_hash: CryptoHash,
        code: Option<Arc<ContractCode>>,
        method: &str,
        ext: &mut (dyn External + Send),
        context: &VMContext,
    ) -> Result<VMOutcome, VMRunnerError> {
        let contract = CodeRef { hash: code_hash, code };
        let gas_counter = context.make_gas_counter(&self.config);
        let cache: &dyn ContractRuntimeCache = &self.cache;
        let prepared = near_vm_runner::prepare(
            &contract,
            Arc::clone(&self.config),
            Some(cache),
            gas_counter,
            method,
        );
        near_vm_runner::run(prepared, ext, context, Arc::clone(&self.fees))
    }
}
