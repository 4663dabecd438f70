//! The 设置 screen (issue 5 item 6). The token only ever travels page → Rust.

use jiancha_api::settings::{SettingsUpdate, SettingsView};
use jiancha_api::ApiError;

use crate::app::Service;
use crate::settings;

pub(super) fn settings_get(svc: &Service) -> Result<SettingsView, ApiError> {
    settings::get(svc)
}

pub(super) fn settings_update(
    svc: &Service,
    req: SettingsUpdate,
) -> Result<SettingsView, ApiError> {
    settings::update(svc, req)
}
