//! A school's own templates (workspace templates/ beats the built-in one, a broken one is an
//! error naming the template and line, never a silent fallback), the batch mail-out, and the
//! documents plan new and review write with --letters.

use crate::support::*;
use std::path::Path;

fn source(ws: &Ws, args: &[&str]) -> String {
    String::from_utf8(run_ok(
        ws.at(AS_OF).args(args).args(["--stdout", "--source"]),
    ))
    .unwrap()
}

#[test]
fn a_school_template_replaces_the_built_in_one_and_only_that_one() {
    let ws = Ws::with_fictional_cases();
    let out = ws
        .attend([
            "templates",
            "export",
            "--only",
            "invitation",
            "--only",
            "_base",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = ws.path().join("templates");
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        2,
        "only the two asked for are exported"
    );
    let inv = dir.join("invitation.typ.tera");
    let text = read(&inv);
    assert_eq!(
        text,
        read(&repo().join("templates/invitation.typ.tera")),
        "the export is the built-in"
    );
    std::fs::write(
        &inv,
        text.replace(
            "== What we will talk about",
            "== At the meeting we will look at",
        ),
    )
    .unwrap();
    let base = dir.join("_base.typ.tera");
    std::fs::write(
        &base,
        read(&base).replace(
            "#let accent = rgb(\"#1f3864\")",
            "#let accent = rgb(\"#7a1f3d\")",
        ),
    )
    .unwrap();
    let args = [
        "letter",
        "invitation",
        MASON,
        "--date",
        "2025-03-03",
        "--time",
        "9:30",
    ];
    let s = source(&ws, &args);
    assert!(s.contains("== At the meeting we will look at"), "{s}");
    assert!(!s.contains("What we will talk about"));
    assert!(
        s.contains("#7a1f3d"),
        "the school's base is used by the built-in letter frame"
    );
    let text = flat(&pdf_text(&run_ok(ws.at(AS_OF).args(args).arg("--stdout"))));
    assert!(text.contains("At the meeting we will look at"), "{text}");
    // the other documents keep their built-in text, on the school's base
    let s = source(&ws, &["letter", "concern", MASON]);
    assert!(s.contains("#7a1f3d") && s.contains("We know there is often a reason"));

    let list = String::from_utf8(run_ok(ws.attend(["templates", "list"]))).unwrap();
    let line = |name: &str| {
        list.lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} not listed:\n{list}"))
            .to_string()
    };
    assert!(
        line("invitation.typ.tera").contains("the school's"),
        "{list}"
    );
    assert!(line("_base.typ.tera").contains("the school's"), "{list}");
    assert!(
        line("concern-letter.typ.tera").contains("built-in"),
        "{list}"
    );
    assert!(line("plan.typ.tera").contains("built-in"), "{list}");

    // export keeps what is there, unless --force
    let out = ws.attend(["templates", "export"]).output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Kept 2"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(read(&inv).contains("At the meeting we will look at"));
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        attend::documents::BUILTINS.len()
    );
    run_ok(ws.attend(["templates", "export", "--force", "--only", "invitation"]));
    assert!(!read(&inv).contains("At the meeting we will look at"));
    // export into another folder, without a workspace
    let other = tempfile::tempdir().unwrap();
    run_ok(
        Env::CASES
            .attend()
            .args(["templates", "export"])
            .arg(other.path()),
    );
    assert!(other.path().join("certificate.typ.tera").is_file());
}

#[test]
fn a_broken_school_template_is_an_error_naming_it_and_its_line_and_nothing_is_written() {
    let ws = Ws::with_fictional_cases();
    let dir = ws.path().join("templates");
    std::fs::create_dir_all(&dir).unwrap();
    let before = tree(ws.path());
    // a value the template asks for that does not exist
    let bad = read(&repo().join("templates/concern-letter.typ.tera")).replace(
        "I am writing because {{ pupil.forename }}",
        "I am writing because {{ pupil.first_name }}",
    );
    let line = bad
        .lines()
        .position(|l| l.contains("pupil.first_name"))
        .unwrap()
        + 1;
    std::fs::write(dir.join("concern-letter.typ.tera"), &bad).unwrap();
    let mut before = before;
    before.insert(
        Path::new("templates").join("concern-letter.typ.tera"),
        bad.clone().into_bytes(),
    );
    let err = run_err(ws.at(AS_OF).args(["letter", "concern", MASON]));
    assert!(err.contains("concern-letter.typ.tera"), "{err}");
    assert!(err.contains(&format!("line {line}")), "{err}");
    assert!(err.contains("first_name"), "{err}");
    assert!(err.contains("workspace override"), "{err}");
    assert!(tree(ws.path()) == before, "a failed letter wrote files");
    // --stdout too: no fallback to the built-in
    let out = ws
        .at(AS_OF)
        .args(["letter", "concern", MASON, "--stdout"])
        .output()
        .unwrap();
    assert!(!out.status.success() && out.stdout.is_empty());

    // a template that does not parse stops every document, with its line
    std::fs::write(
        dir.join("concern-letter.typ.tera"),
        "{% extends \"_letter.typ.tera\" %}\n{% block letter %}\n{% if pupil.name %}\nno end\n{% endblock letter %}\n",
    )
    .unwrap();
    let err = run_err(ws.at(AS_OF).args(["letter", "referral", MASON]));
    assert!(err.contains("concern-letter.typ.tera"), "{err}");
    assert!(err.contains("line"), "{err}");
    let err = run_err(ws.attend(["templates", "list"]));
    assert!(err.contains("concern-letter.typ.tera"), "{err}");

    // a template whose typst is wrong: the typesetting error names its line in the source
    std::fs::write(
        dir.join("concern-letter.typ.tera"),
        read(&repo().join("templates/concern-letter.typ.tera")).replace(
            "We know there is often",
            "#undefined_function() We know there is often",
        ),
    )
    .unwrap();
    let before = tree(ws.path());
    let err = run_err(ws.at(AS_OF).args(["letter", "concern", MASON]));
    assert!(
        err.contains("cannot typeset") && err.contains("undefined_function"),
        "{err}"
    );
    assert!(err.contains("line "), "{err}");
    assert!(tree(ws.path()) == before);
}

