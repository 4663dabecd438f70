//! The simulated city's data: every case is a pure function of (seed, case index), so millions of
//! cases never sit in memory. The only per-case state kept anywhere is the feed index (8 bytes per
//! published version, see `server.rs`).

use chrono::{Datelike, Duration as ChronoDuration, NaiveDate, Weekday};
use jiancha_calendar::Calendar;
use jiancha_protocol::{
    Acceptance, Application, Case, CaseDigest, CaseStatus, CaseType, Complaint, Completion,
    Correction, DigestResult, Entity, Evaluation, Item, Limit, LimitUnit, Outcome, Record,
    Rejection, Satisfaction, SpecialKind, SpecialProcedure, Step, StepAction, StepStatus,
    Timestamp, Withdrawal,
};

use crate::city::{self, person, DeptSpec};
use crate::rng::Rng;

const CST_SECS: i64 = 8 * 3600;
const MIN: i64 = 60;
const DAY: i64 = 86_400;

/// Version slots of a case (the low 4 bits of an index entry).
pub mod slot {
    /// 受理 (or 不予受理).
    pub const ACCEPT: u8 = 0;
    /// 补正 start.
    pub const CORRECTION_START: u8 = 1;
    /// 补正 end.
    pub const CORRECTION_END: u8 = 2;
    /// 特别程序 start.
    pub const SPECIAL_START: u8 = 3;
    /// 特别程序 end.
    pub const SPECIAL_END: u8 = 4;
    /// 办结 or 撤回.
    pub const FINAL: u8 = 5;
    /// The backdating department's rewrite of acceptance/completion times.
    pub const REWRITE: u8 = 6;
    /// The case's evaluation record.
    pub const EVALUATION: u8 = 10;
    /// A complaint about the case.
    pub const COMPLAINT: u8 = 11;
}

/// Which integrity faults are planted in the city (each picks one department).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plant {
    /// One department's data stops arriving (Art. A9(2), B4 漏报).
    pub silent: bool,
    /// One department reports its cases days late (Art. B4 不按时报送).
    pub late: bool,
    /// One department rewrites acceptance/completion times after the fact (Art. A9(8)).
    pub backdate: bool,
}

impl Plant {
    /// All three planted.
    pub const ALL: Plant = Plant {
        silent: true,
        late: true,
        backdate: true,
    };
    /// An honest city.
    pub const NONE: Plant = Plant {
        silent: false,
        late: false,
        backdate: false,
    };
}

/// What the city looks like.
#[derive(Debug, Clone)]
pub struct WorldConfig {
    /// The seed: same seed, same city, same records, same digest.
    pub seed: u64,
    /// Number of history cases (arriving on working days before `history_end`).
    pub cases: u64,
    /// The end of the history ("now" for the console's demo feed).
    pub history_end: Timestamp,
    /// Average arrivals per working day; default `clamp(cases / 250, 200, 4000)`.
    pub cases_per_workday: Option<u32>,
    /// Planted integrity faults.
    pub plant: Plant,
}

impl WorldConfig {
    /// The default history end of the CLI: 2026-06-30 18:00 CST (a Tuesday, after office hours).
    pub fn default_history_end() -> Timestamp {
        Timestamp::parse("2026-06-30T18:00:00+08:00").expect("constant parses")
    }

    /// A config with the defaults.
    pub fn new(seed: u64, cases: u64) -> WorldConfig {
        WorldConfig {
            seed,
            cases,
            history_end: Self::default_history_end(),
            cases_per_workday: None,
            plant: Plant::ALL,
        }
    }
}

/// What the simulator planted, for tests and for checking the console's findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truth {
    /// The department whose data stops, and the instant from which nothing more is published.
    pub silent_department: Option<(String, Timestamp)>,
    /// The department that reports 3–8 working days late.
    pub late_department: Option<String>,
    /// The department that rewrites timestamps.
    pub backdating_department: Option<String>,
    /// Departments with none of the above.
    pub honest_departments: Vec<String>,
    /// History cases whose published versions include a rewrite of acceptance/completion time.
    pub backdated_cases: Vec<String>,
    /// History cases whose latest version completes before acceptance (all among the backdated).
    pub impossible_cases: Vec<String>,
    /// The digest over the latest valid version of every case published in the history.
    pub digest: DigestResult,
    /// Highest seq of the history (catalogue included).
    pub history_seq: u64,
    /// Number of catalogue records (departments + items), seqs 1..=catalog_len.
    pub catalog_len: u64,
}

#[derive(Debug, Clone)]
struct PStep {
    name: &'static str,
    handler: String,
    start: i64,
    end: i64,
    action: StepAction,
}

