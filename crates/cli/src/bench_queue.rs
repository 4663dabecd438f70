//! `jiancha bench queue [--cards N] [--db PATH]`: the queue screens' Rust side with N open cards
//! (issue 5 item 8). Builds a cache with N open cards spread over 40 departments in 8 regions
//! and 400 items (rows generated directly, in one transaction, each case a valid typed
//! `Case`), brings the search words up to date (`search_refresh_ms`: the feed's write path,
//! `jiancha_feed::db::search::refresh`, which the evaluator runs as a step after each sync;
//! here no evaluation runs, the signals are generated), then times the first page of each level
//! and each filter: query + serde_json serialisation of the page, median of 7 runs. Prints one
//! JSON line with `first_page_ms` (slowest level), `filter_ms` (slowest filter), `page_bytes`
//! (the IPC payload of a 100-row page) and every figure measured.
//! Build in release for the figure: `cargo run --release -p jiancha-cli -- bench queue`.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use jiancha_api::queues::{CardLevel, PageRequest, QueueFilter};
use jiancha_calendar::Calendar;
use jiancha_protocol::{
    Acceptance, Application, Case, CaseStatus, CaseType, Limit, LimitUnit, Step, StepStatus,
    Timestamp,
};
use jiancha_service::queues::{card_page_db, counts_db};
use jiancha_store::rusqlite::params;
use jiancha_store::Db;
use serde_json::json;

#[derive(clap::Args)]
pub struct Args {
    /// Open cards in the queues.
    #[arg(long, default_value_t = 100_000)]
    cards: u32,
    /// Rows per page (the UI asks for 100).
    #[arg(long, default_value_t = 100)]
    page: u32,
    /// Database file to build (default: a temporary file, removed afterwards).
    #[arg(long)]
    db: Option<std::path::PathBuf>,
}

const DEPTS: u32 = 40;
const REGIONS: u32 = 8;
const ITEMS: u32 = 400;
/// 2026-11-02 00:00 CST.
const BASE: i64 = 1_793_548_800;
const HANDLERS: [&str; 12] = [
    "王伟", "李娜", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴芳", "徐强", "孙悦",
];

