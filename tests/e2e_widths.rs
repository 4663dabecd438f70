//! E2E (issue 12 items 7–9): every width. At 1366×768, 1440×900 and 1920×1080 the 黄牌 queue
//! shows every 办件编号, 办结期限 and 区划 whole (no ellipsis), takes the keyboard on arrival
//! (ArrowDown selects a row with no click first), and the case screen's action column and its
//! letter editing box grow with the window; a toast covers neither the filter bar nor the queue;
//! the 同步 screen highlights a department whose data stopped; a paused card shows 暂停计时 and
//! its frozen budget. Screenshots: `tests/e2e/out/widths-{queue,toast,case,sync}-{1366,1440,1920}.png`
//! and `widths-queue-paused.png`.

mod support;

use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::Client;
use support::{
    click, first_case, ipc, number, open_case, screenshot, staff_and_sign_in_officer, type_into,
    wait_for, wait_text, Driver,
};

const OFFICER: (&str, &str) = ("wang", "officer-pass-1");
const LEADER: (&str, &str) = ("li", "leader-pass-1");
const SIZES: [(u32, u32); 3] = [(1366, 768), (1440, 900), (1920, 1080)];

/// Resizes the window and waits until the page sees the new width.
async fn resize(c: &Client, w: u32, h: u32) {
    c.set_window_size(w, h).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let inner = c.execute("return window.innerWidth", vec![]).await.unwrap();
        let inner = inner.as_u64().unwrap_or(0);
        // The window has no decorations under Xvfb: inner = outer, give or take a frame.
        if inner.abs_diff(u64::from(w)) <= 16 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "window.innerWidth is {inner} after asking for {w}×{h}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The rendered queue rows' `whole` cells (办件编号, 办结期限, 区划, …) whose text does not fit:
/// `(checked cells, case-number cells, truncated texts)`.
async fn truncated_cells(c: &Client) -> (u64, u64, Vec<String>) {
    const JS: &str = "
        const rows = [...document.querySelectorAll('.queue-table .el-table-v2__row')];
        let checked = 0, cases = 0; const bad = [];
        for (const r of rows) {
            const cells = [...r.querySelectorAll('.queue-cell--whole')];
            cells.forEach((s, i) => {
                const cell = s.parentElement;
                if (!s.textContent) return;
                checked++;
                if (i === 0) cases++;
                if (s.scrollWidth > s.clientWidth || cell.scrollWidth > cell.clientWidth)
                    bad.push(`${s.textContent} (${s.scrollWidth}/${s.clientWidth}, cell ${cell.scrollWidth}/${cell.clientWidth})`);
            });
        }
        return [checked, cases, bad];";
    let v = c.execute(JS, vec![]).await.unwrap();
    let a = v.as_array().expect("an array");
    let bad = a[2]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap_or_default().to_owned())
        .collect();
    (a[0].as_u64().unwrap(), a[1].as_u64().unwrap(), bad)
}

