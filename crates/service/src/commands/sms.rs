//! 设置 › 通知与短信 (issue 6 item 1): the SMS gateway, quiet hours, escalation, the centre's
//! facts, and the notices directory. Secrets only ever travel page → Rust.

use jiancha_api::sms::{
    ContactDeleteRequest, ContactDto, ContactImportResult, ContactsImportRequest,
    MissingContactDto, MissingContactsRequest, NoticeSettingsUpdate, NoticeSettingsView,
    SmsTestRequest, SmsTestResult,
};
use jiancha_api::ApiError;

use crate::app::Service;
use crate::sms;

pub(super) fn notice_settings_get(svc: &Service) -> Result<NoticeSettingsView, ApiError> {
    sms::get(svc)
}

pub(super) fn notice_settings_update(
    svc: &Service,
    req: NoticeSettingsUpdate,
) -> Result<NoticeSettingsView, ApiError> {
    sms::update(svc, &req)
}

pub(super) fn sms_contacts_list(svc: &Service) -> Result<Vec<ContactDto>, ApiError> {
    sms::contacts(svc)
}

pub(super) fn sms_contacts_import(
    svc: &Service,
    req: ContactsImportRequest,
) -> Result<ContactImportResult, ApiError> {
    sms::import_contacts(svc, &req.text)
}

pub(super) fn sms_contact_delete(svc: &Service, req: ContactDeleteRequest) -> Result<(), ApiError> {
    sms::delete_contact(svc, req.id)
}

pub(super) fn sms_contacts_missing(
    svc: &Service,
    req: MissingContactsRequest,
) -> Result<Vec<MissingContactDto>, ApiError> {
    sms::missing_contacts(svc, req.limit)
}

/// Sends on this (blocking-pool) thread: the shell runs every command there.
pub(super) fn sms_test_send(svc: &Service, req: SmsTestRequest) -> Result<SmsTestResult, ApiError> {
    sms::test_send_blocking(svc, &req.phone)
}
