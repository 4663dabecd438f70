//! The background dispatcher: sends due messages, reads receipts, queues automatic notices and
//! escalates (Art. B6), its SQLite work off the async runtime.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use jiancha_api::sms::DispatchReport;
use jiancha_api::ApiError;
use jiancha_calendar::Calendar;
use jiancha_feed::db::notice_candidates as feed;
use jiancha_notify::db::{messages, skips};
use jiancha_notify::outbox;
use jiancha_notify::{
    next_escalation, ContactRole, DeliveryReport, DeliveryStatus, DueSms, Escalation,
    HttpSmsGateway, NoticeAttempt, QuietPolicy, SendReceipt, SmsError, SmsGateway, SmsState,
};
use jiancha_store::Db;
use jiancha_workflow::notices::{self, CallOutcome};

use super::case_messages::cst_text;
use super::config::NoticeConfig;
use super::directory::lookup;
use super::facts::case_info;
use super::notices::{notify_person, system};
use super::settings::{auto_since, load};
use crate::error::internal;
use crate::Service;

/// The dispatcher's shared state, kept in the [`Service`].
#[derive(Default)]
pub struct Dispatcher {
    wake: tokio::sync::Notify,
    last: Mutex<Option<DispatchReport>>,
    /// Where the next escalation pass resumes (the last case it examined), so that every told
    /// case is examined in turn however many there are.
    escalation_after: Mutex<Option<String>>,
}

pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Dispatcher {
    /// Run a pass now (a notice was queued, the settings changed).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub fn last(&self) -> Option<DispatchReport> {
        lock(&self.last).clone()
    }

    fn set_last(&self, r: DispatchReport) {
        *lock(&self.last) = Some(r);
    }
}

/// At most this many of each kind per pass (a backlog drains over a few passes).
pub(super) const BATCH: usize = 50;
pub(super) const AUTO_BATCH: usize = 200;
/// Told cases examined for escalation per pass (the next pass resumes after the last).
pub(super) const ESCALATION_BATCH: usize = 500;
/// Candidates read per page from the feed before filtering by the other owners.
pub(super) const PAGE: usize = 500;
/// Failed SMS to one person after which the chain stops for the case (the officer phones).
pub(super) const MAX_FAILURES: usize = 3;

/// Runs `f` on the blocking pool: SQLite never blocks the async runtime's threads.
pub(super) async fn off_runtime<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| internal(format!("短信调度任务失败 (SMS dispatch task): {e}")))?
}

/// A pass's one connection, lent to the blocking pool for each database step.
pub(super) struct PassDb(Arc<Mutex<Db>>);

impl PassDb {
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Db) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let db = Arc::clone(&self.0);
        off_runtime(move || f(&mut lock(&db))).await
    }
}

/// What the first, database-only step of a pass leaves for the gateway.
pub(super) struct Plan {
    db: Db,
    gateway: HttpSmsGateway,
    poll_receipts: bool,
    due: Vec<DueSms>,
    report: DispatchReport,
}

/// One pass: auto notices for cases that entered 预警, escalation, sending what is due,
/// delivery receipts. `now` = the app clock (`crate::clock`: the feed's clock in the demo):
/// the quiet hours, escalation steps and every stamp; `feed_now` = the signals' time, in Unix
/// seconds (the loop passes `now`'s; tests pass them apart). The database steps run on the
/// blocking pool; only the gateway's calls are awaited here.
pub async fn dispatch(
    svc: &Arc<Service>,
    now: DateTime<Utc>,
    feed_now: i64,
) -> Result<DispatchReport, ApiError> {
    let s = Arc::clone(svc);
    let Some(plan) = off_runtime(move || plan(&s, now, feed_now)).await? else {
        return Ok(DispatchReport {
            at: cst_text(now),
            ..Default::default()
        });
    };
    let Plan {
        db,
        gateway,
        poll_receipts,
        due,
        mut report,
    } = plan;
    let db = PassDb(Arc::new(Mutex::new(db)));
    let mut errors = Vec::new();
    for due in due {
        let result = gateway.send(&outbox::request(&due)).await;
        match db.run(move |db| record_send(db, &due, result, now)).await? {
            None => report.sent += 1,
            Some(e) => {
                report.failed += 1;
                errors.push(e);
            }
        }
    }
    if poll_receipts {
        let refs = db
            .run(|db| Ok(messages::awaiting_receipt(db.conn(), BATCH)?))
            .await?;
        for r in refs {
            match gateway.delivery_reports(&r).await {
                Ok(reports) => {
                    report.receipts += db.run(move |db| record_receipts(db, reports, now)).await?;
                }
                Err(e) => {
                    errors.push(e.to_string());
                    break;
                }
            }
        }
    }
    report.error = errors.into_iter().next();
    Ok(report)
}