#[derive(Debug, Clone)]
struct PSpecial {
    kind: SpecialKind,
    start: i64,
    end: i64,
    limit: Option<Limit>,
    reason: &'static str,
    result: &'static str,
}

#[derive(Debug, Clone, Copy)]
struct Rewrite {
    accepted: i64,
    completed: i64,
    impossible: bool,
}

/// One case's whole life (the generator's internal plan).
#[derive(Debug, Clone)]
pub struct Plan {
    /// Case index.
    pub index: u64,
    /// 办件编号.
    pub id: String,
    /// Department index.
    pub dept: usize,
    item: usize,
    applied: i64,
    source: &'static str,
    applicant_kind: &'static str,
    applicant_name: String,
    classified: bool,
    accepted: Option<(i64, String)>,
    rejected: Option<i64>,
    steps: Vec<PStep>,
    correction: Option<(i64, i64, &'static str)>,
    special: Option<PSpecial>,
    completed: Option<(i64, Outcome, String)>,
    withdrawn: Option<i64>,
    rewrite: Option<Rewrite>,
    evaluation: Option<(i64, Satisfaction, &'static str)>,
    complaint: Option<i64>,
    /// Working days late at completion (negative or 0 = on time).
    pub late_by: i64,
    /// Published versions: (slot, event time, publication time), publication ascending for
    /// case slots; withheld versions (silent department) are already removed.
    pub versions: Vec<(u8, i64, i64)>,
}

/// The simulated city.
pub struct World {
    cfg: WorldConfig,
    cal: Calendar,
    depts: Vec<DeptSpec>,
    items: Vec<Item>,
    dept_cum: Vec<f64>,
    /// (first case index, date) per arrival day, history then live days.
    days: Vec<(u64, NaiveDate)>,
    /// One past the last case index that has an arrival day.
    case_end: u64,
    history_end: i64,
    /// Base instant of index entries (seconds; entries store `pub - base`).
    base: i64,
    silent: Option<(usize, i64)>,
    late: Option<usize>,
    backdate: Option<usize>,
}

fn at(d: NaiveDate, minute: i64) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp()
        - CST_SECS
        + minute * MIN
}

fn date_of(t: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp(t + CST_SECS, 0)
        .expect("in range")
        .date_naive()
}

fn ts(t: i64) -> Timestamp {
    Timestamp::from_unix(t).expect("in range")
}

fn day_factor(seed: u64, d: NaiveDate) -> f64 {
    let wd = match d.weekday() {
        Weekday::Mon => 1.2,
        Weekday::Tue => 1.05,
        Weekday::Wed => 1.0,
        Weekday::Thu => 0.95,
        Weekday::Fri => 0.85,
        _ => 0.7, // a make-up working day on a weekend
    };
    let mut r = Rng::new(seed, 0xDA7, d.num_days_from_ce() as u64);
    wd * (0.85 + 0.3 * r.f64())
}

impl World {
    /// Builds the city (departments, catalogue, arrival days); cases are generated on demand.
    pub fn new(cfg: WorldConfig) -> World {
        let cal = Calendar::builtin();
        let (depts, items) = city::build(cfg.seed);
        let mut acc = 0.0;
        let dept_cum = depts
            .iter()
            .map(|d| {
                acc += d.weight;
                acc
            })
            .collect();
        let rate = cfg
            .cases_per_workday
            .map(f64::from)
            .unwrap_or_else(|| (cfg.cases as f64 / 250.0).clamp(200.0, 4000.0))
            .max(1.0);
        let h = cfg.history_end.unix();
        let h_date = date_of(h);
        // The last history day: H's date when H is after office hours, else the working day before.
        let last_day = if cal.is_workday(h_date) && h - at(h_date, 0) >= 18 * 3600 {
            h_date
        } else {
            cal.prev_workday(h_date)
        };
        let count = |d: NaiveDate| ((rate * day_factor(cfg.seed, d)).round() as u64).max(1);
        let mut rev = Vec::new();
        let mut total = 0u64;
        let mut d = last_day;
        while total < cfg.cases {
            let c = count(d);
            rev.push((c, d));
            total += c;
            d = cal.prev_workday(d);
        }
        if let Some(first) = rev.last_mut() {
            first.0 -= total - cfg.cases;
        }
        let mut days = Vec::with_capacity(rev.len() + 520);
        let mut start = 0u64;
        for (c, d) in rev.into_iter().rev() {
            days.push((start, d));
            start += c;
        }
        // Live days: about two years after the history.
        let mut d = last_day;
        for _ in 0..520 {
            d = cal.next_workday(d);
            days.push((start, d));
            start += count(d);
        }
        let case_end = start;
        let first_day = days.first().map(|x| x.1).unwrap_or(last_day);
        let base = at(first_day, 0) - 60 * DAY;

        // Planted departments: three distinct ones, never the heavy 行政审批服务局 (index 0).
        let mut r = Rng::new(cfg.seed, 0x91A, 0);
        let mut picks: Vec<usize> = Vec::new();
        while picks.len() < 3 {
            let p = 1 + r.index(depts.len() - 1);
            if !picks.contains(&p) {
                picks.push(p);
            }
        }
        let n_hist = days.iter().take_while(|x| x.0 < cfg.cases).count();
        let silent = cfg.plant.silent.then(|| {
            // Silent for the last 15 working days of the history (or its second half if shorter).
            let back = 15.min(n_hist / 2).max(1);
            let day = if n_hist > back {
                days[n_hist - back].1
            } else {
                last_day
            };
            (picks[0], at(day, 0))
        });
        World {
            late: cfg.plant.late.then_some(picks[1]),
            backdate: cfg.plant.backdate.then_some(picks[2]),
            silent,
            cfg,
            cal,
            depts,
            items,
            dept_cum,
            days,
            case_end,
            history_end: h,
            base,
        }
    }