/// Waits until the queue's top row has its case number (the first page arrived and rendered).
async fn wait_rows(c: &Client) {
    const JS: &str = "
        const rows = [...document.querySelectorAll('.queue-table .el-table-v2__row')];
        return rows.some((r) => (r.querySelector('.queue-cell--whole')?.textContent || '').length > 5);";
    let deadline = Instant::now() + Duration::from_secs(30);
    while c.execute(JS, vec![]).await.unwrap() != serde_json::Value::Bool(true) {
        assert!(Instant::now() < deadline, "the queue rows never loaded");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // Widths follow the rows a moment later (measured after they render).
    tokio::time::sleep(Duration::from_millis(400)).await;
}

/// Every toast shown (`.el-message`: position fixed, so not found by `offsetParent`) lies clear
/// of the element at `css`.
async fn toasts_clear_of(c: &Client, css: &str) {
    let v = c
        .execute(
            "const e = document.querySelector(arguments[0]); if (!e) return 'missing'; \
             const s = e.getBoundingClientRect(); \
             const toasts = [...document.querySelectorAll('.el-message')] \
                 .map((t) => t.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0); \
             if (!toasts.length) return 'no toast'; \
             const hit = toasts.filter((r) => !(r.right <= s.left || s.right <= r.left || r.bottom <= s.top || s.bottom <= r.top)); \
             return hit.length ? JSON.stringify({ toasts: hit.map((r) => [r.left, r.top, r.right, r.bottom]), el: [s.left, s.top, s.right, s.bottom] }) : 'clear';",
            vec![css.into()],
        )
        .await
        .unwrap();
    assert_eq!(v.as_str(), Some("clear"), "a toast over `{css}`");
}

/// A rectangle `[width, height]` of the first element at `css`.
async fn size_of(c: &Client, css: &str) -> (f64, f64) {
    let v = c
        .execute(
            "const e = document.querySelector(arguments[0]); if (!e) return null; \
             const r = e.getBoundingClientRect(); return [r.width, r.height];",
            vec![css.into()],
        )
        .await
        .unwrap();
    let a = v.as_array().unwrap_or_else(|| panic!("nothing at `{css}`"));
    (a[0].as_f64().unwrap(), a[1].as_f64().unwrap())
}

/// Issue 12 item 8: a paused card (the demo city has some: 补正, special procedures) shows
/// 暂停计时 and its frozen budget, not a running "超期 / 剩余". Screenshot `widths-queue-paused`.
async fn paused_row_shows_its_frozen_budget(c: &Client) {
    let mut found = None;
    for level in ["warning", "yellow", "red"] {
        let filter = serde_json::json!({ "level": level, "region_code": null, "dept_id": null, "item_code": null, "handler": null, "from": null, "to": null, "text": null });
        let r = ipc(
            c,
            "queue_page",
            serde_json::json!({ "req": { "filter": filter, "page": { "offset": 0, "limit": 500 } } }),
        )
        .await;
        let rows = r.pointer("/ok/rows").and_then(|v| v.as_array()).cloned();
        let paused = rows
            .unwrap_or_default()
            .into_iter()
            .find(|row| row["clock"] == "paused");
        if let Some(row) = paused {
            found = Some((level, row));
            break;
        }
    }
    let (level, row) = found.expect("the demo city has a paused card in some queue");
    assert!(
        row["remaining_workdays"].is_null() && row["overdue_secs"].is_null(),
        "{row}"
    );
    let id = row["case_id"].as_str().unwrap().to_owned();
    let nav = match level {
        "warning" => "warnings",
        other => other,
    };
    click(c, &format!("[data-testid=nav-{nav}]")).await;
    wait_for(c, &format!("[data-testid=queue-{level}]")).await;
    type_into(c, "[data-testid=queue-search]", &id).await;
    wait_text(c, "[data-testid=queue-counts]", 20, |t| number(t) == 1).await;
    wait_rows(c).await;
    let cells = c
        .execute(
            "const r = document.querySelector('.queue-table .el-table-v2__row'); \
             return r ? [...r.querySelectorAll('.queue-cell')].map((x) => x.textContent) : [];",
            vec![],
        )
        .await
        .unwrap();
    let cells: Vec<String> = cells
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap_or_default().to_owned())
        .collect();
    // 办件编号, 级别, 超期, 办结期限, 剩余日, …
    assert_eq!(cells.first(), Some(&id), "{cells:?}");
    assert_eq!(cells[2], "暂停计时", "{cells:?}");
    let frozen = row["frozen_workdays"].as_i64().expect("a frozen budget");
    assert_eq!(cells[4], format!("{frozen}（冻结）"), "{cells:?}");
    screenshot(c, "widths-queue-paused").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_width_keeps_case_numbers_whole_and_the_case_screen_grows() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e-widths.sqlite");
    let driver = Driver::start(&[("JIANCHA_DB", db.display().to_string())]);
    let c = driver.session().await;
    staff_and_sign_in_officer(&c, OFFICER, LEADER).await;
    wait_text(&c, "[data-testid=sync-bar-state]", 300, |t| t == "已同步").await;

    // A yellow card with a draft 效能告诫书: the case screen then shows the letter editing box.
    let case = first_case(&c, "yellow").await;
    open_case(&c, &case).await;
    click(&c, "[data-testid=take-up-yellow]").await;
    click(&c, "[data-testid=draft-admonition]").await;
    wait_for(&c, "[data-testid=admonition-body]").await;

    let mut actions = Vec::new();
    let mut boxes = Vec::new();
    for (w, h) in SIZES {
        resize(&c, w, h).await;

        // Arrival on the 黄牌 queue through the navigation: the table has the keyboard.
        click(&c, "[data-testid=nav-dashboard]").await;
        click(&c, "[data-testid=nav-yellow]").await;
        wait_for(&c, "[data-testid=queue-yellow]").await;
        wait_text(&c, "[data-testid=queue-counts]", 30, |t| number(t) > 0).await;
        wait_rows(&c).await;
        let focused = c
            .execute(
                "return document.activeElement?.getAttribute('data-testid') || document.activeElement?.tagName",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            focused.as_str(),
            Some("queue-table"),
            "at {w}: focus on {focused}"
        );
        // ArrowDown through the keyboard as it is (no element targeted, no click).
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down {
                value: Key::Down.into(),
            })
            .then(KeyAction::Up {
                value: Key::Down.into(),
            });
        c.perform_actions(keys).await.unwrap();
        let counts = wait_text(&c, "[data-testid=queue-counts]", 10, |t| {
            t.contains("第 1 条")
        })
        .await;
        assert!(counts.contains("第 1 条"), "{counts}");
        wait_for(&c, ".queue-table .queue-row--selected").await;

        let (checked, cases, bad) = truncated_cells(&c).await;
        assert!(
            cases >= 3 && checked >= cases * 3,
            "at {w}: {checked} cells, {cases} case numbers"
        );
        assert!(bad.is_empty(), "at {w}×{h} truncated: {bad:?}");
        let clipped = support::clipped_placeholders(&c).await;
        assert!(
            clipped.is_empty(),
            "at {w}×{h} the queue's placeholders are cut: {clipped:?}"
        );
        screenshot(&c, &format!("widths-queue-{w}")).await;

        // A toast (a date Rust refuses: both the page and the counts fail) sits in the top
        // bar: it covers neither the filter bar nor the queue.
        type_into(&c, "[data-testid=queue-from]", "2026-13-01").await;
        wait_for(&c, ".el-message").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        toasts_clear_of(&c, "[data-testid=queue-filters]").await;
        toasts_clear_of(&c, "[data-testid=queue-table]").await;
        screenshot(&c, &format!("widths-toast-{w}")).await;
        type_into(&c, "[data-testid=queue-from]", "").await;

        // The case screen: the action column and the letter box.
        open_case(&c, &case).await;
        wait_for(&c, "[data-testid=admonition-body]").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        actions.push(size_of(&c, "[data-testid=case-actions]").await);
        boxes.push(size_of(&c, "[data-testid=admonition-body]").await);
        screenshot(&c, &format!("widths-case-{w}")).await;
        let clipped = support::clipped_placeholders(&c).await;
        assert!(
            clipped.is_empty(),
            "at {w}×{h} the case's placeholders are cut: {clipped:?}"
        );

        // 文书: its filter bar's placeholders fit too.
        click(&c, "[data-testid=nav-letters]").await;
        wait_for(&c, "[data-testid=letters-screen]").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let clipped = support::clipped_placeholders(&c).await;
        assert!(
            clipped.is_empty(),
            "at {w}×{h} 文书's placeholders are cut: {clipped:?}"
        );

        // 同步: the department whose data stopped (the demo city plants one) is highlighted.
        click(&c, "[data-testid=nav-sync]").await;
        wait_for(&c, "[data-testid=sync-departments] .dept-row--stalled").await;
        wait_for(&c, "[data-testid^=dept-stalled-]").await;
        screenshot(&c, &format!("widths-sync-{w}")).await;
    }
    paused_row_shows_its_frozen_budget(&c).await;

    let (a1366, a1920) = (actions[0], actions[2]);
    assert!(
        a1920.0 > a1366.0 + 120.0,
        "the action column grows with the window: {actions:?}"
    );
    let (b1366, b1920) = (boxes[0], boxes[2]);
    assert!(
        b1920.0 > b1366.0 + 120.0 && b1920.1 > b1366.1,
        "the letter box grows with the window: {boxes:?}"
    );
    c.close().await.unwrap();
}
