//! Sign-in, the session, accounts, leader approvals and the audit screen (issue 7; Art. A8).
//! Every rule is in `crate::auth`.

use jiancha_api::auth::{
    Account, ApprovalTicket, AuditPage, AuditPageRequest, AuditVerifyReport, AuthStatus,
    ChangePasswordRequest, Credentials, NewAccountRequest, ResetPasswordRequest,
    SetAccountActiveRequest, SetupAdminRequest, UnlockRequest,
};
use jiancha_api::ApiError;

use crate::app::Service;
use crate::auth;

pub(super) fn auth_status(svc: &Service) -> Result<AuthStatus, ApiError> {
    auth::status(svc)
}

pub(super) fn auth_touch(svc: &Service) -> Result<AuthStatus, ApiError> {
    auth::touch(svc)
}

pub(super) fn auth_setup_admin(
    svc: &Service,
    req: SetupAdminRequest,
) -> Result<AuthStatus, ApiError> {
    auth::setup_first_admin(svc, &req.username, &req.display_name, &req.password)
}

pub(super) fn auth_sign_in(svc: &Service, req: Credentials) -> Result<AuthStatus, ApiError> {
    auth::sign_in(svc, &req.username, &req.password)
}

pub(super) fn auth_sign_out(svc: &Service) -> Result<AuthStatus, ApiError> {
    auth::sign_out(svc)
}

pub(super) fn auth_lock(svc: &Service) -> Result<AuthStatus, ApiError> {
    auth::lock_session(svc)
}

pub(super) fn auth_unlock(svc: &Service, req: UnlockRequest) -> Result<AuthStatus, ApiError> {
    auth::unlock(svc, &req.password)
}

pub(super) fn auth_change_password(
    svc: &Service,
    req: ChangePasswordRequest,
) -> Result<(), ApiError> {
    auth::change_own_password(svc, &req.current, &req.new_password)
}

/// Art. A8: a leader's own credentials at that moment → an approval for one action.
pub(super) fn auth_leader_approval(
    svc: &Service,
    req: Credentials,
) -> Result<ApprovalTicket, ApiError> {
    auth::leader_approval(svc, &req.username, &req.password)
}

pub(super) fn accounts_list(svc: &Service) -> Result<Vec<Account>, ApiError> {
    auth::list_accounts(svc)
}

pub(super) fn accounts_create(svc: &Service, req: NewAccountRequest) -> Result<Account, ApiError> {
    auth::create_account(svc, &req)
}

pub(super) fn accounts_set_active(
    svc: &Service,
    req: SetAccountActiveRequest,
) -> Result<(), ApiError> {
    auth::set_account_active(svc, &req.username, req.active)
}

pub(super) fn accounts_reset_password(
    svc: &Service,
    req: ResetPasswordRequest,
) -> Result<(), ApiError> {
    auth::reset_password(svc, &req.username, &req.new_password)
}

pub(super) fn audit_page(svc: &Service, req: AuditPageRequest) -> Result<AuditPage, ApiError> {
    auth::audit_page(svc, req.offset, req.limit)
}

pub(super) fn audit_verify(svc: &Service) -> Result<AuditVerifyReport, ApiError> {
    auth::audit_verify(svc)
}