/// The database step before sending: settings, automatic notices, escalation, what is due.
/// None when no gateway is configured.
pub(super) fn plan(
    svc: &Service,
    now: DateTime<Utc>,
    feed_now: i64,
) -> Result<Option<Plan>, ApiError> {
    let mut db = svc.db()?;
    let cfg = load(&db)?;
    if !cfg.configured() {
        return Ok(None);
    }
    let gateway = cfg.gateway()?;
    let quiet = cfg.quiet_policy()?;
    let cal = crate::calendar_store::load_calendar(&db).map_err(|e| internal(e.to_string()))?;
    let mut report = DispatchReport {
        at: cst_text(now),
        ..Default::default()
    };
    if cfg.auto_warning {
        let since = auto_since(&mut db, feed_now, now)?;
        auto_notices(
            &mut db,
            &gateway,
            &cal,
            &quiet,
            &cfg,
            since,
            now,
            &mut report,
        )?;
    }
    let after = lock(&svc.sms().escalation_after).clone();
    let next = escalate(
        &mut db,
        &gateway,
        &cal,
        &quiet,
        &cfg,
        after,
        now,
        &mut report,
    )?;
    *lock(&svc.sms().escalation_after) = next;
    report.quiet = !jiancha_notify::may_send_at(&cal, now, &quiet);
    let due = outbox::due_now(db.conn(), &cal, &quiet, now, BATCH)?;
    Ok(Some(Plan {
        db,
        gateway,
        poll_receipts: !cfg.status_url.is_empty(),
        due,
        report,
    }))
}

/// Records what the gateway answered for `due` and reports it to the workflow's notice.
/// Returns the error message of a failed send.
pub(super) fn record_send(
    db: &mut Db,
    due: &DueSms,
    result: Result<SendReceipt, SmsError>,
    now: DateTime<Utc>,
) -> Result<Option<String>, ApiError> {
    let o = outbox::record_send(db, due, result, now)?;
    let sys = system();
    let (r, failure) = match &o.result {
        Ok(gateway_ref) => (
            notices::mark_sent(db, &sys, &o.notice_id, gateway_ref, now),
            None,
        ),
        Err(e) => (
            notices::mark_failed(db, &sys, &o.notice_id, &e.to_string(), now),
            Some(e.to_string()),
        ),
    };
    if let Err(e) = r {
        tracing::warn!(notice = %o.notice_id, error = %e, "notice state after sending");
    }
    Ok(failure)
}

/// Stores receipts and moves their notices on (delivered, or failed when undelivered).
/// Returns how many were received (pending ones included).
pub(super) fn record_receipts(
    db: &mut Db,
    reports: Vec<DeliveryReport>,
    now: DateTime<Utc>,
) -> Result<u32, ApiError> {
    let sys = system();
    let mut n = 0;
    for rep in reports {
        outbox::record_receipt(db, &rep, now)?;
        n += 1;
        let Some(notice) = messages::notice_of_ref(db.conn(), &rep.message_id)? else {
            continue;
        };
        let r = match rep.status {
            DeliveryStatus::Delivered => notices::mark_delivered(db, &sys, &notice, now),
            DeliveryStatus::Undelivered => notices::mark_failed(
                db,
                &sys,
                &notice,
                &format!(
                    "未送达 (undelivered): {} {}",
                    rep.platform_status,
                    rep.err_code.clone().unwrap_or_default()
                ),
                now,
            ),
            DeliveryStatus::Pending => continue,
        };
        if let Err(e) = r {
            tracing::warn!(notice = %notice, error = %e, "notice state after a receipt");
        }
    }
    Ok(n)
}

