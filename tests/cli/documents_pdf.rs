//! What the documents say, read back from the PDFs with pdftotext: the statements the guidance
//! requires, figures equal to attend flag's, values printed literally, and commands that fail
//! leave every file as it was.

use crate::support::*;
use std::path::Path;

fn invitation_args() -> Vec<&'static str> {
    vec![
        "letter",
        "invitation",
        MASON,
        "--date",
        "2025-03-03",
        "--time",
        "9:30",
        "--place",
        "Meeting room 2, Townley Academy",
    ]
}

#[test]
fn the_invitation_says_the_meeting_may_go_ahead_and_offers_another_time_to_every_parent() {
    let ws = Ws::with_fictional_cases();
    let pdf = run_ok(ws.at(AS_OF).args(invitation_args()).arg("--stdout"));
    let text = flat(&pdf_text(&pdf));
    for needle in [
        "may go ahead without you",
        "another time",
        // both parents with parental responsibility, each with a copy at their own address
        "Dear Karen Lee,",
        "14 Example Road",
        "Dear David Lee,",
        "3 Sample Court",
        "Monday 3 March 2025",
        "9:30am",
        "Meeting room 2, Townley Academy",
        // what will be discussed, and what to think about
        "registration certificate",
        "patterns of absence",
        "Before the meeting, it may help to think about",
        // the school's configured consequence, stated supportively
        "as a last resort, legal action",
        // the figures, with their denominator and period
        "From 2 September 2024 to 24 February 2025, Mason attended 160 of 212 possible sessions, an attendance of 75.5%",
        "Townley Academy",
        "Priya Shah",
    ] {
        assert!(
            text.contains(needle),
            "the invitation lacks {needle:?}:\n{text}"
        );
    }
    // a copy for each address, each numbered on its own, its second page headed with the pupil,
    // the letter and its date
    assert_eq!(text.matches("Page 1 of 2").count(), 2, "{text}");
    assert_eq!(text.matches("Page 2 of 2").count(), 2, "{text}");
    assert_eq!(
        text.matches("Mason Lee · Invitation to an attendance meeting · 24 February 2025")
            .count(),
        2,
        "{text}"
    );
}

#[test]
fn a_meeting_in_the_past_or_without_a_time_is_refused() {
    let ws = Ws::with_fictional_cases();
    let err = run_err(ws.at(AS_OF).args([
        "letter",
        "invitation",
        MASON,
        "--date",
        "2025-02-20",
        "--time",
        "9:30",
    ]));
    assert!(err.contains("before the date of the letter"), "{err}");
    let err = run_err(
        ws.at(AS_OF)
            .args(["letter", "invitation", MASON, "--date", "2025-03-03"]),
    );
    assert!(err.contains("--time"), "{err}");
    let err = run_err(
        ws.at(AS_OF)
            .args(["letter", "concern", MASON, "--date", "2025-03-03"]),
    );
    assert!(
        err.contains("--date") && err.contains("invitation"),
        "{err}"
    );
    let err = run_err(ws.at(AS_OF).args(["letter", "certificate", MASON]));
    assert!(err.contains("attend certificate"), "{err}");
}

fn context(ws: &Ws, args: &[&str]) -> serde_json::Value {
    let out = run_ok(ws.at(AS_OF).args(args).arg("--context"));
    serde_json::from_slice(&out).unwrap()
}

/// attend flag's CSV rows by UPN, as maps of column -> value.
fn flag_rows(
    ws: &Ws,
    from: &str,
    to: &str,
) -> std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>> {
    let out = run_ok(ws.at(AS_OF).args([
        "flag", "--all", "--format", "csv", "--from", from, "--to", to,
    ]));
    let mut r = csv::Reader::from_reader(out.as_slice());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let m: std::collections::BTreeMap<String, String> = header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect();
            (m["upn"].clone(), m)
        })
        .collect()
}

