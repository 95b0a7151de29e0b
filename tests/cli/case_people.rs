//! The weekly steps from the command line: `attend case person|sibling|professional|service|
//! barrier|strength add|remove`, `case person edit`, `case view`, `case consent` and `plan copy`.
//! Each changes one thing (what the file then says is written out by hand below); each refusal
//! says what is wrong and leaves every file as it was.

use crate::support::*;
use predicates::prelude::*;

const DATE: &str = "2025-01-20";

fn opened() -> Ws {
    let ws = Ws::with_fixture_register();
    ws.at("2025-01-10")
        .args(["case", "open", MASON])
        .assert()
        .success();
    ws
}

fn ok(ws: &Ws, args: &[&str]) -> String {
    let out = ws.at(DATE).args(args).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{args:?}: {said}");
    said
}

/// A refusal: it fails, says `says`, and changes no file.
fn refused(ws: &Ws, args: &[&str], says: &str) {
    let before = tree(ws.path());
    let out = ws.at(DATE).args(args).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "{args:?} succeeded: {said}");
    assert!(
        said.contains(says),
        "{args:?}\n  expected: {says}\n  got: {said}"
    );
    assert!(tree(ws.path()) == before, "{args:?} changed a file");
}

fn case(ws: &Ws) -> String {
    read(&case_file(ws.path(), MASON))
}

#[test]
fn people_are_added_edited_and_removed_one_line_at_a_time() {
    let ws = opened();
    let said = ok(
        &ws,
        &[
            "case",
            "person",
            "add",
            MASON,
            "--title",
            "Ms",
            "--forename",
            "Karen",
            "--surname",
            "Lee",
            "--relationship",
            "mother",
            "--pr",
            "yes",
            "--lives-with",
            "yes",
            "--address",
            "14 Example Road, Townley, tw1 4ab",
            "--mobile",
            "07700 900123",
            "--email",
            "karen.lee@example.org",
            "--preferred",
            "phone",
        ],
    );
    assert!(
        said.contains("Added Karen Lee (mother) to the case of C815381816030 as person 1."),
        "{said}"
    );
    assert!(
        case(&ws).contains(
            "people:
- title: Ms
  forename: Karen
  surname: Lee
  relationship: mother
  parental_responsibility: true
  lives_with_pupil: true
  address:
  - 14 Example Road
  - Townley
  - TW1 4AB
  mobile: 07700 900123
  email: karen.lee@example.org
  preferred_contact: phone
opening_attendance:"
        ),
        "{}",
        case(&ws)
    );
    assert!(case(&ws).contains(
        "- date: 2025-01-20
  kind: note
  by: Priya Shah
  text: 'Added to the case: Ms Karen Lee (mother), parental responsibility: yes'"
    ));
    ok(
        &ws,
        &[
            "case",
            "person",
            "add",
            MASON,
            "--name",
            "David Lee",
            "--relationship",
            "father",
        ],
    );
    // refusals: nothing written
    refused(
        &ws,
        &[
            "case",
            "person",
            "add",
            MASON,
            "--forename",
            "karen",
            "--surname",
            "LEE",
        ],
        "Karen Lee (mother) is already in the case (person 1)",
    );
    refused(
        &ws,
        &["case", "person", "add", MASON, "--relationship", "aunt"],
        "a parent or carer needs a name",
    );
    refused(
        &ws,
        &[
            "case",
            "person",
            "add",
            MASON,
            "--name",
            "Jo Bloggs",
            "--email",
            "jo@",
        ],
        "\"jo@\" is not an email address",
    );
    refused(
        &ws,
        &[
            "case",
            "person",
            "add",
            MASON,
            "--name",
            "Jo Bloggs",
            "--pr",
            "maybe",
        ],
        "invalid value 'maybe'",
    );
    refused(
        &ws,
        &["case", "person", "edit", MASON, "3", "--phone", "1"],
        "there is no person 3: the case's people are:\n    1. Karen Lee (mother)\n    2. David Lee (father)",
    );
    refused(
        &ws,
        &["case", "person", "edit", MASON, "lee", "--phone", "1"],
        "\"lee\" matches more than one person",
    );
    refused(
        &ws,
        &["case", "person", "edit", MASON, "david"],
        "nothing to change",
    );
    refused(
        &ws,
        &[
            "case",
            "person",
            "edit",
            MASON,
            "david",
            "--name",
            "Karen Lee",
        ],
        "two people in a case cannot have the same name",
    );
    refused(
        &ws,
        &["case", "person", "remove", MASON, "Jo"],
        "no person matches \"Jo\"",
    );
    // edit: parental responsibility and no contact are events; a phone is not
    let events = |ws: &Ws| case(ws).matches("\n- date: ").count();
    let n = events(&ws);
    ok(
        &ws,
        &[
            "case",
            "person",
            "edit",
            MASON,
            "david",
            "--phone",
            "01632 960999",
        ],
    );
    assert_eq!(events(&ws), n);
    let said = ok(
        &ws,
        &[
            "case",
            "person",
            "edit",
            MASON,
            "2",
            "--pr",
            "yes",
            "--no-contact",
            "yes",
        ],
    );
    assert!(
        said.contains(
            "Changed parental responsibility, no contact of David Lee (father) (person 2)."
        ),
        "{said}"
    );
    assert!(said.contains("David Lee is marked no contact"), "{said}");
    assert!(case(&ws).contains("text: 'David Lee (father): parental responsibility: yes (was not known); marked no contact: never written to'"), "{}", case(&ws));
    assert!(case(&ws).contains("- name: David Lee\n  relationship: father\n  parental_responsibility: true\n  no_contact: true\n  phone: 01632 960999\n"), "{}", case(&ws));
    ok(&ws, &["case", "person", "remove", MASON, "david"]);
    assert!(!case(&ws).contains("- name: David Lee"));
    assert!(case(&ws).contains("text: 'Removed from the case: David Lee (father), parental responsibility: yes, no contact'"));
}

