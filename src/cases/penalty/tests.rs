//! The ledger's rules against cases built by hand.

use super::*;
use crate::cases::validate::validate_case;
use crate::upn::PupilId;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn person(name: &str, rel: &str) -> Person {
    Person {
        name: name.into(),
        relationship: rel.into(),
        parental_responsibility: Some(true),
        lives_with_pupil: None,
        address: vec![],
        phone: String::new(),
        email: String::new(),
        preferred_contact: None,
        notes: String::new(),
        ..Default::default()
    }
}

fn case() -> Case {
    let mut c: Case = crate::yaml::from_str(
        "format: 1\npupil: {id: B801200005001, surname: Lee, forename: Mason}\nstage: support\nopened: 2024-09-10\n",
        std::path::Path::new("case"),
    )
    .unwrap();
    c.people = vec![person("Karen Lee", "mother"), person("David Lee", "father")];
    c
}

fn notice(c: &mut Case, parent: &str, issued: NaiveDate, from: NaiveDate, to: NaiveDate) {
    let next = next_notice(c, parent, issued);
    let order = next.order().expect("allowed");
    let (amount, reduced) = amounts(order);
    c.penalty_notices.push(PenaltyNotice {
        number: c.penalty_notices.len() as u32 + 1,
        parent: parent.into(),
        issued,
        sessions: SessionRange { from, to },
        unauthorised: 10,
        order,
        amount,
        reduced,
        note: String::new(),
        updates: vec![],
    });
}

#[test]
fn the_first_notice_is_160_reduced_to_80_and_the_second_160_flat() {
    let mut c = case();
    assert_eq!(
        next_notice(&c, "Karen Lee", d(2025, 1, 20)),
        NextNotice::First
    );
    assert_eq!(NextNotice::First.amounts(), Some((160, Some(80))));
    notice(
        &mut c,
        "Karen Lee",
        d(2025, 1, 20),
        d(2024, 11, 4),
        d(2025, 1, 17),
    );
    let next = next_notice(&c, "karen  LEE", d(2025, 6, 2));
    assert_eq!(
        next,
        NextNotice::Second {
            first: d(2025, 1, 20)
        }
    );
    assert_eq!(next.amounts(), Some((160, None)));
    assert!(
        next.describe().contains("no reduction"),
        "{}",
        next.describe()
    );
    // the other parent's ledger is their own
    assert_eq!(
        next_notice(&c, "David Lee", d(2025, 6, 2)),
        NextNotice::First
    );
}

#[test]
fn a_third_notice_within_three_years_is_refused() {
    let mut c = case();
    notice(
        &mut c,
        "Karen Lee",
        d(2025, 1, 20),
        d(2024, 11, 4),
        d(2025, 1, 17),
    );
    notice(
        &mut c,
        "Karen Lee",
        d(2025, 6, 2),
        d(2025, 3, 24),
        d(2025, 5, 30),
    );
    let next = next_notice(&c, "Karen Lee", d(2026, 3, 2));
    assert_eq!(
        next,
        NextNotice::NotAllowed {
            issued: [d(2025, 1, 20), d(2025, 6, 2)]
        }
    );
    assert!(next.describe().contains("usually prosecution"));
    // three years after the first, it drops out: the next is a second again
    assert_eq!(
        next_notice(&c, "Karen Lee", d(2028, 1, 20)),
        NextNotice::Second {
            first: d(2025, 6, 2)
        }
    );
    assert!(matches!(
        next_notice(&c, "Karen Lee", d(2028, 1, 19)),
        NextNotice::NotAllowed { .. }
    ));
    // and six years on, a first
    assert_eq!(
        next_notice(&c, "Karen Lee", d(2031, 1, 1)),
        NextNotice::First
    );
}

#[test]
fn withdrawn_notices_do_not_count() {
    let mut c = case();
    notice(
        &mut c,
        "Karen Lee",
        d(2025, 1, 20),
        d(2024, 11, 4),
        d(2025, 1, 17),
    );
    notice(
        &mut c,
        "Karen Lee",
        d(2025, 6, 2),
        d(2025, 3, 24),
        d(2025, 5, 30),
    );
    c.penalty_notices[0].updates.push(PenaltyUpdate {
        date: d(2025, 2, 1),
        status: PenaltyStatus::Withdrawn,
        note: String::new(),
    });
    assert_eq!(
        next_notice(&c, "Karen Lee", d(2026, 3, 2)),
        NextNotice::Second {
            first: d(2025, 6, 2)
        }
    );
    // paid, unpaid and prosecuted notices do count
    for s in [
        PenaltyStatus::Paid,
        PenaltyStatus::Unpaid,
        PenaltyStatus::Prosecuted,
    ] {
        let mut c2 = case();
        notice(
            &mut c2,
            "Karen Lee",
            d(2025, 1, 20),
            d(2024, 11, 4),
            d(2025, 1, 17),
        );
        c2.penalty_notices[0].updates.push(PenaltyUpdate {
            date: d(2025, 3, 1),
            status: s,
            note: String::new(),
        });
        assert_eq!(
            next_notice(&c2, "Karen Lee", d(2025, 6, 2)),
            NextNotice::Second {
                first: d(2025, 1, 20)
            },
            "{s:?}"
        );
    }
    // withdrawn notices' sessions are free again; others' are used
    assert_eq!(used_sessions(&c), vec![(d(2025, 3, 24), d(2025, 5, 30))]);
}

