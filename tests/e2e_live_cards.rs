//! E2E (issue 5 items 4 and 7): when the simulator advances time, a new red card appears in
//! the open 红牌 queue without a reload or a navigation, and the in-app red-card notice
//! (bottom right, Art. B5(3)) comes with it.
//!
//! The app runs its embedded demo feed at `JIANCHA_DEMO_SPEED` = 20 000× (a simulated day in
//! about 4.3 s), so working-day boundaries, weekends and even a week-long holiday pass in
//! seconds whatever the wall-clock day. The red queue is filtered to cards that begin on a
//! simulated day still ahead (开始 ≥ that day): it is empty when the wait starts, so any row
//! that shows up is a card raised while the page stayed open.

mod support;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fantoccini::{Client, Locator};
use support::{
    click, number, screenshot, sign_in_as_new_admin, text_of, type_into, wait_for, wait_text,
    Driver,
};

/// Simulated seconds per wall second of the demo feed in this test.
const SPEED: i64 = 20_000;

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64
}

/// The China Standard Time date (`YYYY-MM-DD`) of a Unix instant (civil-from-days).
fn cst_date(unix: i64) -> String {
    let z = (unix + 8 * 3600).div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[test]
fn cst_dates() {
    assert_eq!(cst_date(0), "1970-01-01");
    // 2026-11-27 15:59:59 UTC is 23:59:59 CST; a second later it is the 28th in China.
    assert_eq!(cst_date(1_795_795_199), "2026-11-27");
    assert_eq!(cst_date(1_795_795_200), "2026-11-28");
    assert_eq!(cst_date(1_709_164_800), "2024-02-29");
}

/// The rendered rows of the queue table, top to bottom: each row's cell texts.
async fn rows(c: &Client) -> Vec<Vec<String>> {
    const ROWS: &str =
        "const rows = [...document.querySelectorAll('.queue-table .el-table-v2__row')]; \
        rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top); \
        return rows.map(r => [...r.querySelectorAll('.queue-cell')] \
            .map(c => c.getAttribute('title') || c.textContent || ''));";
    let v = c.execute(ROWS, vec![]).await.unwrap();
    v.as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    r.as_array()
                        .map(|cells| {
                            cells
                                .iter()
                                .map(|x| x.as_str().unwrap_or_default().trim().to_owned())
                                .collect()
                        })
                        .unwrap_or_default()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The text of the in-app red-card notice if one is shown.
async fn red_notice(c: &Client) -> Option<String> {
    let el = c.find(Locator::Css(".live-red-notice")).await.ok()?;
    let t = el.text().await.ok()?;
    (!t.trim().is_empty()).then(|| t.trim().to_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_red_card_appears_in_the_open_queue_without_reload() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e-live-cards.sqlite");
    // The demo city's history ends at the app's first start, at or after this instant.
    let t0 = unix_now();
    let driver = Driver::start(&[
        ("JIANCHA_DB", db.display().to_string()),
        ("JIANCHA_DEMO_SPEED", SPEED.to_string()),
    ]);
    let c = driver.session().await;
    sign_in_as_new_admin(&c).await;
    // Red-card notices gathered from here on (one may come while the first sync settles).
    let mut notice = red_notice(&c).await;

    wait_text(&c, "[data-testid=sync-bar-state]", 240, |t| t == "已同步").await;
    eprintln!("synced after {:?}", started.elapsed());
    click(&c, "[data-testid=nav-red]").await;
    wait_for(&c, "[data-testid=queue-red]").await;
    wait_text(&c, "[data-testid=queue-counts]", 30, |t| {
        t.starts_with('共')
    })
    .await;

    // Simulated time now ≤ wall now + SPEED × (wall now − t0). Twenty more wall seconds of
    // margin (typing the date and the filter reaching Rust on a loaded machine), then the
    // next day in CST.
    let now = unix_now();
    let ahead = now + (now - t0 + 20) * SPEED;
    let from = cst_date(ahead + 86_400);
    type_into(&c, "[data-testid=queue-from]", &from).await;
    let empty = wait_text(&c, "[data-testid=queue-counts]", 20, |t| {
        t.starts_with('共') && number(t) == 0
    })
    .await;
    assert!(rows(&c).await.is_empty(), "{empty}: no rows yet");
    let badge = text_of(&c, "[data-testid=count-red]").await;
    assert_eq!(number(&badge), 0, "red badge under the filter: {badge}");
    screenshot(&c, "live-cards-before").await;

    // From here on: no navigation, no reload. A marker on the page's window survives only
    // if the page is not reloaded.
    let url = c.current_url().await.unwrap();
    c.execute("window.__e2eLiveMarker = 'kept'; return null;", vec![])
        .await
        .unwrap();

    let wait_from = Instant::now();
    let deadline = wait_from + Duration::from_secs(120);
    let mut new_row: Option<Vec<String>> = None;
    loop {
        if notice.is_none() {
            notice = red_notice(&c).await;
            if notice.is_some() {
                screenshot(&c, "live-cards-notice").await;
            }
        }
        if new_row.is_none() {
            let counts = c
                .find(Locator::Css("[data-testid=queue-counts]"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap_or_default();
            if number(&counts) > 0 {
                let shown = rows(&c).await;
                if let Some(r) = shown.into_iter().find(|r| {
                    r.first()
                        .is_some_and(|id| !id.is_empty() && id != "加载中…")
                }) {
                    eprintln!(
                        "new red card after {:?} of waiting: {r:?}",
                        wait_from.elapsed()
                    );
                    new_row = Some(r);
                    screenshot(&c, "live-cards-after").await;
                }
            }
        }
        if new_row.is_some() && notice.is_some() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "after 120 s: new row {new_row:?}, red notice {notice:?}"
        );
        tokio::time::sleep(Duration::from_millis(400)).await;
    }

    // The row is a red card of a case, begun on or after the filter's day (the two instants
    // in a row are acceptance and begin, CST `YYYY-MM-DD HH:mm`; the begin is the later).
    let row = new_row.unwrap();
    assert!(row[0].len() >= 8, "case id: {row:?}");
    assert_eq!(row.get(1).map(String::as_str), Some("红牌"), "{row:?}");
    let began = row
        .iter()
        .filter(|x| x.len() == 16 && x.as_bytes()[4] == b'-' && x.as_bytes()[13] == b':')
        .max()
        .unwrap_or_else(|| panic!("no instants in {row:?}"));
    assert!(
        began.as_str() >= from.as_str(),
        "began {began} before {from}"
    );
    let badge = text_of(&c, "[data-testid=count-red]").await;
    assert!(number(&badge) > 0, "the red badge follows: {badge}");

    // Art. B5(3): the notice names the new red cards and an example case.
    let notice = notice.unwrap();
    assert!(notice.contains("新增红牌"), "{notice}");
    assert!(
        notice.contains("张红牌") && notice.contains("例如办件"),
        "{notice}"
    );

    // Same page, same document: nothing navigated or reloaded.
    assert_eq!(c.current_url().await.unwrap(), url);
    let marker = c
        .execute("return window.__e2eLiveMarker || null;", vec![])
        .await
        .unwrap();
    assert_eq!(marker.as_str(), Some("kept"), "the page was reloaded");
    eprintln!("test took {:?}", started.elapsed());
    c.close().await.unwrap();
}
