//! Reads of the catalogue: `departments` (with the stationed discipline body, Art. A8/B8) and
//! `items` (事项). The sync writes them (`crate::apply`).

use jiancha_store::rusqlite::{Connection, OptionalExtension};

use crate::error::SyncError;

/// A department of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    /// 部门编码.
    pub dept_id: String,
    /// Name.
    pub name: String,
    /// `city` (市本级) or `county`.
    pub level: String,
    /// 行政区划代码.
    pub region_code: String,
    /// 行政区划 name.
    pub region_name: String,
    /// The discipline body stationed at it.
    pub discipline_body_name: String,
}

const COLUMNS: &str = "dept_id, name, level, region_code, region_name, discipline_body_name";

fn department(r: &jiancha_store::rusqlite::Row<'_>) -> jiancha_store::rusqlite::Result<Department> {
    Ok(Department {
        dept_id: r.get(0)?,
        name: r.get(1)?,
        level: r.get(2)?,
        region_code: r.get(3)?,
        region_name: r.get(4)?,
        discipline_body_name: r.get(5)?,
    })
}

/// Every department (at most 10 000): 市本级 first, then by region code, by name within a
/// region — the order of the queues' department tree.
pub fn tree_order(conn: &Connection) -> Result<Vec<Department>, SyncError> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM departments \
         ORDER BY level <> 'city', region_code, name LIMIT 10000"
    ))?;
    let rows = st.query_map([], department)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One department, `None` when not in the catalogue.
pub fn get(conn: &Connection, dept_id: &str) -> Result<Option<Department>, SyncError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM departments WHERE dept_id = ?1"
        ))?
        .query_row([dept_id], department)
        .optional()?)
}

/// An item of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// 实施编码.
    pub item_code: String,
    /// 事项名称.
    pub name: String,
    /// The department that implements it.
    pub dept_id: String,
}

/// The items of one department (every item when `None`), by department then name (at most
/// 5 000).
pub fn items(conn: &Connection, dept_id: Option<&str>) -> Result<Vec<Item>, SyncError> {
    let mut st = conn.prepare_cached(
        "SELECT item_code, name, dept_id FROM items \
         WHERE ?1 IS NULL OR dept_id = ?1 ORDER BY dept_id, name LIMIT 5000",
    )?;
    let rows = st.query_map([dept_id], |r| {
        Ok(Item {
            item_code: r.get(0)?,
            name: r.get(1)?,
            dept_id: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
