//! `jiancha calendar`: working-day queries on the shipped calendar (Art. B16; Licensing Law
//! Art. 82). Each answer is one JSON object; `known` is false when a date the answer used lies
//! outside the years the calendar covers (the ordinary week was assumed there).
//!
//! ```text
//! jiancha calendar is-workday 2026-02-14        {"date":"2026-02-14","workday":true,"known":true}
//! jiancha calendar add-workdays 2026-09-30 3    {"date":"2026-10-10","known":true}
//! jiancha calendar workdays-between A B         {"workdays":4,"known":true}      (A, B]
//! jiancha calendar next-workday D | prev-workday D   {"date":…,"known":…}
//! jiancha calendar batch < queries.jsonl        one answer per line, same order
//! ```
//! Batch lines: `{"op":"is-workday","date":…}`, `{"op":"add-workdays","date":…,"n":…}`,
//! `{"op":"workdays-between","from":…,"to":…}`, `{"op":"next-workday"|"prev-workday","date":…}`;
//! a bad line gets `{"error":"…"}` and the batch goes on. Documented in docs/clock.md.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::Context;
use jiancha_calendar::chrono::NaiveDate;
use jiancha_calendar::Calendar;
use serde_json::Value;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Subcommand)]
enum Cmd {
    /// Is DATE a working day? (statutory holidays off, make-up days on)
    IsWorkday { date: String },
    /// The N-th working day after DATE (DATE itself not counted).
    AddWorkdays { date: String, n: String },
    /// Working days in the half-open interval (FROM, TO]; negative when TO < FROM.
    WorkdaysBetween { from: String, to: String },
    /// The first working day strictly after DATE.
    NextWorkday { date: String },
    /// The last working day strictly before DATE.
    PrevWorkday { date: String },
    /// JSON Lines on stdin, one answer per line on stdout, in the same order.
    Batch,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let cal = Calendar::builtin();
    let query = match args.cmd {
        Cmd::Batch => return batch(&cal),
        Cmd::IsWorkday { date } => Query::IsWorkday(parse_date(&date, "DATE")?),
        Cmd::AddWorkdays { date, n } => {
            Query::AddWorkdays(parse_date(&date, "DATE")?, parse_n(&Value::String(n))?)
        }
        Cmd::WorkdaysBetween { from, to } => {
            Query::Between(parse_date(&from, "FROM")?, parse_date(&to, "TO")?)
        }
        Cmd::NextWorkday { date } => Query::Next(parse_date(&date, "DATE")?),
        Cmd::PrevWorkday { date } => Query::Prev(parse_date(&date, "DATE")?),
    };
    println!("{}", answer(&cal, query)?);
    Ok(ExitCode::SUCCESS)
}

enum Query {
    IsWorkday(NaiveDate),
    AddWorkdays(NaiveDate, u32),
    Between(NaiveDate, NaiveDate),
    Next(NaiveDate),
    Prev(NaiveDate),
}

fn parse_date(s: &str, what: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|e| anyhow::anyhow!("{what} {s:?} is not a date YYYY-MM-DD: {e}"))
}

fn parse_n(v: &Value) -> anyhow::Result<u32> {
    let n = match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    match n {
        Some(n) if (0..=1_000_000).contains(&n) => Ok(n as u32),
        Some(n) => anyhow::bail!("N {n} is out of range (0 to 1000000 working days)"),
        None => anyhow::bail!("N {v} is not a whole number of working days"),
    }
}

fn q(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

fn date_json(d: NaiveDate) -> String {
    q(&d.format("%Y-%m-%d").to_string())
}

/// The answer as one JSON object, fields in the documented order.
fn answer(cal: &Calendar, query: Query) -> anyhow::Result<String> {
    Ok(match query {
        Query::IsWorkday(d) => {
            let mut s = format!(
                "{{\"date\":{},\"workday\":{},\"known\":{}",
                date_json(d),
                cal.is_workday(d),
                cal.is_known(d)
            );
            if let Some(l) = cal.listed(d) {
                s.push_str(&format!(",\"name\":{}", q(&l.name)));
            }
            s.push('}');
            s
        }
        Query::AddWorkdays(d, n) => {
            let k = cal.add_workdays_known(d, n);
            let r = k
                .value
                .with_context(|| format!("{n} working days after {d} is past the last date"))?;
            format!("{{\"date\":{},\"known\":{}}}", date_json(r), k.known)
        }
        Query::Between(a, b) => {
            let k = cal.workdays_between_known(a, b);
            format!("{{\"workdays\":{},\"known\":{}}}", k.value, k.known)
        }
        Query::Next(d) => {
            let r = cal.next_workday(d);
            format!(
                "{{\"date\":{},\"known\":{}}}",
                date_json(r),
                cal.is_known_range(d, r)
            )
        }
        Query::Prev(d) => {
            let r = cal.prev_workday(d);
            format!(
                "{{\"date\":{},\"known\":{}}}",
                date_json(r),
                cal.is_known_range(r, d)
            )
        }
    })
}

fn batch_line(cal: &Calendar, line: &str) -> anyhow::Result<String> {
    let v: Value = serde_json::from_str(line).context("not a JSON object")?;
    let obj = v.as_object().context("not a JSON object")?;
    let field = |k: &str| -> anyhow::Result<NaiveDate> {
        let s = obj
            .get(k)
            .and_then(Value::as_str)
            .with_context(|| format!("missing string field {k:?}"))?;
        parse_date(s, k)
    };
    let op = obj
        .get("op")
        .and_then(Value::as_str)
        .context("missing string field \"op\"")?;
    let query = match op {
        "is-workday" => Query::IsWorkday(field("date")?),
        "add-workdays" => Query::AddWorkdays(
            field("date")?,
            parse_n(obj.get("n").context("missing field \"n\"")?)?,
        ),
        "workdays-between" => Query::Between(field("from")?, field("to")?),
        "next-workday" => Query::Next(field("date")?),
        "prev-workday" => Query::Prev(field("date")?),
        other => anyhow::bail!(
            "unknown op {other:?} (is-workday, add-workdays, workdays-between, next-workday, prev-workday)"
        ),
    };
    answer(cal, query)
}

/// Runs JSON Lines from stdin; each line answered in order, a bad line gets `{"error":…}`.
pub fn batch(cal: &Calendar) -> anyhow::Result<ExitCode> {
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let (mut n, mut bad) = (0usize, 0usize);
    for (i, line) in stdin.lines().enumerate() {
        let line = line.context("reading stdin")?;
        n += 1;
        let ans = match batch_line(cal, &line) {
            Ok(a) => a,
            Err(e) => {
                bad += 1;
                format!("{{\"error\":{}}}", q(&format!("line {}: {e:#}", i + 1)))
            }
        };
        writeln!(out, "{ans}")?;
    }
    out.flush()?;
    eprintln!("jiancha calendar batch: {n} lines, {bad} errors");
    Ok(ExitCode::SUCCESS)
}