#[test]
fn a_batch_writes_one_letter_per_flagged_pupil_with_a_case() {
    let ws = Ws::with_fictional_cases();
    let out = ws
        .at(AS_OF)
        .args(["letter", "concern", "--all-flagged"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{said}");
    // the flagged pupils (at or below 90% to 24/02/2025) with an open case: Mason and Oliver
    for id in [MASON, OLIVER] {
        let f = ws
            .path()
            .join("cases")
            .join(id)
            .join("documents/2025-02-24-concern-letter.pdf");
        assert!(f.is_file(), "{id}: {said}");
        let case = read(&case_file(ws.path(), id));
        assert!(case.contains(&format!("sha256: {}", sha256sum(&f))), "{id}");
        let text = flat(&pdf_text(&std::fs::read(&f).unwrap()));
        let name = if id == MASON { "Mason" } else { "Oliver" };
        assert!(
            text.contains(&format!("{name}’s attendance at school this year")),
            "{text}"
        );
    }
    assert!(
        said.contains("Wrote 2 letters of concern about attendance"),
        "{said}"
    );
    // the flagged pupils without a case are named, and how to open their cases
    assert!(said.contains("attend flag --open-cases"), "{said}");
    assert!(said.contains("E815399614010"), "{said}");
    let docs = |ws: &Path| -> usize {
        std::fs::read_dir(ws.join("cases"))
            .unwrap()
            .filter_map(|e| {
                let d = e.unwrap().path().join("documents");
                d.is_dir().then(|| {
                    std::fs::read_dir(d)
                        .unwrap()
                        .filter(|f| {
                            f.as_ref()
                                .unwrap()
                                .path()
                                .extension()
                                .is_some_and(|x| x == "pdf")
                        })
                        .count()
                })
            })
            .sum()
    };
    assert_eq!(docs(ws.path()), 2);

    // open cases for the others, then again: the two already written are left as they are; the
    // new cases have no parents recorded yet, so no letter can be posted to anyone: none is
    // written for them, and the officer is told who lacks what and how to add it
    run_ok(
        ws.at(AS_OF)
            .args(["flag", "--to", AS_OF, "--open-cases", "--quiet"]),
    );
    let out = ws
        .at(AS_OF)
        .args(["letter", "concern", "--all-flagged"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{said}");
    assert!(said.contains("already filed, identical"), "{said}");
    assert!(
        said.contains("letters not written, for want of someone to send them to"),
        "{said}"
    );
    assert!(
        said.contains("E815399614010: the case of E815399614010 has no parents or carers"),
        "{said}"
    );
    assert!(
        said.contains("attend case person add E815399614010"),
        "{said}"
    );
    assert!(
        !ws.path()
            .join("cases/E815399614010/documents/2025-02-24-concern-letter.pdf")
            .exists()
    );
    assert_eq!(docs(ws.path()), 2);

    // all or nothing: one pupil whose letter cannot be typeset stops the batch
    let ws = Ws::with_fictional_cases();
    let p = case_file(ws.path(), OLIVER);
    std::fs::write(
        &p,
        read(&p).replacen("- name: Mark Mitchell", "- name: 王秀英", 1),
    )
    .unwrap();
    let before = tree(ws.path());
    let err = run_err(ws.at(AS_OF).args(["letter", "concern", "--all-flagged"]));
    assert!(
        err.contains("none was filed") && err.contains(OLIVER),
        "{err}"
    );
    assert!(tree(ws.path()) == before);
    // kinds that need details for each pupil are not batched
    let err = run_err(ws.at(AS_OF).args(["letter", "invitation", "--all-flagged"]));
    assert!(err.contains("concern letters only"), "{err}");
    // certificates for meeting preparation
    run_ok(
        ws.at(AS_OF)
            .args(["certificate", "--all-flagged", "--quiet"]),
    );
    assert!(
        ws.path()
            .join("cases")
            .join(MASON)
            .join("documents/2025-02-24-certificate.pdf")
            .is_file()
    );
}

#[test]
fn plan_new_and_review_write_their_documents_with_letters_and_never_ask_without_a_terminal() {
    let ws = Ws::with_fictional_cases();
    let docs = ws.path().join("cases").join(MASON).join("documents");
    // without --letters and without a terminal: the review is recorded, no document, no question
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
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(!said.contains("[Y/n]"), "{said}");
    assert!(!docs.join("2025-03-03-review-2.pdf").exists());

    // the review of plan 3 (one action, carried over) with --letters: its record, and the new
    // plan's record and letter
    let out = ws
        .at("2025-03-24")
        .args([
            "review",
            MASON,
            "--action-status",
            "1=done",
            "--decision",
            "escalate",
            "--escalate",
            "early-help",
            "--next-action",
            "school|Refer the family for an early help assessment|Priya Shah",
            "--letters",
        ])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    for f in [
        "2025-03-24-review-3.pdf",
        "2025-03-24-plan-4.pdf",
        "2025-03-24-plan-letter-4.pdf",
    ] {
        assert!(docs.join(f).is_file(), "{f}: {said}");
    }
    let review = flat(&pdf_text(
        &std::fs::read(docs.join("2025-03-24-review-3.pdf")).unwrap(),
    ));
    assert!(
        review.contains("Escalate to an early help assessment"),
        "{review}"
    );
    let case = read(&case_file(ws.path(), MASON));
    assert!(case.contains("path: documents/2025-03-24-plan-letter-4.pdf"));

    // plan new --letters, for a pupil with parents recorded
    let out = ws
        .at("2025-03-28")
        .args([
            "review",
            MASON,
            "--action-status",
            "1=done",
            "--decision",
            "close",
            "--outcome",
            "met",
            "--outcome-reason",
            "Attendance since the early help assessment began has been full",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = ws
        .at("2025-03-28")
        .args([
            "plan",
            "new",
            MASON,
            "--target",
            "no-unauthorised",
            "--weeks",
            "3",
            "--attendee",
            "Priya Shah|Attendance Officer",
            "--parents-absent",
            "--action",
            "school|Daily check-in|Tom Reid",
            "--action",
            "parents|Phone the school by 9am on any day of absence|Karen Lee",
            "--letters",
        ])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    let letter = flat(&pdf_text(
        &std::fs::read(docs.join("2025-03-28-plan-letter-5.pdf")).unwrap(),
    ));
    assert!(
        letter.contains("the meeting went ahead without you"),
        "{letter}"
    );
    assert!(letter.contains("made in your absence"), "{letter}");
    assert!(
        letter.contains("no further unauthorised absence"),
        "{letter}"
    );
    let plan = flat(&pdf_text(
        &std::fs::read(docs.join("2025-03-28-plan-5.pdf")).unwrap(),
    ));
    assert!(
        plan.contains("Did not attend: the meeting was held in their absence"),
        "{plan}"
    );
}

#[test]
fn documents_a_meeting_cannot_have_are_all_left_unwritten_and_the_meeting_stays_recorded() {
    // Chloe Rogers has no case: plan new opens one, with nobody yet recorded as holding parental
    // responsibility, so the covering letter has no one to go to. The plan is recorded; neither
    // its record nor the letter is filed (half a mail-out is worse than none), and the command,
    // which did what it was for, succeeds.
    let ws = Ws::with_fictional_cases();
    let id = "E815399614010";
    let before = tree(&ws.path().join("cases"));
    let out = ws
        .at(AS_OF)
        .args([
            "plan",
            "new",
            id,
            "--target",
            "95",
            "--weeks",
            "3",
            "--attendee",
            "Priya Shah|Attendance Officer",
            "--parents-absent",
            "--action",
            "school|Daily check-in|Tom Reid",
            "--letters",
        ])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("the meeting is recorded, but its documents were not written"),
        "{said}"
    );
    assert!(said.contains("has no parents or carers"), "{said}");
    assert!(
        said.contains(&format!("attend letter plan-letter {id}")),
        "{said}"
    );
    let case = read(&case_file(ws.path(), id));
    assert!(case.contains("number: 1"), "{case}");
    assert!(!case.contains("documents/"), "{case}");
    let docs = ws.path().join("cases").join(id).join("documents");
    assert!(
        !docs.exists() || std::fs::read_dir(&docs).unwrap().next().is_none(),
        "a document was filed"
    );
    let after = tree(&ws.path().join("cases"));
    let changed: Vec<_> = after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert_eq!(
        changed,
        vec![&std::path::PathBuf::from(id).join("case.yaml")],
        "only the new case is written"
    );
}
