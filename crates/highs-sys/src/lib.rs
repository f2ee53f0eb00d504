//! The part of HiGHS's C API (`highs/interfaces/highs_c_api.h`, HiGHS 1.16.0)
//! that the `highs` crate 2.4.0 uses, declared by hand, with the constants of
//! the crates.io `highs-sys` 1.16.0 under the same names, so that `highs`
//! builds against this crate unchanged. `build.rs` compiles and links HiGHS
//! itself and says why this crate exists.
//!
//! The crates.io package generates these declarations with bindgen, which
//! needs libclang; the few the `highs` crate needs are written here instead,
//! each with the header's signature. A function of the C API that is not
//! declared here is still in the linked library: declare it here, from the
//! header, to use it.

#![allow(non_upper_case_globals)]

use std::os::raw::{c_char, c_double, c_int, c_uint, c_void};

/// HiGHS's integer type: `int`, as `build.rs` leaves `HIGHSINT64` undefined
/// in `HConfig.h`.
pub type HighsInt = c_int;
pub type HighsUInt = c_uint;

unsafe extern "C" {
    // Creating and destroying an instance.
    pub fn Highs_create() -> *mut c_void;
    pub fn Highs_destroy(highs: *mut c_void);

    // Passing a model.
    pub fn Highs_passLp(
        highs: *mut c_void,
        num_col: HighsInt,
        num_row: HighsInt,
        num_nz: HighsInt,
        a_format: HighsInt,
        sense: HighsInt,
        offset: c_double,
        col_cost: *const c_double,
        col_lower: *const c_double,
        col_upper: *const c_double,
        row_lower: *const c_double,
        row_upper: *const c_double,
        a_start: *const HighsInt,
        a_index: *const HighsInt,
        a_value: *const c_double,
    ) -> HighsInt;
    pub fn Highs_passMip(
        highs: *mut c_void,
        num_col: HighsInt,
        num_row: HighsInt,
        num_nz: HighsInt,
        a_format: HighsInt,
        sense: HighsInt,
        offset: c_double,
        col_cost: *const c_double,
        col_lower: *const c_double,
        col_upper: *const c_double,
        row_lower: *const c_double,
        row_upper: *const c_double,
        a_start: *const HighsInt,
        a_index: *const HighsInt,
        a_value: *const c_double,
        integrality: *const HighsInt,
    ) -> HighsInt;
    pub fn Highs_passHessian(
        highs: *mut c_void,
        dim: HighsInt,
        num_nz: HighsInt,
        format: HighsInt,
        start: *const HighsInt,
        index: *const HighsInt,
        value: *const c_double,
    ) -> HighsInt;

    // Building and changing a model.
    pub fn Highs_addCol(
        highs: *mut c_void,
        cost: c_double,
        lower: c_double,
        upper: c_double,
        num_new_nz: HighsInt,
        index: *const HighsInt,
        value: *const c_double,
    ) -> HighsInt;
    pub fn Highs_addRow(
        highs: *mut c_void,
        lower: c_double,
        upper: c_double,
        num_new_nz: HighsInt,
        index: *const HighsInt,
        value: *const c_double,
    ) -> HighsInt;
    pub fn Highs_changeColBounds(highs: *mut c_void, col: HighsInt, lower: c_double, upper: c_double) -> HighsInt;
    pub fn Highs_changeColCost(highs: *mut c_void, col: HighsInt, cost: c_double) -> HighsInt;
    pub fn Highs_changeColIntegrality(highs: *mut c_void, col: HighsInt, integrality: HighsInt) -> HighsInt;
    pub fn Highs_changeObjectiveSense(highs: *mut c_void, sense: HighsInt) -> HighsInt;
    pub fn Highs_getNumCols(highs: *const c_void) -> HighsInt;
    pub fn Highs_getNumRows(highs: *const c_void) -> HighsInt;

    // Options.
    pub fn Highs_setBoolOptionValue(highs: *mut c_void, option: *const c_char, value: HighsInt) -> HighsInt;
    pub fn Highs_setIntOptionValue(highs: *mut c_void, option: *const c_char, value: HighsInt) -> HighsInt;
    pub fn Highs_setDoubleOptionValue(highs: *mut c_void, option: *const c_char, value: c_double) -> HighsInt;
    pub fn Highs_setStringOptionValue(highs: *mut c_void, option: *const c_char, value: *const c_char) -> HighsInt;
    pub fn Highs_setOptionValue(highs: *mut c_void, option: *const c_char, value: *const c_char) -> HighsInt;
    pub fn Highs_getIntOptionValue(highs: *const c_void, option: *const c_char, value: *mut HighsInt) -> HighsInt;

    // Solving and reading the result.
    pub fn Highs_setSolution(
        highs: *mut c_void,
        col_value: *const c_double,
        row_value: *const c_double,
        col_dual: *const c_double,
        row_dual: *const c_double,
    ) -> HighsInt;
    pub fn Highs_run(highs: *mut c_void) -> HighsInt;
    pub fn Highs_getModelStatus(highs: *const c_void) -> HighsInt;
    pub fn Highs_getObjectiveValue(highs: *const c_void) -> c_double;
    pub fn Highs_getSolution(
        highs: *const c_void,
        col_value: *mut c_double,
        col_dual: *mut c_double,
        row_value: *mut c_double,
        row_dual: *mut c_double,
    ) -> HighsInt;
    pub fn Highs_getIntInfoValue(highs: *const c_void, info: *const c_char, value: *mut HighsInt) -> HighsInt;
    pub fn Highs_getDoubleInfoValue(highs: *const c_void, info: *const c_char, value: *mut c_double) -> HighsInt;

    // Callbacks (used by the planner to stop a solve on request, not by the
    // `highs` crate).
    pub fn Highs_setCallback(
        highs: *mut c_void,
        user_callback: HighsCCallbackType,
        user_callback_data: *mut c_void,
    ) -> HighsInt;
    pub fn Highs_startCallback(highs: *mut c_void, callback_type: HighsInt) -> HighsInt;
}