/// Open cases whose 预警 began at or after `since` (feed clock), not told yet (workflow) and
/// not skipped before (notify), earliest first, at most `batch`. The feed's pages are
/// read until the batch is full or the list ends, so cases already handled never crowd out
/// new ones.
pub(super) fn auto_candidates(
    db: &Db,
    since: i64,
    batch: usize,
    page_size: usize,
) -> Result<Vec<String>, ApiError> {
    let conn = db.conn();
    let mut out = Vec::new();
    let mut after: Option<(i64, String)> = None;
    loop {
        let page = feed::warnings_began_since(
            conn,
            since,
            after.as_ref().map(|(t, c)| (*t, c.as_str())),
            page_size,
        )
        .map_err(internal)?;
        let Some(last) = page.last() else { break };
        after = Some((last.began_at, last.case_id.clone()));
        let exhausted = page.len() < page_size;
        let ids: Vec<String> = page.into_iter().map(|w| w.case_id).collect();
        let skipped = skips::skipped_among(conn, &ids)?;
        let ids: Vec<String> = ids.into_iter().filter(|id| !skipped.contains(id)).collect();
        let told = notices::notified_case_ids(conn, &ids)?;
        out.extend(
            ids.into_iter()
                .filter(|id| !told.contains(id))
                .take(batch - out.len()),
        );
        if out.len() == batch || exhausted {
            break;
        }
    }
    Ok(out)
}

/// Art. B6: a case that entered 预警 (at the feed's clock, after auto notices were first
/// used) and has no notice yet is told to its handler, if the directory has the number.
#[allow(clippy::too_many_arguments)]
pub(super) fn auto_notices(
    db: &mut Db,
    gateway: &dyn SmsGateway,
    cal: &Calendar,
    quiet: &QuietPolicy,
    cfg: &NoticeConfig,
    since: i64,
    now: DateTime<Utc>,
    report: &mut DispatchReport,
) -> Result<(), ApiError> {
    for case_id in auto_candidates(db, since, AUTO_BATCH, PAGE)? {
        let info = case_info(db, &case_id, &cfg.sign_name)?;
        let contact = lookup(db, &info.dept_id, ContactRole::Handler, Some(&info.handler))?;
        let outcome = match contact {
            Some((name, phone)) => notify_person(
                db,
                gateway,
                cal,
                quiet,
                None,
                &case_id,
                ContactRole::Handler,
                &name,
                &phone,
                &info,
                now,
            )
            .map(|_| None),
            None => Ok(Some("通讯录无承办人号码")),
        };
        let skip = match outcome {
            Ok(None) => {
                report.auto_notices += 1;
                None
            }
            Ok(Some(why)) => {
                report.missing_numbers += 1;
                Some(why.to_string())
            }
            Err(e) => Some(e.message),
        };
        if let Some(why) = skip {
            db.write(|tx| skips::skip_auto(tx, &case_id, &why, now.timestamp()))?;
        }
    }
    Ok(())
}

/// Open cases at 预警 or above whose handler was told (workflow), with no SMS waiting to go
/// out and the chain not stopped (notify): at most `batch`, in case-id order
/// from after `start` to the end, then from the beginning up to `start`. Returns them and
/// where the next pass resumes (None: from the beginning).
pub(super) fn escalation_candidates(
    db: &Db,
    start: Option<String>,
    batch: usize,
    page_size: usize,
) -> Result<(Vec<String>, Option<String>), ApiError> {
    let conn = db.conn();
    let mut out = Vec::new();
    // (after, up to and including): the rest of the round, then its beginning.
    let mut legs = vec![(start.clone(), None)];
    if start.is_some() {
        legs.push((None, start));
    }
    for (mut after, until) in legs {
        loop {
            let mut ids =
                feed::open_signalled_after(conn, after.as_deref(), page_size).map_err(internal)?;
            let mut exhausted = ids.len() < page_size;
            if let Some(u) = &until {
                if let Some(i) = ids.iter().position(|id| id > u) {
                    ids.truncate(i);
                    exhausted = true;
                }
            }
            let Some(last) = ids.last().cloned() else {
                break;
            };
            let told = notices::notified_case_ids(conn, &ids)?;
            let ids: Vec<String> = ids.into_iter().filter(|id| told.contains(id)).collect();
            let waiting = messages::cases_with_scheduled(conn, &ids)?;
            let stopped = skips::escalation_stopped_among(conn, &ids)?;
            for id in ids {
                if waiting.contains(&id) || stopped.contains(&id) {
                    continue;
                }
                out.push(id);
                if out.len() == batch {
                    let resume = out.last().cloned();
                    return Ok((out, resume));
                }
            }
            if exhausted {
                break;
            }
            after = Some(last);
        }
    }
    Ok((out, None))
}

