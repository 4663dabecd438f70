use jiancha_protocol::*;
use serde_json::json;

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn sample_case() -> Case {
    Case {
        id: "370100-20260302-000001".into(),
        item_code: "370100-XK-001-01".into(),
        item_name: "建筑工程施工许可".into(),
        department_id: "D01".into(),
        case_type: CaseType::Promised,
        status: CaseStatus::CompletedApproved,
        region_code: "370100".into(),
        classified: false,
        promised_limit: Limit {
            value: 5,
            unit: LimitUnit::G,
        },
        statutory_limit: Limit {
            value: 20,
            unit: LimitUnit::G,
        },
        application: Application {
            applied_at: ts("2026-03-02T09:00:00+08:00"),
            applicant_name: "某某公司".into(),
            applicant_kind: "2".into(),
            source: "1".into(),
        },
        acceptance: Some(Acceptance {
            accepted_at: ts("20260302T093000"),
            accepted_by: "张三".into(),
            document_no: "SL-1".into(),
            promised_at: None,
        }),
        rejection: None,
        steps: vec![Step {
            name: "承办".into(),
            handler: "李四".into(),
            action: Some(StepAction::Pass),
            opinion: None,
            started_at: ts("2026-03-02T10:00:00+08:00"),
            ended_at: Some(ts("2026-03-03T10:00:00+08:00")),
            status: StepStatus::Done,
        }],
        corrections: vec![Correction {
            started_at: ts("2026-03-03T10:00:00+08:00"),
            ended_at: Some(ts("2026-03-05T10:00:00+08:00")),
            reason: Some("材料不全".into()),
            allowed: Some(Limit {
                value: 5,
                unit: LimitUnit::G,
            }),
        }],
        special_procedures: vec![SpecialProcedure {
            kind: SpecialKind::Other,
            started_at: ts("2026-03-05T10:00:00+08:00"),
            ended_at: None,
            reason: "专家评审".into(),
            limit: Some(Limit {
                value: 30,
                unit: LimitUnit::Z,
            }),
            result: None,
        }],
        completion: Some(Completion {
            completed_at: ts("2026-03-10T16:00:00+08:00"),
            handler: "王五".into(),
            outcome: Outcome::Approved,
            certificate_name: Some("施工许可证".into()),
            certificate_no: None,
            fee_charged: false,
        }),
        withdrawal: None,
    }
}

fn case_record(seq: u64) -> Record {
    Record {
        seq,
        reported_at: ts("2026-03-10T16:05:00+08:00"),
        entity: Entity::Case(Box::new(sample_case())),
    }
}

#[test]
fn case_record_round_trips() {
    let r = case_record(7);
    let text = r.to_json();
    let back = validate(&text).expect("valid");
    assert_eq!(back, r);
    // The envelope names type and id.
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["type"], "case");
    assert_eq!(v["id"], "370100-20260302-000001");
    assert_eq!(
        v["data"]["acceptance"]["accepted_at"],
        "2026-03-02T09:30:00+08:00"
    );
    assert_eq!(v["data"]["special_procedures"][0]["kind"], "2");
    assert_eq!(v["data"]["special_procedures"][0]["limit"]["unit"], "Z");
    assert_eq!(v["data"]["status"], "11");
}

