//! The renke binary as a separate process against a test's database: for
//! what only a process shows (its log, its peak memory, its exit status).

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

pub struct RenkeProcess {
    child: Child,
    pub address: String,
    log: Arc<Mutex<String>>,
}

/// Removes ANSI colour sequences from a log line.
fn plain(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Runs `renke <args>` with `env` and collects its output; returns the
/// child and the shared log.
fn start(database_url: &str, args: &[&str], env: &[(&str, &str)]) -> (Child, Arc<Mutex<String>>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_renke"));
    cmd.args(args)
        .env_remove("RUST_LOG")
        .env_remove("RENKE_SECRET")
        .env_remove("RENKE_SECRET_FILE")
        .env_remove("RENKE_ROTATE_SECRET")
        .env("RENKE_DATABASE_URL", database_url)
        .env("RENKE_BIND", "127.0.0.1:0")
        .env("RENKE_RATE_PER_ADDRESS", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start the renke binary");
    let log = Arc::new(Mutex::new(String::new()));
    let out = child.stdout.take().expect("stdout");
    let err = child.stderr.take().expect("stderr");
    for stream in [
        Box::new(out) as Box<dyn std::io::Read + Send>,
        Box::new(err),
    ] {
        let log = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let mut log = log.lock().expect("log");
                log.push_str(&plain(&line));
                log.push('\n');
            }
        });
    }
    (child, log)
}

impl RenkeProcess {
    /// Serves the database at `database_url` on a free port; waits until it listens.
    pub fn serve(database_url: &str, env: &[(&str, &str)]) -> Self {
        Self::serve_args(database_url, &["serve"], env)
    }

    /// `serve` with the given command line (e.g. with flags).
    pub fn serve_args(database_url: &str, args: &[&str], env: &[(&str, &str)]) -> Self {
        let (mut child, log) = start(database_url, args, env);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let text = log.lock().expect("log").clone();
            if let Some(line) = text.lines().find(|l| l.contains("renke listening")) {
                let at = line.find("127.0.0.1:").expect("bound address in the log");
                let port: String = line[at + 10..]
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                return Self {
                    child,
                    address: format!("http://127.0.0.1:{port}"),
                    log,
                };
            }
            if let Ok(Some(status)) = child.try_wait() {
                std::thread::sleep(Duration::from_millis(100));
                panic!(
                    "renke stopped ({status}); its log:\n{}",
                    log.lock().expect("log")
                );
            }
            assert!(
                Instant::now() < deadline,
                "renke did not start; its log:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Runs renke to its end (expected to stop by itself); returns its exit
    /// success and its log.
    pub fn run_to_end(database_url: &str, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
        let (mut child, log) = start(database_url, args, env);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                // Let the reader threads drain the pipes.
                std::thread::sleep(Duration::from_millis(100));
                return (status.success(), log.lock().expect("log").clone());
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("renke did not stop; log:\n{}", log.lock().expect("log"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Asks renke to stop (SIGTERM), waits for it to exit and returns its log.
    pub fn terminate(mut self) -> String {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -TERM {pid}");
        let deadline = Instant::now() + Duration::from_secs(90);
        while self.child.try_wait().expect("wait").is_none() {
            assert!(
                Instant::now() < deadline,
                "renke did not stop after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(100));
        self.log()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn log(&self) -> String {
        self.log.lock().expect("log").clone()
    }

    /// The process's peak resident memory in KB (VmHWM).
    pub fn peak_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("read /proc/<pid>/status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM")
    }
}

impl Drop for RenkeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
