//! Tests of the wording documents share.

use super::*;
use crate::config::Config;

#[test]
fn names_join_as_people_write_them() {
    assert_eq!(join_and::<&str>(&[]), "");
    assert_eq!(join_and(&["A"]), "A");
    assert_eq!(join_and(&["A", "B"]), "A and B");
    assert_eq!(join_and(&["A", "B", "C"]), "A, B and C");
}

#[test]
fn hand_wrapped_text_reads_as_paragraphs() {
    assert_eq!(prose("  one\ntwo  \n\nthree\n"), "one two\n\nthree");
    assert_eq!(
        prose("Actions:\n- a\n- b\n1. c"),
        "Actions:\n- a\n- b\n1. c"
    );
    assert_eq!(prose(""), "");
    assert_eq!(
        prose("8:40 check-in. Then\nmaths"),
        "8:40 check-in. Then maths"
    );
}

#[test]
fn sessions_read_as_school_days() {
    assert_eq!(days_text(0), "no school days");
    assert_eq!(days_text(1), "half a school day");
    assert_eq!(days_text(2), "1 school day");
    assert_eq!(days_text(3), "1 and a half school days");
    assert_eq!(days_text(33), "16 and a half school days");
}

#[test]
fn year_groups_read_as_in_letters() {
    assert_eq!(year_text("8"), "Year 8");
    assert_eq!(year_text("08"), "Year 8");
    assert_eq!(year_text("R"), "Reception");
    assert_eq!(year_text("Year 10"), "Year 10");
    assert_eq!(year_text(""), "");
}

#[test]
fn improvement_periods_end_on_a_weekday() {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(next_monday(d("2025-02-21")), d("2025-02-24"));
    assert_eq!(next_monday(d("2025-02-23")), d("2025-02-24"));
    assert_eq!(next_monday(d("2025-02-24")), d("2025-03-03"));
    // a Monday start, 6 weeks: the Friday of the sixth week
    let start = d("2025-02-24");
    assert_eq!(
        last_weekday(start + Duration::days(7 * 6 - 1)),
        d("2025-04-04")
    );
    // a Wednesday start, 3 weeks: the Tuesday three weeks on
    assert_eq!(
        last_weekday(d("2025-03-05") + Duration::days(7 * 3 - 1)),
        d("2025-03-25")
    );
}

#[test]
fn the_contact_line_names_who_and_how() {
    let mut c = Config::default();
    c.school.attendance_lead.name = "Mr D. Hughes".into();
    c.school.attendance_lead.role = "Attendance Officer".into();
    c.school.attendance_lead.phone = "01234 567891".into();
    c.school.email = "office@school.uk".into();
    assert_eq!(
        contact_text(&c),
        "Mr D. Hughes, Attendance Officer, on 01234 567891 or by email at office@school.uk"
    );
    c.school.attendance_lead.role.clear();
    c.school.email.clear();
    assert_eq!(contact_text(&c), "Mr D. Hughes on 01234 567891");
}
