//! The built HiGHS through the declared C API: a tiny LP and the same
//! programme with integer columns, each against its known optimum.
//!
//! maximise 2x + 3y subject to x + 2y <= 4, 3x + y <= 6, x, y >= 0.
//! As an LP the optimum is the vertex (1.6, 1.2), objective 6.8; with x and y
//! integer it is (0, 2), objective 6.

use std::ffi::CString;
use std::ptr;

use highs_sys::*;

/// Solves the programme, integer columns if `integer`; the model status, the
/// objective and the column values.
fn solve(integer: bool) -> (HighsInt, f64, [f64; 2]) {
    let cost = [2.0, 3.0];
    let col_lower = [0.0, 0.0];
    let col_upper = [f64::INFINITY, f64::INFINITY];
    let row_lower = [f64::NEG_INFINITY, f64::NEG_INFINITY];
    let row_upper = [4.0, 6.0];
    // Column-wise: x has 1 in row 0 and 3 in row 1; y has 2 and 1.
    let start: [HighsInt; 2] = [0, 2];
    let index: [HighsInt; 4] = [0, 1, 0, 1];
    let value = [1.0, 3.0, 2.0, 1.0];
    let integrality = [VAR_TYPE_INTEGER; 2];
    let output_flag = CString::new("output_flag").unwrap();
    let mut col_value = [f64::NAN; 2];
    unsafe {
        let highs = Highs_create();
        assert!(!highs.is_null());
        assert_eq!(Highs_setBoolOptionValue(highs, output_flag.as_ptr(), 0), STATUS_OK);
        let status = if integer {
            Highs_passMip(
                highs,
                2,
                2,
                4,
                MATRIX_FORMAT_COLUMN_WISE,
                OBJECTIVE_SENSE_MAXIMIZE,
                0.0,
                cost.as_ptr(),
                col_lower.as_ptr(),
                col_upper.as_ptr(),
                row_lower.as_ptr(),
                row_upper.as_ptr(),
                start.as_ptr(),
                index.as_ptr(),
                value.as_ptr(),
                integrality.as_ptr(),
            )
        } else {
            Highs_passLp(
                highs,
                2,
                2,
                4,
                MATRIX_FORMAT_COLUMN_WISE,
                OBJECTIVE_SENSE_MAXIMIZE,
                0.0,
                cost.as_ptr(),
                col_lower.as_ptr(),
                col_upper.as_ptr(),
                row_lower.as_ptr(),
                row_upper.as_ptr(),
                start.as_ptr(),
                index.as_ptr(),
                value.as_ptr(),
            )
        };
        assert_eq!(status, STATUS_OK);
        assert_eq!((Highs_getNumCols(highs), Highs_getNumRows(highs)), (2, 2));
        assert_eq!(Highs_run(highs), STATUS_OK);
        let model_status = Highs_getModelStatus(highs);
        let objective = Highs_getObjectiveValue(highs);
        let solution =
            Highs_getSolution(highs, col_value.as_mut_ptr(), ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
        assert_eq!(solution, STATUS_OK);
        Highs_destroy(highs);
        (model_status, objective, col_value)
    }
}

fn assert_close(actual: f64, expected: f64) {
    assert!((actual - expected).abs() < 1e-6, "{actual} is not {expected}");
}

#[test]
fn lp_reaches_the_vertex_optimum() {
    let (status, objective, [x, y]) = solve(false);
    assert_eq!(status, MODEL_STATUS_OPTIMAL);
    assert_close(objective, 6.8);
    assert_close(x, 1.6);
    assert_close(y, 1.2);
}

#[test]
fn mip_keeps_the_columns_integer() {
    let (status, objective, [x, y]) = solve(true);
    assert_eq!(status, MODEL_STATUS_OPTIMAL);
    assert_close(objective, 6.0);
    assert_close(x, 0.0);
    assert_close(y, 2.0);
}
