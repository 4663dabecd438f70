//! The directory (通讯录): handlers, department chiefs and leaders in charge with their mobile
//! numbers.

use jiancha_api::sms::{ContactDto, ContactImportResult, MissingContactDto};
use jiancha_api::{ApiError, ErrorCode};
use jiancha_notify::db::contacts;
use jiancha_notify::{ContactRole, NewContact};
use jiancha_store::Db;
use jiancha_workflow::auth::Action;

use crate::error::invalid;
use crate::Service;

pub(super) fn role_of(v: &str) -> Option<ContactRole> {
    match v.trim() {
        "承办人" | "handler" => Some(ContactRole::Handler),
        "科室负责人" | "section_chief" => Some(ContactRole::SectionChief),
        "分管领导" | "leader_in_charge" => Some(ContactRole::LeaderInCharge),
        _ => None,
    }
}

/// The gateway adapter's own check (`jiancha_notify::gateway::is_mobile`), as the page's error.
pub(super) fn check_mobile(phone: &str) -> Result<(), ApiError> {
    if jiancha_notify::gateway::is_mobile(phone) {
        Ok(())
    } else {
        Err(invalid(format!(
            "手机号码 {phone:?} 无效（须为 11 位、以 1 开头）"
        )))
    }
}

/// `sms_contacts_list`: the directory, by department and role, with the departments' names
/// from the feed.
pub fn contacts(svc: &Service) -> Result<Vec<ContactDto>, ApiError> {
    crate::auth::require(svc, Action::View)?;
    let db = svc.db()?;
    let names: std::collections::HashMap<String, String> =
        jiancha_feed::db::departments::tree_order(db.conn())?
            .into_iter()
            .map(|d| (d.dept_id, d.name))
            .collect();
    Ok(contacts::list(db.conn())?
        .into_iter()
        .map(|c| ContactDto {
            id: c.id,
            dept_name: names.get(&c.dept_id).cloned(),
            dept_id: c.dept_id,
            role: c.role.code().into(),
            role_label: c.role.label().into(),
            name: c.name,
            phone: c.phone,
        })
        .collect())
}

/// `sms_contacts_import`: lines `部门编码,角色,姓名,手机号码` (角色: 承办人 / 科室负责人 /
/// 分管领导; commas or tabs; `#` comments and a header line are skipped). All or nothing: the
/// first bad line is named and nothing is stored. An existing (department, role, name) gets
/// the new number.
pub fn import_contacts(svc: &Service, text: &str) -> Result<ContactImportResult, ApiError> {
    crate::auth::require(svc, Action::ChangeSettings)?;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("部门编码") {
            continue;
        }
        let parts: Vec<&str> = line.split([',', '\t', '，']).map(str::trim).collect();
        let n = i + 1;
        let [dept, role, name, phone] = parts.as_slice() else {
            return Err(invalid(format!(
                "第 {n} 行应为“部门编码,角色,姓名,手机号码”四项，收到 {} 项: {line:?}",
                parts.len()
            )));
        };
        let role = role_of(role).ok_or_else(|| {
            invalid(format!(
                "第 {n} 行的角色 {role:?} 无效：应为 承办人 / 科室负责人 / 分管领导"
            ))
        })?;
        if dept.is_empty() || name.is_empty() {
            return Err(invalid(format!("第 {n} 行缺少部门编码或姓名: {line:?}")));
        }
        check_mobile(phone).map_err(|e| invalid(format!("第 {n} 行的{}", e.message)))?;
        rows.push(NewContact {
            dept_id: dept.to_string(),
            role,
            name: name.to_string(),
            phone: phone.to_string(),
        });
    }
    if rows.is_empty() {
        return Err(invalid("没有可导入的行 (no lines to import)"));
    }
    let at = crate::settings::chrono_free_now();
    let n = svc.db()?.write(|tx| contacts::import(tx, &rows, at))?;
    let _ = crate::auth::audit_setting_change(
        svc,
        "notice.directory",
        "",
        &format!("导入 {} 条，更新 {} 条", n.added, n.updated),
    );
    Ok(ContactImportResult {
        added: n.added,
        updated: n.updated,
    })
}

/// `sms_contact_delete`.
pub fn delete_contact(svc: &Service, id: i64) -> Result<(), ApiError> {
    crate::auth::require(svc, Action::ChangeSettings)?;
    let Some(gone) = svc.db()?.write(|tx| contacts::delete(tx, id))? else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("通讯录中没有编号为 {id} 的联系人"),
        ));
    };
    let _ = crate::auth::audit_setting_change(
        svc,
        "notice.directory",
        &format!("{} {}", gone.dept_id, gone.name),
        "已删除",
    );
    Ok(())
}

/// `sms_contacts_missing`: handlers of open cards with no number in the directory, most
/// cards first (at most `limit`, 1–500), so the officer knows whose numbers to collect. The
/// feed's handlers of open cards, less those the directory knows.
pub fn missing_contacts(svc: &Service, limit: i64) -> Result<Vec<MissingContactDto>, ApiError> {
    crate::auth::require(svc, Action::View)?;
    let db = svc.db()?;
    // The handler of each case as the queues see it: the search index, which the evaluator
    // keeps current (a read never refreshes it).
    let known = contacts::handlers_with_number(db.conn())?;
    Ok(jiancha_feed::db::queue::open_by_handler(db.conn(), 10_000)?
        .into_iter()
        .filter(|h| !known.contains(&(h.dept_id.clone(), h.handler.clone())))
        .take(limit.clamp(1, 500) as usize)
        .map(|h| MissingContactDto {
            dept_id: h.dept_id,
            dept_name: h.dept_name,
            handler: h.handler,
            open_cards: h.cards as i64,
        })
        .collect())
}

/// The name and number of `name` (a handler) or of the department's chief / leader in charge.
pub(super) fn lookup(
    db: &Db,
    dept: &str,
    role: ContactRole,
    name: Option<&str>,
) -> Result<Option<(String, String)>, ApiError> {
    Ok(contacts::lookup(db.conn(), dept, role, name)?.map(|c| (c.name, c.phone)))
}
