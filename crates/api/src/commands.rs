//! The IPC commands, declared once.
//!
//! [`for_each_command!`](crate::for_each_command) holds the one list: per area, each command's
//! name, its request type (none for commands without arguments) and its response type. From
//! it come
//! - [`COMMANDS`]: the names `src-tauri/build.rs` registers with Tauri and grants in the
//!   generated capability file `src-tauri/capabilities/main.json`;
//! - [`Handlers`]: the trait `jiancha_service::Service` implements, one method per command
//!   (`crates/service/src/commands/<area>.rs`);
//! - the shell's `#[tauri::command]` functions and its `generate_handler!` list
//!   (`src-tauri/commands/mod.rs`): each takes one argument `req` and runs the handler on the
//!   blocking pool;
//! - [`commands_ts`]: `ui/src/bindings/commands.ts`, the map from each name to its request and
//!   response types that `ui/src/ipc.ts`'s `call(name, req)` is typed with.
//!
//! So a command is added by one line here (and its handler in the service); forgetting the
//! handler fails to compile, a wrong name or request shape in the UI fails `vue-tsc`.
//! The page sends `invoke(name, { req })`, `req` in the request type's own field names
//! (snake_case, as every DTO); commands without a request are sent `{}`.

use ts_rs::{Dependency, TypeVisitor, TS};

