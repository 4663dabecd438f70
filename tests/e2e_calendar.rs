//! E2E: the 日历 screen in the real app. 2026 shows 国庆节 (10-01..10-07) as holidays from the
//! shipped data; a single-day edit with a reason is stored through IPC, marks the day as
//! edited, reports its recomputation, and appears in the edit history.

mod support;

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use support::{screenshot, text_of, Driver};

async fn attr(c: &Client, css: &str, name: &str) -> Option<String> {
    c.find(Locator::Css(css))
        .await
        .ok()?
        .attr(name)
        .await
        .ok()
        .flatten()
}

/// Waits until `css`'s attribute `name` equals `want`.
async fn wait_attr(c: &Client, css: &str, name: &str, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got = attr(c, css, name).await;
        if got.as_deref() == Some(want) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "`{css}` [{name}] is {got:?}, want {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn calendar_shows_national_day_and_records_an_edit_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e-calendar.sqlite");
    let driver = Driver::start(&[("JIANCHA_DB", db.display().to_string())]);
    let c = driver.session().await;
    // Open 日历 from the navigation, then ask for 2026 (the test must not depend on today).
    let nav = text_of(&c, "[data-testid=nav-calendar]").await;
    assert!(nav.contains("日历"), "navigation: {nav}");
    c.find(Locator::Css("[data-testid=nav-calendar]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.execute("window.location.hash = '#/calendar?year=2026'", vec![])
        .await
        .unwrap();
    c.refresh().await.unwrap();
    text_of(&c, "[data-testid=calendar-summary]").await;

    // 国庆节: 10-01..10-07 off, named; 10-10 a make-up working day; 2026 is not provisional.
    for d in 1..=7 {
        let css = format!("[data-testid=day-2026-10-{d:02}]");
        wait_attr(&c, &css, "data-kind", "holiday").await;
        let title = attr(&c, &css, "title").await.unwrap_or_default();
        assert!(title.contains("国庆节"), "{css} title: {title}");
    }
    wait_attr(&c, "[data-testid=day-2026-10-10]", "data-kind", "makeup").await;
    assert!(
        c.find(Locator::Css("[data-testid=provisional-banner]"))
            .await
            .is_err(),
        "2026 is shipped, not provisional"
    );
    screenshot(&c, "calendar-2026").await;

    // Edit 2026-12-01 (a Tuesday) to a day off, with a reason.
    wait_attr(&c, "[data-testid=day-2026-12-01]", "data-kind", "workday").await;
    c.find(Locator::Css("[data-testid=day-2026-12-01]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let reason = "E2E 市政府通知停工一天";
    let deadline = Instant::now() + Duration::from_secs(20);
    let input = loop {
        if let Ok(el) = c
            .find(Locator::Css(
                "textarea[data-testid=edit-reason], [data-testid=edit-reason] textarea",
            ))
            .await
        {
            if el.is_displayed().await.unwrap_or(false) {
                break el;
            }
        }
        assert!(Instant::now() < deadline, "the edit dialog did not open");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    input.send_keys(reason).await.unwrap();
    c.find(Locator::Css("[data-testid=edit-save]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    // The change came back from Rust: a version, the recomputation, the day marked.
    let result = text_of(&c, "[data-testid=recompute-result]").await;
    assert!(result.contains("版本"), "result: {result}");
    let summary = text_of(&c, "[data-testid=recompute-summary]").await;
    assert!(summary.contains("重算"), "recomputation: {summary}");
    wait_attr(&c, "[data-testid=day-2026-12-01]", "data-kind", "holiday").await;
    wait_attr(&c, "[data-testid=day-2026-12-01]", "data-source", "edited").await;
    let history = text_of(&c, "[data-testid=calendar-history]").await;
    assert!(history.contains(reason), "history: {history}");
    assert!(history.contains("2026-12-01"), "history: {history}");
    screenshot(&c, "calendar-edited").await;
    c.close().await.unwrap();

    // Stored: the edit is in the database the app opened, with its reason.
    let svc = jiancha_service::Service::open(jiancha_service::Config {
        db_path: db.clone(),
        feed: jiancha_service::FeedSource::Demo,
    })
    .unwrap();
    let h = jiancha_service::calendar::history(&svc).unwrap();
    assert_eq!(h.len(), 1, "{h:?}");
    assert_eq!(h[0].reason, reason);
    assert_eq!(h[0].days[0].date, "2026-12-01");
    assert!(!h[0].days[0].workday);
}
