//! The escalation chain for cards not acted on (Art. B6 notice, Art. A8: warnings go to
//! the directly responsible person and the leader in charge): 承办人 (handler) →
//! 科室负责人 (section chief) → 分管领导 (leader in charge).
//!
//! **[decision]** Each step is due a configurable delay, counted in working time, after
//! the previous person was reached (the first step: after the card was raised). Working
//! time = office hours (default 08:30–17:30 CST) on working days of the calendar. A step
//! whose last attempt failed is retried no sooner than `retry_after` later. Every due
//! instant is then moved out of quiet hours ([`crate::next_send_instant`]). Pure: the
//! history and the instant are passed in.

use chrono::{DateTime, NaiveTime, Utc};
use jiancha_calendar::{cst, Calendar};

use crate::quiet::{cst_instant, next_send_instant, QuietPolicy};

/// Who is told, in chain order: a person of the case's department as the notices directory
/// (`db::contacts`) and the SMS records (`db::messages`) name them. Not an account role (the
/// workflow crate's `auth::Role`: who may do what in the console): these people have no
/// account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContactRole {
    Handler,
    SectionChief,
    LeaderInCharge,
}

impl ContactRole {
    /// In chain order.
    pub const ALL: [ContactRole; 3] = [
        ContactRole::Handler,
        ContactRole::SectionChief,
        ContactRole::LeaderInCharge,
    ];

    /// Stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            ContactRole::Handler => "handler",
            ContactRole::SectionChief => "section_chief",
            ContactRole::LeaderInCharge => "leader_in_charge",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ContactRole::Handler => "承办人",
            ContactRole::SectionChief => "科室负责人",
            ContactRole::LeaderInCharge => "分管领导",
        }
    }

    pub fn from_code(code: &str) -> Option<ContactRole> {
        ContactRole::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// A delay in working time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delay {
    /// Hours of office time (on working days only).
    WorkingHours(u32),
    /// Working days later, at the same office time.
    WorkingDays(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EscalationStep {
    pub role: ContactRole,
    /// Counted from when the previous step's person was reached (the first step: from the
    /// card being raised).
    pub after: Delay,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationPolicy {
    pub steps: Vec<EscalationStep>,
    pub office_start: NaiveTime,
    pub office_end: NaiveTime,
    /// After a failed attempt to reach a person, the next attempt waits this long.
    pub retry_after: Delay,
}

impl Default for EscalationPolicy {
    /// **[decision]** handler at once; section chief after 4 working hours without action;
    /// leader in charge one working day after the chief; a failed SMS retried after one
    /// working hour.
    fn default() -> Self {
        EscalationPolicy {
            steps: vec![
                EscalationStep {
                    role: ContactRole::Handler,
                    after: Delay::WorkingHours(0),
                },
                EscalationStep {
                    role: ContactRole::SectionChief,
                    after: Delay::WorkingHours(4),
                },
                EscalationStep {
                    role: ContactRole::LeaderInCharge,
                    after: Delay::WorkingDays(1),
                },
            ],
            office_start: NaiveTime::from_hms_opt(8, 30, 0).expect("valid time"),
            office_end: NaiveTime::from_hms_opt(17, 30, 0).expect("valid time"),
            retry_after: Delay::WorkingHours(1),
        }
    }
}

/// One attempt to tell someone about the card (an SMS, or a phone call recorded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoticeAttempt {
    pub role: ContactRole,
    pub at: DateTime<Utc>,
    /// The person was reached: SMS accepted by the gateway (or delivered), or the call got
    /// through. `false` = failed / undelivered / no answer.
    pub reached: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escalation {
    /// The card was acted on: nobody else is to be told.
    ActedOn,
    /// Everyone in the chain has been reached.
    Complete,
    /// `role` is to be told at `due_at` (already allowed by quiet hours);
    /// `due_now` = `due_at <= now`.
    Next {
        role: ContactRole,
        due_at: DateTime<Utc>,
        due_now: bool,
    },
}

/// `from` plus `delay` of working time under `policy`'s office hours.
pub fn add_working_time(
    cal: &Calendar,
    policy: &EscalationPolicy,
    from: DateTime<Utc>,
    delay: Delay,
) -> DateTime<Utc> {
    let (start, end) = (
        policy.office_start,
        policy.office_end.max(policy.office_start),
    );
    let local = from.with_timezone(&cst());
    let (mut d, mut t) = (local.date_naive(), local.time());
    // Normalise to office time: outside it, the clock starts at the next office opening.
    if !cal.is_workday(d) || t >= end {
        d = cal.next_workday(d);
        t = start;
    } else if t < start {
        t = start;
    }
    match delay {
        Delay::WorkingDays(n) => cst_instant(cal.add_workdays(d, n), t),
        Delay::WorkingHours(h) => {
            let mut remaining = i64::from(h) * 60;
            loop {
                let avail = (end - t).num_minutes();
                if remaining <= avail {
                    return cst_instant(d, t) + chrono::Duration::minutes(remaining);
                }
                remaining -= avail;
                d = cal.next_workday(d);
                t = start;
            }
        }
    }
}

/// Who is due next, and when, for a card raised at `raised_at` whose notice history is
/// `history` (any order), as of `now`.
pub fn next_escalation(
    cal: &Calendar,
    policy: &EscalationPolicy,
    quiet: &QuietPolicy,
    raised_at: DateTime<Utc>,
    history: &[NoticeAttempt],
    acted_on: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Escalation {
    if acted_on.is_some_and(|a| a <= now) {
        return Escalation::ActedOn;
    }
    let mut base = raised_at;
    for step in &policy.steps {
        let of_role = || history.iter().filter(|a| a.role == step.role);
        if let Some(reached) = of_role().filter(|a| a.reached).map(|a| a.at).min() {
            base = reached;
            continue;
        }
        let mut due = match step.after {
            Delay::WorkingHours(0) | Delay::WorkingDays(0) => base,
            d => add_working_time(cal, policy, base, d),
        };
        if let Some(failed) = of_role().filter(|a| !a.reached).map(|a| a.at).max() {
            due = due.max(add_working_time(cal, policy, failed, policy.retry_after));
        }
        let due_at = next_send_instant(cal, due, quiet);
        return Escalation::Next {
            role: step.role,
            due_at,
            due_now: due_at <= now,
        };
    }
    Escalation::Complete
}