/// `HighsCallbackDataIn` (`lp_data/HighsCallbackStruct.h`): what a callback
/// hands back to HiGHS. Only the leading fields, in the header's order (the
/// header promises the first two stay where they are); HiGHS owns the
/// struct and a callback only writes through the pointer it is given.
#[repr(C)]
pub struct HighsCallbackDataIn {
    /// Set to non-zero to stop the solve at this callback.
    pub user_interrupt: c_int,
    pub user_solution: *mut c_double,
}

/// `HighsCCallbackType`: (callback type, message, data out, data in, user
/// data). The data out is passed as an opaque pointer: nothing here reads it.
pub type HighsCCallbackType = Option<
    unsafe extern "C" fn(c_int, *const c_char, *const c_void, *mut HighsCallbackDataIn, *mut c_void),
>;

// `kHighsCallback*`: the callback types a solve can be interrupted at.
pub const kHighsCallbackSimplexInterrupt: HighsInt = 1;
pub const kHighsCallbackIpmInterrupt: HighsInt = 2;
pub const kHighsCallbackMipInterrupt: HighsInt = 6;

// `kHighsHessianFormat*` in the header.
pub const kHighsHessianFormatTriangular: HighsInt = 1;
pub const kHighsHessianFormatSquare: HighsInt = 2;

// The crates.io highs-sys's names for the header's `kHighsModelStatus*`.
pub const MODEL_STATUS_NOTSET: HighsInt = 0;
pub const MODEL_STATUS_LOAD_ERROR: HighsInt = 1;
pub const MODEL_STATUS_MODEL_ERROR: HighsInt = 2;
pub const MODEL_STATUS_PRESOLVE_ERROR: HighsInt = 3;
pub const MODEL_STATUS_SOLVE_ERROR: HighsInt = 4;
pub const MODEL_STATUS_POSTSOLVE_ERROR: HighsInt = 5;
pub const MODEL_STATUS_MODEL_EMPTY: HighsInt = 6;
pub const MODEL_STATUS_OPTIMAL: HighsInt = 7;
pub const MODEL_STATUS_INFEASIBLE: HighsInt = 8;
pub const MODEL_STATUS_UNBOUNDED_OR_INFEASIBLE: HighsInt = 9;
pub const MODEL_STATUS_UNBOUNDED: HighsInt = 10;
pub const MODEL_STATUS_OBJECTIVE_BOUND: HighsInt = 11;
pub const MODEL_STATUS_OBJECTIVE_TARGET: HighsInt = 12;
pub const MODEL_STATUS_REACHED_TIME_LIMIT: HighsInt = 13;
pub const MODEL_STATUS_REACHED_ITERATION_LIMIT: HighsInt = 14;
pub const MODEL_STATUS_UNKNOWN: HighsInt = 15;
pub const MODEL_STATUS_REACHED_SOLUTION_LIMIT: HighsInt = 16;
pub const MODEL_STATUS_REACHED_INTERRUPT: HighsInt = 17;
pub const MODEL_STATUS_REACHED_MEMORY_LIMIT: HighsInt = 18;
pub const MODEL_STATUS_HIGHS_INTERRUPT: HighsInt = 19;
pub const MODEL_STATUS_MIN: HighsInt = MODEL_STATUS_NOTSET;
pub const MODEL_STATUS_MAX: HighsInt = MODEL_STATUS_HIGHS_INTERRUPT;

// `kHighsStatus*`: what every call returns.
pub const STATUS_OK: HighsInt = 0;
pub const STATUS_WARNING: HighsInt = 1;
pub const STATUS_ERROR: HighsInt = -1;

// `kHighsSolutionStatus*`.
pub const SOLUTION_STATUS_NONE: HighsInt = 0;
pub const SOLUTION_STATUS_INFEASIBLE: HighsInt = 1;
pub const SOLUTION_STATUS_FEASIBLE: HighsInt = 2;

// `kHighsMatrixFormat*`.
pub const MATRIX_FORMAT_NONE: HighsInt = 0;
pub const MATRIX_FORMAT_COLUMN_WISE: HighsInt = 1;
pub const MATRIX_FORMAT_ROW_WISE: HighsInt = 2;

// `kHighsObjSense*`.
pub const OBJECTIVE_SENSE_MINIMIZE: HighsInt = 1;
pub const OBJECTIVE_SENSE_MAXIMIZE: HighsInt = -1;

// `kHighsVarType*`: the `integrality` of a column.
pub const VAR_TYPE_CONTINUOUS: HighsInt = 0;
pub const VAR_TYPE_INTEGER: HighsInt = 1;
pub const VAR_TYPE_SEMI_CONTINUOUS: HighsInt = 2;
pub const VAR_TYPE_SEMI_INTEGER: HighsInt = 3;
pub const VAR_TYPE_IMPLICIT_INTEGER: HighsInt = 4;
