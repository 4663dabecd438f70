//! Roles and the actions a session can ask for, with the permission table (Art. A8: officers
//! act, leaders approve, reviewers read, administrators manage accounts and settings).
//!
//! A leaf module: the error type names a role and an action, so these live below it.

labeled_enum! {
    /// Who a user is to the system.
    pub enum Role {
        /// 监察员: runs the workflows.
        Officer = ("officer", "监察员"),
        /// 领导: runs the workflows and approves (red-card investigations, card relief).
        Leader = ("leader", "领导"),
        /// Read-only (an offline reviewer of a case file).
        Reviewer = ("reviewer", "查阅人员"),
        /// Manages accounts and settings; does not run workflows.
        Admin = ("admin", "系统管理员"),
    }
}

labeled_enum! {
    /// Everything a session can ask to do. Each operation of this crate names its action.
    pub enum Action {
        View = ("view", "查看"),
        CreateNotice = ("notice.create", "建立预警通知"),
        RecordPhoneCall = ("notice.record_call", "登记电话通知"),
        RegisterSignalCard = ("card.register_signal", "登记时限警告牌"),
        RaiseManualCard = ("card.raise", "人工发出警告牌"),
        RelieveCard = ("card.relieve", "警告牌免责或撤销"),
        DraftAdmonition = ("admonition.draft", "起草效能告诫书"),
        EditAdmonition = ("admonition.edit", "修改效能告诫书"),
        NumberAdmonition = ("admonition.assign_number", "效能告诫书编号"),
        IssueAdmonition = ("admonition.issue", "签发效能告诫书"),
        DiscardAdmonition = ("admonition.discard", "作废效能告诫书"),
        RecordRectification = ("admonition.receive_report", "登记整改报告"),
        FileAdmonition = ("admonition.file", "效能告诫建档"),
        SubmitRedCard = ("redcard.submit", "红牌报请审批"),
        ApproveRedCard = ("redcard.approve", "红牌调查审批"),
        ChooseInvestigationRoute = ("redcard.route", "确定调查方式"),
        RecordFindings = ("redcard.findings", "登记调查情况"),
        ProposeOutcome = ("redcard.propose", "提出处理建议"),
        RecordDecision = ("redcard.decision", "登记研究决定"),
        ConcludeRedCard = ("redcard.conclude", "移送立案或初核了结"),
        FileRedCard = ("redcard.file", "红牌建档"),
        RecordMeasure = ("measure.record", "登记责任追究"),
        ManageAccounts = ("accounts.manage", "管理账户"),
        ChangeSettings = ("settings.change", "修改设置"),
    }
}

impl Role {
    /// The permission table (docs/workflows.md "Roles").
    pub fn may(self, action: Action) -> bool {
        match self {
            Role::Reviewer => action == Action::View,
            Role::Admin => matches!(
                action,
                Action::View | Action::ManageAccounts | Action::ChangeSettings
            ),
            // Art. A8: leaders approve; an approval also needs the leader's own credentials
            // (an `Approval`), so an officer's session may carry it but never make it.
            Role::Officer | Role::Leader => {
                !matches!(action, Action::ManageAccounts | Action::ChangeSettings)
            }
        }
    }
}