#[test]
fn other_entities_round_trip() {
    let dept = Department {
        id: "D01".into(),
        name: "市住房和城乡建设局".into(),
        level: Level::City,
        region_code: "370100".into(),
        region_name: "市本级".into(),
        credit_code: "11370100MB0000001X".into(),
        discipline_body: DisciplineBody {
            id: "J01".into(),
            name: "市纪委监委派驻第一纪检监察组".into(),
            contact: None,
            phone: Some("0531-0000000".into()),
        },
    };
    let item = Item {
        code: "370100-XK-001".into(),
        basic_code: "XK001".into(),
        name: "建筑工程施工许可".into(),
        item_type: ItemType::Licensing,
        department_id: "D01".into(),
        statutory_limit: Limit {
            value: 20,
            unit: LimitUnit::G,
        },
        promised_limit: Limit {
            value: 5,
            unit: LimitUnit::G,
        },
        case_type: CaseType::Promised,
        special_procedure: Some("专家评审".into()),
    };
    let ev = Evaluation {
        id: "E1".into(),
        case_id: "C1".into(),
        department_id: "D01".into(),
        channel: "web".into(),
        evaluated_at: ts("2026-03-10T18:00:00+08:00"),
        satisfaction: Satisfaction::Dissatisfied,
        comment: Some("太慢".into()),
    };
    let co = Complaint {
        id: "T1".into(),
        title: "办理超时".into(),
        complainant: "匿名".into(),
        complainant_contact: None,
        target_department_id: "D01".into(),
        target_person: None,
        content: "……".into(),
        source: "portal".into(),
        received_at: ts("2026-03-11T08:00:00+08:00"),
        category: Some("2".into()),
        case_id: Some("C1".into()),
        handler_unit: None,
        handler: None,
        assigned_at: None,
        feedback: None,
        feedback_at: None,
        promised_days: Some(15),
        extension_days: None,
        extension_reason: None,
        overdue_days: None,
    };
    for (i, e) in [
        Entity::Department(dept),
        Entity::Item(item),
        Entity::Evaluation(ev),
        Entity::Complaint(co),
    ]
    .into_iter()
    .enumerate()
    {
        let r = Record {
            seq: i as u64 + 1,
            reported_at: ts("2026-03-11T08:00:00+08:00"),
            entity: e,
        };
        assert_eq!(validate(&r.to_json()).unwrap(), r);
    }
}

fn mutate(f: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(&case_record(9).to_json()).unwrap();
    f(&mut v);
    v.to_string()
}

#[test]
fn malformed_records_are_rejected_with_a_reason() {
    let cases: Vec<(&str, String)> = vec![
        (
            "missing field `id`",
            mutate(|v| {
                v.as_object_mut().unwrap().remove("id");
            }),
        ),
        (
            "bad timestamp",
            mutate(|v| v["data"]["acceptance"]["accepted_at"] = json!("2026-03-02 09:30")),
        ),
        (
            "bad timestamp",
            mutate(|v| v["reported_at"] = json!("2026-03-02T09:30:00")),
        ),
        (
            "unknown variant",
            mutate(|v| v["data"]["status"] = json!("99")),
        ),
        ("unknown variant", mutate(|v| v["type"] = json!("invoice"))),
        (
            "unknown variant",
            mutate(|v| v["data"]["promised_limit"]["unit"] = json!("H")),
        ),
        ("seq must be", mutate(|v| v["seq"] = json!(0))),
        ("invalid type", mutate(|v| v["seq"] = json!("9"))),
        ("differs", mutate(|v| v["id"] = json!("other"))),
        (
            "is empty",
            mutate(|v| {
                v["id"] = json!("");
                v["data"]["id"] = json!("");
            }),
        ),
        (
            "longer than 50",
            mutate(|v| {
                let long = "X".repeat(51);
                v["id"] = json!(long);
                v["data"]["id"] = json!(long);
            }),
        ),
        (
            "outside 1..=3650",
            mutate(|v| v["data"]["promised_limit"]["value"] = json!(0)),
        ),
        (
            "missing field `application`",
            mutate(|v| {
                v["data"].as_object_mut().unwrap().remove("application");
            }),
        ),
        ("envelope", "[1,2,3]".to_string()),
        ("envelope", "{\"seq\":3".to_string()),
    ];
    for (want, raw) in cases {
        let err = validate(&raw).expect_err(&raw);
        assert!(
            err.reason.contains(want),
            "{want:?} not in {:?} for {raw}",
            err.reason
        );
    }
    // The partial envelope is kept for the quarantine table.
    let err = validate(&mutate(|v| v["data"]["status"] = json!("99"))).unwrap_err();
    assert_eq!(err.seq, Some(9));
    assert_eq!(err.record_type.as_deref(), Some("case"));
    assert_eq!(err.id.as_deref(), Some("370100-20260302-000001"));
}

#[test]
fn impossible_sequences_are_valid_data_not_malformed() {
    // Completion before acceptance is an integrity finding for the console, not a parse error.
    let raw =
        mutate(|v| v["data"]["completion"]["completed_at"] = json!("2026-01-01T00:00:00+08:00"));
    assert!(validate(&raw).is_ok());
    // Unknown fields are ignored (additive minor versions).
    let raw = mutate(|v| v["data"]["new_field_from_1_1"] = json!({"x": 1}));
    assert!(validate(&raw).is_ok());
}

