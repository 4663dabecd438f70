//! `jiancha clock`: the clock of a case at an instant (Art. B5, B16; docs/clock.md).
//!
//! ```text
//! jiancha clock --case case.json --at 2026-10-15T09:00:00+08:00 [--lead 1]
//! jiancha clock batch --at 2026-10-15T09:00:00+08:00 < cases.jsonl
//! ```
//! A case file is one JSON object (`--case -` reads stdin):
//! `{"accepted_at":"2026-09-30T10:00:00+08:00","limit":{"days":3,"unit":"G"}}`, optionally
//! `"id"` (echoed), `"events":[{"at":…,"type":…}, …]` with `type` one of `correction_start`,
//! `correction_end`, `special_start` (optional `"cap":{"days":…,"unit":"G"|"Z"}`),
//! `special_end`, `extension` (`"days"`, `"unit"`), `completed`, `withdrawn`; and
//! `"completed_at"` as a shorthand for a `completed` event. In batch mode a line may carry its
//! own `"at"`. The JSON is read here, at the edge, into the calendar crate's types.

use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use jiancha_calendar::chrono::{DateTime, FixedOffset, SecondsFormat};
use jiancha_calendar::{
    cst, evaluate, Calendar, CaseClock, CaseEvent, ClockConfig, ClockState, EventKind, Limit,
    PauseKind, Signal, Unit,
};
use serde_json::{Map, Value};

use crate::instant::parse_instant;

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = false)]
pub struct Args {
    #[command(subcommand)]
    cmd: Option<Cmd>,
    /// The case file (JSON object); `-` for stdin.
    #[arg(long)]
    case: Option<PathBuf>,
    /// The instant, RFC 3339 (e.g. 2026-10-15T09:00:00+08:00); without an offset, CST.
    #[arg(long, global = true)]
    at: Option<String>,
    /// Working days of warning before the deadline day (default 1, Art. B5(1) decision).
    #[arg(long, global = true, default_value_t = 1)]
    lead: u32,
    /// Use the calendar stored in this database (shipped data + officers' edits).
    #[arg(long, global = true)]
    db: Option<PathBuf>,
}