/// Art. A8 **[decision]**: a case told to its handler and still open escalates to the section
/// chief, then the leader in charge; a failed SMS is retried (each a new notice and SMS).
/// Returns where the next pass resumes ([`escalation_candidates`]).
#[allow(clippy::too_many_arguments)]
pub(super) fn escalate(
    db: &mut Db,
    gateway: &dyn SmsGateway,
    cal: &Calendar,
    quiet: &QuietPolicy,
    cfg: &NoticeConfig,
    after: Option<String>,
    now: DateTime<Utc>,
    report: &mut DispatchReport,
) -> Result<Option<String>, ApiError> {
    let policy = cfg.escalation_policy();
    let (cases, resume) = escalation_candidates(db, after, ESCALATION_BATCH, PAGE)?;
    for case_id in cases {
        let history = messages::list_for_case(db.conn(), &case_id)?;
        // Phone calls to the handler count as attempts too (Art. B6: by phone or SMS).
        let calls = handler_calls(db, &case_id)?;
        let Some(raised_at) = history
            .iter()
            .filter(|m| m.role == ContactRole::Handler)
            .map(|m| m.created_at)
            .chain(calls.iter().map(|c| c.at))
            .min()
        else {
            continue;
        };
        let attempts: Vec<NoticeAttempt> = history
            .iter()
            .map(|m| NoticeAttempt {
                role: m.role,
                at: m.sent_at.unwrap_or(m.created_at),
                reached: matches!(m.state, SmsState::Sent | SmsState::Delivered),
            })
            .chain(calls)
            .collect();
        let Escalation::Next {
            role,
            due_now: true,
            ..
        } = next_escalation(cal, &policy, quiet, raised_at, &attempts, None, now)
        else {
            continue;
        };
        let failures = history
            .iter()
            .filter(|m| {
                m.role == role && matches!(m.state, SmsState::Failed | SmsState::Undelivered)
            })
            .count();
        let info = case_info(db, &case_id, &cfg.sign_name)?;
        let contact = if failures >= MAX_FAILURES {
            None
        } else if role == ContactRole::Handler {
            // A retry: the number the last SMS used, else the directory's.
            match history
                .iter()
                .rev()
                .find(|m| m.role == ContactRole::Handler)
            {
                Some(m) => Some((m.recipient.clone(), m.phone.clone())),
                None => lookup(db, &info.dept_id, ContactRole::Handler, Some(&info.handler))?,
            }
        } else {
            lookup(db, &info.dept_id, role, None)?
        };
        let Some((name, phone)) = contact else {
            // Nobody to tell at this step: the chain stops here for this case, recorded.
            let why = if failures >= MAX_FAILURES {
                format!("{}短信多次发送失败", role.label())
            } else {
                format!("通讯录无{}", role.label())
            };
            db.write(|tx| skips::stop_escalation(tx, &case_id, &why, now.timestamp()))?;
            continue;
        };
        match notify_person(
            db, gateway, cal, quiet, None, &case_id, role, &name, &phone, &info, now,
        ) {
            Ok(_) => report.escalations += 1,
            Err(e) => tracing::warn!(case = %case_id, error = %e.message, "escalation SMS"),
        }
    }
    Ok(resume)
}

/// The phone calls recorded to a case's handler (workflow), as escalation attempts (reached
/// when the call got through).
pub(super) fn handler_calls(db: &Db, case_id: &str) -> Result<Vec<NoticeAttempt>, ApiError> {
    Ok(notices::phone_calls_of_case(db.conn(), case_id)?
        .into_iter()
        .map(|c| NoticeAttempt {
            role: ContactRole::Handler,
            at: c.at,
            reached: c.outcome == CallOutcome::Reached,
        })
        .collect())
}

/// The dispatcher loop: a pass every `every` and whenever woken. Runs until the process ends.
pub async fn run(svc: Arc<Service>, every: Duration) {
    loop {
        // One clock (issue 12 item 4): escalation and quiet hours run on the time the signals
        // were raised in, so an escalation step comes working hours after the notice in that
        // time, and the notices are stamped in it like the cards and letters of the case.
        let now = svc.clock().app_now();
        let feed_now = now.timestamp();
        match dispatch(&svc, now, feed_now).await {
            Ok(r) => {
                if r.sent + r.failed + r.receipts + r.auto_notices + r.escalations > 0 {
                    tracing::info!(?r, "SMS dispatch");
                }
                svc.sms().set_last(r);
            }
            Err(e) => {
                tracing::warn!(error = %e.message, "SMS dispatch failed");
                svc.sms().set_last(DispatchReport {
                    at: cst_text(now),
                    error: Some(e.message),
                    ..Default::default()
                });
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = svc.sms().wake.notified() => {}
        }
    }
}
