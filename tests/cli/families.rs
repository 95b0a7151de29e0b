//! Families: contacts exports in both shapes (tests/fixtures/contacts/), cases that know the
//! family (people and siblings checked byte for byte against files written by hand), what a later
//! import changes and `case sync`, letters to each parent with parental responsibility and never
//! to one marked no contact, `attend family`, and `attend flag`'s siblings.
//!
//! The fixture contacts (both shapes hold the same people): Oliver and Maya Mitchell share their
//! mother (27 Riverside Walk) and their father, who lives elsewhere (Flat 3, 8 Canal Street);
//! Oliver's grandmother has no parental responsibility; Ethan Khan's parents live together; Mason
//! Lee's father is under a court order (no contact); Alice and Florence Stevens share their
//! mother; a social worker is a contact of two Patels who are not brothers.

use crate::support::*;
use predicates::prelude::*;

const MAYA: &str = "K815370115024";
const KHAN: &str = "A815359512048";
const ALICE: &str = "C815368222006";
const FLORENCE: &str = "F815272117054";
const MUHAMMAD: &str = "N815361117010";
const DATE: &str = "2025-03-20";

fn contacts(name: &str) -> std::path::PathBuf {
    repo().join("tests/fixtures/contacts").join(name)
}

/// The fixture register and the letterhead of tests/fixtures/documents, with one contacts export.
fn with_contacts(file: &str) -> Ws {
    let ws = Ws::with_fixture_register();
    std::fs::copy(
        repo().join("tests/fixtures/documents/attend.yaml"),
        ws.path().join("attend.yaml"),
    )
    .unwrap();
    ws.attend(["import"]).arg(contacts(file)).assert().success();
    ws
}

/// The people and siblings of a case file: from `people:` to the section after them.
fn family_part(case: &str) -> String {
    let start = case.find("\npeople:").map(|i| i + 1).unwrap_or(case.len());
    let rest = &case[start..];
    let end = [
        "\nprofessionals:",
        "\nservices:",
        "\nconsent_to_referral:",
        "\nchild_view:",
        "\nbarriers:",
        "\nstrengths:",
        "\nopening_attendance:",
        "\nplans:",
        "\ntimeline:",
    ]
    .iter()
    .filter_map(|k| rest.find(k))
    .min()
    .unwrap_or(rest.len());
    rest[..end + 1].to_string()
}

fn expected(name: &str) -> String {
    read(&contacts("expected").join(name))
}

fn open(ws: &Ws, id: &str) {
    ws.at(DATE).args(["case", "open", id]).assert().success();
}

#[test]
fn both_shapes_of_contacts_export_fill_the_same_people_and_siblings() {
    for file in ["per-contact.csv", "per-pupil.csv"] {
        let ws = with_contacts(file);
        for (id, want) in [
            (OLIVER, "oliver.yaml"),
            (MASON, "mason.yaml"),
            (ALICE, "alice.yaml"),
            (MUHAMMAD, "muhammad.yaml"),
        ] {
            open(&ws, id);
            let got = family_part(&read(&case_file(ws.path(), id)));
            assert_eq!(got, expected(want), "{file}: {id}");
        }
        // the same person for two pupils is one contact; links are one row per person and pupil
        let links = read(&ws.path().join("register/pupil-contacts.csv"));
        assert_eq!(
            links.lines().next().unwrap(),
            "upn,contact,priority,relationship,parental_responsibility,lives_with_pupil,no_contact"
        );
        assert_eq!(links.lines().count(), 14, "{file}: 13 links\n{links}");
        let people = read(&ws.path().join("register/contacts.csv"));
        assert_eq!(people.lines().count(), 10, "{file}: 9 people\n{people}");
        assert_eq!(
            links
                .lines()
                .filter(|l| l.contains(",rachel-mitchell,"))
                .count(),
            2,
            "{file}: Oliver's and Maya's mother is one contact"
        );
    }
    // the two shapes give the same links to pupils
    let a = with_contacts("per-contact.csv");
    let b = with_contacts("per-pupil.csv");
    assert_eq!(
        read(&a.path().join("register/pupil-contacts.csv")),
        read(&b.path().join("register/pupil-contacts.csv"))
    );
}

