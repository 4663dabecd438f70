//! The command list and the JSON the page sends: the request types are what `ipc.ts` builds
//! (typed by the generated bindings), so these pin the wire shapes the E2E tests also send.

use jiancha_api::letters::{
    AdmonitionStep, AdmonitionStepRequest, CardAction, CardColor, RedOutcome, RedQueueRequest,
    RedStep, RedStepRequest, RelieveCardRequest, TakeUpCardRequest,
};
use jiancha_api::COMMANDS;
use serde_json::json;

#[test]
fn every_command_is_listed_once_in_snake_case() {
    let mut seen = std::collections::BTreeSet::new();
    for c in COMMANDS {
        assert!(seen.insert(*c), "{c} listed twice");
        assert!(
            c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'),
            "{c}: command names are snake_case (the capability is allow-<name with dashes>)"
        );
    }
    assert!(COMMANDS.len() > 50, "{}", COMMANDS.len());
    let ts = jiancha_api::commands_ts();
    for c in COMMANDS {
        assert!(
            ts.contains(&format!("  {c}: {{ request: ")),
            "{c} missing in commands.ts"
        );
        assert!(
            ts.contains(&format!("  '{c}',\n")),
            "{c} missing in COMMAND_NAMES"
        );
    }
}

#[test]
fn workflow_steps_are_tagged_by_step_beside_the_id() {
    let r: AdmonitionStepRequest = serde_json::from_value(
        json!({ "id": "a1", "step": "receive_report", "report_path": "/r.pdf" }),
    )
    .unwrap();
    assert_eq!(r.id, "a1");
    assert_eq!(
        r.step,
        AdmonitionStep::ReceiveReport {
            report_path: "/r.pdf".into()
        }
    );
    let r: AdmonitionStepRequest =
        serde_json::from_value(json!({ "id": "a1", "step": "number" })).unwrap();
    assert_eq!(r.step, AdmonitionStep::Number);
    let e =
        serde_json::from_value::<AdmonitionStepRequest>(json!({ "id": "a1", "step": "teleport" }));
    assert!(e.is_err());

    let r = RedStepRequest {
        id: "r1".into(),
        step: RedStep::Propose {
            outcome: RedOutcome::OpenCase,
            reason: "why".into(),
        },
    };
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(
        v,
        json!({ "id": "r1", "step": "propose", "outcome": "open_case", "reason": "why" })
    );
    assert_eq!(serde_json::from_value::<RedStepRequest>(v).unwrap(), r);
    let r: RedStepRequest = serde_json::from_value(
        json!({ "id": "r1", "step": "findings", "findings": "f", "paths": ["/a"] }),
    )
    .unwrap();
    assert_eq!(
        r.step,
        RedStep::Findings {
            findings: "f".into(),
            paths: vec!["/a".into()]
        }
    );
    // A step missing its field is refused at the boundary.
    assert!(
        serde_json::from_value::<RedStepRequest>(json!({ "id": "r1", "step": "close" })).is_err()
    );
}

#[test]
fn codes_cross_as_their_strings() {
    let r: TakeUpCardRequest =
        serde_json::from_value(json!({ "case_id": "XK-1", "color": "yellow" })).unwrap();
    assert_eq!(r.color, CardColor::Yellow);
    assert!(serde_json::from_value::<TakeUpCardRequest>(
        json!({ "case_id": "XK-1", "color": "blue" })
    )
    .is_err());
    let r: RelieveCardRequest = serde_json::from_value(json!({
        "card_id": "k", "action": "revoke", "ground": "force_majeure", "reason": "r", "approval_id": "ap"
    }))
    .unwrap();
    assert_eq!(r.action, CardAction::Revoke);
    assert_eq!(r.action.code(), "revoke");
    for c in CardColor::ALL {
        assert_eq!(serde_json::to_value(c).unwrap(), json!(c.code()));
    }
    let q: RedQueueRequest = serde_json::from_value(json!({})).unwrap();
    assert_eq!(q.state, None);
    let q: RedQueueRequest =
        serde_json::from_value(json!({ "state": "pending_approval" })).unwrap();
    assert_eq!(q.state.map(|s| s.code()), Some("pending_approval"));
}
