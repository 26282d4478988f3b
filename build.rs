//! Builds the web console (`frontend/`, Vite + Vue) into `frontend/dist`,
//! which `src/pages/console.rs` embeds in the binary.
//!
//! Cargo reruns this only when a console source, the lockfile or the
//! committed OpenAPI spec changes, or when `frontend/dist` is gone (the
//! generated API types live in `frontend/generated/`, outside the watched
//! sources, for the same reason); then it
//! runs `npm ci` (when `node_modules` is missing or older than the lockfile)
//! and `npm run build`. Set `RENKE_SKIP_FRONTEND=1` to build the server
//! without Node.js; it then serves an explanatory page at `/`.

use std::{
    path::Path,
    process::{Command, ExitStatus},
    time::{Duration, SystemTime},
};

const WATCHED: &[&str] = &[
    "frontend/src",
    "frontend/public",
    "frontend/index.html",
    "frontend/package.json",
    "frontend/package-lock.json",
    "frontend/openapi.json",
    "frontend/vite.config.ts",
    "frontend/tsconfig.json",
    "frontend/scripts",
    // Missing after a clean or a manual delete: its absence reruns the build.
    "frontend/dist/index.html",
];

fn main() {
    for path in WATCHED {
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rerun-if-env-changed=RENKE_SKIP_FRONTEND");
    if std::env::var_os("RENKE_SKIP_FRONTEND").is_some_and(|v| v != "0" && !v.is_empty()) {
        println!("cargo:warning=RENKE_SKIP_FRONTEND is set: the web console is not rebuilt");
        return;
    }
    let frontend = Path::new("frontend");
    if needs_install(frontend) {
        run(
            frontend,
            &["ci", "--no-audit", "--no-fund", "--loglevel=error"],
        );
    }
    run(frontend, &["run", "build"]);
    settle(&frontend.join("dist/index.html"));
}

/// Cargo reruns a build script when a watched file is newer than the start
/// of its last run, so `dist/index.html`, written by this very run, would
/// rebuild the console on every `cargo` command. Dating it back keeps it
/// watched only for its absence (a deleted `dist`).
fn settle(index: &Path) {
    let long_ago = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    let dated = std::fs::File::options()
        .write(true)
        .open(index)
        .and_then(|f| f.set_modified(long_ago));
    if let Err(e) = dated {
        println!("cargo:warning=could not date {}: {e}", index.display());
    }
}

/// `node_modules` is missing, or older than the lockfile.
fn needs_install(frontend: &Path) -> bool {
    let modified = |p: &Path| p.metadata().and_then(|m| m.modified()).ok();
    let installed = modified(&frontend.join("node_modules/.package-lock.json"));
    let locked = modified(&frontend.join("package-lock.json"));
    match (installed, locked) {
        (Some(i), Some(l)) => i < l,
        (None, _) => true,
        (Some(_), None) => false,
    }
}

fn run(dir: &Path, args: &[&str]) {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let started = SystemTime::now();
    // npm's stdout must not reach cargo, which reads directives from ours.
    let status: std::io::Result<ExitStatus> = Command::new(npm)
        .args(args)
        .current_dir(dir)
        .stdout(std::io::stderr())
        .status();
    match status {
        Ok(s) if s.success() => {
            let secs = started.elapsed().map(|d| d.as_secs()).unwrap_or(0);
            println!(
                "cargo:warning=web console: `npm {}` done in {secs} s",
                args.join(" ")
            );
        }
        Ok(s) => panic!(
            "\n\nbuilding the web console failed: `npm {}` in frontend/ exited with {s}.\n\
             Its output is above. Fix the error (or run it by hand in frontend/), then build again.\n\n",
            args.join(" ")
        ),
        Err(e) => panic!(
            "\n\nthe web console needs Node.js (20.19 or newer) and npm to build, but `{npm}` \
             could not be run: {e}.\nInstall Node.js with npm (e.g. `apt-get install nodejs npm`, \
             or from nodejs.org) and build again.\nTo build only the server, without the console, \
             set RENKE_SKIP_FRONTEND=1.\n\n"
        ),
    }
}