#[test]
fn a_social_worker_shared_by_two_pupils_does_not_make_them_siblings() {
    let ws = with_contacts("per-contact.csv");
    open(&ws, MUHAMMAD);
    let case = read(&case_file(ws.path(), MUHAMMAD));
    assert!(!case.contains("\nsiblings:"), "{case}");
    let out = String::from_utf8(run_ok(
        ws.at(DATE).args(["flag", "--all", "--format", "csv"]),
    ))
    .unwrap();
    let row = |id: &str| {
        let header: Vec<&str> = out.lines().next().unwrap().split(',').collect();
        let line = out.lines().find(|l| l.starts_with(id)).unwrap();
        let cells: Vec<&str> = line.split(',').collect();
        let at = |c: &str| cells[header.iter().position(|h| *h == c).unwrap()].to_string();
        (at("siblings"), at("siblings_flagged"), at("family"))
    };
    assert_eq!(row(MUHAMMAD), ("0".into(), "0".into(), String::new()));
    // Oliver (18.9%) and Maya (99.2%) are each other's sibling; only Oliver is at or below 90%
    assert_eq!(row(OLIVER), ("1".into(), "0".into(), MAYA.into()));
    assert_eq!(row(MAYA), ("1".into(), "1".into(), MAYA.into()));
    let (n, _, family) = row(ALICE);
    assert_eq!((n, family), ("1".to_string(), ALICE.to_string()));
    assert_eq!(
        row(FLORENCE).2,
        ALICE,
        "a family is named after its first pupil"
    );
}

