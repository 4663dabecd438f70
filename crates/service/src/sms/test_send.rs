//! The settings screen's test message, sent at once through the configured platform.

use std::collections::BTreeMap;

use jiancha_api::sms::SmsTestResult;
use jiancha_api::ApiError;
use jiancha_notify::{HttpSmsGateway, SmsGateway, SmsRequest};
use jiancha_workflow::auth::Action;

use super::directory::check_mobile;
use super::settings::load;
use crate::error::internal;
use crate::Service;

/// The test message and the gateway to send it through (reads the settings: blocking).
pub(super) fn test_message(
    svc: &Service,
    phone: &str,
) -> Result<(HttpSmsGateway, SmsRequest), ApiError> {
    crate::auth::require(svc, Action::ChangeSettings)?;
    let phone = phone.trim();
    check_mobile(phone)?;
    let cfg = load(&svc.db()?)?;
    let gateway = cfg.gateway()?;
    let values: BTreeMap<String, String> = [
        ("recipient", "测试"),
        ("handler", "张三"),
        ("unit", "示例部门"),
        ("item", "测试事项"),
        ("case_no", "TEST-0001"),
        ("deadline", "—"),
        ("status", "这是一条测试短信"),
        ("sign", cfg.sign_name.as_str()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let req = SmsRequest {
        phones: vec![phone.to_string()],
        values,
        // Unique, not dated: the wall clock's milliseconds (the app clock's seconds would
        // repeat within one demo second).
        out_id: format!("test-{}", svc.clock().wall().timestamp_millis()),
    };
    Ok((gateway, req))
}

pub(super) async fn send_test(
    gateway: &HttpSmsGateway,
    req: &SmsRequest,
) -> Result<SmsTestResult, ApiError> {
    let r = gateway.send(req).await?;
    Ok(SmsTestResult {
        message_id: r.message_id,
        content: r.content,
    })
}

/// `sms_test_send` from the settings page: one message to `phone` now, through the configured
/// gateway (quiet hours do not apply: an administrator is testing the platform). The settings
/// are read first, inline: call it where blocking is allowed, or use [`test_send_blocking`].
pub async fn test_send(svc: &Service, phone: &str) -> Result<SmsTestResult, ApiError> {
    let (gateway, req) = test_message(svc, phone)?;
    send_test(&gateway, &req).await
}

/// [`test_send`] from a blocking thread of the async runtime (the shell's commands): the
/// settings are read on this thread, the runtime only sends.
pub fn test_send_blocking(svc: &Service, phone: &str) -> Result<SmsTestResult, ApiError> {
    let rt = tokio::runtime::Handle::try_current()
        .map_err(|_| internal("no async runtime for the SMS test"))?;
    let (gateway, req) = test_message(svc, phone)?;
    rt.block_on(send_test(&gateway, &req))
}
