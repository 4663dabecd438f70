//! `jiancha calendar` and `jiancha clock` end to end: the issue-3 examples, batch modes (one
//! answer per line, bad lines answered with an error), and stored calendar edits.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

fn jiancha(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jiancha"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut i = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            i.write_all(s.as_bytes()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(s: &str) -> Value {
    serde_json::from_str(s.trim()).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

#[test]
fn issue_examples() {
    let (c, o, _) = jiancha(&["calendar", "is-workday", "2026-02-14"], None);
    assert_eq!(c, 0);
    let v = json(&o);
    assert_eq!(
        (
            v["date"].as_str(),
            v["workday"].as_bool(),
            v["known"].as_bool()
        ),
        (Some("2026-02-14"), Some(true), Some(true))
    );
    let (_, o, _) = jiancha(&["calendar", "add-workdays", "2026-09-30", "3"], None);
    assert_eq!(o.trim(), r#"{"date":"2026-10-10","known":true}"#);
    let (_, o, _) = jiancha(
        &["calendar", "workdays-between", "2026-09-30", "2026-10-12"],
        None,
    );
    assert_eq!(o.trim(), r#"{"workdays":4,"known":true}"#);
    let (_, o, _) = jiancha(&["calendar", "is-workday", "2027-03-01"], None);
    assert_eq!(json(&o)["known"], false);
    let (c, _, e) = jiancha(&["calendar", "is-workday", "2026-02-30"], None);
    assert_eq!(c, 2);
    assert!(e.contains("2026-02-30"), "{e}");
}

#[test]
fn calendar_batch_keeps_order_and_survives_bad_lines() {
    let input = [
        r#"{"op":"is-workday","date":"2026-10-01"}"#,
        "not json",
        r#"{"op":"add-workdays","date":"2026-09-30","n":3}"#,
        r#"{"op":"frobnicate","date":"2026-09-30"}"#,
        r#"{"op":"workdays-between","from":"2026-10-12","to":"2026-09-30"}"#,
        r#"{"op":"add-workdays","date":"2026-09-30"}"#,
    ]
    .join("\n");
    let (c, o, _) = jiancha(&["calendar", "batch"], Some(&input));
    assert_eq!(c, 0);
    let lines: Vec<Value> = o.lines().map(json).collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0]["workday"], false);
    assert!(lines[1]["error"].as_str().unwrap().starts_with("line 2"));
    assert_eq!(lines[2]["date"], "2026-10-10");
    assert!(lines[3]["error"].as_str().unwrap().contains("frobnicate"));
    assert_eq!(lines[4]["workdays"], -4);
    assert!(lines[5]["error"].as_str().unwrap().contains("\"n\""));
}

#[test]
fn clock_file_and_batch() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.json");
    std::fs::write(
        &case,
        r#"{"accepted_at":"2026-09-30T10:00:00+08:00","limit":{"days":3,"unit":"G"}}"#,
    )
    .unwrap();
    let (c, o, e) = jiancha(
        &[
            "clock",
            "--case",
            case.to_str().unwrap(),
            "--at",
            "2026-10-15T09:00:00+08:00",
        ],
        None,
    );
    assert_eq!(c, 0, "{e}");
    let v = json(&o);
    assert_eq!(v["deadline"], "2026-10-10");
    assert_eq!(v["signal"], "red");
    assert_eq!(v["warning_at"], "2026-10-09T00:00:00+08:00");
    assert_eq!(v["yellow_at"], "2026-10-11T00:00:00+08:00");
    assert_eq!(v["red_at"], "2026-10-14T00:00:00+08:00");
    let input = [
        r#"{"id":"a","accepted_at":"2026-09-30T10:00:00+08:00","limit":{"days":3,"unit":"G"}}"#,
        r#"{"id":"b","accepted_at":"2026-09-30T10:00:00+08:00","limit":{"days":3,"unit":"Q"}}"#,
        r#"{"id":"c","accepted_at":"2026-09-30T10:00:00+08:00","limit":{"days":3,"unit":"G"},"completed_at":"2026-10-09T15:00:00+08:00"}"#,
        r#"{"id":"d","accepted_at":"2026-11-02T09:00:00+08:00","limit":{"days":10,"unit":"G"},"events":[{"at":"2026-11-04T10:00:00+08:00","type":"special_start","cap":{"days":3,"unit":"G"}}]}"#,
        r#"{"id":"e","accepted_at":"2026-11-02T09:00:00+08:00","limit":{"days":10,"unit":"G"},"events":[{"at":"2026-11-04T10:00:00+08:00","type":"correction_end"}]}"#,
    ]
    .join("\n");
    let (c, o, _) = jiancha(
        &["clock", "batch", "--at", "2026-11-05T12:00:00+08:00"],
        Some(&input),
    );
    assert_eq!(c, 0);
    let l: Vec<Value> = o.lines().map(json).collect();
    assert_eq!(l.len(), 5);
    assert_eq!(
        (l[0]["id"].as_str(), l[0]["signal"].as_str()),
        (Some("a"), Some("red"))
    );
    assert!(l[1]["error"].as_str().unwrap().contains("unit"));
    assert_eq!(
        (
            l[2]["signal"].as_str(),
            l[2]["on_time"].as_bool(),
            l[2]["highest"].as_str()
        ),
        (Some("done"), Some(true), Some("warning"))
    );
    assert_eq!(l[3]["pause"]["kind"], "special");
    assert_eq!(l[3]["next_change"], "2026-11-18T00:00:00+08:00");
    assert!(
        l[4]["error"].as_str().unwrap().contains("events[0]")
            || l[4]["error"].as_str().unwrap().contains("event 0")
    );
}

