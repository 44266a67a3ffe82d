//! The wasm32 exports: memory in, memory out, nothing generated.
//!
//! The page allocates with `satchel_alloc`, copies the input and the request
//! in, calls `satchel_verify`, reads the reply (a little-endian `u32` length,
//! then that many bytes of JSON) and frees both with `satchel_free`.

use std::alloc::{alloc, dealloc, Layout};

#[link(wasm_import_module = "satchel")]
extern "C" {
    /// Fills `len` bytes at `ptr` with the page's `crypto.getRandomValues`.
    fn random(ptr: *mut u8, len: usize) -> i32;
}

fn fill(buf: &mut [u8]) -> bool {
    // SAFETY: the import writes exactly `len` bytes into this live buffer.
    buf.is_empty() || unsafe { random(buf.as_mut_ptr(), buf.len()) } == 0
}

fn fill02(buf: &mut [u8]) -> Result<(), getrandom02::Error> {
    if fill(buf) {
        Ok(())
    } else {
        Err(getrandom02::Error::UNSUPPORTED)
    }
}
getrandom02::register_custom_getrandom!(fill02);

/// getrandom 0.3's custom back end (`--cfg getrandom_backend="custom"`).
///
/// # Safety
/// `dest` must be valid for writes of `len` bytes (getrandom guarantees it).
#[no_mangle]
unsafe extern "Rust" fn __getrandom_v03_custom(
    dest: *mut u8,
    len: usize,
) -> Result<(), getrandom03::Error> {
    // SAFETY: getrandom hands over a writable buffer of `len` bytes.
    let buf = unsafe { std::slice::from_raw_parts_mut(dest, len) };
    if fill(buf) {
        Ok(())
    } else {
        Err(getrandom03::Error::UNSUPPORTED)
    }
}

fn layout(len: usize) -> Option<Layout> {
    Layout::from_size_align(len.max(1), 8).ok()
}

/// Allocates `len` bytes for the page to write into (null when it cannot).
#[no_mangle]
pub extern "C" fn satchel_alloc(len: usize) -> *mut u8 {
    // SAFETY: the layout has a non-zero size.
    layout(len).map_or(std::ptr::null_mut(), |l| unsafe { alloc(l) })
}

/// Frees what `satchel_alloc` (or `satchel_verify`'s reply, `4 + length`
/// bytes) gave out.
///
/// # Safety
/// `ptr` must come from `satchel_alloc(len)` or be a reply of `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn satchel_free(ptr: *mut u8, len: usize) {
    if let (false, Some(l)) = (ptr.is_null(), layout(len)) {
        // SAFETY: allocated above with the same layout.
        unsafe { dealloc(ptr, l) }
    }
}

/// Verifies `input` as `request` (JSON, `api::Request`) asks; returns the
/// reply as a `u32` length followed by that many bytes of JSON.
///
/// # Safety
/// Both ranges must be readable memory the page wrote.
#[no_mangle]
pub unsafe extern "C" fn satchel_verify(
    input: *const u8,
    input_len: usize,
    request: *const u8,
    request_len: usize,
) -> *mut u8 {
    // SAFETY: the page wrote these ranges through satchel_alloc.
    let (input, request) = unsafe {
        (
            std::slice::from_raw_parts(input, input_len),
            std::slice::from_raw_parts(request, request_len),
        )
    };
    let reply = crate::api::verify_json(input, request);
    let len = u32::try_from(reply.len()).unwrap_or(u32::MAX);
    let out = satchel_alloc(reply.len() + 4);
    if !out.is_null() {
        // SAFETY: `out` holds 4 + reply.len() bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(len.to_le_bytes().as_ptr(), out, 4);
            std::ptr::copy_nonoverlapping(reply.as_ptr(), out.add(4), reply.len());
        }
    }
    out
}
