//! The console's facts about itself.

use jiancha_api::{ApiError, AppInfo};

use crate::app::Service;

pub(super) fn app_info(svc: &Service) -> Result<AppInfo, ApiError> {
    svc.app_info()
}