#[test]
fn an_invitation_goes_to_both_parents_at_their_two_addresses_and_never_to_the_no_contact_one() {
    let ws = with_contacts("per-pupil.csv");
    for id in [OLIVER, MASON, KHAN] {
        open(&ws, id);
    }
    let context = |id: &str| -> serde_json::Value {
        serde_json::from_slice(&run_ok(ws.at(DATE).args([
            "letter",
            "invitation",
            id,
            "--date",
            "2025-03-27",
            "--time",
            "9:30",
            "--context",
        ])))
        .unwrap()
    };
    let copies = |v: &serde_json::Value| -> Vec<(String, Vec<String>, String)> {
        v["copies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["salutation"].as_str().unwrap().to_string(),
                    c["address"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|l| l.as_str().unwrap().to_string())
                        .collect(),
                    c["names"][0].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    // Oliver: mother and father with parental responsibility, at two addresses; not the grandmother
    let v = context(OLIVER);
    assert_eq!(
        copies(&v),
        vec![
            (
                "Dear Mrs Mitchell".to_string(),
                vec![
                    "27 Riverside Walk".into(),
                    "Townley".into(),
                    "Townshire".into(),
                    "TW1 5CD".into()
                ],
                "Mrs Rachel Mitchell".to_string()
            ),
            (
                "Dear Mr Mitchell".to_string(),
                vec![
                    "Flat 3".into(),
                    "8 Canal Street".into(),
                    "Otherton".into(),
                    "OT4 2JQ".into()
                ],
                "Mr Daniel Mitchell".to_string()
            ),
        ]
    );
    assert!(
        !v.to_string().contains("Hughes"),
        "the grandmother has no PR"
    );
    // Mason: his mother only; his father is under a court order
    let v = context(MASON);
    assert_eq!(copies(&v).len(), 1);
    assert_eq!(copies(&v)[0].0, "Dear Ms Lee");
    assert!(!v["copies"].to_string().contains("David"), "{v}");
    assert!(!v["recipients"].to_string().contains("David"), "{v}");
    // Ethan Khan: two parents at one address, one letter
    let v = context(KHAN);
    assert_eq!(copies(&v).len(), 1);
    assert_eq!(copies(&v)[0].0, "Dear Mr and Mrs Khan");
    assert_eq!(
        v["copies"][0]["names"],
        serde_json::json!(["Mr Imran Khan", "Mrs Sadia Khan"])
    );
    // the letter itself, as typst source: Mason's father appears nowhere
    let src = String::from_utf8(run_ok(ws.at(DATE).args([
        "letter",
        "invitation",
        MASON,
        "--date",
        "2025-03-27",
        "--time",
        "9:30",
        "--source",
        "--stdout",
    ])))
    .unwrap();
    assert!(src.contains("Dear Ms Lee,"), "{src}");
    assert!(!src.contains("David"), "{src}");
    // the referral records him, marked
    let src = String::from_utf8(run_ok(
        ws.at(DATE)
            .args(["letter", "referral", MASON, "--source", "--stdout"]),
    ))
    .unwrap();
    assert!(
        src.contains("[Mr David Lee (no contact: a court order or no correspondence)]"),
        "{src}"
    );
}

#[test]
fn a_letter_nobody_can_be_sent_is_not_written_and_says_who_lacks_what() {
    let ws = with_contacts("per-contact.csv");
    open(&ws, MASON);
    // Mason's mother's address removed: his father is no contact; nobody is left
    run_ok(
        ws.at(DATE)
            .args(["case", "person", "edit", MASON, "karen", "--address", ""]),
    );
    let before = tree(ws.path());
    let err = run_err(ws.at(DATE).args(["letter", "concern", MASON]));
    assert!(err.contains("is not written"), "{err}");
    assert!(
        err.contains(&format!(
            "Karen Lee (mother): no postal address (add it: attend case person edit {MASON} 1 --address"
        )),
        "{err}"
    );
    assert!(
        err.contains("David Lee (father): marked no contact"),
        "{err}"
    );
    assert!(tree(ws.path()) == before, "nothing was written");
    // a pupil whose case has nobody at all
    open(&ws, "E815399614010");
    let err = run_err(ws.at(DATE).args(["letter", "concern", "E815399614010"]));
    assert!(err.contains("has no parents or carers"), "{err}");
    assert!(
        err.contains("attend case person add E815399614010"),
        "{err}"
    );
}

#[test]
fn a_refused_contacts_file_changes_nothing_and_names_line_and_column() {
    let ws = Ws::with_fixture_register();
    ws.attend(["import"])
        .arg(contacts("per-contact.csv"))
        .assert()
        .success();
    let header = "UPN,Title,Forename,Surname,Relationship,Parental Responsibility,Email,Postcode";
    let cases: &[(&str, &str)] = &[
        (
            "K815375514034,Mrs,,,Mother,Y,,TW1 5CD",
            "line 2, column \"Surname\": a contact has no name",
        ),
        (
            "K815375514034,Mrs,Rachel,Mitchell,Mother,Y,rachel.example.org,TW1 5CD",
            "line 2, column \"Email\": \"rachel.example.org\" is not an email address",
        ),
        (
            "K815375514034,Mrs,Rachel,Mitchell,Mother,Perhaps,,TW1 5CD",
            "line 2, column \"Parental Responsibility\": \"Perhaps\" is not yes or no",
        ),
        (
            "K815375514034,Mrs,Rachel,Mitchell,Mother,Y,,TW1 5CD\nK815375514034,Mrs,Rachel,Mitchell,Mother,N,,TW1 5CD",
            "line 3, column \"Parental Responsibility\": the same contact of the same pupil has parental responsibility on line 2 and not on line 3",
        ),
        (
            "K815375514035,Mrs,Rachel,Mitchell,Mother,Y,,TW1 5CD",
            "line 2, column \"UPN\"",
        ),
        (
            "B801200005001,Mrs,Rachel,Mitchell,Mother,Y,,TW1 5CD",
            "none of the 1 row in the file is in the register",
        ),
    ];
    for (row, says) in cases {
        let f = ws.path().join("bad-contacts.csv");
        std::fs::write(&f, format!("{header}\n{row}\n")).unwrap();
        let before = tree(ws.path());
        let err = run_err(ws.attend(["import"]).arg(&f));
        assert!(err.contains(says), "{row}\n{err}");
        assert!(
            err.contains("Nothing was imported: the register is as it was."),
            "{err}"
        );
        assert!(
            tree(ws.path()) == before,
            "{row}: a refused file changed something"
        );
    }
    // a pupil who is not in the register is a warning: the other rows are imported
    let f = ws.path().join("one-unknown.csv");
    std::fs::write(
        &f,
        format!(
            "{header}\nB801200005001,Mr,Jon,Doe,Father,Y,,TW9 9ZZ\nA815359512048,Mrs,Sadia,Khan,Mother,Y,,tw37gh\n"
        ),
    )
    .unwrap();
    ws.attend(["import"])
        .arg(&f)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "1 row is for pupils who are not in the register: not imported (line 2)",
        ));
    // a postcode that is not a UK postcode is kept, with a warning
    std::fs::write(
        &f,
        format!("{header}\nA815359512048,Mrs,Sadia,Khan,Mother,Y,,D02 X285\n"),
    )
    .unwrap();
    ws.attend(["import"])
        .arg(&f)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "1 postcode is not shaped like a UK postcode",
        ));
}