#[test]
fn siblings_professionals_services_barriers_and_strengths() {
    let ws = opened();
    // a sibling at this school, by name: name and year from the register
    ok(
        &ws,
        &[
            "case",
            "sibling",
            "add",
            MASON,
            "--pupil",
            "muhammad patel",
            "--notes",
            "Step-brother",
        ],
    );
    ok(
        &ws,
        &[
            "case",
            "sibling",
            "add",
            MASON,
            "--name",
            "Ella Lee",
            "--school",
            "Townley Primary",
            "--year",
            "5",
            "--concern",
            "yes",
        ],
    );
    assert!(
        case(&ws).contains(
            "siblings:
- name: Muhammad Patel
  id: N815361117010
  year: '7'
  notes: Step-brother
- name: Ella Lee
  school: Townley Primary
  year: '5'
  attendance_concern: true
"
        ),
        "{}",
        case(&ws)
    );
    refused(
        &ws,
        &["case", "sibling", "add", MASON, "--pupil", "N815361117010"],
        "N815361117010 is already a sibling in the case (sibling 1)",
    );
    refused(
        &ws,
        &["case", "sibling", "add", MASON, "--pupil", MASON],
        "a pupil cannot be their own sibling",
    );
    refused(
        &ws,
        &["case", "sibling", "add", MASON, "--pupil", "B801200005001"],
        "B801200005001 is not in the register",
    );
    refused(&ws, &["case", "sibling", "add", MASON], "--name");
    ok(&ws, &["case", "sibling", "remove", MASON, "ella"]);
    assert!(!case(&ws).contains("Ella Lee"));

    ok(
        &ws,
        &[
            "case",
            "professional",
            "add",
            MASON,
            "--name",
            "Ade Okafor",
            "--role",
            "School Nurse",
            "--organisation",
            "Townley Health",
        ],
    );
    assert!(case(&ws).contains(
        "professionals:\n- name: Ade Okafor\n  role: School Nurse\n  organisation: Townley Health\n"
    ));
    refused(
        &ws,
        &[
            "case",
            "professional",
            "add",
            MASON,
            "--name",
            "ade okafor",
            "--role",
            "Nurse",
        ],
        "Ade Okafor is already in the case's professionals",
    );
    refused(
        &ws,
        &[
            "case",
            "professional",
            "add",
            MASON,
            "--name",
            "Sam",
            "--role",
            "EWO",
            "--email",
            "sam",
        ],
        "\"sam\" is not an email address",
    );
    refused(
        &ws,
        &["case", "professional", "remove", MASON, "2"],
        "there is no professional 2",
    );
    ok(&ws, &["case", "professional", "remove", MASON, "1"]);
    assert!(!case(&ws).contains("professionals:"));

    ok(
        &ws,
        &[
            "case",
            "service",
            "add",
            MASON,
            "Early Help",
            "--contact",
            "Sam Green, Townley Council",
            "--since",
            "04/11/2024",
        ],
    );
    assert!(case(&ws).contains("services:\n- name: Early Help\n  contact: Sam Green, Townley Council\n  since: 2024-11-04\n"));
    refused(
        &ws,
        &["case", "service", "add", MASON, "early help"],
        "Early Help is already in the case's services",
    );
    refused(
        &ws,
        &[
            "case",
            "service",
            "add",
            MASON,
            "CAMHS",
            "--since",
            "2025-02-01",
        ],
        "--since is after today",
    );
    ok(&ws, &["case", "service", "remove", MASON, "early"]);
    assert!(!case(&ws).contains("services:"));

    ok(
        &ws,
        &[
            "case",
            "barrier",
            "add",
            MASON,
            "mental-health",
            "Anxiety on school mornings",
        ],
    );
    ok(&ws, &["case", "barrier", "add", MASON, "transport"]);
    assert!(case(&ws).contains("barriers:\n- kind: mental_health\n  detail: Anxiety on school mornings\n- kind: transport\n"));
    refused(
        &ws,
        &["case", "barrier", "add", MASON, "weather"],
        "\"weather\" is not a kind of barrier: use one of medical, mental_health",
    );
    refused(
        &ws,
        &["case", "barrier", "add", MASON, "transport"],
        "the case already records this barrier",
    );
    ok(&ws, &["case", "barrier", "remove", MASON, "transport"]);
    assert!(!case(&ws).contains("- kind: transport"));

    ok(
        &ws,
        &["case", "strength", "add", MASON, "Enjoys art and science"],
    );
    assert!(case(&ws).contains("strengths:\n- Enjoys art and science\n"));
    refused(
        &ws,
        &["case", "strength", "add", MASON, "enjoys ART and science"],
        "the case already records this strength",
    );
    refused(
        &ws,
        &["case", "strength", "add", MASON, "  "],
        "say what the strength is",
    );
    ok(&ws, &["case", "strength", "remove", MASON, "art"]);
    assert!(!case(&ws).contains("strengths:"));
}

