//! Stopping a solve from another thread. The `highs` crate does not wrap
//! HiGHS's callbacks, so this module registers one through the C API
//! (declared in `crates/highs-sys`): at each interrupt check of the simplex,
//! the interior-point and the branch-and-bound loops HiGHS calls it, and it
//! asks HiGHS to stop once the run's cancel flag is set. The solve then ends
//! with `HighsModelStatus::ReachedInterrupt`.

use std::os::raw::{c_char, c_int, c_void};
use std::sync::atomic::{AtomicBool, Ordering};

use highs_sys::{
    Highs_setCallback, Highs_startCallback, HighsCallbackDataIn, kHighsCallbackIpmInterrupt,
    kHighsCallbackMipInterrupt, kHighsCallbackSimplexInterrupt,
};

/// Has `model` stop its solve once `flag` is set. `flag` must outlive every
/// solve of `model` (the planner's `Net` owns it for the whole run).
pub(crate) fn arm(model: &mut highs::Model, flag: &AtomicBool) {
    let highs = model.as_mut_ptr();
    let data = std::ptr::from_ref(flag).cast_mut().cast::<c_void>();
    // SAFETY: `highs` is the live instance of `model`; the callback reads
    // `data` only as the `AtomicBool` it is, which outlives the solve.
    unsafe {
        Highs_setCallback(highs, Some(stop_if_cancelled), data);
        for kind in [kHighsCallbackSimplexInterrupt, kHighsCallbackIpmInterrupt, kHighsCallbackMipInterrupt] {
            Highs_startCallback(highs, kind);
        }
    }
}

/// The callback: HiGHS stops when it finds `user_interrupt` set.
unsafe extern "C" fn stop_if_cancelled(
    _kind: c_int,
    _message: *const c_char,
    _out: *const c_void,
    data_in: *mut HighsCallbackDataIn,
    user: *mut c_void,
) {
    if user.is_null() || data_in.is_null() {
        return;
    }
    // SAFETY: `user` is the `AtomicBool` given to `arm`; `data_in` is the
    // struct HiGHS passes to interrupt callbacks, valid for this call.
    unsafe {
        if (*user.cast::<AtomicBool>()).load(Ordering::Relaxed) {
            (*data_in).user_interrupt = 1;
        }
    }
}