#[test]
fn notices_before_the_national_framework_do_not_count() {
    let mut c = case();
    c.penalty_notices.push(PenaltyNotice {
        number: 1,
        parent: "Karen Lee".into(),
        issued: d(2024, 6, 3),
        sessions: SessionRange {
            from: d(2024, 4, 15),
            to: d(2024, 5, 24),
        },
        unauthorised: 10,
        order: NoticeOrder::First,
        amount: 160,
        reduced: Some(80),
        note: String::new(),
        updates: vec![],
    });
    assert_eq!(
        next_notice(&c, "Karen Lee", d(2024, 10, 1)),
        NextNotice::First
    );
}

#[test]
fn people_are_found_by_number_or_unique_name() {
    let c = case();
    assert_eq!(find_person(&c, "2").unwrap().name, "David Lee");
    assert_eq!(find_person(&c, "karen lee").unwrap().name, "Karen Lee");
    assert_eq!(find_person(&c, "David").unwrap().name, "David Lee");
    assert!(
        matches!(find_person(&c, "Lee"), Err(PenaltyError::Person(m)) if m.contains("matches"))
    );
    assert!(
        matches!(find_person(&c, "3"), Err(PenaltyError::Person(m)) if m.contains("1. Karen Lee"))
    );
    assert!(find_person(&c, "0").is_err());
    assert!(find_person(&c, "Ann").is_err());
}

#[test]
fn updates_follow_the_notice_and_end_with_payment_or_withdrawal() {
    let mut c = case();
    c.pupil.id = PupilId::parse("B801200005001").unwrap();
    notice(
        &mut c,
        "Karen Lee",
        d(2025, 1, 20),
        d(2024, 11, 4),
        d(2025, 1, 17),
    );
    let today = d(2025, 3, 1);
    assert!(
        update_notice(
            &mut c,
            2,
            PenaltyStatus::Paid,
            d(2025, 2, 1),
            "",
            today,
            "A"
        )
        .is_err()
    );
    assert!(
        update_notice(
            &mut c,
            1,
            PenaltyStatus::Paid,
            d(2025, 1, 1),
            "",
            today,
            "A"
        )
        .is_err()
    );
    assert!(
        update_notice(
            &mut c,
            1,
            PenaltyStatus::Paid,
            d(2025, 3, 2),
            "",
            today,
            "A"
        )
        .is_err()
    );
    let w = update_notice(
        &mut c,
        1,
        PenaltyStatus::Paid,
        d(2025, 2, 5),
        "",
        today,
        "A",
    )
    .unwrap();
    assert!(w.is_empty());
    assert!(
        c.timeline
            .last()
            .unwrap()
            .text
            .contains("£80, within 21 days"),
        "{}",
        c.timeline.last().unwrap().text
    );
    let e = update_notice(
        &mut c,
        1,
        PenaltyStatus::Withdrawn,
        d(2025, 2, 6),
        "",
        today,
        "A",
    )
    .unwrap_err();
    assert!(e.to_string().contains("already paid"), "{e}");
    // unpaid, then prosecuted
    notice(
        &mut c,
        "David Lee",
        d(2025, 1, 20),
        d(2024, 11, 4),
        d(2025, 1, 17),
    );
    let w = update_notice(
        &mut c,
        2,
        PenaltyStatus::Unpaid,
        d(2025, 2, 3),
        "",
        today,
        "A",
    )
    .unwrap();
    assert!(w[0].contains("28 days"), "{w:?}");
    update_notice(
        &mut c,
        2,
        PenaltyStatus::Prosecuted,
        d(2025, 2, 28),
        "",
        today,
        "A",
    )
    .unwrap();
    assert_eq!(c.penalty_notices[1].status_text(), "prosecuted");
    assert!(validate_case(&c).is_empty(), "{:?}", validate_case(&c));
}

#[test]
fn a_hand_edited_amount_that_breaks_the_framework_is_reported() {
    let mut c = case();
    notice(
        &mut c,
        "Karen Lee",
        d(2025, 1, 20),
        d(2024, 11, 4),
        d(2025, 1, 17),
    );
    c.penalty_notices[0].reduced = None;
    let p = validate_case(&c);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].path.to_string(), "penalty_notices[1].amount");
}