#[test]
fn a_later_import_is_logged_and_keeps_each_persons_key() {
    let ws = Ws::with_fixture_register();
    // a dry run says what would change and writes nothing
    let before = tree(ws.path());
    ws.attend(["import", "--dry-run"])
        .arg(contacts("per-contact.csv"))
        .assert()
        .success()
        .stderr(predicate::str::contains("Would import per-contact.csv (contacts, one row per contact, utf-8): 8 pupils with 9 contacts (4 of more than one pupil)"));
    assert!(tree(ws.path()) == before, "a dry run wrote something");
    ws.attend(["import"])
        .arg(contacts("per-contact.csv"))
        .assert()
        .success();
    // the same file again changes nothing
    ws.attend(["import"])
        .arg(contacts("per-contact.csv"))
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "Nothing changed: every contact in per-contact.csv is already held",
        ));
    // Rachel Mitchell moves house and changes her mobile; the Khans' record drops Sadia
    let text = read(&contacts("per-contact.csv"))
        .replace(
            "27 Riverside Walk,,Townley,Townshire,TW1 5CD,01632 960111,,07700 900456",
            "2 New Street,,Townley,,TW1 9XY,01632 960111,,07700 900001",
        )
        .replace(
            "27 Riverside Walk,,Townley,Townshire,tw15cd,01632 960111,,07700 900456",
            "2 New Street,,Townley,,TW1 9XY,01632 960111,,07700 900001",
        );
    let text: String = text
        .lines()
        .filter(|l| !l.contains("Sadia"))
        .map(|l| format!("{l}\n"))
        .collect();
    let f = ws.path().join("later.csv");
    std::fs::write(&f, text).unwrap();
    ws.attend(["import"])
        .arg(&f)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "contacts: 0 new, 1 changed, 1 removed; links to pupils: 0 new, 0 changed, 1 removed",
        ));
    let people = read(&ws.path().join("register/contacts.csv"));
    assert!(people.contains("\nrachel-mitchell,,Mrs,Rachel,Mitchell,,2 New Street,,,,Townley,,TW1 9XY,01632 960111,,07700 900001,rachel.mitchell@example.org,email\n"), "{people}");
    assert!(!people.contains("sadia"), "{people}");
    let log = read(&ws.path().join("register/contact-changes.csv"));
    let rows: Vec<&str> = log.lines().filter(|l| l.contains("later.csv")).collect();
    let tail = |r: &str| r.splitn(4, ',').nth(3).unwrap().to_string();
    let mut got: Vec<String> = rows.iter().map(|r| tail(r)).collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            "rachel-mitchell,,address_1,27 Riverside Walk,2 New Street",
            "rachel-mitchell,,county,Townshire,",
            "rachel-mitchell,,mobile_phone,07700 900456,07700 900001",
            "rachel-mitchell,,postcode,TW1 5CD,TW1 9XY",
            "sadia-khan,,contact,Mrs Sadia Khan,",
            "sadia-khan,A815359512048,link,Mother,",
        ]
    );
}

