//! E2E: the real app in WebKitGTK, driven through WebDriver.
//! Asserts text that can only have come from Rust through IPC (the database path the
//! service opened, which the test chose), so a broken `app_info` command fails it.

mod support;

use support::{screenshot, sign_in_as_new_admin, text_of, Driver};

#[tokio::test(flavor = "multi_thread")]
async fn shell_opens_and_shows_facts_from_rust() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e-shell.sqlite");
    let driver = Driver::start(&[("JIANCHA_DB", db.display().to_string())]);
    let c = driver.session().await;
    // Nothing of the console shows before someone signs in: create the first administrator.
    sign_in_as_new_admin(&c).await;
    let version = text_of(&c, "[data-testid=app-version]").await;
    assert!(
        version.contains(env!("CARGO_PKG_VERSION")),
        "version shown: {version}"
    );
    let shown_db = text_of(&c, "[data-testid=db-path]").await;
    assert_eq!(shown_db.trim(), db.display().to_string());
    assert!(
        db.exists(),
        "the service should have created the SQLite file"
    );

    // The embedded default: the demo simulator serving in-process on loopback.
    let feed = text_of(&c, "[data-testid=feed-url]").await;
    assert!(
        feed.trim().starts_with("http://127.0.0.1:"),
        "the demo feed should serve on loopback: {feed}"
    );

    // The shell is Chinese first.
    let title_bar = text_of(&c, "[data-testid=app-title]").await;
    assert_eq!(title_bar.trim(), "电子监察工作台");
    let nav = text_of(&c, "[data-testid=nav-dashboard]").await;
    assert!(
        nav.contains("总览"),
        "navigation should be in Chinese: {nav}"
    );
    screenshot(&c, "shell").await;
    c.close().await.unwrap();
}

/// A database the program cannot open (here: not SQLite at all) does not crash the console:
/// the window opens and says what is wrong, naming the file, and the file is left as it was.
#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_database_is_reported_in_the_window_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("damaged.sqlite");
    let garbage = "this is not a SQLite database, but somebody's data\n".repeat(100);
    std::fs::write(&db, &garbage).unwrap();
    let driver = Driver::start(&[("JIANCHA_DB", db.display().to_string())]);
    let c = driver.session().await;
    let shown = support::wait_text(&c, "[data-testid=auth-error]", 60, |t| !t.is_empty()).await;
    assert!(shown.contains("无法打开数据文件"), "{shown}");
    assert!(shown.contains("damaged.sqlite"), "{shown}");
    screenshot(&c, "damaged-database").await;
    c.close().await.unwrap();
    drop(driver);
    assert_eq!(std::fs::read_to_string(&db).unwrap(), garbage);
}