#[test]
fn stored_edits_change_answers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("j.sqlite");
    let db = db.to_str().unwrap();
    let (c, o, e) = jiancha(
        &[
            "calendar",
            "--db",
            db,
            "set-day",
            "2026-11-27",
            "off",
            "--actor",
            "张三",
            "--reason",
            "台风停工",
            "--at",
            "2026-11-26T18:00:00+08:00",
        ],
        None,
    );
    assert_eq!(c, 0, "{e}");
    assert_eq!(json(&o)["version"], 1);
    let (_, o, _) = jiancha(&["calendar", "--db", db, "is-workday", "2026-11-27"], None);
    assert_eq!(json(&o)["workday"], false);
    let (_, o, _) = jiancha(&["calendar", "is-workday", "2026-11-27"], None);
    assert_eq!(
        json(&o)["workday"],
        true,
        "without --db: the shipped calendar"
    );
    let ics = dir.path().join("2027.ics");
    std::fs::write(&ics, "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\nDTEND;VALUE=DATE:20270104\nSUMMARY:元旦 假期\nEND:VEVENT\nEND:VCALENDAR\n").unwrap();
    let (c, _, e) = jiancha(
        &[
            "calendar",
            "--db",
            db,
            "import",
            ics.to_str().unwrap(),
            "--actor",
            "李四",
            "--reason",
            "x",
        ],
        None,
    );
    assert_eq!(c, 2);
    assert!(e.contains("--year"), "{e}");
    let (c, _, e) = jiancha(
        &[
            "calendar",
            "--db",
            db,
            "import",
            ics.to_str().unwrap(),
            "--year",
            "2027",
            "--actor",
            "李四",
            "--reason",
            "2027年安排",
        ],
        None,
    );
    assert_eq!(c, 0, "{e}");
    let (_, o, _) = jiancha(&["calendar", "--db", db, "is-workday", "2027-01-01"], None);
    let v = json(&o);
    assert_eq!(
        (v["workday"].as_bool(), v["known"].as_bool()),
        (Some(false), Some(true))
    );
    let (_, o, _) = jiancha(&["calendar", "--db", db, "edits"], None);
    let hist: Vec<Value> = o.lines().map(json).collect();
    assert_eq!(hist.len(), 2);
    assert_eq!(hist[0]["actor"], "张三");
    assert_eq!(hist[1]["year"], 2027);
}

/// Issue 13 item 1: `jiancha clock` on a case extended after its card: the card stays, D does
/// not move, the late extension is listed, and a later completion is not on time.
#[test]
fn clock_on_a_case_extended_after_its_red_card() {
    let ext = r#"{"at":"2026-11-20T09:00:00+08:00","type":"extension","days":10,"unit":"G"}"#;
    let input = [
        format!(r#"{{"id":"late","accepted_at":"2026-11-02T09:00:00+08:00","limit":{{"days":10,"unit":"G"}},"events":[{ext}]}}"#),
        format!(r#"{{"id":"done","accepted_at":"2026-11-02T09:00:00+08:00","limit":{{"days":10,"unit":"G"}},"events":[{ext}],"completed_at":"2026-11-25T09:00:00+08:00"}}"#),
    ]
    .join("\n");
    let (c, o, e) = jiancha(
        &["clock", "batch", "--at", "2026-11-26T10:00:00+08:00"],
        Some(&input),
    );
    assert_eq!(c, 0, "{e}");
    let l: Vec<Value> = o.lines().map(json).collect();
    assert_eq!(l[0]["deadline"], "2026-11-16", "{}", l[0]);
    assert_eq!(l[0]["signal"], "red", "{}", l[0]);
    assert_eq!(
        l[0]["late_extensions"][0]["deadline"], "2026-11-16",
        "{}",
        l[0]
    );
    assert_eq!(l[0]["late_extensions"][0]["days"], 10, "{}", l[0]);
    assert_eq!(l[1]["signal"], "done", "{}", l[1]);
    assert_eq!(l[1]["on_time"], false, "{}", l[1]);
    assert_eq!(l[1]["highest"], "red", "{}", l[1]);
}
