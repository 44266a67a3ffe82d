//! Satchel's verifier for the browser. [`api`] is the whole interface, as
//! JSON in and out, tested natively; `ffi` (wasm32 only) exposes it as plain
//! `extern "C"` functions over linear memory for `ui/verifier/satchel-wasm.js`.

pub mod api;
#[cfg(target_arch = "wasm32")]
mod ffi;
