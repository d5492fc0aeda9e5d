//! Running the `pulih` binary: one-shot subcommands and a served instance.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::db::BenchDb;

/// How long a server may take to answer its first `/healthz` before the run gives up.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The `pulih` binary under test.
#[derive(Clone, Debug)]
pub struct Pulih {
    path: PathBuf,
}

impl Pulih {
    /// Checks that `path` exists and remembers it.
    pub fn new(path: PathBuf) -> Result<Self> {
        if !path.is_file() {
            bail!(
                "server binary {} not found (build it with `cargo build --release -p pulih-cli`)",
                path.display()
            );
        }
        Ok(Self { path })
    }

    fn command(&self, args: &[&str], db: &BenchDb) -> Command {
        let mut cmd = Command::new(&self.path);
        cmd.args(args).args(db.flags());
        // The caller's PULIH_* settings (data dir, database, config file, cookies) must not
        // leak into a run: every run starts from the bench's own fresh database.
        for (var, _) in std::env::vars_os() {
            if var.to_string_lossy().starts_with("PULIH_") {
                cmd.env_remove(var);
            }
        }
        // Every bench database gets its own master key, so runs never share or clash on one.
        cmd.env("PULIH_MASTER_KEY_FILE", db.master_key_file());
        // The bench's administrator and coordinator log in over the API with passwords:
        // it measures pages and writes, not two-factor enrolment.
        cmd.env("PULIH_TOTP_REQUIRED_ROLES", "none");
        cmd
    }

    /// Runs a subcommand to completion, feeding `stdin`; returns its standard output.
    pub fn run(&self, args: &[&str], db: &BenchDb, stdin: &str) -> Result<String> {
        let mut child = self
            .command(args, db)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting `pulih {}`", args.join(" ")))?;
        if let Some(mut pipe) = child.stdin.take() {
            pipe.write_all(stdin.as_bytes())
                .context("writing to the server's standard input")?;
        }
        let out = child.wait_with_output()?;
        if !out.status.success() {
            bail!(
                "`pulih {}` failed ({}): {}{}",
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stdout).trim(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Starts `pulih serve` on a free local port and waits until `/healthz` answers 200.
    /// The returned server records the time from spawn to that first answer.
    pub fn serve(&self, db: &BenchDb, log_name: &str) -> Result<Server> {
        let addr = free_local_addr()?;
        let log_path = db.log_path(log_name);
        let log = File::create(&log_path).context("creating the server log")?;
        let bind = addr.to_string();
        let mut cmd = self.command(&["serve", "--bind", &bind], db);
        cmd.stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        let spawned = Instant::now();
        let child = cmd.spawn().context("starting `pulih serve`")?;
        let mut server = Server {
            child,
            addr,
            log_path,
            cold_start: Duration::ZERO,
            postgres: db.is_postgres(),
        };
        server.cold_start = server.wait_healthy(spawned)?;
        Ok(server)
    }
}

/// A running `pulih serve`, stopped when dropped.
pub struct Server {
    child: Child,
    addr: SocketAddr,
    log_path: PathBuf,
    cold_start: Duration,
    postgres: bool,
}

impl Server {
    /// Base URL, e.g. `http://127.0.0.1:40123`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// CPU time (user and system) the server process has used so far, from
    /// `/proc/{pid}/stat` on Linux; `None` elsewhere. A database server's own processes
    /// (PostgreSQL) are not included.
    pub fn cpu_time(&self) -> Option<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        cpu_time_of(&stat)
    }

    /// CPU time the PostgreSQL server's processes (every process named `postgres` on this
    /// machine) have used so far, when the server runs on PostgreSQL; `None` on SQLite,
    /// whose work is inside the server process.
    pub fn database_cpu_time(&self) -> Option<Duration> {
        self.postgres.then(postgres_cpu_time)
    }

    /// Starts a new peak of the server's resident memory (`clear_refs`), so that
    /// [`peak_rss`](Self::peak_rss) reports the peak from now on.
    pub fn reset_peak_rss(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5");
    }

    /// The server's peak resident memory since start or the last reset, in bytes
    /// (`VmHWM` of `/proc/{pid}/status`).
    pub fn peak_rss(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    }

    /// Time from spawning the process to the first 200 from `/healthz`.
    pub fn cold_start(&self) -> Duration {
        self.cold_start
    }

    /// Polls `/healthz` over raw HTTP/1.1, roughly every millisecond.
    fn wait_healthy(&mut self, spawned: Instant) -> Result<Duration> {
        loop {
            if healthz_ok(self.addr) {
                return Ok(spawned.elapsed());
            }
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "`pulih serve` exited ({status}) before answering /healthz:\n{}",
                    log_tail(&self.log_path)
                );
            }
            if spawned.elapsed() > START_TIMEOUT {
                bail!(
                    "`pulih serve` did not answer /healthz within {START_TIMEOUT:?}:\n{}",
                    log_tail(&self.log_path)
                );
            }
            sleep(Duration::from_millis(1));
        }
    }

    /// The end of the server's log, for error messages.
    pub fn log_tail(&self) -> String {
        log_tail(&self.log_path)
    }

    /// Asks the server to shut down gracefully, then kills it if it lingers.
    pub fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// CPU time every process named `postgres` on this machine has used so far (zero where
/// `/proc` cannot be read).
pub fn postgres_cpu_time() -> Duration {
    let mut total = Duration::ZERO;
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        if stat.contains("(postgres)") {
            total += cpu_time_of(&stat).unwrap_or_default();
        }
    }
    total
}

/// utime + stime of a `/proc/{pid}/stat` line, in clock ticks of 1/100 s (Linux's fixed
/// `USER_HZ`). The command name in field 2 may hold spaces, so fields are counted after
/// its closing parenthesis: state is field 3, utime 14 and stime 15.
fn cpu_time_of(stat: &str) -> Option<Duration> {
    let fields: Vec<&str> = stat
        .get(stat.rfind(')')? + 1..)?
        .split_whitespace()
        .collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// One `GET /healthz`; true on a 200 status line.
fn healthz_ok(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.1 200")
}

/// A local address that was free a moment ago.
fn free_local_addr() -> Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?)
}

/// The last lines of a log file, or a note that it could not be read.
fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| format!("(no log: {e})"));
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::cpu_time_of;

    #[test]
    fn cpu_time_is_user_plus_system_ticks_even_with_a_spaced_name() {
        let stat = "4242 (pulih serve) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 50 0 0 20 0 9 0";
        assert_eq!(cpu_time_of(stat), Some(Duration::from_millis(3_000)));
        assert_eq!(cpu_time_of("4242 (pulih"), None);
    }
}
