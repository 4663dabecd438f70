//! E2E (issue 6 item 8, issue 7 item 5): the letter workflows through the real window, on the
//! embedded demo feed. An officer takes a yellow card from the queue on the case screen,
//! drafts, numbers and issues the 效能告诫书 — the DOCX and PDF are on disk; then takes a red
//! card, submits it, the leader approves with their own credentials in the approval dialog,
//! and the 初步调查通知书 is issued with its files on disk. The 文书 screen lists both.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use support::{
    any_displayed, base, click, first_case, open_case, screenshot, staff_and_sign_in_officer,
    text_of, type_into, wait_for, Driver,
};

const OFFICER: (&str, &str) = ("wang", "officer-pass-1");
const LEADER: (&str, &str) = ("li", "leader-pass-1");

/// Waits until the text at `css` contains `needle`.
async fn wait_contains(c: &Client, css: &str, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(el) = c.find(Locator::Css(css)).await {
            if let Ok(t) = el.text().await {
                if t.contains(needle) {
                    return t;
                }
            }
        }
        if Instant::now() >= deadline {
            // What the window shows, for the flaky failure this wait has had on a loaded
            // machine (issue 12 item 10): any error, in the panel or a dialog, whether a
            // dialog is still open, and a screenshot.
            let mut err = String::new();
            for sel in [
                "[data-testid=letters-error]",
                "[data-testid=form-error]",
                "[data-testid=red-error]",
            ] {
                for e in c.find_all(Locator::Css(sel)).await.unwrap_or_default() {
                    err += &format!("{sel}: {:?}; ", e.text().await.unwrap_or_default());
                }
            }
            let dialog_open = any_displayed(c, "[data-testid=form-submit]").await;
            let panel = match c.find(Locator::Css("[data-testid=case-letters]")).await {
                Ok(e) => e.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            screenshot(c, "letters-wait-failed").await;
            panic!(
                "`{css}` never contained {needle:?}; errors: {err}; a dialog open: \
                 {dialog_open}; panel: {panel:?}"
            );
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

fn assert_files(text: &str) {
    // The list items' texts may come joined: split after ".docx" (each item also holds its
    // 打开 button).
    let text = &text.replace("打开", "");
    let cut = text.find(".docx").map(|i| i + 5).expect("a .docx path");
    let (docx, pdf) = (text[..cut].trim(), text[cut..].trim());
    assert!(docx.ends_with(".docx") && pdf.ends_with(".pdf"), "{text}");
    for f in [docx, pdf] {
        let m = std::fs::metadata(f).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(m.len() > 1000, "{f} is {} bytes", m.len());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn yellow_card_to_issued_letter_and_red_card_approved_notice_issued() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e-letters.sqlite");
    // The system's viewer: a script that records what it was asked to open.
    let opened_log = dir.path().join("opened.log");
    let opener = dir.path().join("open-with.sh");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\necho \"$1\" >> '{}'\n", opened_log.display()),
    )
    .unwrap();
    let mut perms = std::fs::metadata(&opener).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&opener, perms).unwrap();
    let driver = Driver::start(&[
        ("JIANCHA_DB", db.display().to_string()),
        ("JIANCHA_OPEN_WITH", opener.display().to_string()),
    ]);
    let c = driver.session().await;
    // The demo feed's first (cold) sync holds the write lock for a while on a busy machine:
    // the setup page appears once the first-run check gets through.
    let deadline = Instant::now() + Duration::from_secs(60);
    while c
        .find(Locator::Css("[data-testid=setup-page]"))
        .await
        .is_err()
    {
        if Instant::now() > deadline {
            let why = c
                .execute_async(
                    "const done = arguments[0]; const s = document.querySelector('script[type=module]'); if (!s) { done('no module script: ' + document.documentElement.outerHTML.slice(0, 300)); return; } setTimeout(() => done('auth_status hangs; app=' + document.getElementById('app')?.innerHTML.slice(0, 200)), 10000); window.__TAURI_INTERNALS__.invoke('auth_status', {}).then((v) => done('auth_status ' + JSON.stringify(v)), (e) => done('auth_status ERR ' + JSON.stringify(e)));",
                    vec![],
                )
                .await;
            panic!("no setup page after 60 s: {why:?}");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    staff_and_sign_in_officer(&c, OFFICER, LEADER).await;

    // Yellow: queue → case → card → draft → number → issue → files on disk.
    let yellow = first_case(&c, "yellow").await;
    open_case(&c, &yellow).await;
    click(&c, "[data-testid=take-up-yellow]").await;
    click(&c, "[data-testid=draft-admonition]").await;
    wait_contains(&c, "[data-testid=admonition-state]", "草稿").await;
    // 编号 and 签发 ask first, naming the addressee (and the number).
    click(&c, "[data-testid=assign-number]").await;
    let ask = support::confirm_box(&c).await;
    assert!(ask.contains("不能收回") && ask.contains("主送"), "{ask}");
    let state = wait_contains(&c, "[data-testid=admonition-number]", "号").await;
    assert!(state.contains("新监效告〔"), "{state}");
    click(&c, "[data-testid=issue-admonition]").await;
    let ask = support::confirm_box(&c).await;
    assert!(ask.contains(state.trim()) && ask.contains("主送"), "{ask}");
    wait_contains(&c, "[data-testid=admonition-state]", "已签发").await;
    let files = text_of(&c, "[data-testid=admonition-files]").await;
    assert_files(&files);
    assert!(
        files.contains(&dir.path().join("letters").display().to_string()),
        "{files}"
    );
    screenshot(&c, "letters-case-yellow").await;
    // The letter as issued: the centre's facts, no gap, no demo value (Art. B7).
    let files = files.replace("打开", "");
    let pdf = files[files.find(".docx").unwrap() + 5..].trim().to_string();
    let out = std::process::Command::new("pdftotext")
        .args([&pdf, "-"])
        .output()
        .expect("pdftotext");
    let text: String = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect();
    for fact in [support::CENTRE.0, support::CENTRE.1, support::CENTRE.2] {
        assert!(text.contains(fact), "{fact} not in the letter: {text}");
    }
    assert!(
        !text.contains("待补") && !text.contains("分管领导（分管领导）"),
        "{text}"
    );
    // 打开 hands the file to the system's viewer (here a script that records it).
    click(&c, "[data-testid=letter-open]").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let opened = std::fs::read_to_string(&opened_log).unwrap_or_default();
        if opened.contains(".docx") || opened.contains(".pdf") {
            assert!(
                opened.contains(&dir.path().join("letters").display().to_string()),
                "{opened}"
            );
            break;
        }
        assert!(Instant::now() < deadline, "nothing opened: {opened:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Red: queue → case → card → submit → leader approves in the dialog → notice issued.
    let red = first_case(&c, "red").await;
    open_case(&c, &red).await;
    click(&c, "[data-testid=take-up-red]").await;
    click(&c, "[data-testid=submit-red]").await;
    type_into(
        &c,
        "[data-testid=form-summary] textarea, textarea[data-testid=form-summary]",
        "逾期两个工作日仍未办结",
    )
    .await;
    click(&c, "[data-testid=form-submit]").await;
    wait_contains(&c, "[data-testid=red-state]", "待").await;
    click(&c, "[data-testid=red-approve]").await;
    click(&c, "[data-testid=form-submit]").await;
    wait_for(&c, "[data-testid=leader-approval]").await;
    type_into(&c, "[data-testid=approval-username]", LEADER.0).await;
    type_into(&c, "[data-testid=approval-password]", LEADER.1).await;
    click(&c, "[data-testid=approval-submit]").await;
    wait_contains(&c, "[data-testid=red-case]", "li").await;
    click(&c, "[data-testid=issue-notice]").await;
    click(&c, "[data-testid=form-submit]").await;
    let no = text_of(&c, "[data-testid=notice-number]").await;
    assert!(no.starts_with("新监初调〔"), "{no}");
    assert_files(&text_of(&c, "[data-testid=notice-files]").await);
    screenshot(&c, "letters-case-red").await;

    // 文书 lists both letters.
    c.goto(&format!("{}#/letters", base(&c).await))
        .await
        .unwrap();
    let table = wait_contains(&c, "[data-testid=letters-table]", "新监初调").await;
    assert!(table.contains("新监效告"), "{table}");
    screenshot(&c, "letters-list").await;
    assert!(Path::new(&dir.path().join("letters")).is_dir());
    c.close().await.unwrap();
}
