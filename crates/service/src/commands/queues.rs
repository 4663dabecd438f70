//! The queues, the case screen and the dashboard (issue 5). `now` is the feed's clock
//! (`queues::now`), read here once per command.

use jiancha_api::queues::{
    CardPage, CaseDetail, CaseRequest, Dashboard, FindingPage, FindingPageRequest, ItemOption,
    ItemOptionsRequest, QueueCounts, QueueFilter, QueuePageRequest, RegionNode,
};
use jiancha_api::ApiError;

use crate::app::Service;
use crate::{cases, dashboard as dash, queues};

pub(super) fn queue_page(svc: &Service, req: QueuePageRequest) -> Result<CardPage, ApiError> {
    queues::card_page(svc, &req.filter, req.page, queues::now(svc))
}

pub(super) fn queue_counts(svc: &Service, req: QueueFilter) -> Result<QueueCounts, ApiError> {
    queues::queue_counts(svc, &req)
}

pub(super) fn finding_page(
    svc: &Service,
    req: FindingPageRequest,
) -> Result<FindingPage, ApiError> {
    queues::finding_page(svc, &req.filter, req.page)
}

pub(super) fn department_tree(svc: &Service) -> Result<Vec<RegionNode>, ApiError> {
    queues::department_tree(svc)
}

pub(super) fn item_options(
    svc: &Service,
    req: ItemOptionsRequest,
) -> Result<Vec<ItemOption>, ApiError> {
    queues::item_options(svc, req.dept_id)
}

pub(super) fn case_detail(svc: &Service, req: CaseRequest) -> Result<CaseDetail, ApiError> {
    cases::case_detail(svc, &req.case_id, queues::now(svc))
}

pub(super) fn dashboard(svc: &Service) -> Result<Dashboard, ApiError> {
    dash::dashboard(svc, queues::now(svc))
}