fn assert_certificate_equals_flag(ws: &Ws, from: &str, to: &str) -> usize {
    let rows = flag_rows(ws, from, to);
    assert!(!rows.is_empty());
    for (upn, row) in &rows {
        let c = context(ws, &["certificate", upn, "--from", from, "--to", to]);
        let cert = &c["certificate"];
        let t = &cert["totals"];
        for col in [
            "possible",
            "present",
            "approved_activity",
            "authorised",
            "unauthorised",
            "late_before_close",
            "late_after_close",
            "not_counted",
            "no_mark",
        ] {
            assert_eq!(
                t[col].to_string(),
                row[col],
                "{upn} {col}: certificate {} vs flag {}",
                t[col],
                row[col]
            );
        }
        assert_eq!(
            t["attendance_pct"].as_str().unwrap_or(""),
            row["attendance_pct"],
            "{upn} attendance %"
        );
        assert_eq!(cert["period"]["from"], row["period_from"].as_str());
        assert_eq!(cert["period"]["to"], row["period_to"].as_str());
        // the grid holds exactly those marks: one cell per possible session...
        let cells: Vec<&serde_json::Value> = cert["weeks"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|w| w["cells"].as_array().unwrap())
            .collect();
        let class = |c: &[&str]| {
            cells
                .iter()
                .filter(|x| c.contains(&x["class"].as_str().unwrap()))
                .count()
        };
        assert_eq!(
            class(&["present", "activity", "authorised", "unauthorised"]).to_string(),
            row["possible"],
            "{upn}: possible sessions in the grid"
        );
        assert_eq!(
            class(&["unauthorised"]).to_string(),
            row["unauthorised"],
            "{upn}: unauthorised sessions in the grid"
        );
        // ...and the key counts them all
        let keyed: u64 = cert["key"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["sessions"].as_u64().unwrap())
            .sum();
        assert_eq!(
            keyed as usize,
            class(&[
                "present",
                "activity",
                "authorised",
                "unauthorised",
                "not_counted",
                "administrative"
            ]),
            "{upn}: the key counts every mark"
        );
    }
    rows.len()
}