    /// The feed id (`Page::feed_id`): a hash of everything that shapes the change log.
    pub fn feed_id(&self) -> String {
        let c = &self.cfg;
        let mut h = crate::rng::mix(c.seed ^ 0xFEED);
        for x in [
            c.cases,
            c.history_end.unix() as u64,
            c.cases_per_workday.map(u64::from).unwrap_or(u64::MAX),
            (c.plant.silent as u64) | (c.plant.late as u64) << 1 | (c.plant.backdate as u64) << 2,
        ] {
            h = crate::rng::mix(h ^ x);
        }
        format!("feedsim-{h:016x}")
    }

    /// The configuration.
    pub fn config(&self) -> &WorldConfig {
        &self.cfg
    }

    /// The working-day calendar in use.
    pub fn calendar(&self) -> &Calendar {
        &self.cal
    }

    /// History end (seconds since the epoch).
    pub fn history_end_unix(&self) -> i64 {
        self.history_end
    }

    /// Base instant of index entries.
    pub fn base_unix(&self) -> i64 {
        self.base
    }

    /// One past the last case index that has an arrival day (history + about two years live).
    pub fn case_end(&self) -> u64 {
        self.case_end
    }

    /// Departments.
    pub fn departments(&self) -> impl Iterator<Item = &jiancha_protocol::Department> {
        self.depts.iter().map(|d| &d.dept)
    }

    /// The item catalogue.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Number of catalogue records (seqs 1..=this are departments then items).
    pub fn catalog_len(&self) -> u64 {
        (self.depts.len() + self.items.len()) as u64
    }

    /// The catalogue record at `seq` (1-based), reported at the index base.
    pub fn catalog_record(&self, seq: u64) -> Option<Record> {
        let k = seq.checked_sub(1)? as usize;
        let entity = if k < self.depts.len() {
            Entity::Department(self.depts[k].dept.clone())
        } else {
            Entity::Item(self.items.get(k - self.depts.len())?.clone())
        };
        Some(Record {
            seq,
            reported_at: ts(self.base),
            entity,
        })
    }

    /// Arrival date of case `i`.
    pub fn arrival_day(&self, i: u64) -> NaiveDate {
        self.arrival(i).1
    }

    /// (position of case `i` among its day's arrivals, arrival date).
    fn arrival(&self, i: u64) -> (u64, NaiveDate) {
        let k = self.days.partition_point(|x| x.0 <= i).saturating_sub(1);
        (i - self.days[k].0, self.days[k].1)
    }

    /// The department of case `i`: the first arrivals of each working day go one to each
    /// department (so every department, however quiet, has work every working day and an honest
    /// one never looks silent), the rest by volume weight.
    fn pick_dept(&self, r: &mut Rng, i: u64) -> (usize, NaiveDate) {
        let weighted = r.weighted(&self.dept_cum);
        let (pos, day) = self.arrival(i);
        let n = self.depts.len() as u64;
        let dept = if pos < n {
            ((pos + day.num_days_from_ce() as u64) % n) as usize
        } else {
            weighted
        };
        (dept, day)
    }

    /// The cheap header of case `i` (department index, arrival day) without building the case.
    pub fn header(&self, i: u64) -> (usize, NaiveDate) {
        let mut r = Rng::new(self.cfg.seed, 0xCA5E, i);
        self.pick_dept(&mut r, i)
    }

    fn add_wd(&self, d: NaiveDate, n: i64) -> NaiveDate {
        self.cal.add_workdays(d, n.max(0) as u32)
    }