#[derive(clap::Subcommand)]
enum Cmd {
    /// Case objects as JSON Lines on stdin; one answer per line on stdout, same order.
    Batch,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let cal = crate::calendar::load(args.db.as_deref())?;
    let cfg = ClockConfig {
        warning_lead: args.lead,
    };
    let at = args
        .at
        .as_deref()
        .map(|s| parse_instant(s, "--at"))
        .transpose()?;
    match args.cmd {
        Some(Cmd::Batch) => {
            let at = at.context("`clock batch` needs --at INSTANT")?;
            batch(&cal, at, &cfg)
        }
        None => {
            let path = args
                .case
                .context("give --case FILE (or `clock batch` for JSON Lines on stdin)")?;
            let at = at.context("`clock` needs --at INSTANT")?;
            let text = if path.as_os_str() == "-" {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s)?;
                s
            } else {
                std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?
            };
            let v: Value = serde_json::from_str(&text)
                .with_context(|| format!("{} is not JSON", path.display()))?;
            let (case, id, own_at) =
                parse_case(&v).with_context(|| format!("case {}", path.display()))?;
            let st = evaluate(&cal, &case, own_at.unwrap_or(at), &cfg)
                .map_err(|e| anyhow::anyhow!("case {}: {e}", path.display()))?;
            println!("{}", state_json(&st, id.as_ref()));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn batch(cal: &Calendar, at: DateTime<FixedOffset>, cfg: &ClockConfig) -> anyhow::Result<ExitCode> {
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let (mut n, mut bad) = (0usize, 0usize);
    for (i, line) in stdin.lines().enumerate() {
        let line = line.context("reading stdin")?;
        n += 1;
        let ans = (|| -> anyhow::Result<String> {
            let v: Value = serde_json::from_str(&line).context("not JSON")?;
            let (case, id, own_at) = parse_case(&v)?;
            let st = evaluate(cal, &case, own_at.unwrap_or(at), cfg)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(state_json(&st, id.as_ref()))
        })();
        let ans = ans.unwrap_or_else(|e| {
            bad += 1;
            format!(
                "{{\"error\":{}}}",
                Value::String(format!("line {}: {e:#}", i + 1))
            )
        });
        writeln!(out, "{ans}")?;
    }
    out.flush()?;
    eprintln!("jiancha clock batch: {n} lines, {bad} errors");
    Ok(ExitCode::SUCCESS)
}

fn parse_limit(v: &Value, what: &str) -> anyhow::Result<Limit> {
    let o = v
        .as_object()
        .with_context(|| format!("{what} must be an object {{\"days\":N,\"unit\":\"G\"|\"Z\"}}"))?;
    limit_of(o, what)
}

fn limit_of(o: &Map<String, Value>, what: &str) -> anyhow::Result<Limit> {
    let days = o
        .get("days")
        .and_then(Value::as_u64)
        .filter(|&d| d <= 100_000)
        .with_context(|| format!("{what}.days must be a whole number of days (0–100000)"))?;
    let unit = match o.get("unit").and_then(Value::as_str) {
        Some("G") | Some("g") => Unit::G,
        Some("Z") | Some("z") => Unit::Z,
        other => anyhow::bail!(
            "{what}.unit must be \"G\" (working days) or \"Z\" (calendar days), got {other:?}"
        ),
    };
    Ok(Limit {
        days: days as u32,
        unit,
    })
}

/// Reads a case object: the clock input, its optional `id` and optional own `at`.
pub fn parse_case(
    v: &Value,
) -> anyhow::Result<(CaseClock, Option<Value>, Option<DateTime<FixedOffset>>)> {
    let o = v.as_object().context("a case must be a JSON object")?;
    let accepted_at = parse_instant(
        o.get("accepted_at")
            .and_then(Value::as_str)
            .context("missing string field \"accepted_at\"")?,
        "accepted_at",
    )?;
    let limit = parse_limit(o.get("limit").context("missing field \"limit\"")?, "limit")?;
    let mut events = Vec::new();
    if let Some(evs) = o.get("events") {
        let evs = evs.as_array().context("\"events\" must be an array")?;
        for (i, e) in evs.iter().enumerate() {
            let what = format!("events[{i}]");
            let eo = e
                .as_object()
                .with_context(|| format!("{what} must be an object"))?;
            let at = parse_instant(
                eo.get("at")
                    .and_then(Value::as_str)
                    .with_context(|| format!("{what}: missing string field \"at\""))?,
                &format!("{what}.at"),
            )?;
            let ty = eo
                .get("type")
                .and_then(Value::as_str)
                .with_context(|| format!("{what}: missing string field \"type\""))?;
            let kind = match ty {
                "correction_start" => EventKind::CorrectionStart,
                "correction_end" => EventKind::CorrectionEnd,
                "special_start" => EventKind::SpecialStart {
                    cap: match eo.get("cap") {
                        None | Some(Value::Null) => None,
                        Some(c) => Some(parse_limit(c, &format!("{what}.cap"))?),
                    },
                },
                "special_end" => EventKind::SpecialEnd,
                "extension" => EventKind::Extension(limit_of(eo, &what)?),
                "completed" => EventKind::Completed,
                "withdrawn" => EventKind::Withdrawn,
                other => anyhow::bail!(
                    "{what}.type {other:?} is not one of correction_start, correction_end, \
                     special_start, special_end, extension, completed, withdrawn"
                ),
            };
            events.push(CaseEvent { at, kind });
        }
    }
    if let Some(c) = o.get("completed_at").filter(|c| !c.is_null()) {
        let at = parse_instant(
            c.as_str().context("\"completed_at\" must be a string")?,
            "completed_at",
        )?;
        events.push(CaseEvent {
            at,
            kind: EventKind::Completed,
        });
    }
    let own_at = match o.get("at") {
        None | Some(Value::Null) => None,
        Some(a) => Some(parse_instant(
            a.as_str().context("\"at\" must be a string")?,
            "at",
        )?),
    };
    Ok((
        CaseClock {
            accepted_at,
            limit,
            events,
        },
        o.get("id").cloned(),
        own_at,
    ))
}

fn ts(t: DateTime<FixedOffset>) -> String {
    Value::String(
        t.with_timezone(&cst())
            .to_rfc3339_opts(SecondsFormat::Secs, false),
    )
    .to_string()
}

fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> String) -> String {
    v.map(f).unwrap_or_else(|| "null".into())
}

/// The answer object, fields in the documented order.
pub fn state_json(s: &ClockState, id: Option<&Value>) -> String {
    let mut o = String::with_capacity(512);
    o.push('{');
    if let Some(id) = id {
        o.push_str(&format!("\"id\":{id},"));
    }
    let (on_time, highest) = match s.signal {
        Signal::Done { on_time, highest } => (Some(on_time), highest),
        _ => (None, s.highest),
    };
    o.push_str(&format!(
        "\"deadline\":\"{}\",\"signal\":\"{}\",\"warning_at\":{},\"yellow_at\":{},\"red_at\":{},\
         \"next_change\":{},\"remaining_workdays\":{},\"highest\":\"{}\",\"on_time\":{},\"known\":{}",
        s.deadline.format("%Y-%m-%d"),
        s.signal.as_str(),
        ts(s.warning_at),
        ts(s.yellow_at),
        ts(s.red_at),
        opt(s.next_change, ts),
        s.remaining_workdays,
        highest.as_str(),
        opt(on_time, |b| b.to_string()),
        s.known,
    ));
    o.push_str(&format!(
        ",\"pause\":{}",
        opt(s.pause, |p| format!(
            "{{\"kind\":\"{}\",\"since\":{},\"freezing\":{},\"cap_deadline\":{},\"cap_end_at\":{},\"remaining_days\":{}}}",
            match p.kind {
                PauseKind::Correction => "correction",
                PauseKind::Special => "special",
            },
            ts(p.since),
            p.freezing,
            opt(p.cap_deadline, |d| format!("\"{}\"", d.format("%Y-%m-%d"))),
            opt(p.cap_end_at, ts),
            opt(p.remaining_days, |n| n.to_string()),
        ))
    ));
    o.push_str(&format!(
        ",\"closed\":{}",
        opt(s.closed, |c| format!(
            "{{\"at\":{},\"withdrawn\":{}}}",
            ts(c.at),
            c.withdrawn
        ))
    ));
    o.push_str(&format!(
        ",\"cap_overruns\":{},\"cap_overrun\":{}",
        s.cap_overruns,
        opt(s.first_cap_overrun, |c| format!(
            "{{\"started_at\":{},\"cap\":{{\"days\":{},\"unit\":\"{}\"}},\"overrun_from\":{},\"ended_at\":{}}}",
            ts(c.started_at),
            c.cap.days,
            match c.cap.unit {
                Unit::G => "G",
                Unit::Z => "Z",
            },
            ts(c.overrun_from),
            opt(c.ended_at, ts),
        ))
    ));
    // Extensions recorded after the limit ran out: not applied (Licensing Law Art. 42).
    let late: Vec<String> = s
        .late_extensions
        .iter()
        .map(|e| {
            format!(
                "{{\"at\":{},\"days\":{},\"unit\":\"{}\",\"deadline\":\"{}\"}}",
                ts(e.at),
                e.extension.days,
                match e.extension.unit {
                    Unit::G => "G",
                    Unit::Z => "Z",
                },
                e.deadline.format("%Y-%m-%d"),
            )
        })
        .collect();
    o.push_str(&format!(",\"late_extensions\":[{}]", late.join(",")));
    o.push('}');
    o
}