/// Calls `$callback!` with the command list:
/// `area { /// doc \n name(Request) -> Response; name() -> Response; … } …`.
/// Areas are the service's modules (`jiancha_service::commands::<area>`).
#[macro_export]
macro_rules! for_each_command {
    ($callback:ident) => {
        $callback! {
            app {
                /// Version, database path, feed URL, schema version.
                app_info() -> $crate::AppInfo;
            }
            queues {
                /// One page of a card queue, most urgent first.
                queue_page($crate::queues::QueuePageRequest) -> $crate::queues::CardPage;
                /// Open cards per level under the filter (its level ignored), open findings.
                queue_counts($crate::queues::QueueFilter) -> $crate::queues::QueueCounts;
                /// One page of integrity findings, newest first.
                finding_page($crate::queues::FindingPageRequest) -> $crate::queues::FindingPage;
                /// Regions with their departments, for the filter.
                department_tree() -> Vec<$crate::queues::RegionNode>;
                /// The item catalogue (of one department), for the filter.
                item_options($crate::queues::ItemOptionsRequest) -> Vec<$crate::queues::ItemOption>;
                /// Facts, timeline, clock, signals, findings and versions of one case.
                case_detail($crate::queues::CaseRequest) -> $crate::queues::CaseDetail;
                /// The 总览 screen.
                dashboard() -> $crate::queues::Dashboard;
            }
            letters {
                /// A case's cards, letters, investigations, notices and measures.
                letters_case($crate::queues::CaseRequest) -> $crate::letters::CaseLettersDto;
                /// The 文书 list (both kinds).
                letters_list($crate::letters::LetterFilter) -> Vec<$crate::letters::LetterRow>;
                /// Red-card matters by the deadline of their open step.
                letters_red_queue($crate::letters::RedQueueRequest) -> Vec<$crate::letters::RedCaseDto>;
                /// Registers the clock's yellow or red card of a case (Art. B5).
                letters_take_up_card($crate::letters::TakeUpCardRequest) -> $crate::letters::CardDto;
                /// An officer's card for an Art. B4 situation.
                letters_raise_card($crate::letters::ManualCardInput) -> $crate::letters::CardDto;
                /// Exempts or revokes a card (leader approval).
                letters_relieve_card($crate::letters::RelieveCardRequest) -> $crate::letters::CardDto;
                /// Drafts a 效能告诫书 from yellow cards (Art. B7).
                letters_admonition_draft($crate::letters::AdmonitionDraftRequest) -> $crate::letters::AdmonitionDto;
                letters_admonition_get($crate::IdRequest) -> $crate::letters::AdmonitionDto;
                letters_admonition_edit($crate::letters::AdmonitionEditRequest) -> $crate::letters::AdmonitionDto;
                /// One step of a 效能告诫书 (Arts. B7, B9).
                letters_admonition_step($crate::letters::AdmonitionStepRequest) -> $crate::letters::AdmonitionDto;
                /// Submits a red card for the leader's approval (Art. B8).
                letters_red_submit($crate::letters::RedSubmitRequest) -> $crate::letters::RedCaseDto;
                /// The leader approves or rejects investigating (leader approval).
                letters_red_approval($crate::letters::RedApprovalRequest) -> $crate::letters::RedCaseDto;
                /// One step of a red-card matter (Art. B8).
                letters_red_step($crate::letters::RedStepRequest) -> $crate::letters::RedCaseDto;
                letters_red_decision($crate::letters::RedDecisionRequest) -> $crate::letters::RedCaseDto;
                letters_red_get($crate::IdRequest) -> $crate::letters::RedCaseDto;
                /// An accountability measure (Art. B10).
                letters_measure($crate::letters::MeasureInput) -> $crate::letters::MeasureDto;
                /// A warning notice given by phone (Art. B6).
                letters_phone_call($crate::letters::PhoneCallRequest) -> $crate::letters::NoticeDto;
                /// A warning SMS (Art. B6); `unavailable` while no gateway is configured.
                letters_queue_sms($crate::letters::QueueSmsRequest) -> $crate::letters::NoticeDto;
                /// Opens an issued letter's DOCX or PDF in the system's viewer.
                letters_open_file($crate::letters::OpenFileRequest) -> ();
            }
            sms {
                /// Gateway, quiet hours, escalation, the centre's facts (secrets as hints).
                notice_settings_get() -> $crate::sms::NoticeSettingsView;
                /// Absent fields stay; `secret: ""` removes the stored secret.
                notice_settings_update($crate::sms::NoticeSettingsUpdate) -> $crate::sms::NoticeSettingsView;
                sms_contacts_list() -> Vec<$crate::sms::ContactDto>;
                sms_contacts_import($crate::sms::ContactsImportRequest) -> $crate::sms::ContactImportResult;
                sms_contact_delete($crate::sms::ContactDeleteRequest) -> ();
                /// Handlers of open cards with no number in the directory.
                sms_contacts_missing($crate::sms::MissingContactsRequest) -> Vec<$crate::sms::MissingContactDto>;
                /// One test message through the configured gateway, now.
                sms_test_send($crate::sms::SmsTestRequest) -> $crate::sms::SmsTestResult;
            }
            auth {
                /// Setup needed? Signed-in user, locked? (not counted as activity).
                auth_status() -> $crate::auth::AuthStatus;
                /// User activity: keeps the session from the idle lock.
                auth_touch() -> $crate::auth::AuthStatus;
                /// First run only: creates the first administrator and signs in.
                auth_setup_admin($crate::auth::SetupAdminRequest) -> $crate::auth::AuthStatus;
                auth_sign_in($crate::auth::Credentials) -> $crate::auth::AuthStatus;
                auth_sign_out() -> $crate::auth::AuthStatus;
                auth_lock() -> $crate::auth::AuthStatus;
                auth_unlock($crate::auth::UnlockRequest) -> $crate::auth::AuthStatus;
                auth_change_password($crate::auth::ChangePasswordRequest) -> ();
                /// A leader's own credentials → an approval kept in Rust for one action.
                auth_leader_approval($crate::auth::Credentials) -> $crate::auth::ApprovalTicket;
                accounts_list() -> Vec<$crate::auth::Account>;
                accounts_create($crate::auth::NewAccountRequest) -> $crate::auth::Account;
                accounts_set_active($crate::auth::SetAccountActiveRequest) -> ();
                accounts_reset_password($crate::auth::ResetPasswordRequest) -> ();
                /// Audit entries, newest first.
                audit_page($crate::auth::AuditPageRequest) -> $crate::auth::AuditPage;
                /// Walks the whole hash chain.
                audit_verify() -> $crate::auth::AuditVerifyReport;
            }
            calendar {
                calendar_year($crate::calendar::CalendarYearRequest) -> $crate::calendar::CalendarYearView;
                calendar_history() -> Vec<$crate::calendar::CalendarEditEntry>;
                /// A year's arrangement; recomputes every case.
                calendar_import($crate::calendar::CalendarImportRequest) -> $crate::calendar::CalendarChangeResult;
                /// One day on or off with a reason; recomputes every case.
                calendar_edit_day($crate::calendar::CalendarDayEditRequest) -> $crate::calendar::CalendarChangeResult;
            }
            sync {
                sync_status() -> $crate::sync::SyncStatus;
                /// Sync at once (also restarts a loop stopped by a permanent error).
                sync_now() -> $crate::sync::SyncStatus;
                sync_departments() -> Vec<$crate::sync::DeptSyncStatus>;
                quarantine_page($crate::sync::QuarantinePageRequest) -> $crate::sync::QuarantinePage;
                quarantine_record($crate::sync::QuarantineRecordRequest) -> $crate::sync::QuarantineRecord;
            }
            settings {
                /// The settings (the token only as a hint).
                settings_get() -> $crate::settings::SettingsView;
                /// Absent fields stay; `token: ""` removes the token.
                settings_update($crate::settings::SettingsUpdate) -> $crate::settings::SettingsView;
            }
        }
    };
}

