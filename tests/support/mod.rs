//! E2E harness: starts `tauri-driver` (which starts WebKitWebDriver and, per session, the
//! real app binary in WebKitGTK), and hands out fantoccini clients. Needs an X display
//! (`scripts/test.sh` runs the suite under `xvfb-run`). Each test gets its own data
//! directory, so nothing depends on the developer's machine.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

/// The app binary cargo built for these tests.
pub fn app_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_jiancha-console"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free loopback port")
}

fn wait_for_port(port: u16, deadline: Instant) -> bool {
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

fn find_tauri_driver() -> PathBuf {
    if let Some(p) = std::env::var_os("TAURI_DRIVER") {
        return p.into();
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let home_bin = std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo/bin"));
    std::env::split_paths(&path)
        .chain(home_bin)
        .map(|d| d.join("tauri-driver"))
        .find(|p| p.is_file())
        .expect("tauri-driver not found: `cargo install tauri-driver --locked` (scripts/test.sh does this)")
}

/// A running tauri-driver with an isolated app environment.
pub struct Driver {
    child: Child,
    port: u16,
    pub data_dir: tempfile::TempDir,
}

impl Driver {
    /// Starts tauri-driver; `env` is passed on to the app it launches.
    pub fn start(env: &[(&str, String)]) -> Driver {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "the E2E tests need an X display: run them under `xvfb-run -a` (scripts/test.sh does)"
        );
        assert!(
            Path::new("/usr/bin/WebKitWebDriver").exists()
                || std::env::var_os("TAURI_NATIVE_DRIVER").is_some(),
            "WebKitWebDriver missing: apt-get install webkit2gtk-driver (scripts/test.sh does)"
        );
        let data_dir = tempfile::tempdir().unwrap();
        let (port, native) = (free_port(), free_port());
        let mut cmd = Command::new(find_tauri_driver());
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        // The app's data, config and log dirs all land in the temp dir.
        .env("XDG_DATA_HOME", data_dir.path().join("data"))
        .env("XDG_CONFIG_HOME", data_dir.path().join("config"))
        .env("XDG_CACHE_HOME", data_dir.path().join("cache"))
        .env("HOME", data_dir.path());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("cannot start tauri-driver");
        let deadline = Instant::now() + Duration::from_secs(20);
        // tauri-driver opens its port before WebKitWebDriver listens on the native one.
        assert!(
            wait_for_port(port, deadline),
            "tauri-driver did not listen on {port}"
        );
        assert!(
            wait_for_port(native, deadline),
            "WebKitWebDriver did not listen on {native}"
        );
        Driver {
            child,
            port,
            data_dir,
        }
    }

    /// A WebDriver session on a fresh instance of the app.
    pub async fn session(&self) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app_binary() }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("cannot open a WebDriver session on the app")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: tauri-driver then stops WebKitWebDriver too.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// Waits until the element exists and its text is non-empty; returns the text.
/// (Avoid `body`: WebKitWebDriver's text of a whole page can take minutes.)
pub async fn text_of(c: &Client, css: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(el) = c.find(Locator::Css(css)).await {
            if let Ok(t) = el.text().await {
                if !t.trim().is_empty() {
                    return t;
                }
            }
        }
        assert!(Instant::now() < deadline, "no text at `{css}` after 20 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Saves a screenshot next to the test output (for people to look at).
pub async fn screenshot(c: &Client, name: &str) {
    tokio::time::sleep(Duration::from_millis(500)).await;
    let shot = tokio::time::timeout(Duration::from_secs(20), c.screenshot()).await;
    if let Ok(Ok(png)) = shot {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/out");
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
}

// ---- Signing in through the real pages (issue 7: nothing of the console shows before) ----

/// Waits for the element at `css` (up to 20 s) and returns it.
pub async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    wait_for_secs(c, css, 30)
        .await
        .unwrap_or_else(|| panic!("nothing at `{css}` after 30 s"))
}

/// Waits up to `secs` for the element at `css`.
pub async fn wait_for_secs(
    c: &Client,
    css: &str,
    secs: u64,
) -> Option<fantoccini::elements::Element> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Ok(el) = c.find(Locator::Css(css)).await {
            return Some(el);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Clicks the element at `css` once it exists and can be clicked (menus and dialogs animate
/// in: an element may exist a moment before it is interactable).
pub async fn click(c: &Client, css: &str) {
    // Element Plus keeps closed dialogs and dropdowns in the DOM (hidden): click a displayed
    // match, not merely the first one.
    if !click_displayed(c, css, 20).await {
        panic!("cannot click `{css}` after 20 s: no clickable match");
    }
}

/// Types into the input at `css`: the element itself, or the `<input>` inside it (Element
/// Plus puts attributes like `data-testid` on its wrapper or on the input, by component).
pub async fn type_into(c: &Client, css: &str, text: &str) {
    let el = wait_for(c, css).await;
    let tag = el.tag_name().await.unwrap_or_default().to_ascii_lowercase();
    let el = if tag == "input" || tag == "textarea" {
        el
    } else {
        el.find(Locator::Css("input, textarea")).await.unwrap()
    };
    type_into_element(&el, text)
        .await
        .unwrap_or_else(|last| panic!("`{css}` holds {last:?} after typing {text:?} five times"));
}

/// Types `text` into an input element until it holds exactly that text; on failure returns
/// what it holds.
pub async fn type_into_element(
    el: &fantoccini::elements::Element,
    text: &str,
) -> Result<(), String> {
    // Under load WebKitWebDriver can drop a keystroke into a reactive input: type, read the
    // value back, and retype until the field holds exactly the text.
    let mut last = String::new();
    for _ in 0..5 {
        // WebDriver's Clear does not fire `input`, so Vue's v-model keeps (and restores) the
        // old value: select all and delete with keystrokes instead (Ctrl+A, release, Backspace).
        el.send_keys("\u{E009}a\u{E000}\u{E003}").await.unwrap();
        // (An empty text is a clear: WebKitWebDriver refuses to send no keys.)
        if !text.is_empty() {
            el.send_keys(text).await.unwrap();
        }
        // WebKitWebDriver types CJK text through an input-method composition that does not
        // always end: the field then shows the text while Element Plus's input, still
        // "composing", never hands it to v-model (a setup page once refused 姓名 as empty).
        // End any composition and announce the value, as a real input method does.
        let _ = el
            .clone()
            .client()
            .execute(
                "const el = arguments[0];
                 el.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '' }));
                 el.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![serde_json::to_value(el).unwrap()],
            )
            .await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        last = el
            .prop("value")
            .await
            .unwrap_or_default()
            .unwrap_or_default();
        if last == text {
            return Ok(());
        }
    }
    Err(last)
}

/// Username and password of the administrator [`sign_in_as_new_admin`] creates.
pub const E2E_ADMIN: (&str, &str) = ("admin", "e2e-admin-pass");

/// A fresh app shows the first-run setup page: creates the first administrator through it
/// (which signs in) and waits for the console. Call first in every E2E test.
pub async fn sign_in_as_new_admin(c: &Client) {
    wait_for(c, "[data-testid=setup-page]").await;
    type_into(c, "[data-testid=setup-username]", E2E_ADMIN.0).await;
    type_into(c, "[data-testid=setup-display-name]", "测试管理员").await;
    type_into(c, "[data-testid=setup-password]", E2E_ADMIN.1).await;
    type_into(c, "[data-testid=setup-password-again]", E2E_ADMIN.1).await;
    press_enter(c, "[data-testid=setup-password-again]").await;
    let who = wait_signed_in(c).await;
    assert_eq!(who.trim(), "测试管理员");
}

/// Waits (up to 60 s: on a loaded machine the first sync's transactions can keep the writer
/// busy for a while) until the top bar names the signed-in user; returns the name. Fails with
/// any error the page shows.
pub async fn wait_signed_in(c: &Client) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    // Read as textContent of the rendered element: WebKitWebDriver's visible-text rules can
    // answer "" for text that is on screen (seen for the toasts in the top bar).
    let script = r#"
        const el = document.querySelector('[data-testid=current-user]');
        return el && el.offsetParent !== null ? el.textContent.trim() : '';
    "#;
    loop {
        if let Ok(v) = c.execute(script, vec![]).await {
            if let Some(t) = v.as_str().filter(|t| !t.is_empty()) {
                return t.to_string();
            }
        }
        if Instant::now() > deadline {
            // Everything the page says: error slots, toasts, which page is up.
            let shown = c
                .execute(
                    "return [...document.querySelectorAll('.form-error, .el-message, .el-form-item__error, [data-testid$=-page], [data-testid=lock-screen]')] \
                     .map((e) => (e.dataset.testid || e.className) + ': ' + e.textContent.trim().slice(0, 200))",
                    vec![],
                )
                .await
                .unwrap_or_default();
            screenshot(c, "not-signed-in").await;
            panic!("not signed in after 60 s; the page shows: {shown}");
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Signs in through the sign-in page (signing out first when someone is signed in) and waits
/// until the top bar names the user.
pub async fn sign_in(c: &Client, username: &str, password: &str) {
    if c.find(Locator::Css("[data-testid=user-menu]"))
        .await
        .is_ok()
    {
        sign_out(c).await;
    }
    wait_for(c, "[data-testid=sign-in-page]").await;
    type_into(c, "[data-testid=sign-in-username]", username).await;
    type_into(c, "[data-testid=sign-in-password]", password).await;
    // Enter in the password field submits the form as an officer does; unlike a click it does
    // not depend on where the button is at that instant (the top bar's badges and toasts
    // appear while the page settles).
    press_enter(c, "[data-testid=sign-in-password]").await;
    wait_signed_in(c).await;
}

/// Signs out through the user menu and waits for the sign-in page. The menu animates
/// open, and a click during the animation can miss: retry until the sign-in page shows.
pub async fn sign_out(c: &Client) {
    for _ in 0..4 {
        if wait_for_secs(c, "[data-testid=sign-in-page]", 0)
            .await
            .is_some()
        {
            return;
        }
        // Escape closes a dropdown left open; a click that misses is retried below.
        if let Ok(menu) = c.find(Locator::Css("[data-testid=user-menu]")).await {
            let _ = menu.send_keys("\u{E00C}").await;
            let _ = menu.click().await;
        }
        // Let the dropdown finish sliding in: a click during the animation lands on the
        // item above (锁定), which locks the session instead.
        tokio::time::sleep(Duration::from_millis(600)).await;
        click_displayed(c, "[data-testid=menu-sign-out]", 5).await;
        // Had a click locked the session anyway, 切换用户 on the lock screen signs out.
        if wait_for_secs(c, "[data-testid=lock-screen]", 1)
            .await
            .is_some()
        {
            click(c, "[data-testid=lock-switch-user]").await;
        }
        if wait_for_secs(c, "[data-testid=sign-in-page]", 10)
            .await
            .is_some()
        {
            return;
        }
    }
    screenshot(c, "sign-out-failed").await;
    wait_for(c, "[data-testid=sign-in-page]").await;
}

/// Waits (up to `secs`) until nothing matches `css`, e.g. an overlay fading out.
pub async fn wait_gone(c: &Client, css: &str, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while c.find(Locator::Css(css)).await.is_ok() {
        assert!(
            Instant::now() < deadline,
            "`{css}` still shown after {secs} s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Clicks the first *displayed* element matching `css` (Element Plus teleports dropdowns
/// to <body> and keeps closed ones hidden, so the first match may be a stale, hidden copy).
/// Returns whether a click landed within `secs`.
pub async fn click_displayed(c: &Client, css: &str, secs: u64) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let all = c.find_all(Locator::Css(css)).await.unwrap_or_default();
        let mut hidden = Vec::new();
        for el in all {
            if el.is_displayed().await.unwrap_or(false) {
                // WebDriver clicks the element's centre as it is at that instant: a dialog
                // still sliding in (Element Plus animates them) takes the click somewhere
                // else and nothing happens. Wait until the element stands still.
                settle(c, &el).await;
                if el.click().await.is_ok() {
                    return true;
                }
            } else {
                hidden.push(el);
            }
        }
        // WebKit reports some wrappers (e.g. `display: contents`) as not displayed although
        // they take clicks: try those too, in order.
        for el in hidden {
            if el.click().await.is_ok() {
                return true;
            }
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits until `css` has text satisfying `ok` (up to `secs`); returns it.
pub async fn wait_text(
    c: &fantoccini::Client,
    css: &str,
    secs: u64,
    ok: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut last = String::new();
    loop {
        if let Ok(el) = c.find(Locator::Css(css)).await {
            if let Ok(t) = el.text().await {
                if ok(t.trim()) {
                    return t.trim().to_owned();
                }
                last = t;
            }
        }
        assert!(
            Instant::now() < deadline,
            "`{css}` never satisfied the condition in {secs} s; last text: {last:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

// ---- IPC and navigation helpers shared by the workflow E2E tests ----

/// Calls a command over the page's IPC bridge (for set-up steps another E2E covers). `args`
/// is what the page's `ipc.ts` sends: `{ "req": <the command's request> }`, or `{}` for
/// commands without one (the list: `crates/api/src/commands.rs`).
pub async fn ipc(c: &Client, command: &str, args: serde_json::Value) -> serde_json::Value {
    let script = r#"
        const [command, args, done] = arguments;
        window.__TAURI_INTERNALS__.invoke(command, args)
            .then((v) => done({ ok: v }), (e) => done({ err: e }));
    "#;
    c.execute_async(script, vec![command.into(), args])
        .await
        .expect("script ran")
}

/// Creates an account over IPC as the signed-in administrator (the accounts screen itself is
/// covered by e2e_auth).
pub async fn create_account(c: &Client, username: &str, name: &str, role: &str, password: &str) {
    let r = ipc(
        c,
        "accounts_create",
        serde_json::json!({ "req": { "username": username, "display_name": name, "role": role, "password": password } }),
    )
    .await;
    assert!(r.get("ok").is_some(), "create {username}: {r}");
}

/// From the setup page: the first administrator, then an officer and a leader (names 王监察,
/// 李领导), and the officer signed in on a reloaded page (signing out over IPC: the user menu's
/// dropdown animates; e2e_auth covers it).
pub async fn staff_and_sign_in_officer(c: &Client, officer: (&str, &str), leader: (&str, &str)) {
    staff(c, officer, leader, true).await;
}

/// [`staff_and_sign_in_officer`]; with `centre` false the centre's own facts for letters
/// (设置 › 通知与短信 › 发文单位信息) stay unset, and no letter can be numbered.
pub async fn staff(c: &Client, officer: (&str, &str), leader: (&str, &str), centre: bool) {
    sign_in_as_new_admin(c).await;
    create_account(c, officer.0, "王监察", "officer", officer.1).await;
    create_account(c, leader.0, "李领导", "leader", leader.1).await;
    if centre {
        set_centre_facts(c).await;
    }
    ipc(c, "auth_sign_out", serde_json::json!({})).await;
    c.refresh().await.unwrap();
    sign_in(c, officer.0, officer.1).await;
}

/// The centre's facts every letter prints (the administrator must be signed in).
pub const CENTRE: (&str, &str, &str) = ("新城市电子监察中心", "赵敏", "0991-1234567");

/// Stores [`CENTRE`] in 设置 › 通知与短信 over the real IPC (signed in as an administrator).
pub async fn set_centre_facts(c: &Client) {
    let r = ipc(
        c,
        "notice_settings_update",
        serde_json::json!({ "req": {
            "center_name": CENTRE.0, "contact_name": CENTRE.1, "contact_phone": CENTRE.2 } }),
    )
    .await;
    assert!(r.get("ok").is_some(), "centre facts: {r}");
}

/// Confirms the open ElMessageBox (编号 / 签发 ask first) and returns its text.
pub async fn confirm_box(c: &Client) -> String {
    let text = wait_text(c, ".letter-confirm .el-message-box__message", 20, |t| {
        !t.is_empty()
    })
    .await;
    click(
        c,
        ".letter-confirm .el-message-box__btns .el-button--primary",
    )
    .await;
    wait_gone(c, ".letter-confirm", 20).await;
    text
}

/// Whether any element at `css` is displayed now (Element Plus keeps closed dialogs in the
/// DOM, hidden).
pub async fn any_displayed(c: &Client, css: &str) -> bool {
    for el in c.find_all(Locator::Css(css)).await.unwrap_or_default() {
        if el.is_displayed().await.unwrap_or(false) {
            return true;
        }
    }
    false
}

/// The first case of a card queue once the demo feed has synced some (up to 120 s).
pub async fn first_case(c: &Client, level: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let filter = serde_json::json!({ "level": level, "region_code": null, "dept_id": null, "item_code": null, "handler": null, "from": null, "to": null, "text": null });
        let r = ipc(
            c,
            "queue_page",
            serde_json::json!({ "req": { "filter": filter, "page": { "offset": 0, "limit": 5 } } }),
        )
        .await;
        if let Some(id) = r.pointer("/ok/rows/0/case_id").and_then(|v| v.as_str()) {
            return id.to_string();
        }
        assert!(
            Instant::now() < deadline,
            "no {level} case after 120 s: {r}"
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

pub async fn open_case(c: &Client, id: &str) {
    c.goto(&format!("{}#/case/{id}", base(c).await))
        .await
        .unwrap();
    wait_for(c, "[data-testid=case-letters]").await;
}

pub async fn base(c: &Client) -> String {
    let url = c.current_url().await.unwrap().to_string();
    url.split('#').next().unwrap_or(&url).to_string()
}

/// The first number in a text ("共 1,234 条 · …" → 1234; 0 when there is none).
pub fn number(text: &str) -> u64 {
    let digits: String = text
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap_or(0)
}

/// The value of the input at `css` (the element, or the input/textarea inside it).
pub async fn value_of(c: &Client, css: &str) -> String {
    let el = wait_for(c, css).await;
    let tag = el.tag_name().await.unwrap_or_default().to_ascii_lowercase();
    let el = if tag == "input" || tag == "textarea" {
        el
    } else {
        el.find(Locator::Css("input, textarea")).await.unwrap()
    };
    el.prop("value").await.unwrap().unwrap_or_default()
}

/// Asserts that the first displayed elements at `a` and `b` do not overlap on screen (an error
/// text over a button, issue 12 item 7).
pub async fn assert_apart(c: &Client, a: &str, b: &str) {
    let script = r#"
        const [a, b] = arguments;
        const shown = (css) => [...document.querySelectorAll(css)].find((e) => e.offsetParent !== null);
        const ea = shown(a), eb = shown(b);
        if (!ea || !eb) return 'missing: ' + (!ea ? a : b);
        const r = ea.getBoundingClientRect(), s = eb.getBoundingClientRect();
        const apart = r.right <= s.left || s.right <= r.left || r.bottom <= s.top || s.bottom <= r.top;
        return apart ? 'apart' : JSON.stringify({ a: [r.left, r.top, r.right, r.bottom], b: [s.left, s.top, s.right, s.bottom] });
    "#;
    let v = c
        .execute(script, vec![a.into(), b.into()])
        .await
        .expect("script ran");
    assert_eq!(v.as_str(), Some("apart"), "`{a}` and `{b}` overlap");
}

/// The visible inputs whose placeholder does not fit their box (issue 12 item 9: a placeholder
/// cut off mid-word tells the officer nothing), as "placeholder (text px > box px)". Measured
/// with the input's own font on a canvas; an input holding a value is skipped.
pub async fn clipped_placeholders(c: &Client) -> Vec<String> {
    let script = r#"
        const ctx = document.createElement('canvas').getContext('2d');
        const out = [];
        for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
            if (el.offsetParent === null || el.value || !el.placeholder) continue;
            const cs = getComputedStyle(el);
            ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
            const text = ctx.measureText(el.placeholder).width;
            const box = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
            if (text > box + 1) out.push(`${el.placeholder} (${Math.round(text)} px > ${Math.round(box)} px)`);
        }
        return out;
    "#;
    let v = c.execute(script, vec![]).await.expect("script ran");
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Presses Enter in the input at `css` (the element itself or the `<input>` inside it).
pub async fn press_enter(c: &Client, css: &str) {
    let el = wait_for(c, css).await;
    let tag = el.tag_name().await.unwrap_or_default();
    let el = if tag == "input" || tag == "textarea" {
        el
    } else {
        el.find(Locator::Css("input")).await.unwrap()
    };
    el.send_keys("\u{E007}").await.unwrap();
}

/// Waits (up to 1.5 s) until `el` is where it was 100 ms before: no animation moving it.
async fn settle(c: &Client, el: &fantoccini::elements::Element) {
    let rect = "const r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width, r.height].map(Math.round).join(',')";
    let arg = || vec![serde_json::to_value(el).unwrap()];
    let mut last = c.execute(rect, arg()).await.ok();
    for _ in 0..15 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = c.execute(rect, arg()).await.ok();
        if now.is_some() && now == last {
            return;
        }
        last = now;
    }
}
