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
//!
//! With `--db PATH` the answers use the stored calendar (shipped + officers' edits);
//! `import`, `set-day` and `edits` store and list those edits (who, when, why).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use jiancha_calendar::chrono::NaiveDate;
use jiancha_calendar::{Calendar, DayOverride};
use jiancha_service::calendar_store;
use jiancha_store::Db;
use serde_json::Value;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    cmd: Cmd,
    /// Use the calendar stored in this database (shipped data + officers' edits) instead of
    /// the shipped data alone; required by import, set-day and edits.
    #[arg(long, global = true)]
    db: Option<PathBuf>,
}

/// Who, when and why of an edit.
#[derive(clap::Args)]
struct EditArgs {
    /// Who makes the edit.
    #[arg(long)]
    actor: String,
    /// Why (required, kept in the history).
    #[arg(long)]
    reason: String,
    /// When (RFC 3339; default: now).
    #[arg(long)]
    at: Option<String>,
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
    /// Import a year's State Council arrangement (holiday-cn JSON, or .ics with --year) into
    /// --db; the year becomes known. Open cases must be re-evaluated afterwards.
    Import {
        /// The file (.json = holiday-cn year file; .ics = iCalendar all-day events).
        file: PathBuf,
        /// The year an .ics file arranges.
        #[arg(long)]
        year: Option<i32>,
        #[command(flatten)]
        edit: EditArgs,
    },
    /// Set one day as a working day or a day off in --db.
    SetDay {
        date: String,
        /// `work` or `off`.
        state: String,
        /// A name shown for the day (default: the reason).
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        edit: EditArgs,
    },
    /// The history of calendar edits stored in --db, one JSON object per line.
    Edits,
}

/// The calendar to answer with: shipped, or shipped + the edits stored in `db`.
pub fn load(db: Option<&Path>) -> anyhow::Result<Calendar> {
    match db {
        None => Ok(Calendar::builtin()),
        Some(p) => {
            let db = Db::open(p).with_context(|| format!("opening {}", p.display()))?;
            Ok(calendar_store::load_calendar(&db)?)
        }
    }
}

fn edit_meta(e: EditArgs) -> anyhow::Result<calendar_store::EditMeta> {
    let at = match e.at {
        Some(s) => crate::instant::parse_instant(&s, "--at")?,
        None => jiancha_calendar::chrono::Utc::now().with_timezone(&jiancha_calendar::cst()),
    };
    Ok(calendar_store::EditMeta {
        actor: e.actor,
        at,
        reason: e.reason,
    })
}

fn open_db(db: Option<&Path>) -> anyhow::Result<Db> {
    let p = db.context("this command needs --db PATH (the database holding the edits)")?;
    Db::open(p).with_context(|| format!("opening {}", p.display()))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let db = args.db.as_deref();
    let query = match args.cmd {
        Cmd::Import { file, year, edit } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let meta = edit_meta(edit)?;
            let mut db = open_db(db)?;
            let is_ics = file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("ics"));
            let version = if is_ics {
                let year = year.context("an .ics import needs --year YEAR")?;
                calendar_store::import_ics(&mut db, &meta, year, &text)
            } else {
                calendar_store::import_holiday_cn_json(&mut db, &meta, &text)
            }
            .with_context(|| format!("importing {}", file.display()))?;
            println!("{{\"version\":{version},\"recompute\":\"re-evaluate every open case\"}}");
            return Ok(ExitCode::SUCCESS);
        }
        Cmd::SetDay {
            date,
            state,
            name,
            edit,
        } => {
            let date = parse_date(&date, "DATE")?;
            let workday = match state.as_str() {
                "work" | "workday" => true,
                "off" => false,
                other => anyhow::bail!("STATE {other:?} must be `work` or `off`"),
            };
            let meta = edit_meta(edit)?;
            let mut db = open_db(db)?;
            let day = DayOverride {
                date,
                workday,
                name: name.unwrap_or_else(|| meta.reason.clone()),
            };
            let version = calendar_store::record_day_edits(&mut db, &meta, &[day])?;
            println!("{{\"version\":{version},\"recompute\":\"re-evaluate every open case\"}}");
            return Ok(ExitCode::SUCCESS);
        }
        Cmd::Edits => {
            let db = open_db(db)?;
            for e in calendar_store::list_edits(&db)? {
                let days: Vec<Value> = e
                    .days
                    .iter()
                    .map(|d| {
                        serde_json::json!({
                            "date": d.date.format("%Y-%m-%d").to_string(),
                            "workday": d.workday,
                            "name": d.name,
                        })
                    })
                    .collect();
                println!(
                    "{}",
                    serde_json::json!({
                        "version": e.version, "year": e.year, "actor": e.actor,
                        "at": e.at.to_rfc3339(), "reason": e.reason, "days": days,
                    })
                );
            }
            return Ok(ExitCode::SUCCESS);
        }
        Cmd::Batch => return batch(&load(db)?),
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
    println!("{}", answer(&load(db)?, query)?);
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