/// `Some(TS name)` of the request type, `None` without one.
macro_rules! ts_name {
    () => {
        None
    };
    ($t:ty) => {
        Some(<$t as TS>::name())
    };
}

macro_rules! declare {
    ($( $area:ident { $( $(#[$doc:meta])* $name:ident ( $($req:ty)? ) -> $resp:ty; )* } )*) => {
        /// Every command name, in list order.
        pub const COMMANDS: &[&str] = &[$($(stringify!($name),)*)*];

        /// One method per command: what the service does for it. The shell calls these on the
        /// blocking pool; implemented by `jiancha_service::Service`.
        pub trait Handlers {
            $($(
                $(#[$doc])*
                fn $name(&self $(, req: $req)?) -> Result<$resp, $crate::ApiError>;
            )*)*
        }

        /// `(name, request TS type or None, response TS type, the types to import)`.
        fn signatures() -> Vec<(&'static str, Option<String>, String, Vec<String>)> {
            vec![$($({
                let mut imports = Vec::new();
                $( imports_of::<$req>(&mut imports); )?
                imports_of::<$resp>(&mut imports);
                (
                    stringify!($name),
                    ts_name!($($req)?),
                    <$resp as TS>::name(),
                    imports,
                )
            },)*)*]
        }
    };
}

for_each_command!(declare);

/// The named types `T`'s TypeScript name refers to: itself when it has a file, else its type
/// arguments (`Vec<RegionNode>` → `RegionNode`).
fn imports_of<T: TS + 'static>(out: &mut Vec<String>) {
    struct Named<'a>(&'a mut Vec<String>);
    impl TypeVisitor for Named<'_> {
        fn visit<U: TS + 'static + ?Sized>(&mut self) {
            self.0.extend(Dependency::from_ty::<U>().map(|d| d.ts_name));
        }
    }
    match Dependency::from_ty::<T>() {
        Some(d) => out.push(d.ts_name),
        None => T::visit_generics(&mut Named(out)),
    }
}

/// `ui/src/bindings/commands.ts`: every command's request and response types, and the list of
/// names (checked and regenerated with the other bindings by `tests/bindings.rs`).
pub fn commands_ts() -> String {
    let sigs = signatures();
    let mut imports: Vec<String> = sigs.iter().flat_map(|s| s.3.iter().cloned()).collect();
    imports.sort();
    imports.dedup();
    let mut out = String::from(
        "// This file was generated by jiancha_api::commands_ts (the command list in\n\
         // crates/api/src/commands.rs). Do not edit this file manually.\n",
    );
    for i in &imports {
        out.push_str(&format!("import type {{ {i} }} from './{i}'\n"));
    }
    out.push_str(
        "\n/** Each IPC command: what `req` it takes (`null`: none) and what it resolves to. */\n\
         export interface Commands {\n",
    );
    for (name, req, resp, _) in &sigs {
        let req = req.as_deref().unwrap_or("null");
        let resp = if resp == "null" { "void" } else { resp };
        out.push_str(&format!(
            "  {name}: {{ request: {req}; response: {resp} }}\n"
        ));
    }
    out.push_str("}\n\nexport type CommandName = keyof Commands\n\n");
    out.push_str("/** Every command name, in the order of the Rust list. */\n");
    out.push_str("export const COMMAND_NAMES: readonly CommandName[] = [\n");
    for (name, ..) in &sigs {
        out.push_str(&format!("  '{name}',\n"));
    }
    out.push_str("]\n");
    out
}