#[test]
fn certificate_totals_equal_the_flag_figures_for_the_same_period() {
    let ws = Ws::with_fictional_cases();
    let n = assert_certificate_equals_flag(&ws, "2024-09-02", "2025-02-21");
    assert_eq!(n, 40);
    // the PDF says the same as the context
    let pdf = run_ok(ws.at(AS_OF).args([
        "certificate",
        MASON,
        "--from",
        "2024-09-02",
        "--to",
        "2025-02-21",
        "--stdout",
    ]));
    let row = &flag_rows(&ws, "2024-09-02", "2025-02-21")[MASON];
    let text = flat(&pdf_text(&pdf));
    let line = format!(
        "{}%: {} of {} possible sessions",
        row["attendance_pct"],
        row["present"].parse::<u32>().unwrap() + row["approved_activity"].parse::<u32>().unwrap(),
        row["possible"]
    );
    assert!(
        text.contains(&line),
        "{line:?} not in the certificate:\n{text}"
    );
    for needle in [
        "Registration certificate",
        // the period runs to the last session held: 17 to 21 February was half term
        "Registration certificate 2 September 2024 to 14 February 2025 Pupil",
        "C815381816030",
        "Week beginning",
        "02/09/2024",
        "Key to the codes used",
        "Illness (not medical or dental appointment)",
        "I certify that this is a true copy",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
}

#[test]
fn a_certificate_across_19_august_2024_reads_each_code_under_its_own_regulations() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("summer.csv");
    let out = std::process::Command::new("python3")
        .arg(repo().join("tests/tools/gen_register.py"))
        .args([
            "--pupils",
            "12",
            "--seed",
            "7",
            "--start",
            "2024-04-15",
            "--until",
            "2024-10-04",
        ])
        .args(["--newline", "lf", "--out"])
        .arg(&csv)
        .output()
        .expect("python3 runs the generator");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ws = Ws::open(dir.path().join("ws"), Env::CASES);
    Env::CASES
        .attend()
        .arg("init")
        .arg(ws.path())
        .arg("--quiet")
        .assert()
        .success();
    std::fs::copy(
        repo().join("tests/fixtures/documents/attend.yaml"),
        ws.path().join("attend.yaml"),
    )
    .unwrap();
    ws.attend(["--quiet", "import"])
        .arg(&csv)
        .assert()
        .success();
    assert_certificate_equals_flag(&ws, "2024-06-03", "2024-10-04");
    let rows = flag_rows(&ws, "2024-06-03", "2024-10-04");
    let upn = rows.keys().next().unwrap();
    let c = context(
        &ws,
        &[
            "certificate",
            upn,
            "--from",
            "2024-06-03",
            "--to",
            "2024-10-04",
        ],
    );
    let key = c["certificate"]["key"].as_array().unwrap();
    let sets_of = |code: &str| -> Vec<String> {
        key.iter()
            .filter(|k| k["code"] == code)
            .map(|k| k["code_set"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let present = sets_of("/");
    assert_eq!(present.len(), 2, "{key:?}");
    assert!(present[0].contains("to 18 August 2024") && present[1].contains("from 19 August 2024"));
    let pdf = run_ok(ws.at(AS_OF).args([
        "certificate",
        upn,
        "--from",
        "2024-06-03",
        "--to",
        "2024-10-04",
        "--stdout",
    ]));
    let text = flat(&pdf_text(&pdf));
    assert!(
        text.contains("sessions to 18 August 2024 (2006 regulations)"),
        "{text}"
    );
    assert!(
        text.contains("sessions from 19 August 2024 (2024 regulations)"),
        "{text}"
    );
    assert!(text.contains("spans 19 August 2024"), "{text}");
}

/// Change a value in the case file's text (the case stays valid).
fn edit_case(ws: &Path, id: &str, from: &str, to: &str) {
    let p = case_file(ws, id);
    let text = read(&p);
    assert!(text.contains(from), "{from:?} not in the case");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn names_that_look_like_markup_print_literally() {
    let ws = Ws::with_fictional_cases();
    edit_case(
        ws.path(),
        MASON,
        "surname: Lee\n",
        "surname: '#Lee* <b>x</b>'\n",
    );
    edit_case(
        ws.path(),
        MASON,
        "forename: Mason\n",
        "forename: '$Mason_ @ref'\n",
    );
    edit_case(
        ws.path(),
        MASON,
        "- name: Karen Lee\n",
        "- name: '[Karen] O''Brien // = - + ~ \\ ```'\n",
    );
    edit_case(
        ws.path(),
        MASON,
        "  - 14 Example Road\n",
        "  - '#14 *Example* Road'\n",
    );
    let pdf = run_ok(ws.at(AS_OF).args(invitation_args()).arg("--stdout"));
    let text = flat(&pdf_text(&pdf));
    for literal in [
        "$Mason_ @ref #Lee* <b>x</b>",
        "Dear [Karen] O'Brien // = - + ~ \\ ```,",
        "#14 *Example* Road",
        "$Mason_ @ref’s attendance",
        "$Mason_ @ref #Lee* <b>x</b>’s attendance",
    ] {
        assert!(
            text.contains(literal),
            "{literal:?} not printed literally:\n{text}"
        );
    }
    // and in the records
    let pdf = run_ok(
        ws.at(AS_OF)
            .args(["letter", "plan", MASON, "--plan", "1", "--stdout"]),
    );
    let text = flat(&pdf_text(&pdf));
    assert!(text.contains("$Mason_ @ref #Lee* <b>x</b>"), "{text}");
}

#[test]
fn a_name_the_font_cannot_print_is_a_clear_error_and_nothing_is_filed() {
    let ws = Ws::with_fictional_cases();
    edit_case(ws.path(), MASON, "- name: Karen Lee\n", "- name: 王秀英\n");
    let before = tree(ws.path());
    let err = run_err(ws.at(AS_OF).args(["letter", "concern", MASON]));
    assert!(err.contains("王秀英"), "{err}");
    assert!(err.contains("cannot print"), "{err}");
    assert!(tree(ws.path()) == before, "a failed letter changed files");
}

#[test]
fn documents_that_cannot_be_written_truthfully_are_refused_and_change_nothing() {
    let ws = Ws::with_fictional_cases();
    let before = tree(ws.path());
    // Mason's unauthorised absence does not meet the threshold for a Notice to Improve
    let err = run_err(
        ws.at(AS_OF)
            .args(["letter", "nti", MASON, "--support", "x"]),
    );
    assert!(err.contains("has not met the national threshold"), "{err}");
    assert!(err.contains("at most 3 sessions"), "{err}");
    // nobody with parental responsibility: no one to invite
    let text = read(&case_file(ws.path(), MASON)).replace(
        "parental_responsibility: true",
        "parental_responsibility: false",
    );
    std::fs::write(case_file(ws.path(), MASON), &text).unwrap();
    let before = {
        let mut b = before;
        b.insert(
            Path::new("cases").join(MASON).join("case.yaml"),
            text.into_bytes(),
        );
        b
    };
    let err = run_err(ws.at(AS_OF).args(invitation_args()));
    assert!(err.contains("parental responsibility"), "{err}");
    assert!(
        err.contains(&format!(
            "Karen Lee (mother): parental responsibility is not recorded as held (if it is: attend case person edit {MASON} 1 --pr yes)"
        )),
        "{err}"
    );
    // a plan that does not exist
    let err = run_err(ws.at(AS_OF).args(["letter", "plan", MASON, "--plan", "7"]));
    assert!(err.contains("no plan 7"), "{err}");
    // a pupil with no case: the certificate can be printed, not filed
    let err = run_err(ws.at(AS_OF).args(["certificate", "E815399614010"]));
    assert!(err.contains("no case") && err.contains("--stdout"), "{err}");
    let pdf = run_ok(
        ws.at(AS_OF)
            .args(["certificate", "E815399614010", "--stdout"]),
    );
    assert!(flat(&pdf_text(&pdf)).contains("Chloe Rogers"));
    // a school with no letterhead
    std::fs::copy(
        repo().join("templates/attend.yaml"),
        ws.path().join("attend.yaml"),
    )
    .unwrap();
    let err = run_err(ws.at(AS_OF).args(["letter", "concern", MASON]));
    assert!(
        err.contains("school.name") && err.contains("attendance_lead.name"),
        "{err}"
    );
    std::fs::copy(
        repo().join("tests/fixtures/documents/attend.yaml"),
        ws.path().join("attend.yaml"),
    )
    .unwrap();
    assert!(
        tree(ws.path()) == before,
        "a refused document changed files"
    );
}

#[test]
fn issuing_records_the_letter_raises_the_stage_and_a_second_version_is_kept_apart() {
    let ws = Ws::with_fictional_cases();
    // a new case at monitor, with a parent
    run_ok(
        ws.at("2025-02-10")
            .args(["case", "open", "E815399614010", "--quiet"]),
    );
    let p = case_file(ws.path(), "E815399614010");
    let text = read(&p);
    let text = text.replacen(
        "\nopened: 2025-02-10\n",
        "\nopened: 2025-02-10\npeople:\n- name: Sara Rogers\n  relationship: mother\n  parental_responsibility: true\n  address:\n  - 2 Canal Street\n  - Townley\n",
        1,
    );
    std::fs::write(&p, text).unwrap();
    let out = ws
        .at(AS_OF)
        .args(["letter", "concern", "E815399614010"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("cases/E815399614010/documents/2025-02-24-concern-letter.pdf"),
        "{said}"
    );
    let case = read(&p);
    assert!(case.contains("stage: understand"), "{case}");
    assert!(case.contains("kind: letter"), "{case}");
    assert!(case.contains("with: Sara Rogers"), "{case}");
    assert!(
        case.contains(
            "Stage moved up from monitor to understand: Letter of concern about attendance issued"
        ),
        "{case}"
    );
    let file = ws
        .path()
        .join("cases/E815399614010/documents/2025-02-24-concern-letter.pdf");
    assert!(case.contains(&format!("sha256: {}", sha256sum(&file))));

    // the same letter again the same day: already filed, nothing changes
    let before = tree(ws.path());
    let out = ws
        .at(AS_OF)
        .args(["letter", "concern", "E815399614010"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already filed, identical"));
    assert!(tree(ws.path()) == before);

    // a changed invitation the same day is kept beside the first, both on the timeline
    let inv = |time: &str| {
        run_ok(ws.at(AS_OF).args([
            "letter",
            "invitation",
            "E815399614010",
            "--date",
            "2025-03-04",
            "--time",
            time,
        ]))
    };
    inv("9:00");
    inv("10:00");
    let docs = ws.path().join("cases/E815399614010/documents");
    assert!(docs.join("2025-02-24-invitation.pdf").is_file());
    assert!(docs.join("2025-02-24-invitation-v2.pdf").is_file());
    let case = read(&p);
    assert_eq!(
        case.matches("path: documents/2025-02-24-invitation")
            .count(),
        2
    );
    // the place defaults to the school and its address
    let text = flat(&pdf_text(
        &std::fs::read(docs.join("2025-02-24-invitation-v2.pdf")).unwrap(),
    ));
    assert!(
        text.contains("Townley Academy, Mill Lane, Townley, TW1 3XY"),
        "{text}"
    );
    assert!(text.contains("10:00am"), "{text}");
    // the source beside it, with --source
    run_ok(
        ws.at(AS_OF)
            .args(["letter", "referral", "E815399614010", "--source"]),
    );
    assert!(docs.join("2025-02-24-referral.typ").is_file());
}

#[test]
fn the_covering_letter_and_records_say_what_the_guidance_asks() {
    let ws = Ws::with_fictional_cases();
    let text = |args: &[&str]| flat(&pdf_text(&run_ok(ws.at(AS_OF).args(args).arg("--stdout"))));
    let letter = text(&["letter", "plan-letter", MASON]);
    for needle in [
        "Monday 3 March 2025",
        "arrange another appointment",
        "decisions about the plan will be made in your absence",
        "Phone the school by 9am on any day of absence",
    ] {
        assert!(
            letter.contains(needle),
            "{needle:?} not in the covering letter:\n{letter}"
        );
    }
    // Karen Lee came to the meeting and is thanked; David Lee, at another address, did not and
    // was sent no invitation to it: his copy says who came, and why he is sent the plan
    assert_eq!(
        letter
            .matches("Thank you for meeting us on 10 February 2025")
            .count(),
        1,
        "{letter}"
    );
    let david = &letter[letter.find("Dear David Lee,").expect("a copy to David Lee")..];
    assert!(
        david.contains(
            "We held a meeting about Mason’s attendance on 10 February 2025 with Karen Lee"
        ) && david.contains("As you have parental responsibility for Mason")
            && david.contains("The plan asks Mason’s parents or carers to:"),
        "{david}"
    );
    assert!(!david.contains("Thank you for meeting us"), "{david}");
    let plan = text(&["letter", "plan", MASON, "--plan", "1"]);
    for needle in [
        "Who attended",
        "Head of Year 8",
        "The child’s view",
        "Attendance at the meeting",
        "131 76.2",
        "Summary of concerns",
        "Support in place in school",
        "What is going well",
        "Young person agrees to",
        "Parents/carers agree to",
        "School agrees to",
        "Other agencies agree to",
        "Copies of this plan",
        "Signed by those present",
        // hand-wrapped lines in the case file read as one paragraph
        "Most absences are illness (I), often on Mondays",
    ] {
        assert!(plan.contains(needle), "{needle:?} not in the plan:\n{plan}");
    }
    let review = text(&["letter", "review", MASON]);
    for needle in [
        "The plan’s actions",
        "Partly done",
        "GP appointment",
        "65.6%",
        "59.4%",
        "The aim was 95% attendance over 3 weeks; attendance during the plan was 65.6% (21 of 32 possible sessions)",
        "Some improvement",
        "Continue with a new action plan (plan 2), to be reviewed on 3 March 2025",
    ] {
        assert!(
            review.contains(needle),
            "{needle:?} not in the review:\n{review}"
        );
    }
    let nti = text(&[
        "letter",
        "notice-to-improve",
        OLIVER,
        "--weeks",
        "4",
        "--target",
        "95",
        "--support",
        "A weekly meeting with Tom Reid",
    ]);
    for needle in [
        "Notice to Improve",
        "Dear Mark Mitchell,",
        "Dear Joanne Mitchell,",
        "section 7 of the Education Act 1996",
        "11 sessions of unauthorised absence in the 10 school weeks from 16 September 2024 to 29 November 2024",
        "A weekly meeting with Tom Reid",
        "4 weeks, from Monday 3 March 2025 to Friday 28 March 2025",
        "attendance of at least 95%",
        "before the improvement period ends",
        "Mrs A. Bello Headteacher",
        "This notice has been given to each parent",
    ] {
        assert!(nti.contains(needle), "{needle:?} not in the notice:\n{nti}");
    }
    let err =
        run_err(
            ws.at(AS_OF)
                .args(["letter", "nti", OLIVER, "--weeks", "8", "--support", "x"]),
        );
    assert!(err.contains("3 to 6 weeks"), "{err}");
    let referral = text(&["letter", "referral", MASON]);
    for needle in [
        "Attendance referral summary",
        "For Townley Council",
        "C815381816030",
        "Chronology",
        "GP letter received",
        "documents/2025-01-14-concern-letter.txt",
        "ed9c46c8d160465faa19277e4b9a510bb3f7dd53ace790cceeb41589969032f4",
        "Ella Lee",
    ] {
        assert!(
            referral.contains(needle),
            "{needle:?} not in the referral:\n{referral}"
        );
    }
}

/// A 1x1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x08, 0xd7, 0x63, 0xf8, 0xcf, 0xc0, 0x00,
    0x00, 0x03, 0x01, 0x01, 0x00, 0x18, 0xdd, 0x8d, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

#[test]
fn the_school_logo_goes_on_the_letterhead() {
    let ws = Ws::with_fictional_cases();
    std::fs::write(ws.path().join("crest.png"), PNG).unwrap();
    let cfg = ws.path().join("attend.yaml");
    let text = read(&cfg).replace("  logo: \"\"", "  logo: \"crest.png\"");
    std::fs::write(&cfg, text).unwrap();
    let pdf = run_ok(ws.at(AS_OF).args(["letter", "concern", MASON, "--stdout"]));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("l.pdf"), &pdf).unwrap();
    let images = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(dir.path().join("l.pdf"))
        .output()
        .expect("pdfimages (poppler-utils) runs");
    let list = String::from_utf8_lossy(&images.stdout);
    // a header, a rule, then one line per image: the logo on each copy of the letter
    let rows: Vec<&str> = list.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no image in the letter:\n{list}");
    assert!(
        rows.iter()
            .all(|r| r.split_whitespace().nth(3) == Some("1")),
        "{list}"
    );
    let source = String::from_utf8(run_ok(
        ws.at(AS_OF)
            .args(["letter", "concern", MASON, "--stdout", "--source"]),
    ))
    .unwrap();
    assert!(source.contains("image(\"logo.png\""), "{source}");
    // a logo that is not there is an error naming the setting
    std::fs::remove_file(ws.path().join("crest.png")).unwrap();
    let err = run_err(ws.at(AS_OF).args(["letter", "concern", MASON, "--stdout"]));
    assert!(err.contains("school.logo"), "{err}");
}

#[test]
fn a_certificate_warns_of_an_out_of_date_register_only_when_its_period_runs_into_the_gap() {
    // The register runs to 28 March 2025.
    let ws = Ws::with_fictional_cases();
    let said = |date: &str, args: &[&str]| {
        let out = ws
            .at(date)
            .args(["certificate", MASON])
            .args(args)
            .args(["--stdout", "--source"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).unwrap()
    };
    let stale = "the register's latest session is";
    // a past term is complete, whatever has been imported since
    let s = said("2025-04-30", &["--term", "autumn"]);
    assert!(!s.contains(stale), "{s}");
    let s = said(
        "2025-04-30",
        &["--from", "2025-01-06", "--to", "2025-02-14"],
    );
    assert!(!s.contains(stale), "{s}");
    // the year to date stops at 28 March, a month before the certificate's date
    let s = said("2025-04-30", &[]);
    assert!(s.contains(&format!("{stale} 28/03/2025")), "{s}");
    // up to date: no warning
    let s = said("2025-03-28", &[]);
    assert!(!s.contains(stale), "{s}");
}

/// The sentence each built-in letter closes with (the `closing` block of its template), or its
/// beginning.
const CLOSINGS: [(&str, &str); 7] = [
    ("concern-letter", "Thank you for your support."),
    ("invitation", "I look forward to meeting you."),
    ("plan-letter", "Thank you for your support."),
    (
        "notice-to-improve",
        "A penalty notice may be issued before the improvement period ends",
    ),
    ("review-invitation", "I look forward to seeing you."),
    ("rearranged", "I look forward to meeting you."),
    ("target-met", "Thank you again for your support."),
];

#[test]
fn no_page_of_any_built_in_letter_holds_only_its_closing() {
    // A longer way to reach the school (letters.contact_line, in every letter) pushes the end of
    // each letter down the page, line by line, until the closing goes over to a new page. On
    // whichever page "Yours sincerely" falls, the letter's last paragraph is above it: the
    // closing and the signature never stand alone.
    let ws = Ws::with_fictional_cases();
    let config = ws.path().join("attend.yaml");
    let original = read(&config);
    let letters: Vec<(&str, Vec<&str>)> = documents()
        .into_iter()
        .filter(|(name, _)| CLOSINGS.iter().any(|(n, _)| n == name))
        .collect();
    assert_eq!(
        letters.len(),
        CLOSINGS.len(),
        "a built-in letter without its closing here"
    );
    let mut turned: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for step in 0..12 {
        let line = format!(
            "the school office on 01632 960100{}",
            ", or any member of staff you know well at the school gate in the morning".repeat(step)
        );
        std::fs::write(
            &config,
            original.replace("contact_line: \"\"", &format!("contact_line: \"{line}\"")),
        )
        .unwrap();
        for (name, args) in &letters {
            let closing = CLOSINGS.iter().find(|(n, _)| n == name).unwrap().1;
            let pages = pdf_pages(&run_ok(ws.at(AS_OF).args(args).arg("--stdout")));
            for (i, page) in pages.iter().enumerate() {
                let Some(at) = page.find("Yours sincerely") else {
                    continue;
                };
                if !page.contains("Dear ") {
                    turned.insert(name);
                }
                // the page above "Yours sincerely", without its running head
                let above: Vec<&str> = page[..at].lines().filter(|l| !l.contains(" · ")).collect();
                let above = flat(&above.join(" "));
                let body = match above.find(closing) {
                    Some(c) => &above[..c],
                    None => above.as_str(),
                };
                assert!(
                    body.trim().len() > 40,
                    "{name}, contact line of {} characters: page {} holds only the closing:\n{page}",
                    line.len(),
                    i + 1
                );
            }
        }
    }
    // the lengths tried did move the closing of most letters to a later page
    assert!(
        turned.len() >= 5,
        "the closing went to a later page only in {turned:?}"
    );
}

#[test]
fn the_review_invitation_the_rearranged_meeting_and_the_target_met_letter_say_what_they_must() {
    let ws = Ws::with_fictional_cases();
    let text = |date: &str, args: &[&str]| {
        flat(&pdf_text(&run_ok(ws.at(date).args(args).arg("--stdout"))))
    };
    // the invitation to the review: by default on the open plan's review date
    let letter = text(
        AS_OF,
        &["letter", "review-invitation", MASON, "--time", "15:30"],
    );
    // Mason's attendance since plan 2's meeting, counted from the export
    let since = export().tally(MASON, "2025-02-10", AS_OF);
    for needle in [
        "Review of Mason Lee’s attendance action plan".to_string(),
        "On 10 February 2025 we agreed an action plan".to_string(),
        "with the aim of 95% attendance over 3 weeks".to_string(),
        "Monday 3 March 2025".to_string(),
        "3:30pm".to_string(),
        format!(
            "Since the plan began (10 February 2025 to 24 February 2025), Mason has attended {} of {} possible sessions, an attendance of {}%",
            since.attended,
            since.possible,
            since.pct().unwrap()
        ),
        "Phone the school by 9am on any day of absence".to_string(),
        "the review may go ahead without you".to_string(),
        "so that we can agree another time".to_string(),
        "as a last resort, legal action".to_string(),
        "Dear Karen Lee,".to_string(),
        "Dear David Lee,".to_string(),
    ] {
        assert!(letter.contains(&needle), "{needle:?} not in:\n{letter}");
    }
    // a meeting moved: the review of the open plan by default, an attendance meeting if asked
    let letter = text(
        AS_OF,
        &[
            "letter",
            "rearranged",
            MASON,
            "--date",
            "2025-03-05",
            "--time",
            "9:00",
        ],
    );
    for needle in [
        "Review of Mason Lee’s attendance action plan: a new time",
        "has been rearranged",
        "Wednesday 5 March 2025",
        "9:00am",
        "If this time does not suit you",
        "decisions about the plan will be made in your absence",
    ] {
        assert!(letter.contains(needle), "{needle:?} not in:\n{letter}");
    }
    let letter = text(
        AS_OF,
        &[
            "letter",
            "rearranged",
            MASON,
            "--date",
            "2025-03-05",
            "--time",
            "9:00",
            "--meeting",
            "plan",
        ],
    );
    assert!(
        letter.contains("Meeting about Mason Lee’s attendance: a new time"),
        "{letter}"
    );
    // the plan closed with its target met: praise, the figures, what happens next; her mother
    // came to the review and is thanked for it, her father (at the same address: one copy to
    // both) is written to with her
    let letter = text(AS_OF, &["letter", "target-met", ELLIE]);
    let during = export().tally(ELLIE, "2025-01-13", "2025-02-03");
    for needle in [
        "Dear Mr and Mrs Russell,".to_string(),
        "Thank you for coming to the review of Ellie’s attendance action plan on 3 February 2025"
            .to_string(),
        format!(
            "Ellie has met the plan’s aim of 95% attendance over 3 weeks: from 13 January 2025 to 3 February 2025, Ellie attended {} of {} possible sessions, an attendance of {}%",
            during.attended,
            during.possible,
            during.pct().unwrap()
        ),
        "Well done to Ellie".to_string(),
        "What happens next".to_string(),
        "The action plan has now ended".to_string(),
    ] {
        assert!(letter.contains(&needle), "{needle:?} not in:\n{letter}");
    }
    // refused, naming what is wrong, with nothing written
    let before = tree(ws.path());
    let err = run_err(ws.at(AS_OF).args(["letter", "target-met", MASON]));
    assert!(
        err.contains("plan 1 was not closed with its target met"),
        "{err}"
    );
    let err = run_err(
        ws.at(AS_OF)
            .args(["letter", "review-invitation", ELLIE, "--time", "9:00"]),
    );
    assert!(err.contains("has no plan waiting for review"), "{err}");
    let err = run_err(ws.at(AS_OF).args([
        "letter",
        "rearranged",
        ELLIE,
        "--date",
        "2025-03-05",
        "--time",
        "9:00",
        "--meeting",
        "review",
    ]));
    assert!(err.contains("has no plan waiting for review"), "{err}");
    let err = run_err(
        ws.at(AS_OF)
            .args(["letter", "rearranged", MASON, "--time", "9:00"]),
    );
    assert!(err.contains("--date"), "{err}");
    assert!(tree(ws.path()) == before);
}

#[test]
fn a_covering_letter_thanks_those_who_came_and_tells_those_invited_who_did_not_that_it_went_ahead()
{
    // Mason's parents live apart. Invited (the invitation on the timeline names both), his
    // mother comes to the meeting and his father does not: each copy says what is true for its
    // reader.
    let ws = Ws::with_fictional_cases();
    let out = ws
        .at("2025-03-03")
        .args([
            "review",
            MASON,
            "--action-status",
            "1=done",
            "--action-status",
            "2=done",
            "--action-status",
            "3=partly",
            "--decision",
            "continue",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    run_ok(ws.at("2025-03-10").args([
        "letter",
        "review-invitation",
        MASON,
        "--date",
        "2025-03-24",
        "--time",
        "15:30",
    ]));
    run_ok(ws.at("2025-03-24").args([
        "review",
        MASON,
        "--attendee",
        "Karen Lee|Mother",
        "--attendee",
        "Priya Shah|Attendance Officer",
        "--action-status",
        "1=partly",
        "--decision",
        "continue",
    ]));
    let letter = flat(&pdf_text(&run_ok(
        ws.at("2025-03-24")
            .args(["letter", "plan-letter", MASON])
            .arg("--stdout"),
    )));
    let karen = &letter[..letter.find("Dear David Lee,").expect("a copy to David Lee")];
    let david = &letter[letter.find("Dear David Lee,").unwrap()..];
    assert!(
        karen.contains("Thank you for meeting us on 24 March 2025"),
        "{karen}"
    );
    assert!(
        david.contains("As you were not able to attend, the meeting went ahead without you")
            && david.contains("made in your absence")
            && !david.contains("Thank you for meeting us"),
        "{david}"
    );
}

#[test]
fn a_meeting_on_a_weekend_or_a_closure_day_is_warned_about_before_anything_is_filed() {
    let ws = Ws::with_fictional_cases();
    // 23 December 2024: the fixture register marks the school closed (#)
    let out = ws
        .at("2025-01-06")
        .args([
            "plan",
            "new",
            "E815399614010",
            "--date",
            "2024-12-23",
            "--target",
            "95",
            "--weeks",
            "3",
            "--attendee",
            "Priya Shah|Attendance Officer",
            "--parents-absent",
            "--action",
            "school|Daily check-in|Tom Reid",
        ])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{said}");
    let warning = said
        .find("warning: the meeting is on Monday 23 December 2024, when the school is closed")
        .unwrap_or_else(|| panic!("{said}"));
    assert!(warning < said.find("Recorded plan 1").unwrap(), "{said}");
    // an invitation to a meeting on a Saturday
    let out = ws
        .at(AS_OF)
        .args([
            "letter",
            "invitation",
            MASON,
            "--date",
            "2025-03-08",
            "--time",
            "9:30",
        ])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{said}");
    let warning = said
        .find("warning: the meeting is on a Saturday (2025-03-08)")
        .unwrap_or_else(|| panic!("{said}"));
    assert!(
        warning < said.find("Wrote the invitation").unwrap(),
        "{said}"
    );
}