    fn deadline(&self, acc: NaiveDate, l: Limit) -> NaiveDate {
        match l.unit {
            LimitUnit::G => self.add_wd(acc, l.value as i64),
            LimitUnit::Z => {
                let d = acc + ChronoDuration::days(l.value as i64);
                if self.cal.is_workday(d) {
                    d
                } else {
                    self.cal.next_workday(d)
                }
            }
        }
    }

    fn work_time(&self, r: &mut Rng, d: NaiveDate, after: i64) -> i64 {
        at(d, r.range(540, 1050)).max(after + r.range(5, 40) * MIN)
    }

    /// `t` if it falls in office hours (09:00–17:30 of a working day), else a moment early in
    /// the next office hours.
    fn office(&self, r: &mut Rng, t: i64) -> i64 {
        let d = date_of(t);
        let m = (t - at(d, 0)) / MIN;
        let work = self.cal.is_workday(d);
        if work && (540..=1050).contains(&m) {
            return t;
        }
        let day = if work && m < 540 {
            d
        } else {
            self.cal.next_workday(d)
        };
        at(day, r.range(540, 600))
    }

    /// Plans case `i` (pure in (seed, config, i)).
    pub fn plan(&self, i: u64) -> Plan {
        let mut r = Rng::new(self.cfg.seed, 0xCA5E, i);
        let (dept, date0) = self.pick_dept(&mut r, i);
        let spec = &self.depts[dept];
        let n_items = spec.items.len();
        let u = r.f64();
        let item_idx = spec.items[((u * u * n_items as f64) as usize).min(n_items - 1)];
        let item = &self.items[item_idx];
        let applied = at(date0, r.range(510, 1020));
        let source = if r.chance(0.6) { "1" } else { "2" };
        let applicant_kind = if r.chance(0.55) { "1" } else { "2" };
        let applicant_name = if applicant_kind == "1" {
            let p = person(&mut r);
            let first: String = p.chars().take(1).collect();
            format!("{first}**")
        } else {
            const PRE: &[&str] = &[
                "华信", "鲁源", "泉城", "海岱", "齐鲁", "明湖", "锦程", "恒通",
            ];
            const SUF: &[&str] = &["建设", "商贸", "科技", "餐饮", "物流", "医药"];
            format!(
                "{}{}有限公司",
                PRE[r.index(PRE.len())],
                SUF[r.index(SUF.len())]
            )
        };
        let classified = r.chance(0.003);
        // Same text as chrono's `%Y%m%d` for these 4-digit years, without its formatter (a
        // plan is made for every record served).
        let id = format!(
            "{}-{:04}{:02}{:02}-{:09}",
            spec.dept.region_code,
            date0.year(),
            date0.month(),
            date0.day(),
            i
        );
        let mut plan = Plan {
            index: i,
            id,
            dept,
            item: item_idx,
            applied,
            source,
            applicant_kind,
            applicant_name,
            classified,
            accepted: None,
            rejected: None,
            steps: Vec::new(),
            correction: None,
            special: None,
            completed: None,
            withdrawn: None,
            rewrite: None,
            evaluation: None,
            complaint: None,
            late_by: 0,
            versions: Vec::new(),
        };
        let mut events: Vec<(u8, i64)> = Vec::new();

        if r.chance(0.02) {
            let t = applied + r.range(20, 120) * MIN;
            plan.rejected = Some(t);
            events.push((slot::ACCEPT, t));
            self.publish(&mut plan, &mut r, events);
            return plan;
        }
        let accepted = if source == "1" {
            applied + r.range(5, 40) * MIN
        } else if r.chance(0.7) {
            applied + r.range(10, 180) * MIN
        } else {
            at(self.cal.next_workday(date0), r.range(540, 780))
        };
        plan.accepted = Some((accepted, person(&mut r)));
        events.push((slot::ACCEPT, accepted));
        let acc_date = date_of(accepted);
        let immediate = item.case_type == CaseType::Immediate;
        let w = self
            .cal
            .workdays_between(acc_date, self.deadline(acc_date, item.promised_limit))
            .max(1);
        let backdater = self.backdate == Some(dept);
        let (p_yellow, p_red) = if backdater {
            (0.15, 0.06)
        } else {
            (spec.p_yellow, spec.p_red)
        };
        let u = r.f64();
        let k0 = if u < p_red {
            w + r.range(3, if immediate { 10 } else { 25 })
        } else if u < p_red + p_yellow {
            w + r.range(1, 2)
        } else if immediate {
            if r.chance(0.9) {
                0
            } else {
                1
            }
        } else {
            ((w as f64) * (0.2 + 0.8 * r.f64())).round() as i64
        };
        plan.late_by = k0 - w;

        // Withdrawn by the applicant before completion.
        if !immediate && r.chance(0.015) {
            let off = r.range(0, k0);
            let t = self.work_time(&mut r, self.add_wd(acc_date, off), accepted);
            let s = accepted + r.range(5, 60) * MIN;
            plan.steps.push(PStep {
                name: "承办",
                handler: person(&mut r),
                start: s.min(t - MIN),
                end: t,
                action: StepAction::Other,
            });
            plan.withdrawn = Some(t);
            plan.late_by = 0;
            events.push((slot::FINAL, t));
            self.publish(&mut plan, &mut r, events);
            return plan;
        }

        let mut last = accepted;
        let mut pause = 0i64;
        if !immediate && r.chance(0.12) {
            let c0 = r.range(0, k0.min(w));
            let start = self.work_time(&mut r, self.add_wd(acc_date, c0), last);
            let p = r.range(1, 8);
            let end = self.work_time(&mut r, self.add_wd(date_of(start), p), start);
            const WHY: &[&str] = &[
                "申请材料不齐全",
                "申请表填写不规范",
                "缺少身份证明",
                "图纸不符合要求",
            ];
            plan.correction = Some((start, end, WHY[r.index(WHY.len())]));
            events.push((slot::CORRECTION_START, start));
            events.push((slot::CORRECTION_END, end));
            last = end;
            pause += p + 1;
        }
        if !immediate && r.chance(0.06) {
            let kind_a = r.chance(0.4);
            let (kind, limit, reason, result) = if kind_a {
                (
                    SpecialKind::Extension,
                    Some(Limit {
                        value: 10,
                        unit: LimitUnit::G,
                    }),
                    "情况复杂，经负责人批准延长审批期限",
                    "延长审批",
                )
            } else {
                const B: &[(&str, &str)] = &[
                    ("依法需要听证", "听证"),
                    ("需组织专家评审", "专家评审"),
                    ("需要检验检测", "检验"),
                    ("需现场核查", "实地核查"),
                    ("需要鉴定", "鉴定"),
                ];
                let (why, res) = B[r.index(B.len())];
                let limit = if r.chance(0.7) {
                    Some(if r.chance(0.5) {
                        Limit {
                            value: 20,
                            unit: LimitUnit::G,
                        }
                    } else {
                        Limit {
                            value: 30,
                            unit: LimitUnit::Z,
                        }
                    })
                } else {
                    None
                };
                (SpecialKind::Other, limit, why, res)
            };
            let last_off = self.cal.workdays_between(acc_date, date_of(last)).max(0);
            let s0 = r.range(last_off, last_off.max(k0 + pause));
            let start = self.work_time(&mut r, self.add_wd(acc_date, s0), last);
            let q = match limit {
                Some(l) => {
                    let sd = date_of(start);
                    let cap = self.cal.workdays_between(sd, self.deadline(sd, l)).max(1);
                    if r.chance(0.85) {
                        r.range(1, cap)
                    } else {
                        cap + r.range(1, 5)
                    }
                }
                None => r.range(3, 15),
            };
            let end = self.work_time(&mut r, self.add_wd(date_of(start), q), start);
            plan.special = Some(PSpecial {
                kind,
                start,
                end,
                limit,
                reason,
                result,
            });
            events.push((slot::SPECIAL_START, start));
            events.push((slot::SPECIAL_END, end));
            last = end;
            pause += q + 1;
        }
        let done_day = self.add_wd(acc_date, k0 + pause);
        let completed = self.work_time(&mut r, done_day.max(date_of(last)), last);
        let outcome = {
            let x = r.f64();
            if x < 0.92 {
                Outcome::Approved
            } else if x < 0.96 {
                Outcome::Conditional
            } else {
                Outcome::Rejected
            }
        };
        plan.completed = Some((completed, outcome, person(&mut r)));
        events.push((slot::FINAL, completed));

        // Steps: 承办 → 审核 → 批准 (one 即办 step for immediate items).
        let first = (accepted + r.range(2, 30) * MIN).min(completed - MIN);
        if immediate {
            plan.steps.push(PStep {
                name: "受理即办",
                handler: person(&mut r),
                start: first,
                end: completed,
                action: StepAction::Pass,
            });
        } else {
            // Step boundaries fall in office hours (a linear split would land at night).
            let span = completed - first;
            let t1 = self
                .office(&mut r, first + span * 6 / 10)
                .clamp(first + MIN, completed - 2 * MIN);
            let t2 = self
                .office(&mut r, first + span * 85 / 100)
                .clamp(t1 + MIN, completed - MIN);
            for (name, s, e) in [
                ("承办", first, t1),
                ("审核", t1, t2),
                ("批准", t2, completed),
            ] {
                plan.steps.push(PStep {
                    name,
                    handler: person(&mut r),
                    start: s,
                    end: e,
                    action: StepAction::Pass,
                });
            }
        }

        // The backdating department rewrites its late cases after the fact.
        if backdater && plan.late_by > 0 {
            let on_time_day = self.add_wd(acc_date, w + pause);
            let rewrite = if r.chance(0.125) {
                Rewrite {
                    accepted,
                    completed: accepted - r.range(1, 3) * DAY,
                    impossible: true,
                }
            } else if r.chance(0.3) {
                let later = self.add_wd(acc_date, plan.late_by);
                Rewrite {
                    accepted: at(later, (accepted - at(acc_date, 0)) / MIN),
                    completed,
                    impossible: false,
                }
            } else {
                Rewrite {
                    accepted,
                    completed: at(on_time_day, r.range(900, 1020)).min(completed - MIN),
                    impossible: false,
                }
            };
            plan.rewrite = Some(rewrite);
            events.push((
                slot::REWRITE,
                completed + r.range(1, 5) * DAY + r.range(0, 300) * MIN,
            ));
        }

        // Evaluation and complaint.
        if r.chance(0.35) {
            let p: [f64; 5] = if plan.late_by > 0 {
                [0.10, 0.20, 0.30, 0.25, 0.15]
            } else {
                [0.50, 0.30, 0.12, 0.05, 0.03]
            };
            let x = r.f64();
            let mut acc = 0.0;
            let mut k = 4;
            for (n, pn) in p.iter().enumerate() {
                acc += pn;
                if x < acc {
                    k = n;
                    break;
                }
            }
            let sat = [
                Satisfaction::VerySatisfied,
                Satisfaction::Satisfied,
                Satisfaction::Fair,
                Satisfaction::Dissatisfied,
                Satisfaction::VeryDissatisfied,
            ][k];
            const CH: &[&str] = &["window", "web", "app", "phone", "sms"];
            plan.evaluation = Some((
                completed + r.range(10, 4320) * MIN,
                sat,
                CH[r.index(CH.len())],
            ));
        }
        let p_complaint = if plan.late_by > 2 {
            0.08
        } else if plan.late_by > 0 {
            0.03
        } else {
            0.003
        };
        if r.chance(p_complaint) {
            plan.complaint = Some(completed + r.range(60, 10 * 1440) * MIN);
        }
        self.publish(&mut plan, &mut r, events);
        plan
    }

