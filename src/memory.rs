//! Keeping the resident set small under glibc's allocator, which otherwise
//! keeps up to eight arenas per core, serves mid-sized buffers from them
//! and holds on to what was freed (after a recomputation, an integrity
//! scan, an export, or a burst of submissions). Measured in
//! bench/README.md; a no-op on other C libraries.

/// glibc's settings for a small resident set, each left to the operator
/// when the matching `MALLOC_…_` variable is set:
/// - two arenas: threads share them instead of each keeping its own
///   high-water mark;
/// - blocks of 64 KiB and more (request bodies, export chunks, result
///   texts) get pages of their own, returned as soon as they are freed;
/// - free memory above 128 KiB at the top of a heap goes back at once.
///
/// Call once, at start. At 128 phones this took the server from 71 to
/// 54 MB at the same throughput.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    for (option, value, env) in [
        (libc::M_ARENA_MAX, 2, "MALLOC_ARENA_MAX"),
        (libc::M_MMAP_THRESHOLD, 64 * 1024, "MALLOC_MMAP_THRESHOLD_"),
        (libc::M_TRIM_THRESHOLD, 128 * 1024, "MALLOC_TRIM_THRESHOLD_"),
    ] {
        if std::env::var_os(env).is_none() {
            // SAFETY: mallopt only sets an allocator parameter; each option
            // is a valid one and each value in its range.
            unsafe {
                libc::mallopt(option, value);
            }
        }
    }
}

/// Gives memory freed by a large job back to the system.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages; it touches no live
    // allocation.
    unsafe {
        libc::malloc_trim(0);
    }
}
