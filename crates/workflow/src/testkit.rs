//! Test helpers: a database with one account per role, a weekend-only calendar, fixed instants.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc, Weekday};
use jiancha_store::Db;

use crate::auth::{self, NewAccount, Role, Session};
use crate::calendar::WorkCalendar;
use crate::util::Attachment;

pub const PW: &str = "correct horse";

/// Monday–Friday are working days, except the listed holidays; listed make-up days work.
pub struct TestCal {
    pub holidays: Vec<NaiveDate>,
    pub makeup: Vec<NaiveDate>,
}

impl WorkCalendar for TestCal {
    fn is_workday(&self, d: NaiveDate) -> bool {
        if self.makeup.contains(&d) {
            return true;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&d)
    }
    fn add_workdays(&self, d: NaiveDate, n: u32) -> NaiveDate {
        let mut day = d;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().unwrap();
            if self.is_workday(day) {
                left -= 1;
            }
        }
        day
    }
}

pub fn cal() -> TestCal {
    TestCal {
        holidays: vec![],
        makeup: vec![],
    }
}

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// An instant given in CST wall time.
pub fn cst(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
    crate::util::cst()
        .with_ymd_and_hms(y, m, day, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// 2026-03-02 (Monday) 09:00 CST.
pub fn t0() -> DateTime<Utc> {
    cst(2026, 3, 2, 9, 0)
}

pub fn att(name: &str) -> Attachment {
    Attachment {
        name: name.into(),
        path: format!("/files/{name}"),
        sha256: "ab".repeat(32),
    }
}

pub struct Env {
    pub db: Db,
    pub admin: Session,
    pub officer: Session,
    pub leader: Session,
    pub reviewer: Session,
}

pub fn env() -> Env {
    env_at(Db::open_in_memory().unwrap())
}

pub fn env_at(mut db: Db) -> Env {
    let now = t0();
    let mut admin =
        auth::setup_first_admin(&mut db, "admin", "管理员", PW, "ws-admin", now).unwrap();
    for (u, name, role) in [
        ("officer", "王监察", Role::Officer),
        ("leader", "李领导", Role::Leader),
        ("reviewer", "赵查阅", Role::Reviewer),
    ] {
        auth::create_account(
            &mut db,
            &mut admin,
            &NewAccount {
                username: u,
                display_name: name,
                role,
                password: PW,
            },
            now,
        )
        .unwrap();
    }
    let officer = auth::sign_in(&mut db, "officer", PW, "ws-1", now).unwrap();
    let leader = auth::sign_in(&mut db, "leader", PW, "ws-2", now).unwrap();
    let reviewer = auth::sign_in(&mut db, "reviewer", PW, "ws-3", now).unwrap();
    Env {
        db,
        admin,
        officer,
        leader,
        reviewer,
    }
}

impl Env {
    /// The users come back after a while: sessions idle-locked by then are unlocked with the
    /// password (what the lock screen does).
    pub fn wake(&mut self, at: DateTime<Utc>) {
        for s in [
            &mut self.admin,
            &mut self.officer,
            &mut self.leader,
            &mut self.reviewer,
        ] {
            if s.is_locked_at(at) {
                assert!(auth::authorize(s, auth::Action::View, at).is_err());
                auth::unlock(&mut self.db, s, PW, at).unwrap();
            }
        }
    }

    pub fn approval(&mut self, now: DateTime<Utc>) -> auth::Approval {
        auth::leader_approval(&mut self.db, "leader", PW, "ws-1", now).unwrap()
    }
}