#[test]
fn case_show_says_where_the_case_and_the_mis_differ_and_sync_brings_the_mis_in() {
    let ws = with_contacts("per-contact.csv");
    open(&ws, OLIVER);
    // the officer adds a phone for the grandmother and a note; the MIS later changes Rachel's
    // mobile and adds a step-father
    run_ok(ws.at(DATE).args([
        "case",
        "person",
        "edit",
        OLIVER,
        "hughes",
        "--mobile",
        "07700 911111",
        "--notes",
        "Collects Oliver on Fridays",
    ]));
    let text = read(&contacts("per-contact.csv")).replace("07700 900456", "07700 900001")
        + "K815375514034,Mitchell,Oliver,Mr,Gary,Bell,Step-father,N,4,Y,N,27 Riverside Walk,,Townley,Townshire,TW1 5CD,,,,,,British\n";
    let f = ws.path().join("later.csv");
    std::fs::write(&f, text).unwrap();
    let before = read(&case_file(ws.path(), OLIVER));
    ws.attend(["import", "-q"]).arg(&f).assert().success();
    assert_eq!(
        read(&case_file(ws.path(), OLIVER)),
        before,
        "an import never changes a case"
    );
    let show = String::from_utf8(run_ok(ws.at(DATE).args(["case", "show", OLIVER]))).unwrap();
    assert!(show.contains(&format!("The MIS now differs from the case (bring its details in with attend case sync {OLIVER}):")), "{show}");
    assert!(show.contains("Rachel Mitchell (mother): mobile: the case has \"07700 900456\", the MIS \"07700 900001\""), "{show}");
    assert!(
        show.contains("Gary Bell (step-father): in the MIS, not in the case"),
        "{show}"
    );
    assert!(
        !show.contains("Margaret Hughes (grandmother): mobile"),
        "a blank in the MIS is not a difference: {show}"
    );
    // sync
    ws.at(DATE)
        .args(["case", "sync", "oliver"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "Family details brought in from the MIS: Rachel Mitchell: mobile; added Gary Bell (step-father)",
        ));
    let case = read(&case_file(ws.path(), OLIVER));
    assert!(case.contains("  mobile: 07700 900001\n"), "{case}");
    assert!(case.contains("  mobile: 07700 911111\n  preferred_contact: phone\n  notes: Collects Oliver on Fridays\n"), "the officer's additions stay: {case}");
    assert!(case.contains("- title: Mr\n  forename: Gary\n  surname: Bell\n  relationship: step-father\n  parental_responsibility: false\n"), "{case}");
    assert!(case.contains("  kind: note\n  by: Priya Shah\n  text: 'Family details brought in from the MIS: Rachel Mitchell: mobile; added Gary Bell (step-father)'"), "{case}");
    // nothing more to bring in; the show says nothing differs
    let show = String::from_utf8(run_ok(ws.at(DATE).args(["case", "show", OLIVER]))).unwrap();
    assert!(!show.contains("The MIS now differs"), "{show}");
    ws.at(DATE)
        .args(["case", "sync", OLIVER])
        .assert()
        .success()
        .stderr(predicate::str::contains("already holds the MIS's details"));
    // --all: every open case, in one go
    open(&ws, MAYA);
    let text = read(&f).replace("07700 900001", "07700 900002");
    std::fs::write(&f, text).unwrap();
    ws.attend(["import", "-q"]).arg(&f).assert().success();
    ws.at(DATE)
        .args(["case", "sync", "--all"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "Brought the MIS's details into 2 cases",
        ));
}

