//! Words for people: SEN, FSM, EAL and gender shown as what the DfE's codes mean (an unknown
//! value refused at import, or mapped in attend.yaml); counts and articles right; outcomes in
//! the officer's words; the recorder's "Name, Role" split once.

use crate::support::*;
use predicates::prelude::*;

/// A tiny wide export: two pupils, one week, with an FSM column holding `fsm`.
fn export(ws: &Ws, fsm: [&str; 2]) -> std::path::PathBuf {
    let path = ws.path().join("export.csv");
    let days = "2025-03-03 AM,2025-03-03 PM,2025-03-04 AM,2025-03-04 PM";
    std::fs::write(
        &path,
        format!(
            "UPN,Surname,Forename,Year,Reg,FSM,SEN,Gender,{days}\n\
             K860309314015,Ash,Amy,7,7A,{},E,F,/,\\,/,\\\n\
             M866230214045,Birch,Ben,7,7A,{},K,M,O,O,/,\\\n",
            fsm[0], fsm[1]
        ),
    )
    .unwrap();
    path
}

#[test]
fn an_fsm_value_that_is_not_the_dfes_is_refused_at_import_unless_mapped() {
    let ws = Ws::new();
    let file = export(&ws, ["C", "N"]);
    let before = tree(ws.path());
    ws.attend(["import"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "FSM \"C\": 1 pupil (first on line 2)",
        ))
        .stderr(predicate::str::contains("Y (eligible), N (not eligible)"))
        .stderr(predicate::str::contains(
            "import:\n        values:\n          fsm:",
        ))
        .stderr(predicate::str::contains("Ash").not());
    assert_eq!(before, tree(ws.path()), "nothing imported");
    // mapped in attend.yaml: C stands for Y
    let yaml = ws.path().join("attend.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    let text = text.replace("  values: {}", "  values:\n    fsm:\n      \"C\": \"Y\"");
    std::fs::write(&yaml, text).unwrap();
    ws.attend(["--quiet", "import"])
        .arg(&file)
        .assert()
        .success();
    let out = ws
        .attend(["report", "--show-small-groups", "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.contains(",Eligible for FSM,"), "{csv}");
    assert!(csv.contains(",Not eligible for FSM,"), "{csv}");
    assert!(
        csv.contains(",EHC plan,") && csv.contains(",SEN support,"),
        "{csv}"
    );
    assert!(csv.contains(",Female,") && csv.contains(",Male,"), "{csv}");
    assert!(!csv.contains(",C,"), "no group \"C\": {csv}");
    // a mapping to something that is not a DfE value is refused when attend.yaml is read
    let text = std::fs::read_to_string(&yaml)
        .unwrap()
        .replace("\"Y\"", "\"maybe\"");
    std::fs::write(&yaml, text).unwrap();
    ws.attend(["flag"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a DfE value"));
}

#[test]
fn the_report_shows_what_the_codes_mean() {
    let ws = Ws::new();
    ws.attend(["--quiet", "import"])
        .arg(example("riverside-wide.csv"))
        .assert()
        .success();
    let out = ws.attend(["report", "--wide"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for shown in [
        "│ No SEN ",
        "│ SEN support ",
        "│ EHC plan ",
        "│ Eligible for FSM ",
        "│ Not eligible for FSM ",
        "│ EAL (first language not English) ",
    ] {
        assert!(text.contains(shown), "{shown}:\n{text}");
    }
    // no raw code as a group, in the table or the CSV
    let out = ws.attend(["report", "--format", "csv"]).output().unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    for line in csv.lines().filter(|l| l.starts_with("group,")) {
        let group = line.split(',').nth(2).unwrap();
        assert!(!["E", "K", "N", "Y"].contains(&group), "{line}");
    }
    let no_sen = text.find("│ No SEN ").unwrap();
    let ehc = text.find("│ EHC plan ").unwrap();
    assert!(no_sen < ehc, "none first, then support, then a plan");
}

#[test]
fn articles_counts_outcomes_and_the_recorders_role_read_right() {
    let ws = Ws::with_fixture_register();
    let upn = "E815399614010";
    ws.at("2025-03-10")
        .args(["case", "open", upn, "--reason", "Persistent absence"])
        .assert()
        .success();
    ws.at("2025-03-10")
        .args(["case", "log", upn, "Sent the timetable", "--kind", "email"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Recorded an email on 2025-03-10"));
    ws.at("2025-03-10")
        .args(["case", "log", upn, "Spoke to mum", "--kind", "call"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Recorded a call on"));
    ws.at("2025-03-10")
        .args(["due", "--within", "1d", "--kind", "review_overdue"])
        .assert()
        .success()
        .stderr(predicate::str::contains("within 1 day of"))
        .stderr(predicate::str::contains("1 days").not());
    // ATTEND_USER as --by's help suggests: "Name, Role"; the plan form's attendees start with
    // the recorder (the editor leaves the form as attend filled it)
    let ed = editor(ws.path(), "keep.sh", "echo '# seen' >> \"$1\"");
    let mut plan = ws.at("2025-03-10");
    plan.env("ATTEND_USER", "Dan Hughes, Attendance Officer")
        .env("EDITOR", &ed)
        .args([
            "--quiet", "plan", "new", upn, "--edit", "--target", "95", "--weeks", "3",
        ])
        .args(["--action", "school|Weekly check-in|Dan Hughes"])
        .assert()
        .success();
    let case = std::fs::read_to_string(case_file(ws.path(), upn)).unwrap();
    assert!(case.contains("name: Dan Hughes\n"), "{case}");
    assert!(case.contains("role: Attendance Officer\n"), "{case}");
    assert!(!case.contains("Dan Hughes, Attendance Officer, Attendance Officer"));
    assert!(
        !case.contains("name: Dan Hughes, Attendance Officer"),
        "{case}"
    );
}