    /// Assigns publication times (report delays, monotone per case) and withholds what a silent
    /// department never sends.
    fn publish(&self, plan: &mut Plan, r: &mut Rng, mut events: Vec<(u8, i64)>) {
        events.sort_by_key(|e| (e.1, e.0));
        let late = self.late == Some(plan.dept);
        // Honest: 1–20 minutes after the event. Late department: 3–8 working days after it
        // (always more than two working days, whatever weekends or holidays fall between).
        let delay = |r: &mut Rng, t: i64| {
            if late {
                let d = date_of(t);
                let later = self.add_wd(d, r.range(3, 8));
                at(later, 0) - at(d, 0) + r.range(1, 20) * MIN
            } else {
                r.range(1, 20) * MIN
            }
        };
        let mut prev = i64::MIN;
        let mut out = Vec::with_capacity(events.len() + 2);
        for (s, t) in events {
            let p = (t + delay(r, t)).max(prev + 1);
            prev = p;
            out.push((s, t, p));
        }
        if let Some((t, _, _)) = plan.evaluation {
            out.push((slot::EVALUATION, t, t + delay(r, t)));
        }
        if let Some(t) = plan.complaint {
            out.push((slot::COMPLAINT, t, t + r.range(1, 30) * MIN));
        }
        if let Some((d, since)) = self.silent {
            if d == plan.dept {
                out.retain(|v| v.2 < since || v.0 == slot::COMPLAINT);
            }
        }
        plan.versions = out;
    }

