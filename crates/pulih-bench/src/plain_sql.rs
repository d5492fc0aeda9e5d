//! The dashboard's figures the plain way, for comparison: GROUP BY over the raw tables
//! (client facts by kind, activities by kind with the people they reached, units formed)
//! per child region of a node in a period, on the same database the server uses, run by
//! the database's own shell (`sqlite3` with `.timer on`, `psql` with `\timing on`) so the
//! times are the database's, not a client library's. The same SQL text runs on both.

use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::db::BenchDb;
use crate::server::postgres_cpu_time;

/// The statements of one plain answer.
const STATEMENTS: usize = 3;

/// What answering by plain SQL cost, per answer (all statements).
#[derive(Debug, Clone, Copy)]
pub struct PlainCost {
    /// Median wall time.
    pub wall: Duration,
    /// CPU time of the database (SQLite: user + system of the shell; PostgreSQL: of its
    /// server processes), averaged.
    pub cpu: Duration,
}

/// The GROUP BY statements for the children of `node` (`ID` for the nation) from `from`
/// to `to` (`YYYY-MM-DD`, inclusive).
pub fn statements(node: &str, from: &str, to: &str) -> String {
    let (len, lo, hi) = match node {
        "ID" => (2, String::new(), "~".to_owned()),
        code => {
            let depth = code.matches('.').count();
            let len = [5, 8, 13, 13][depth.min(3)];
            let lo = if depth == 3 {
                code.to_owned()
            } else {
                format!("{code}.")
            };
            (len, lo, format!("{code}/"))
        }
    };
    let range = |column: &str| format!("{column} >= '{lo}' and {column} < '{hi}'");
    format!(
        "select substr(c.region, 1, {len}) as child, f.kind, count(*) as n \
         from client_facts f join clients c on c.id = f.client_id \
         where {} and c.erased_at is null and f.occurred_on >= '{from}' and f.occurred_on <= '{to}' \
         group by 1, 2;\n\
         select substr(village, 1, {len}) as child, kind, count(*) as n, sum(people) as people \
         from activities where {} and held_on >= '{from}' and held_on <= '{to}' group by 1, 2;\n\
         select substr(village, 1, {len}) as child, count(*) as n from units \
         where {} and decree_date >= '{from}' and decree_date <= '{to}' group by 1;\n",
        range("c.region"),
        range("village"),
        range("village"),
    )
}

/// Runs the statements `runs` times in one shell session; the cost of one answer.
pub fn measure(db: &BenchDb, sql: &str, runs: usize) -> Result<PlainCost> {
    let script = sql.repeat(runs.max(1));
    let (walls, cpu) = match db.database_url() {
        None => {
            let file = db.data_dir().join("pulih.db");
            let out = shell(
                Command::new("sqlite3").arg("-readonly").arg(&file),
                &format!(".timer on\n{script}"),
            )?;
            // "Run Time: real 0.120 user 0.100000 sys 0.010000", one per statement
            let mut walls = Vec::new();
            let mut cpu = 0.0;
            for line in out.lines().filter(|l| l.starts_with("Run Time:")) {
                let n: Vec<f64> = line
                    .split_whitespace()
                    .filter_map(|w| w.parse().ok())
                    .collect();
                if let [real, user, sys] = n[..] {
                    walls.push(real);
                    cpu += user + sys;
                }
            }
            (walls, Duration::from_secs_f64(cpu))
        }
        Some(url) => {
            let before = postgres_cpu_time();
            let out = shell(
                Command::new("psql").args([url, "-q", "-X", "-A", "-t"]),
                &format!("\\timing on\n{script}"),
            )?;
            let cpu = postgres_cpu_time().saturating_sub(before);
            // "Time: 12.345 ms", one per statement
            let walls = out
                .lines()
                .filter_map(|l| l.strip_prefix("Time: "))
                .filter_map(|t| t.split_whitespace().next()?.parse::<f64>().ok())
                .map(|ms| ms / 1000.0)
                .collect();
            (walls, cpu)
        }
    };
    if walls.len() != STATEMENTS * runs.max(1) {
        bail!(
            "the plain SQL printed {} timings, expected {}",
            walls.len(),
            STATEMENTS * runs.max(1)
        );
    }
    let mut answers: Vec<f64> = walls.chunks(STATEMENTS).map(|c| c.iter().sum()).collect();
    answers.sort_by(f64::total_cmp);
    Ok(PlainCost {
        wall: Duration::from_secs_f64(answers[answers.len() / 2]),
        cpu: cpu / u32::try_from(answers.len()).unwrap_or(1),
    })
}

/// Runs a database shell with `input`; its standard output (timings included).
fn shell(cmd: &mut Command, input: &str) -> Result<String> {
    use std::io::Write as _;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting the database shell (sqlite3 or psql)")?;
    if let Some(mut pipe) = child.stdin.take() {
        pipe.write_all(input.as_bytes())
            .context("writing the plain SQL")?;
    }
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!(
            "the plain SQL failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::statements;

    #[test]
    fn a_regency_groups_its_districts_by_their_code() {
        let sql = statements("15.71", "2026-01-01", "2026-12-31");
        assert!(sql.contains("substr(c.region, 1, 8)"));
        assert!(sql.contains("c.region >= '15.71.' and c.region < '15.71/'"));
        assert_eq!(sql.lines().count(), 3);
    }

    #[test]
    fn the_nation_groups_by_province_and_a_village_counts_itself() {
        assert!(statements("ID", "2026-01-01", "2026-12-31").contains("substr(village, 1, 2)"));
        let village = statements("15.71.01.1001", "2026-01-01", "2026-12-31");
        assert!(village.contains("village >= '15.71.01.1001' and village < '15.71.01.1001/'"));
    }
}
