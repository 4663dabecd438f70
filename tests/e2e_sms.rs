//! E2E (issue 6 items 1 and 8): a warning notice by SMS through the real window, against the
//! real loopback SMS test gateway. The administrator configures the platform in
//! 设置 › 通知与短信 (URL, token, sending hours round the clock so the test does not depend on
//! the hour or the day it runs), sends a test SMS, and records a handler in 通讯录; an officer
//! opens a case in 预警 and sends its handler an SMS; the case shows it delivered, and the
//! gateway's log (written to tests/e2e/out/sms-gateway.jsonl) holds the request with the
//! case number and valid credentials.

mod support;

use fantoccini::Locator;
use jiancha_notify::test_gateway::TestGateway;
use jiancha_notify::Credentials;
use support::{
    base, click, create_account, first_case, ipc, open_case, screenshot, sign_in,
    sign_in_as_new_admin, text_of, type_into, wait_text, Driver,
};

const TOKEN: &str = "e2e-sms-token-0042";
const OFFICER: (&str, &str) = ("zhou", "officer-pass-1");

#[tokio::test(flavor = "multi_thread")]
async fn a_warning_sms_goes_through_the_gateway_and_is_shown_delivered_on_the_case() {
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/out");
    std::fs::create_dir_all(&out).unwrap();
    let log = out.join("sms-gateway.jsonl");
    let _ = std::fs::remove_file(&log);
    let gw = TestGateway::start(
        Credentials::Bearer {
            token: TOKEN.into(),
        },
        Some(log.clone()),
    )
    .await
    .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e-sms.sqlite");
    let driver = Driver::start(&[("JIANCHA_DB", db.display().to_string())]);
    let c = driver.session().await;
    sign_in_as_new_admin(&c).await;

    // 设置 › 通知与短信: the platform, round-the-clock sending hours, the centre's name.
    c.goto(&format!("{}#/settings", base(&c).await))
        .await
        .unwrap();
    click(&c, "#tab-notices").await;
    let state = text_of(&c, "[data-testid=notice-configured]").await;
    assert!(state.contains("未配置"), "{state}");
    type_into(&c, "[data-testid=notice-send-url]", &gw.send_url()).await;
    type_into(&c, "[data-testid=notice-status-url]", &gw.status_url()).await;
    type_into(&c, "[data-testid=notice-secret]", TOKEN).await;
    type_into(&c, "[data-testid=notice-quiet-morning]", "00:00").await;
    type_into(&c, "[data-testid=notice-quiet-night]", "24:00").await;
    click(&c, ".el-checkbox:has([data-testid=notice-workdays-only]), label[data-testid=notice-workdays-only]").await;
    type_into(&c, "[data-testid=notice-center-name]", "新城市电子监察中心").await;
    // Issue 12 item 3: the centre's phone (printed on every letter) must be one; the refusal
    // shows by 保存, names the field, and nothing is stored.
    type_into(&c, "[data-testid=notice-contact-phone]", "abc-电话").await;
    click(&c, "[data-testid=notice-save]").await;
    let err = wait_text(&c, "[data-testid=notice-save-error]", 20, |t| !t.is_empty()).await;
    assert!(
        err.contains("联系电话") && err.contains("abc-电话"),
        "{err}"
    );
    assert!(!err.contains("contact_phone"), "an English tail: {err}");
    support::assert_apart(
        &c,
        "[data-testid=notice-save-error]",
        "[data-testid=notice-save]",
    )
    .await;
    screenshot(&c, "settings-notices-bad-phone").await;
    let state = text_of(&c, "[data-testid=notice-configured]").await;
    assert!(
        state.contains("未配置"),
        "stored despite the refusal: {state}"
    );
    type_into(&c, "[data-testid=notice-contact-phone]", "0991-1234567").await;
    click(&c, "[data-testid=notice-save]").await;
    wait_text(&c, "[data-testid=notice-configured]", 20, |t| {
        t.contains("已配置")
    })
    .await;
    // The token is never shown back: only its last four characters.
    let hint = text_of(&c, "[data-testid=notice-secret-hint]").await;
    assert!(hint.contains("0042") && !hint.contains(TOKEN), "{hint}");

    // A test SMS goes out at once.
    type_into(&c, "[data-testid=notice-test-phone]", "13800000009").await;
    click(&c, "[data-testid=notice-test-send]").await;
    // Sent: a success toast; refused: the reason by the button (never both, never neither).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        // Read as textContent: the toasts sit in the top bar, where WebKitWebDriver's
        // visible-text rules can report an empty text for a toast that is on screen.
        let toasts = c
            .execute(
                "return [...document.querySelectorAll('.el-message--success')].map((m) => m.textContent).join('|')",
                vec![],
            )
            .await
            .unwrap();
        if toasts.as_str().unwrap_or_default().contains("测试短信") {
            break;
        }
        if let Ok(el) = c
            .find(Locator::Css("[data-testid=notice-test-error]"))
            .await
        {
            let why = el.text().await.unwrap_or_default();
            screenshot(&c, "settings-notices-test-refused").await;
            panic!("the test SMS was refused: {why}");
        }
        if std::time::Instant::now() > deadline {
            screenshot(&c, "settings-notices-test-silent").await;
            let state = c
                .execute(
                    "const b = document.querySelector('[data-testid=notice-test-send]'); \
                     return [b && b.disabled, [...document.querySelectorAll('.el-message')].map((m) => m.textContent)]",
                    vec![],
                )
                .await
                .unwrap();
            panic!("the test SMS: no answer in 20 s (disabled, toasts): {state}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    screenshot(&c, "settings-notices").await;

    // 通讯录: a bad line is refused by Rust, naming the line; nothing is stored.
    click(&c, "#tab-contacts").await;
    type_into(
        &c,
        "[data-testid=contacts-text]",
        "D1,局长,某某,13800000001",
    )
    .await;
    click(&c, "[data-testid=contacts-import]").await;
    let err = wait_text(&c, "[data-testid=contacts-import-error]", 20, |t| {
        !t.is_empty()
    })
    .await;
    assert!(err.contains("第 1 行"), "{err}");
    // Handlers of open cards without a number are listed, and go into the import box to be
    // completed.
    let missing = wait_text(&c, "[data-testid=contacts-missing]", 30, |t| {
        t.contains("市")
    })
    .await;
    assert!(!missing.is_empty());
    click(&c, "[data-testid=contacts-fill-missing]").await;
    let filled = c
        .find(Locator::Css(
            "[data-testid=contacts-text] textarea, textarea[data-testid=contacts-text]",
        ))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(filled.contains(",承办人,"), "{filled}");
    screenshot(&c, "settings-contacts").await;

    // An officer sends the SMS from a case in 预警.
    create_account(&c, OFFICER.0, "周监察", "officer", OFFICER.1).await;
    ipc(&c, "auth_sign_out", serde_json::json!({})).await;
    c.refresh().await.unwrap();
    sign_in(&c, OFFICER.0, OFFICER.1).await;
    let case = first_case(&c, "warning").await;
    open_case(&c, &case).await;
    click(&c, "[data-testid=send-sms]").await;
    // Issue 12 item 1: a 10-digit number is refused in the dialog, which keeps it; nothing
    // is queued.
    type_into(&c, "[data-testid=form-phone]", "1380000000").await;
    click(&c, "[data-testid=form-submit]").await;
    let err = wait_text(&c, "[data-testid=form-error]", 20, |t| !t.is_empty()).await;
    assert!(
        err.contains("手机号码") && err.contains("1380000000"),
        "{err}"
    );
    assert_eq!(
        support::value_of(&c, "[data-testid=form-phone]").await,
        "1380000000"
    );
    assert!(
        c.find(Locator::Css("[data-testid=sms]")).await.is_err(),
        "an SMS was queued to a 10-digit number"
    );
    screenshot(&c, "case-sms-bad-number").await;
    type_into(&c, "[data-testid=form-phone]", "13800000001").await;
    click(&c, "[data-testid=form-submit]").await;
    // The dispatcher sends it and polls the receipt; the case page follows without a reload.
    let state = wait_text(&c, "[data-testid=sms-state]", 60, |t| {
        t == "已送达" || t == "发送失败" || t == "未送达"
    })
    .await;
    assert_eq!(state, "已送达");
    let sms = text_of(&c, "[data-testid=sms]").await;
    assert!(sms.contains("13800000001"), "{sms}");
    assert!(sms.contains(&case), "the text names the case: {sms}");
    assert!(sms.contains("【电子监察】"), "{sms}");
    let notice = text_of(&c, "[data-testid=notice]").await;
    assert!(notice.contains("短信已送达"), "{notice}");
    screenshot(&c, "case-sms-delivered").await;

    // The gateway's log: the test SMS and the case's SMS, both with valid credentials, and
    // never the token itself.
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains(TOKEN));
    let sends: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &serde_json::Value| v["path"] == "/sms/send")
        .collect();
    assert_eq!(sends.len(), 2, "{text}");
    assert!(sends.iter().all(|v| v["auth_ok"] == true), "{text}");
    let body = sends[1]["body"].as_str().unwrap();
    assert!(
        body.contains("13800000001") && body.contains(&case),
        "{body}"
    );
    assert!(c
        .find(Locator::Css("[data-testid=letters-error]"))
        .await
        .is_err());
    c.close().await.unwrap();
}