    /// Renders version `slot` of a planned case (the full state as of that event).
    pub fn render_case(&self, plan: &Plan, version_slot: u8) -> Option<Case> {
        let t = plan.versions.iter().find(|v| v.0 == version_slot)?.1;
        let rewrite = if version_slot == slot::REWRITE {
            plan.rewrite
        } else {
            None
        };
        // The state as of the final event for a rewrite, as of the event otherwise.
        let t = if rewrite.is_some() {
            plan.completed.as_ref().map(|c| c.0).unwrap_or(t)
        } else {
            t
        };
        let item = &self.items[plan.item];
        let spec = &self.depts[plan.dept];
        let mut status = CaseStatus::Received;
        let mut latest = i64::MIN;
        let mut note = |at: i64, s: CaseStatus| {
            if at <= t && at >= latest {
                latest = at;
                status = s;
            }
        };
        let acceptance = plan.accepted.as_ref().filter(|a| a.0 <= t).map(|(a, by)| {
            let a = rewrite.map(|rw| rw.accepted).unwrap_or(*a);
            Acceptance {
                accepted_at: ts(a),
                accepted_by: by.clone(),
                document_no: format!("SL{}", &plan.id[plan.id.len() - 9..]),
                promised_at: None,
            }
        });
        if let Some((a, _)) = plan.accepted {
            note(a, CaseStatus::Accepted);
        }
        let rejection = plan.rejected.filter(|x| *x <= t).map(|x| Rejection {
            rejected_at: ts(x),
            reason: "不属于本部门职权范围".to_owned(),
        });
        if let Some(x) = plan.rejected {
            note(x, CaseStatus::Refused);
        }
        let clamp = |x: i64| match rewrite {
            Some(rw) if !rw.impossible => x.min(rw.completed).max(rw.accepted.min(rw.completed)),
            _ => x,
        };
        let steps = plan
            .steps
            .iter()
            .filter(|s| s.start <= t)
            .map(|s| {
                let done = s.end <= t;
                Step {
                    name: s.name.to_owned(),
                    handler: s.handler.clone(),
                    action: done.then_some(s.action),
                    opinion: done.then(|| "同意".to_owned()),
                    started_at: ts(clamp(s.start)),
                    ended_at: done.then(|| ts(clamp(s.end))),
                    status: if done {
                        StepStatus::Done
                    } else {
                        StepStatus::Pending
                    },
                }
            })
            .collect::<Vec<_>>();
        if let Some(s) = plan.steps.first() {
            note(s.start, CaseStatus::Processing);
        }
        let corrections = plan
            .correction
            .iter()
            .filter(|c| c.0 <= t)
            .map(|&(s, e, why)| Correction {
                started_at: ts(s),
                ended_at: (e <= t).then(|| ts(e)),
                reason: Some(why.to_owned()),
                allowed: Some(Limit {
                    value: 15,
                    unit: LimitUnit::G,
                }),
            })
            .collect::<Vec<_>>();
        if let Some((s, e, _)) = plan.correction {
            note(s, CaseStatus::CorrectionStarted);
            note(e, CaseStatus::CorrectionEnded);
        }
        let special_procedures = plan
            .special
            .iter()
            .filter(|p| p.start <= t)
            .map(|p| SpecialProcedure {
                kind: p.kind,
                started_at: ts(p.start),
                ended_at: (p.end <= t).then(|| ts(p.end)),
                reason: p.reason.to_owned(),
                limit: p.limit,
                result: (p.end <= t).then(|| p.result.to_owned()),
            })
            .collect::<Vec<_>>();
        if let Some(p) = &plan.special {
            note(p.start, CaseStatus::SpecialStarted);
            note(p.end, CaseStatus::SpecialEnded);
        }
        let completion = plan
            .completed
            .as_ref()
            .filter(|c| c.0 <= t)
            .map(|(c, o, h)| {
                let c = rewrite.map(|rw| rw.completed).unwrap_or(*c);
                Completion {
                    completed_at: ts(c),
                    handler: h.clone(),
                    outcome: *o,
                    certificate_name: (*o != Outcome::Rejected)
                        .then(|| format!("{}决定书", item.name)),
                    certificate_no: (*o != Outcome::Rejected)
                        .then(|| format!("JD{}", &plan.id[plan.id.len() - 9..])),
                    fee_charged: false,
                }
            });
        if let Some((c, o, _)) = &plan.completed {
            note(
                *c,
                match o {
                    Outcome::Approved => CaseStatus::CompletedApproved,
                    Outcome::Conditional => CaseStatus::CompletedConditional,
                    Outcome::Rejected => CaseStatus::CompletedRejected,
                },
            );
        }
        let withdrawal = plan.withdrawn.filter(|w| *w <= t).map(|w| Withdrawal {
            withdrawn_at: ts(w),
            reason: Some("申请人主动撤回".to_owned()),
        });
        if let Some(w) = plan.withdrawn {
            note(w, CaseStatus::Withdrawn);
        }
        Some(Case {
            id: plan.id.clone(),
            item_code: item.code.clone(),
            item_name: item.name.clone(),
            department_id: spec.dept.id.clone(),
            case_type: item.case_type,
            status,
            region_code: spec.dept.region_code.clone(),
            classified: plan.classified,
            promised_limit: item.promised_limit,
            statutory_limit: item.statutory_limit,
            application: Application {
                applied_at: ts(plan.applied),
                applicant_name: plan.applicant_name.clone(),
                applicant_kind: plan.applicant_kind.to_owned(),
                source: plan.source.to_owned(),
            },
            acceptance,
            rejection,
            steps,
            corrections,
            special_procedures,
            completion,
            withdrawal,
        })
    }

