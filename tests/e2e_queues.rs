//! E2E (issue 5 items 1–3): on the embedded default (the demo feed synced by the app itself),
//! the dashboard shows counts and both charts from Rust; the 黄牌 queue shows the simulator's
//! cards; a filter narrows the 红牌 queue; Enter opens a case with its timeline and clock.

mod support;

use std::time::{Duration, Instant};

use fantoccini::key::Key;
use support::{
    click, number, screenshot, sign_in_as_new_admin, text_of, type_into, wait_for, wait_text,
    Driver,
};

#[tokio::test(flavor = "multi_thread")]
async fn queues_filter_and_open_a_case() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e-queues.sqlite");
    let driver = Driver::start(&[("JIANCHA_DB", db.display().to_string())]);
    let c = driver.session().await;
    sign_in_as_new_admin(&c).await;

    // The app syncs its demo feed and evaluates; the dashboard follows through events.
    wait_text(&c, "[data-testid=sync-bar-state]", 300, |t| t == "已同步").await;
    let yellow = wait_text(&c, "[data-testid=dash-yellow]", 60, |t| number(t) > 0).await;
    assert!(yellow.contains("黄牌"), "{yellow}");
    // Both charts are inline SVG drawn in Rust.
    wait_for(&c, "[data-testid=chart-daily] svg").await;
    wait_for(&c, "[data-testid=chart-depts] svg").await;
    let top = text_of(&c, "[data-testid=dashboard-top-depts] tbody").await;
    assert!(!top.trim().is_empty());
    // The app-info block stays.
    text_of(&c, "[data-testid=db-path]").await;
    screenshot(&c, "dashboard").await;

    // 黄牌 queue: the simulator's cards, counted.
    click(&c, "[data-testid=nav-yellow]").await;
    wait_for(&c, "[data-testid=queue-yellow]").await;
    let all = wait_text(&c, "[data-testid=queue-counts]", 30, |t| number(t) > 0).await;
    let badge = text_of(&c, "[data-testid=count-yellow]").await;
    assert!(number(&badge) > 0, "count badge {badge}, table {all}");
    screenshot(&c, "queue-yellow").await;

    // 红牌 (a red card stays red while open, so the live demo cannot move it away): a filter
    // narrows the queue to the first row's case id; then Enter opens it.
    click(&c, "[data-testid=nav-red]").await;
    wait_for(&c, "[data-testid=queue-red]").await;
    let all = wait_text(&c, "[data-testid=queue-counts]", 30, |t| number(t) > 0).await;
    let total = number(&all);
    // The first cell of the top row (its `title` holds the text: cells are ellipsised; the
    // virtualized rows are absolutely positioned, so the top one is found by position).
    const FIRST: &str =
        "const rows = [...document.querySelectorAll('.queue-table .el-table-v2__row')]; \
        rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top); \
        const cell = rows.length ? rows[0].querySelector('.queue-cell') : null; \
        return cell ? (cell.getAttribute('title') || '') : '';";
    let first = {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let t = c.execute(FIRST, vec![]).await.unwrap();
            let t = t.as_str().unwrap_or_default().trim().to_owned();
            if !t.is_empty() {
                break t;
            }
            assert!(Instant::now() < deadline, "the first row never loaded");
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    };
    assert!(!first.is_empty() && first != "加载中…");
    type_into(&c, "[data-testid=queue-search]", &first).await;
    wait_text(&c, "[data-testid=queue-counts]", 20, |t| number(t) == 1).await;
    assert!(total >= 1);

    // A click selects the row; Enter opens the case: facts, clock and timeline.
    click(&c, ".queue-table .el-table-v2__row").await;
    let table = wait_for(&c, "[data-testid=queue-table]").await;
    table.send_keys(&Key::Enter.to_string()).await.unwrap();
    let id = text_of(&c, "[data-testid=case-id]").await;
    assert_eq!(id.trim(), first);
    let timeline = text_of(&c, "[data-testid=case-timeline]").await;
    assert!(timeline.contains("受理"), "{timeline}");
    let countdown = text_of(&c, "[data-testid=case-countdown]").await;
    assert!(
        countdown.contains("超期") || countdown.contains("到期"),
        "{countdown}"
    );
    text_of(&c, "[data-testid=case-deadline]").await;
    wait_for(&c, "[data-testid=case-actions]").await;
    screenshot(&c, "case").await;

    // The findings queue, reached from the counts of a queue: the planted integrity faults.
    click(&c, "[data-testid=nav-warnings]").await;
    click(&c, "[data-testid=count-findings]").await;
    wait_for(&c, "[data-testid=queue-findings]").await;
    wait_text(&c, "[data-testid=queue-counts]", 30, |t| number(t) > 0).await;
    screenshot(&c, "queue-findings").await;
    c.close().await.unwrap();
}
