//! The 日历 (calendar) screen: year view, import, single-day edits, history.

use jiancha_api::calendar::{
    CalendarChangeResult, CalendarDayEditRequest, CalendarEditEntry, CalendarImportRequest,
    CalendarYearRequest, CalendarYearView,
};
use jiancha_api::ApiError;

use crate::app::Service;
use crate::calendar;

pub(super) fn calendar_year(
    svc: &Service,
    req: CalendarYearRequest,
) -> Result<CalendarYearView, ApiError> {
    calendar::year_view(svc, req.year)
}

pub(super) fn calendar_history(svc: &Service) -> Result<Vec<CalendarEditEntry>, ApiError> {
    calendar::history(svc)
}

pub(super) fn calendar_import(
    svc: &Service,
    req: CalendarImportRequest,
) -> Result<CalendarChangeResult, ApiError> {
    calendar::import(svc, req)
}

pub(super) fn calendar_edit_day(
    svc: &Service,
    req: CalendarDayEditRequest,
) -> Result<CalendarChangeResult, ApiError> {
    calendar::edit_day(svc, req)
}