    /// Renders the record for version `version_slot` of a plan at `seq`.
    pub fn render(&self, plan: &Plan, version_slot: u8, seq: u64) -> Option<Record> {
        let v = plan.versions.iter().find(|v| v.0 == version_slot)?;
        let reported_at = ts(v.2);
        let spec = &self.depts[plan.dept];
        let entity = match version_slot {
            slot::EVALUATION => {
                let (t, sat, ch) = plan.evaluation?;
                Entity::Evaluation(Evaluation {
                    id: format!("PJ-{}", plan.id),
                    case_id: plan.id.clone(),
                    department_id: spec.dept.id.clone(),
                    channel: ch.to_owned(),
                    evaluated_at: ts(t),
                    satisfaction: sat,
                    comment: (sat >= Satisfaction::Dissatisfied).then(|| "办理时间太长".to_owned()),
                })
            }
            slot::COMPLAINT => {
                let t = plan.complaint?;
                Entity::Complaint(Complaint {
                    id: format!("TS-{}", plan.id),
                    title: format!("{}办理超时", self.items[plan.item].name),
                    complainant: "匿名".to_owned(),
                    complainant_contact: None,
                    target_department_id: spec.dept.id.clone(),
                    target_person: None,
                    content: format!("办件{}迟迟未办结，多次催办无果。", plan.id),
                    source: "portal".to_owned(),
                    received_at: ts(t),
                    category: Some("2".to_owned()),
                    case_id: Some(plan.id.clone()),
                    handler_unit: None,
                    handler: None,
                    assigned_at: None,
                    feedback: None,
                    feedback_at: None,
                    promised_days: Some(15),
                    extension_days: None,
                    extension_reason: None,
                    overdue_days: None,
                })
            }
            s => Entity::Case(Box::new(self.render_case(plan, s)?)),
        };
        Some(Record {
            seq,
            reported_at,
            entity,
        })
    }