fn build(db: &mut Db, cards: u32) -> anyhow::Result<()> {
    db.write(|tx| {
        for d in 0..DEPTS {
            let region = d % REGIONS;
            let (level, rname) = if region == 0 {
                ("city", "市本级".to_string())
            } else {
                ("county", format!("第{region}县"))
            };
            tx.execute(
                "INSERT INTO departments VALUES (?1, ?2, ?3, ?4, ?5, 'X', 'D', '纪检组', 1, 0, '{}')",
                params![
                    format!("D{d:03}"),
                    format!("测试第{d}局"),
                    level,
                    format!("R{region}"),
                    rname
                ],
            )?;
        }
        for i in 0..ITEMS {
            tx.execute(
                "INSERT INTO items VALUES (?1, ?1, ?2, '1', ?3, 20, 'G', 10, 'G', '1', 1, 0, '{}')",
                params![
                    format!("I{i:04}"),
                    format!("事项{i}审批"),
                    format!("D{:03}", i % DEPTS)
                ],
            )?;
        }
        let mut case = tx.prepare(
            "INSERT INTO cases (case_id, seq, first_seq, reported_at, dept_id, item_code, \
             case_type, status, classified, applied_at, accepted_at, promised_limit, \
             promised_unit) VALUES (?1, ?2, ?2, ?3, ?4, ?5, '1', '3', ?6, ?3, ?3, 10, 'G')",
        )?;
        let mut version = tx.prepare(
            "INSERT INTO case_versions (seq, case_id, reported_at, received_at, status, \
             accepted_at, payload) VALUES (?1, ?2, ?3, ?3, '3', ?3, ?4)",
        )?;
        let mut signal = tx.prepare(
            "INSERT INTO case_signals (case_id, dept_id, item_code, signal, level, began_at, \
             open, paused, deadline, remaining_workdays, warning_at, yellow_at, red_at, \
             classified, known, case_seq, evaluated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, 0, ?7, 0, ?6, ?8, ?8, ?9, 1, ?10, ?8)",
        )?;
        for n in 0..cards {
            let id = format!("330100{:012}", n);
            let seq = i64::from(n) + 1;
            let item = (n * 7919) % ITEMS;
            let dept = format!("D{:03}", item % DEPTS);
            let item_code = format!("I{item:04}");
            let accepted = BASE - i64::from(n % 60) * 86_400 - i64::from(n % 28_800);
            let classified = n % 50 == 0;
            let handler = HANDLERS[(n % 12) as usize];
            let payload = serde_json::to_string(&case_of(
                &id,
                item,
                &dept,
                classified,
                n,
                accepted,
                handler,
            ))?;
            case.execute(params![id, seq, accepted, dept, item_code, classified])?;
            version.execute(params![seq, id, accepted, payload])?;
            let (lvl, name) = match n % 20 {
                0..=7 => (1, "warning"),
                8..=14 => (2, "yellow"),
                _ => (3, "red"),
            };
            let yellow_at = BASE - i64::from(n % 40) * 86_400;
            let began = yellow_at + 86_400 * i64::from(lvl - 1);
            signal.execute(params![
                id,
                dept,
                item_code,
                name,
                lvl,
                began,
                "2026-11-01",
                yellow_at,
                classified,
                seq
            ])?;
        }
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(())
}

/// A valid case of the feed (the search index is built from typed cases): accepted at
/// `accepted`, one step with `handler`.
fn case_of(
    id: &str,
    item: u32,
    dept: &str,
    classified: bool,
    n: u32,
    accepted: i64,
    handler: &str,
) -> Case {
    let at = Timestamp::from_unix(accepted).expect("in range");
    let limit = Limit {
        value: 10,
        unit: LimitUnit::G,
    };
    Case {
        id: id.to_string(),
        item_code: format!("I{item:04}"),
        item_name: format!("事项{item}审批"),
        department_id: dept.to_string(),
        case_type: CaseType::Promised,
        status: CaseStatus::Accepted,
        region_code: "330100".into(),
        classified,
        promised_limit: limit,
        statutory_limit: limit,
        application: Application {
            applied_at: at,
            applicant_name: format!("申请人{}", n % 9973),
            applicant_kind: "1".into(),
            source: "1".into(),
        },
        acceptance: Some(Acceptance {
            accepted_at: at,
            accepted_by: HANDLERS[((n + 5) % 12) as usize].into(),
            document_no: format!("受{n}"),
            promised_at: None,
        }),
        rejection: None,
        steps: vec![Step {
            name: "审查".into(),
            handler: handler.into(),
            action: None,
            opinion: None,
            started_at: at,
            ended_at: None,
            status: StepStatus::Pending,
        }],
        corrections: vec![],
        special_procedures: vec![],
        completion: None,
        withdrawal: None,
    }
}

/// Median milliseconds of `runs` runs of `f`, and the last result.
fn time<T>(runs: usize, mut f: impl FnMut() -> anyhow::Result<T>) -> anyhow::Result<(f64, T)> {
    let mut ms = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let out = f()?;
        ms.push(t.elapsed().as_secs_f64() * 1e3);
        last = Some(out);
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    Ok((ms[ms.len() / 2], last.expect("runs > 0")))
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.cards > 0, "--cards must be at least 1");
    let temporary = args.db.is_none();
    let path = args.db.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("jiancha-bench-queue-{}.sqlite", std::process::id()))
    });
    anyhow::ensure!(
        !path.exists(),
        "{} exists: give a new file (the benchmark builds its own cache)",
        path.display()
    );
    let mut db = Db::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
    let t = Instant::now();
    build(&mut db, args.cards)?;
    let build_s = t.elapsed().as_secs_f64();
    eprintln!("built {} open cards in {build_s:.1} s", args.cards);
    let t = Instant::now();
    jiancha_feed::db::search::refresh(&mut db)?;
    let refresh_ms = t.elapsed().as_secs_f64() * 1e3;
    let cal = Calendar::builtin();
    let now = BASE + 12 * 3600;
    let page = PageRequest {
        offset: 0,
        limit: args.page,
    };
    let measure = |f: &QueueFilter, p: PageRequest| {
        time(7, || {
            let pg = card_page_db(&db, &cal, f, p, now).map_err(|e| anyhow::anyhow!("{e}"))?;
            let bytes = serde_json::to_vec(&pg)?;
            Ok((pg.total, bytes.len()))
        })
    };
    let level = |l| QueueFilter {
        level: Some(l),
        ..QueueFilter::default()
    };
    let mut first = serde_json::Map::new();
    let mut first_page_ms: f64 = 0.0;
    let mut page_bytes = 0;
    for (name, l) in [
        ("warning", CardLevel::Warning),
        ("yellow", CardLevel::Yellow),
        ("red", CardLevel::Red),
    ] {
        let (ms, (total, bytes)) = measure(&level(l), page)?;
        first_page_ms = first_page_ms.max(ms);
        page_bytes = page_bytes.max(bytes);
        first.insert(
            name.into(),
            json!({"ms": round(ms), "total": total, "bytes": bytes}),
        );
    }
    let y = level(CardLevel::Yellow);
    let filters: Vec<(&str, QueueFilter, PageRequest)> = vec![
        (
            "department",
            QueueFilter {
                dept_id: Some("D007".into()),
                ..y.clone()
            },
            page,
        ),
        (
            "region",
            QueueFilter {
                region_code: Some("R3".into()),
                ..y.clone()
            },
            page,
        ),
        (
            "item",
            QueueFilter {
                item_code: Some("I0130".into()),
                ..y.clone()
            },
            page,
        ),
        (
            "handler",
            QueueFilter {
                handler: Some("李娜".into()),
                ..y.clone()
            },
            page,
        ),
        (
            "date_range",
            QueueFilter {
                from: Some("2026-10-10".into()),
                to: Some("2026-10-20".into()),
                ..y.clone()
            },
            page,
        ),
        (
            "text",
            QueueFilter {
                text: Some("申请人42".into()),
                ..y.clone()
            },
            page,
        ),
        (
            "text_all_levels",
            QueueFilter {
                text: Some("事项12".into()),
                ..QueueFilter::default()
            },
            page,
        ),
        (
            "combined",
            QueueFilter {
                region_code: Some("R3".into()),
                handler: Some("李娜".into()),
                text: Some("审批".into()),
                ..y.clone()
            },
            page,
        ),
        (
            "last_page",
            y.clone(),
            PageRequest {
                offset: (args.cards * 7 / 20).saturating_sub(args.page),
                limit: args.page,
            },
        ),
    ];
    let mut each = serde_json::Map::new();
    let mut filter_ms: f64 = 0.0;
    let mut slowest = "";
    for (name, f, p) in &filters {
        let (ms, (total, bytes)) = measure(f, *p)?;
        if ms > filter_ms {
            filter_ms = ms;
            slowest = name;
        }
        each.insert(
            (*name).into(),
            json!({"ms": round(ms), "total": total, "bytes": bytes}),
        );
    }
    let (counts_ms, counts) = time(7, || {
        counts_db(&db, &QueueFilter::default()).map_err(|e| anyhow::anyhow!("{e}"))
    })?;
    anyhow::ensure!(
        counts.warning + counts.yellow + counts.red == u64::from(args.cards),
        "the counts {counts:?} do not add up to {} cards",
        args.cards
    );
    drop(db);
    if temporary {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
        }
    }
    println!(
        "{}",
        json!({
            "bench": "queue",
            "cards": args.cards,
            "page_rows": args.page,
            "first_page_ms": round(first_page_ms),
            "filter_ms": round(filter_ms),
            "slowest_filter": slowest,
            "page_bytes": page_bytes,
            "counts_ms": round(counts_ms),
            "search_refresh_ms": round(refresh_ms),
            "build_s": round(build_s),
            "first_page": first,
            "filters": each,
            "target_ms": 50,
        })
    );
    Ok(ExitCode::SUCCESS)
}
