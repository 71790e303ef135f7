//! The process allocator: mimalloc, asked for alignment only when the layout needs more than
//! mimalloc gives every block.
//!
//! The `mimalloc` crate's `GlobalAlloc` sends every request to `mi_malloc_aligned`. In mimalloc 3
//! that call only stays on its fast path while the size class already has a page with a free
//! block; otherwise, for a size that is not a power of two (24, 48, 80 … bytes: most AST nodes and
//! table rows), it over-allocates `size + align - 1` bytes from the next size class. A program that
//! allocates only through `GlobalAlloc` therefore never creates pages of those classes, and every
//! page refill takes the slow path, wastes the rounding, and marks the page as holding interior
//! pointers (mimalloc issue #889, mimalloc_rust pull request #170). Plain `mi_malloc` returns
//! blocks aligned to `MI_MAX_ALIGN_SIZE` (16 bytes on 64-bit targets) whenever the size is at
//! least the alignment, the same rule Rust's `System` allocator uses for `malloc`.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// The largest alignment `mi_malloc` guarantees for a block at least that large, in bytes
/// (`MI_MAX_ALIGN_SIZE` in mimalloc's `types.h`).
const MALLOC_ALIGN: usize = 16;

/// mimalloc as the global allocator of the `leaklint` binary and of the benchmark examples.
///
/// Requests whose alignment is at most 16 bytes and at most their size go to `mi_malloc`,
/// `mi_zalloc` and `mi_realloc`; the others to the `_aligned` variants. Every block is freed with
/// `mi_free`. Allocation failure returns a null pointer, as `GlobalAlloc` requires.
pub struct MiMalloc;

/// True when plain `mi_malloc` of `size` bytes is aligned enough for `align`.
#[inline]
fn plain_is_aligned(size: usize, align: usize) -> bool {
    align <= MALLOC_ALIGN && align <= size
}

// SAFETY: every pointer handed out comes from mimalloc, is at least `layout.size()` bytes and
// aligned to `layout.align()` (see `plain_is_aligned`); every pointer taken back is one of ours.
unsafe impl GlobalAlloc for MiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = if plain_is_aligned(layout.size(), layout.align()) {
            unsafe { mi::mi_malloc(layout.size()) }
        } else {
            unsafe { mi::mi_malloc_aligned(layout.size(), layout.align()) }
        };
        p.cast()
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = if plain_is_aligned(layout.size(), layout.align()) {
            unsafe { mi::mi_zalloc(layout.size()) }
        } else {
            unsafe { mi::mi_zalloc_aligned(layout.size(), layout.align()) }
        };
        p.cast()
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = if plain_is_aligned(new_size, layout.align()) {
            unsafe { mi::mi_realloc(ptr.cast::<c_void>(), new_size) }
        } else {
            unsafe { mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()) }
        };
        p.cast()
    }
}

/// `mi_option_purge_delay` in the mimalloc that libmimalloc-sys 0.1.49 builds: the 16th entry of
/// `mi_option_e` in its vendored `c_src/mimalloc/v3/include/mimalloc.h` (the crate's own
/// constants follow an older numbering and have no name for it). Its default there is 1000 (ms);
/// the test `purge_delay_option_is_the_right_one` checks it and its neighbours.
const MI_OPTION_PURGE_DELAY: mi::mi_option_t = 15;

/// Makes mimalloc return freed memory to the OS at once instead of after its purge delay.
///
/// The heap commands free large buffers (parser chunks, traversal stacks) while they allocate the
/// next ones; with the default delay the freed pages still count in the process's RSS, which
/// raised the peak of `leaklint heap summary` on a 378 MB snapshot from 631 to 723 MiB (measured
/// with `/usr/bin/time`, `MIMALLOC_PURGE_DELAY=0` against the default 1000 ms; same wall time). The lint
/// commands keep the default, which is faster for their many small allocations.
pub fn purge_freed_memory_immediately() {
    // SAFETY: mi_option_set only stores an integer option; any value is valid for this one.
    unsafe { mi::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option index names the purge delay: it and its neighbours have their defaults
    /// (eager-commit delay 1, purge delay 1000 ms, NUMA nodes 0, and `os_tag` 100 three places on).
    #[test]
    fn purge_delay_option_is_the_right_one() {
        let get = |o| unsafe { mi::mi_option_get(o) };
        assert_eq!(get(MI_OPTION_PURGE_DELAY - 1), 1);
        assert_eq!(get(MI_OPTION_PURGE_DELAY + 1), 0);
        assert_eq!(get(MI_OPTION_PURGE_DELAY + 3), 100);
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(get(MI_OPTION_PURGE_DELAY), 1000);
        }
    }

    /// Every size from 1 to 4 KiB and every alignment up to 4 KiB comes back aligned, writable
    /// over its whole size, and survives growing and shrinking with its contents.
    #[test]
    fn blocks_are_aligned_and_keep_their_contents_across_realloc() {
        let a = MiMalloc;
        for align in [1usize, 2, 4, 8, 16, 32, 64, 4096] {
            for size in (1..=4096).step_by(7).chain([8, 16, 24, 48, 80, 1024]) {
                let layout = Layout::from_size_align(size, align).unwrap();
                unsafe {
                    let p = a.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "size {size} align {align}");
                    std::ptr::write_bytes(p, 0xAB, size);
                    let q = a.realloc(p, layout, size * 3);
                    assert_eq!(q as usize % align, 0, "realloc {size}x3 align {align}");
                    assert!((0..size).all(|i| *q.add(i) == 0xAB));
                    let r = a.realloc(q, Layout::from_size_align(size * 3, align).unwrap(), size);
                    assert_eq!(r as usize % align, 0, "shrink {size} align {align}");
                    assert!((0..size).all(|i| *r.add(i) == 0xAB));
                    a.dealloc(r, layout);
                    let z = a.alloc_zeroed(layout);
                    assert_eq!(z as usize % align, 0);
                    assert!((0..size).all(|i| *z.add(i) == 0));
                    a.dealloc(z, layout);
                }
            }
        }
    }
}