    /// Is this a case version slot (as opposed to an evaluation or complaint)?
    pub fn is_case_slot(s: u8) -> bool {
        s <= slot::REWRITE
    }

    /// The latest case version of `plan` published at or before `t`, rendered.
    pub fn case_as_published_at(&self, plan: &Plan, t: i64) -> Option<Case> {
        let s = plan
            .versions
            .iter()
            .filter(|v| Self::is_case_slot(v.0) && v.2 <= t)
            .max_by_key(|v| v.2)?
            .0;
        self.render_case(plan, s)
    }

    /// The latest valid version of every case in the served history (what a correct sync holds
    /// after catching up with a non-live server), streamed without holding them.
    pub fn history_cases(&self) -> impl Iterator<Item = Case> + '_ {
        (0..self.cfg.cases)
            .filter_map(move |i| self.case_as_published_at(&self.plan(i), self.history_end))
    }

    /// The digest of [`World::history_cases`].
    pub fn digest(&self) -> DigestResult {
        let mut d = CaseDigest::new();
        for c in self.history_cases() {
            d.add(&c);
        }
        d.finish()
    }

    /// Everything planted, plus the history digest (one pass over all history cases).
    pub fn truth(&self) -> Truth {
        let mut d = CaseDigest::new();
        let mut backdated = Vec::new();
        let mut impossible = Vec::new();
        let mut published = 0u64;
        for i in 0..self.cfg.cases {
            let plan = self.plan(i);
            published += plan
                .versions
                .iter()
                .filter(|v| v.2 <= self.history_end)
                .count() as u64;
            if let Some(c) = self.case_as_published_at(&plan, self.history_end) {
                d.add(&c);
            }
            if let Some(rw) = plan.rewrite {
                if plan
                    .versions
                    .iter()
                    .any(|v| v.0 == slot::REWRITE && v.2 <= self.history_end)
                {
                    backdated.push(plan.id.clone());
                    if rw.impossible {
                        impossible.push(plan.id.clone());
                    }
                }
            }
        }
        let name = |i: usize| self.depts[i].dept.id.clone();
        let planted = [self.silent.map(|s| s.0), self.late, self.backdate];
        Truth {
            silent_department: self.silent.map(|(i, t)| (name(i), ts(t))),
            late_department: self.late.map(name),
            backdating_department: self.backdate.map(name),
            honest_departments: (0..self.depts.len())
                .filter(|i| !planted.contains(&Some(*i)))
                .map(name)
                .collect(),
            backdated_cases: backdated,
            impossible_cases: impossible,
            digest: d.finish(),
            history_seq: self.catalog_len() + published,
            catalog_len: self.catalog_len(),
        }
    }
}
