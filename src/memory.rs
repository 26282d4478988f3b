//! Keeping the resident set small under glibc's allocator, which otherwise
//! keeps up to eight arenas per core and holds on to what large jobs (a
//! recomputation, an integrity scan, an export) freed. Measured in
//! bench/README.md; a no-op on other C libraries.

/// Caps glibc at two malloc arenas: threads then share them instead of
/// each keeping its own high-water mark. Call once, at start. An operator's
/// own `MALLOC_ARENA_MAX` is left to glibc.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets an allocator parameter; M_ARENA_MAX is
        // a valid option and 2 a valid value.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
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