#[test]
fn the_childs_view_and_consent_are_recorded_on_the_timeline() {
    let ws = opened();
    ok(
        &ws,
        &[
            "case",
            "view",
            "mason lee",
            "Mornings are hard. I'd like to come in through the side gate.",
        ],
    );
    let c = case(&ws);
    assert!(
        c.contains("child_view: Mornings are hard. I'd like to come in through the side gate.\n"),
        "{c}"
    );
    assert!(c.contains("  kind: note\n  by: Priya Shah\n  text: 'The child''s view: Mornings are hard. I''d like to come in through the side gate.'"), "{c}");
    refused(
        &ws,
        &[
            "case",
            "view",
            MASON,
            "Mornings are hard. I'd like to come in through the side gate.",
        ],
        "the case already holds this view",
    );
    refused(
        &ws,
        &["case", "view", MASON, " "],
        "say what the child said",
    );
    refused(
        &ws,
        &["case", "view", MASON, "Later", "--date", "2025-02-01"],
        "is after today",
    );
    ok(&ws, &["case", "consent", MASON, "yes"]);
    assert!(case(&ws).contains("consent_to_referral: true\n"));
    assert!(case(&ws).contains("text: 'Consent to a referral: yes, the family consents'"));
    refused(
        &ws,
        &["case", "consent", MASON, "yes"],
        "the case already records consent to a referral as: yes",
    );
    refused(
        &ws,
        &["case", "consent", MASON, "perhaps"],
        "invalid value 'perhaps'",
    );
    ok(&ws, &["case", "consent", MASON, "not-asked"]);
    assert!(!case(&ws).contains("consent_to_referral:"));
}