#[test]
fn timestamps_accept_gbt_and_normalise_to_cst() {
    assert_eq!(
        ts("20260302T093000").to_rfc3339(),
        "2026-03-02T09:30:00+08:00"
    );
    assert_eq!(
        ts("2026-03-02T01:30:00Z").to_rfc3339(),
        "2026-03-02T09:30:00+08:00"
    );
    assert!(Timestamp::parse("2026-03-02").is_err());
    assert!(Timestamp::parse("20260302T093099").is_err());
}

#[test]
fn digest_is_order_independent_and_content_sensitive() {
    let a = sample_case();
    let mut b = sample_case();
    b.id = "C2".into();
    let mut d1 = CaseDigest::new();
    d1.add(&a);
    d1.add(&b);
    let mut d2 = CaseDigest::new();
    d2.add(&b);
    d2.add(&a);
    assert_eq!(d1.finish(), d2.finish());
    assert_eq!(d1.finish().cases, 2);

    // The wire form does not matter: a GB/T timestamp and a UTC one give the same digest.
    let raw = mutate(|v| {
        v["data"]["acceptance"]["accepted_at"] = json!("2026-03-02T01:30:00Z");
    });
    let Entity::Case(parsed) = validate(&raw).unwrap().entity else {
        panic!()
    };
    assert_eq!(case_hash(&parsed), case_hash(&a));

    // One second of backdating changes it.
    let mut c = sample_case();
    c.acceptance.as_mut().unwrap().accepted_at = ts("2026-03-02T09:29:59+08:00");
    let mut d3 = CaseDigest::new();
    d3.add(&c);
    d3.add(&b);
    assert_ne!(d1.finish(), d3.finish());

    // Merging equals adding.
    let mut m1 = CaseDigest::new();
    m1.add(&a);
    let mut m2 = CaseDigest::new();
    m2.add(&b);
    m1.merge(&m2);
    assert_eq!(m1.finish(), d1.finish());
    assert_eq!(CaseDigest::new().finish().cases, 0);
}

#[test]
fn page_round_trips_with_raw_records() {
    let r1 = case_record(1).to_json();
    let body = format!(
        r#"{{"schema_version":"1.3","records":[{r1},{{"seq":2}}],"next_cursor":"2","has_more":false}}"#
    );
    let page: Page = serde_json::from_str(&body).unwrap();
    check_schema_version(&page.schema_version).unwrap();
    assert_eq!(page.records.len(), 2);
    assert!(validate(page.records[0].get()).is_ok());
    assert!(validate(page.records[1].get()).is_err());
    assert_eq!(Cursor::parse(&page.next_cursor).unwrap(), Cursor(2));
    let again = serde_json::to_string(&page).unwrap();
    let page2: Page = serde_json::from_str(&again).unwrap();
    assert_eq!(page2.records[0].get(), r1);
    assert_eq!(page2.feed_id, None, "feed_id is optional");
    let with_id = body.replace(
        "\"has_more\":false",
        "\"has_more\":false,\"feed_id\":\"f1\"",
    );
    let page3: Page = serde_json::from_str(&with_id).unwrap();
    assert_eq!(page3.feed_id.as_deref(), Some("f1"));
    assert!(check_schema_version("2.0").is_err());
    assert!(check_schema_version("x").is_err());
    assert!(Cursor::parse("abc").is_err());
    assert_eq!(Cursor::parse("").unwrap(), Cursor::START);
}

#[test]
fn status_actions() {
    assert_eq!(status_action(200), StatusAction::Proceed);
    for s in [429, 500, 502, 503, 504, 408] {
        assert_eq!(status_action(s), StatusAction::Retry, "{s}");
    }
    for s in [400, 401, 403, 404, 410, 418] {
        assert!(matches!(status_action(s), StatusAction::Stop(_)), "{s}");
    }
    assert_eq!(retry_after(" 3 "), Some(std::time::Duration::from_secs(3)));
    assert_eq!(retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    assert!(backoff(0) < backoff(3));
    assert_eq!(backoff(40), std::time::Duration::from_secs(30));
}