#[test]
fn a_name_finds_one_pupil_and_several_change_nothing() {
    let ws = with_contacts("per-contact.csv");
    let before = tree(ws.path());
    let err = run_err(ws.at(DATE).args(["case", "open", "Mason"]));
    assert!(
        err.contains("\"Mason\" matches 2 pupils: nothing was done"),
        "{err}"
    );
    assert!(
        err.contains("C815381816030  Lee, Mason  Year 8, 8A"),
        "{err}"
    );
    assert!(
        err.contains("W815293116038  Islam, Mason  Year 8, 8A"),
        "{err}"
    );
    assert!(tree(ws.path()) == before);
    let err = run_err(ws.at(DATE).args(["case", "open", "Nobody Here"]));
    assert!(
        err.contains("no pupil's name matches \"Nobody Here\""),
        "{err}"
    );
    let err = run_err(ws.at(DATE).args(["case", "open", "C815381816031"]));
    assert!(
        err.contains("check letter"),
        "a mistyped UPN is not a name: {err}"
    );
    assert!(tree(ws.path()) == before);
    ws.at(DATE)
        .args(["case", "open", "mason lee"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Opened a case for C815381816030"));
    // part of a name, in any case, without accents
    ws.at(DATE)
        .args(["pupil", "richards"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Richardson, Hannah"));
}

#[test]
fn the_family_view_shows_the_children_the_siblings_elsewhere_and_the_parents() {
    let ws = with_contacts("per-contact.csv");
    open(&ws, OLIVER);
    run_ok(ws.at(DATE).args([
        "case",
        "sibling",
        "add",
        OLIVER,
        "--name",
        "Lily Mitchell",
        "--school",
        "Townley Primary",
        "--year",
        "4",
        "--concern",
        "no",
    ]));
    let out = String::from_utf8(run_ok(ws.at(DATE).args(["family", MAYA]))).unwrap();
    assert!(
        out.contains("The family of Mitchell, Maya (K815370115024)"),
        "{out}"
    );
    for want in [
        "│ K815370115024 ┆ Mitchell, Maya   ┆ 9    ┆ 9A  ┆",
        "│ K815375514034 ┆ Mitchell, Oliver ┆ 10   ┆ 10A ┆",
        "Lily Mitchell, Townley Primary, year 4; attendance concern: no",
        "Mrs Rachel Mitchell ┆ mother of Maya and Oliver ┆ yes ┆ yes",
        "Mr Daniel Mitchell  ┆ father of Maya and Oliver ┆ yes ┆ no ",
        "Mrs Margaret Hughes ┆ grandmother of Oliver     ┆ no  ┆ no ",
    ] {
        assert!(out.contains(want), "{want}\n{out}");
    }
    let csv = String::from_utf8(run_ok(
        ws.at(DATE).args(["family", MAYA, "--format", "csv"]),
    ))
    .unwrap();
    assert_eq!(
        csv.lines().next().unwrap(),
        "member,upn,name,year,reg_group,school,possible,attendance_pct,band,case_stage,open_plan,review_due,attendance_concern,relationship,parental_responsibility,lives_with_pupil,no_contact,address,phone,mobile,email"
    );
    assert!(
        csv.contains("\nsibling_elsewhere,,Lily Mitchell,4,,Townley Primary,"),
        "{csv}"
    );
    assert!(csv.contains("\ncontact,K815375514034,Mrs Margaret Hughes,,,,,,,,,,,grandmother,no,no,no,\"5 Elm Close, Townley, TW2 6EF\",01632 960333,,\n"), "{csv}");
    let json: serde_json::Value = serde_json::from_slice(&run_ok(
        ws.at(DATE).args(["family", MAYA, "--format", "json"]),
    ))
    .unwrap();
    assert_eq!(json["children"].as_array().unwrap().len(), 2);
    assert_eq!(json["children"][1]["case_stage"], "monitor");
    assert_eq!(json["contacts"][0]["children"][1]["upn"], OLIVER);
    // the no-contact father is shown with a warning
    open(&ws, MASON);
    let out = String::from_utf8(run_ok(ws.at(DATE).args(["family", MASON]))).unwrap();
    assert!(
        out.contains("WARNING: Mr David Lee is marked no contact"),
        "{out}"
    );
}

#[test]
fn flag_groups_the_list_by_family() {
    let ws = with_contacts("per-contact.csv");
    let out = String::from_utf8(run_ok(ws.at(DATE).args([
        "flag",
        "--threshold",
        "100",
        "--families",
    ])))
    .unwrap();
    let mitchell = out
        .find("Family Mitchell: 2 of 2 children at the school listed")
        .expect(&out);
    let oliver = out.find("Mitchell, Oliver").unwrap();
    let maya = out.find("Mitchell, Maya").unwrap();
    let alone = out.find("No brothers or sisters at the school").unwrap();
    assert!(
        mitchell < oliver && mitchell < maya && oliver < alone && maya < alone,
        "{out}"
    );
    assert!(
        out.contains("Family Stevens: 2 of 2 children at the school listed"),
        "{out}"
    );
}

#[test]
fn a_schools_own_contacts_headers_are_named_in_attend_yaml() {
    let ws = Ws::with_fixture_register();
    let f = ws.path().join("own.csv");
    std::fs::write(
        &f,
        "Pupil UPN,Adult Given,Adult Family,Relationship,PR Holder,Post Code\nA815359512048,Sadia,Khan,Mother,Yes,TW3 7GH\n",
    )
    .unwrap();
    // without the mapping the names are not found: refused
    let before = tree(ws.path());
    let err = run_err(ws.attend(["import"]).arg(&f));
    assert!(err.contains("no column holds the contacts' names"), "{err}");
    assert!(err.contains("import: contact_columns:"), "{err}");
    assert!(tree(ws.path()) == before);
    let yaml = read(&ws.path().join("attend.yaml")).replace(
        "  contact_columns: {}\n",
        "  contact_columns:\n    forename: Adult Given\n    surname: [\"Adult Family\", \"Adult Surname\"]\n    parental_responsibility: PR Holder\n",
    );
    std::fs::write(ws.path().join("attend.yaml"), yaml).unwrap();
    ws.attend(["import"]).arg(&f).assert().success();
    assert_eq!(
        read(&ws.path().join("register/pupil-contacts.csv")),
        "upn,contact,priority,relationship,parental_responsibility,lives_with_pupil,no_contact\nA815359512048,sadia-khan,,Mother,yes,,\n"
    );
    // a field attend does not know is a mistake in attend.yaml
    let yaml = read(&ws.path().join("attend.yaml"))
        .replace("    forename: Adult Given", "    first_name: Adult Given");
    std::fs::write(ws.path().join("attend.yaml"), yaml).unwrap();
    let err = run_err(ws.attend(["flag"]));
    assert!(
        err.contains("import.contact_columns: \"first_name\" is not a contact field"),
        "{err}"
    );
}