#[test]
fn a_copy_of_a_plan_sent_is_recorded_on_the_plan_and_the_timeline() {
    let ws = opened();
    ok(
        &ws,
        &[
            "case",
            "person",
            "add",
            MASON,
            "--title",
            "Ms",
            "--forename",
            "Karen",
            "--surname",
            "Lee",
            "--relationship",
            "mother",
            "--pr",
            "yes",
        ],
    );
    refused(
        &ws,
        &["plan", "copy", MASON, "--to", "1", "--how", "post"],
        "has no action plan yet: record one with attend plan new",
    );
    ok(
        &ws,
        &[
            "plan",
            "new",
            MASON,
            "--date",
            "2025-01-20",
            "--target",
            "95",
            "--weeks",
            "3",
            "--attendee",
            "Priya Shah|Attendance Officer",
            "--action",
            "school|Daily check-in|Tom Reid",
        ],
    );
    ok(
        &ws,
        &[
            "plan",
            "copy",
            MASON,
            "--to",
            "1",
            "--date",
            "2025-01-20",
            "--how",
            "post",
        ],
    );
    ok(
        &ws,
        &[
            "plan",
            "copy",
            MASON,
            "--to",
            "Early Help worker",
            "--how",
            "email",
        ],
    );
    let c = case(&ws);
    assert!(c.contains("  copies:\n  - to: Ms Karen Lee\n    sent: 2025-01-20\n    how: post\n  - to: Early Help worker\n    sent: 2025-01-20\n    how: email\n"), "{c}");
    assert!(c.contains("  kind: letter\n  by: Priya Shah\n  with: Ms Karen Lee\n  text: Copy of action plan 1 sent to Ms Karen Lee (post)\n  plan: 1\n"), "{c}");
    assert!(c.contains("  kind: email\n  by: Priya Shah\n  with: Early Help worker\n  text: Copy of action plan 1 sent to Early Help worker (email)\n  plan: 1\n"), "{c}");
    refused(
        &ws,
        &[
            "plan",
            "copy",
            MASON,
            "--to",
            "1",
            "--date",
            "2025-01-20",
            "--how",
            "post",
        ],
        "plan 1 already records a copy sent to Ms Karen Lee on 2025-01-20 (post)",
    );
    refused(
        &ws,
        &[
            "plan",
            "copy",
            MASON,
            "--to",
            "1",
            "--date",
            "2025-01-21",
            "--how",
            "post",
        ],
        "is after today",
    );
    refused(
        &ws,
        &[
            "plan",
            "copy",
            MASON,
            "--to",
            "1",
            "--date",
            "2025-01-19",
            "--how",
            "post",
        ],
        "is before plan 1's meeting",
    );
    refused(
        &ws,
        &["plan", "copy", MASON, "--to", "2", "--how", "post"],
        "there is no person 2",
    );
    refused(
        &ws,
        &[
            "plan", "copy", MASON, "--to", "1", "--how", "post", "--plan", "2",
        ],
        "the case has no plan 2",
    );
    refused(
        &ws,
        &["plan", "copy", MASON, "--to", "1", "--how", "pigeon"],
        "invalid value 'pigeon'",
    );
}

#[test]
fn commands_on_a_pupil_without_a_case_or_contacts_change_nothing() {
    let ws = Ws::with_fixture_register();
    refused(
        &ws,
        &["case", "person", "add", MASON, "--name", "Karen Lee"],
        "has no case",
    );
    refused(&ws, &["case", "view", MASON, "x"], "has no case");
    ws.at("2025-01-10")
        .args(["case", "open", MASON])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "import the MIS's contacts export, then attend case sync",
        ));
    refused(
        &ws,
        &["case", "sync", MASON],
        "the register holds no contacts yet",
    );
}
