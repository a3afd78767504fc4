//! VM errors and profiles converted to the protocol's (RPC-visible) forms, the way a node
//! reports them: host errors and traps collapse into `ExecutionError(<message>)`.

use near_primitives::errors::{
    CompilationError as PCompilationError, FunctionCallError as PFunctionCallError,
    MethodResolveError as PMethodResolveError, PrepareError as PPrepareError,
};
use near_primitives::profile_data_v3::ProfileDataV3 as PProfile;
use near_primitives::types::AccountId;
use near_vm_runner::logic::errors::{
    CompilationError, FunctionCallError, MethodResolveError, PrepareError,
};
use near_vm_runner::ProfileDataV3;

pub fn profile(vm: &ProfileDataV3) -> PProfile {
    PProfile {
        actions_profile: vm.actions_profile,
        wasm_ext_profile: vm.wasm_ext_profile,
        wasm_gas: vm.wasm_gas,
    }
}

pub fn function_call_error(err: FunctionCallError) -> PFunctionCallError {
    match err {
        FunctionCallError::CompilationError(e) => match compilation_error(e) {
            Some(e) => PFunctionCallError::CompilationError(e),
            None => PFunctionCallError::ExecutionError(
                "invalid account id in a compilation error".into(),
            ),
        },
        FunctionCallError::MethodResolveError(e) => {
            PFunctionCallError::MethodResolveError(method_resolve_error(e))
        }
        FunctionCallError::LinkError { msg } => {
            PFunctionCallError::ExecutionError(format!("Link Error: {msg}"))
        }
        other @ (FunctionCallError::HostError(_)
        | FunctionCallError::WasmTrap(_)
        | FunctionCallError::LoadingError { .. }) => {
            PFunctionCallError::ExecutionError(other.to_string())
        }
    }
}

fn method_resolve_error(err: MethodResolveError) -> PMethodResolveError {
    match err {
        MethodResolveError::MethodEmptyName => PMethodResolveError::MethodEmptyName,
        MethodResolveError::MethodNotFound => PMethodResolveError::MethodNotFound,
        MethodResolveError::MethodInvalidSignature => PMethodResolveError::MethodInvalidSignature,
    }
}

fn compilation_error(err: CompilationError) -> Option<PCompilationError> {
    Some(match err {
        CompilationError::CodeDoesNotExist { account_id } => PCompilationError::CodeDoesNotExist {
            account_id: account_id.parse::<AccountId>().ok()?,
        },
        CompilationError::PrepareError(e) => PCompilationError::PrepareError(prepare_error(e)),
        CompilationError::WasmerCompileError { msg }
        | CompilationError::WasmtimeCompileError { msg } => {
            PCompilationError::WasmerCompileError { msg }
        }
    })
}

fn prepare_error(err: PrepareError) -> PPrepareError {
    use PrepareError as E;
    match err {
        E::Serialization => PPrepareError::Serialization,
        E::Deserialization => PPrepareError::Deserialization,
        E::InternalMemoryDeclared => PPrepareError::InternalMemoryDeclared,
        E::GasInstrumentation => PPrepareError::GasInstrumentation,
        E::StackHeightInstrumentation => PPrepareError::StackHeightInstrumentation,
        E::Instantiate => PPrepareError::Instantiate,
        E::Memory => PPrepareError::Memory,
        E::TooManyFunctions => PPrepareError::TooManyFunctions,
        E::TooManyLocals => PPrepareError::TooManyLocals,
        E::TooManyTables => PPrepareError::TooManyTables,
        E::TooManyTableElements => PPrepareError::TooManyTableElements,
        E::FunctionBodyTooLarge => PPrepareError::FunctionBodyTooLarge,
        E::InstrumentedCodeTooLarge => PPrepareError::InstrumentedCodeTooLarge,
        E::TooManyBlocksPerFunction => PPrepareError::TooManyBlocksPerFunction,
        E::TooManyBlocksPerContract => PPrepareError::TooManyBlocksPerContract,
        E::TooManyTypes => PPrepareError::TooManyTypes,
        E::TooManyParamsPerContract => PPrepareError::TooManyParamsPerContract,
        E::TooManyParamsPerFunction => PPrepareError::TooManyParamsPerFunction,
        E::OperandStackTooLarge => PPrepareError::OperandStackTooLarge,
        E::TooManyGlobals => PPrepareError::TooManyGlobals,
    }
}
