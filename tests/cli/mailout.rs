//! Mail-outs of letters of concern on the bundled example (examples/: the Riverside register and
//! its contacts export): each pupil gets the letter their case fits, or none and why; the
//! addressees are the parents with parental responsibility at their addresses, as the contacts
//! export gives them; a dry run changes no byte; the print file holds one letter per address, in
//! order, each starting on a new sheet; the list of what was sent matches the files filed.

use crate::support::*;
use std::collections::BTreeMap;

const TODAY: &str = "2025-03-17";

const LILY: &str = "K860309314015"; // parents together at 8 Mill Lane; a grandmother without PR
const ZOE: &str = "B866212415033"; // parents at two addresses
const HUGO: &str = "C860260813029"; // father under a court order (no contact)
const SOPHIA: &str = "E865299817040"; // parents at one address, different surnames
const MAEL: &str = "A860343416037"; // a letter of concern five weeks ago
const RUBY: &str = "Y860208015056"; // a letter of concern two weeks ago
const ISABELLA: &str = "T860304615003"; // a plan in place
const MEGAN: &str = "H860277011048"; // invited to a meeting
const CONNOR: &str = "G860228213027"; // case closed
const LUCAS: &str = "G860382618017"; // a foster carer without PR and a social worker: nobody

/// The bundled example, with the history a term's work leaves: cases at every stage.
fn riverside() -> Ws {
    let ws = Ws::empty();
    std::fs::copy(example("attend.yaml"), ws.path().join("attend.yaml")).unwrap();
    run_ok(
        ws.attend(["--quiet", "import"])
            .arg(example("riverside-wide.csv"))
            .arg(example("riverside-contacts.csv")),
    );
    let at = |date: &str, args: &[&str]| {
        run_ok(ws.at(date).arg("--quiet").args(args));
    };
    at("2025-02-10", &["case", "open", MAEL]);
    at("2025-02-10", &["letter", "concern", MAEL]);
    at("2025-03-03", &["case", "open", RUBY]);
    at("2025-03-03", &["letter", "concern", RUBY]);
    at(
        "2025-03-10",
        &[
            "plan",
            "new",
            ISABELLA,
            "--target",
            "95",
            "--weeks",
            "3",
            "--attendee",
            "Mr D. Hughes|Attendance Officer",
            "--parents-absent",
            "--action",
            "school|Daily check-in|Mr D. Hughes",
        ],
    );
    at("2025-03-10", &["case", "open", MEGAN]);
    at(
        "2025-03-10",
        &[
            "letter",
            "invitation",
            MEGAN,
            "--date",
            "2025-03-20",
            "--time",
            "9:30",
        ],
    );
    at("2025-03-10", &["case", "open", CONNOR]);
    at(
        "2025-03-10",
        &[
            "case",
            "close",
            CONNOR,
            "--reason",
            "Moved to another school",
        ],
    );
    for id in [LILY, ZOE, HUGO, SOPHIA, LUCAS] {
        at(TODAY, &["case", "open", id]);
    }
    ws
}

/// The dry run's CSV rows, as column -> value maps.
fn rows(csv_text: &[u8]) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(csv_text);
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// A copy of a letter: the names on the envelope, the address (its lines joined by ", ") and
/// the salutation.
type Envelope = (&'static str, &'static str, &'static str);

/// What the test expects each family to be sent, by reading examples/riverside-contacts.csv:
/// (UPN, [(names on the envelope, address, salutation)]), in the order attend flag lists them
/// (lowest attendance first).
fn expected_sends() -> Vec<(&'static str, Vec<Envelope>)> {
    vec![
        (
            HUGO,
            vec![(
                "Ms Claire Le Roux",
                "27 Riverside Walk, Townley, TW1 5CD",
                "Dear Ms Le Roux",
            )],
        ),
        (
            LILY,
            vec![(
                "Mrs Joanne Parker and Mr Daniel Parker",
                "8 Mill Lane, Townley, TW3 7GH",
                "Dear Mr and Mrs Parker",
            )],
        ),
        (
            SOPHIA,
            vec![(
                "Ms Elif Yılmaz and Mr Ben Russell",
                "69 Park Avenue, Townley, TW5 1SF",
                "Dear Ms Yılmaz and Mr Russell",
            )],
        ),
        (
            MAEL,
            vec![(
                "Ms Rachel Knight",
                "79 Meadow Way, Townley, TW7 9FT",
                "Dear Ms Knight",
            )],
        ),
        (
            ZOE,
            vec![
                (
                    "Mrs Siobhan O'Brien",
                    "12 Weir Road, Townley, TW1 3QT",
                    "Dear Mrs O'Brien",
                ),
                (
                    "Mr Patrick O'Brien",
                    "Flat 2, 41 Station Road, Otherton, OT1 4RS",
                    "Dear Mr O'Brien",
                ),
            ],
        ),
    ]
}

#[test]
fn a_mail_out_sends_each_family_the_letter_its_case_fits_or_none_and_says_why() {
    let ws = riverside();
    let mailout = ["letter", "concern", "--all-flagged"];

    // the dry run: who would be sent what, at which address; who would not, and why; and not
    // a byte of the workspace changes (every file and folder, the lock file too)
    let before = every_byte(ws.path());
    let out = run_ok(
        ws.at(TODAY)
            .args(mailout)
            .args(["--dry-run", "--format", "csv"]),
    );
    assert!(
        every_byte(ws.path()) == before,
        "a dry run changed the workspace"
    );
    let planned = rows(&out);
    let by_upn = |upn: &str| -> Vec<&BTreeMap<String, String>> {
        planned.iter().filter(|r| r["upn"] == upn).collect()
    };
    let sends: Vec<(String, String, String)> = planned
        .iter()
        .filter(|r| r["action"] == "send")
        .map(|r| {
            (
                r["upn"].clone(),
                r["recipient"].clone(),
                r["address"].clone(),
            )
        })
        .collect();
    let expected: Vec<(String, String, String)> = expected_sends()
        .into_iter()
        .flat_map(|(upn, copies)| {
            copies
                .into_iter()
                .map(move |(to, address, _)| (upn.to_string(), to.to_string(), address.to_string()))
        })
        .collect();
    assert_eq!(sends, expected);
    for r in planned.iter().filter(|r| r["action"] == "send") {
        assert_eq!(r["letter"], "concern-letter");
    }
    let skipped = |upn: &str, why: &str, fix: &str| {
        let r = by_upn(upn);
        assert_eq!(r.len(), 1, "{upn}: {r:?}");
        assert_eq!(r[0]["action"], "skip", "{upn}: {r:?}");
        assert!(r[0]["reason"].contains(why), "{upn}: {r:?}");
        assert!(r[0]["fix"].contains(fix), "{upn}: {r:?}");
    };
    skipped(
        RUBY,
        "a letter of concern went on 03/03/2025, less than 4 weeks ago",
        "due again from 31/03/2025 (--include-recent sends it now)",
    );
    skipped(
        ISABELLA,
        "past first contact: plan 1 in place, review due 31/03/2025",
        "--include-later-stages",
    );
    skipped(
        MEGAN,
        "past first contact: invited to a meeting on 10/03/2025",
        "--include-later-stages",
    );
    skipped(
        CONNOR,
        "the case is closed",
        "attend case stage G860228213027 monitor",
    );
    skipped(
        LUCAS,
        "nobody to write to",
        "Hazel Green (foster carer): parental responsibility is not recorded as held",
    );
    // a flagged pupil with no case
    skipped("A860234521029", "no case", "attend case open A860234521029");
    // the table says the same for people
    let table = String::from_utf8(run_ok(ws.at(TODAY).args(mailout).arg("--dry-run"))).unwrap();
    assert!(
        table.contains("To send: 5 letters (6 copies, one for each address)"),
        "{table}"
    );
    assert!(
        every_byte(ws.path()) == before,
        "a dry run changed the workspace"
    );

    // the mail-out itself
    let out = ws.at(TODAY).args(mailout).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("Wrote 5 letters of concern (6 copies)"),
        "{said}"
    );
    let folder = ws.path().join("mailouts/2025-03-17-concern-letter");
    assert!(
        said.contains("To print: mailouts/2025-03-17-concern-letter/letters.pdf"),
        "{said}"
    );
    // the list of what was sent: one row per copy, as the dry run said, each naming the letter
    // filed in the case with its SHA-256
    let sent = rows(read(&folder.join("letters.csv")).as_bytes());
    assert_eq!(
        sent.iter()
            .map(|r| (
                r["upn"].clone(),
                r["recipient"].clone(),
                r["address"].clone()
            ))
            .collect::<Vec<_>>(),
        expected
    );
    for r in &sent {
        let file = ws.path().join(&r["file"]);
        assert_eq!(
            r["file"],
            format!("cases/{}/documents/2025-03-17-concern-letter.pdf", r["upn"])
        );
        assert_eq!(r["sha256"], sha256sum(&file), "{}", r["upn"]);
        assert_eq!(r["letter"], "concern-letter");
        assert_eq!(r["date"], TODAY);
        let case = read(&case_file(ws.path(), &r["upn"]));
        assert!(
            case.contains(&format!("sha256: {}", r["sha256"])),
            "{}",
            r["upn"]
        );
        // the letter filed is the letter attend letter writes for the pupil, byte for byte
        let single = run_ok(
            ws.at(TODAY)
                .args(["letter", "concern", &r["upn"], "--stdout"]),
        );
        assert!(
            std::fs::read(&file).unwrap() == single,
            "{}: the filed letter differs from attend letter's",
            r["upn"]
        );
    }
    // nobody left out has a letter
    for id in [RUBY, ISABELLA, MEGAN, CONNOR, LUCAS] {
        assert!(
            !ws.path()
                .join("cases")
                .join(id)
                .join("documents/2025-03-17-concern-letter.pdf")
                .exists(),
            "{id}"
        );
    }

    // the print file: one letter per address, in the list's order, each starting on a new sheet
    let pages = pdf_pages(&std::fs::read(folder.join("letters.pdf")).unwrap());
    assert!(
        pages.len().is_multiple_of(2),
        "{} pages: not ready to print on both sides",
        pages.len()
    );
    let starts: Vec<usize> = (0..pages.len())
        .filter(|&i| pages[i].contains("Dear "))
        .collect();
    let copies: Vec<(&str, &str, &str)> =
        expected_sends().into_iter().flat_map(|(_, c)| c).collect();
    assert_eq!(starts.len(), copies.len(), "{pages:#?}");
    for (&i, (names, address, salutation)) in starts.iter().zip(&copies) {
        assert!(i % 2 == 0, "a copy starts on page {}, a back page", i + 1);
        let page = flat(&pages[i]);
        assert!(
            page.contains(&format!("{salutation},")),
            "page {}: {page}",
            i + 1
        );
        for name in names.split(" and ") {
            assert!(
                page.contains(name),
                "page {}: {name} not on it: {page}",
                i + 1
            );
        }
        for line in address.split(", ") {
            assert!(
                page.contains(line),
                "page {}: {line} not on it: {page}",
                i + 1
            );
        }
    }
    let all = flat(&pages.join(" "));
    // never to the father under a court order, the grandmother, the foster carer or the
    // social worker
    for never in ["Jean Le Roux", "Whitfield", "Hazel Green", "Sam Osei"] {
        assert!(!all.contains(never), "{never} is in the print file");
    }

    // the next mail-out the same day: everyone was written to today, nothing to send, no new
    // folder
    let out = run_ok(ws.at(TODAY).args(mailout).arg("--format").arg("csv"));
    let again = rows(&out);
    assert!(again.iter().all(|r| r["action"] == "skip"), "{again:?}");
    assert!(
        !ws.path()
            .join("mailouts/2025-03-17-concern-letter-2")
            .exists()
    );
    // asked to send them again: the same letters (already filed, unchanged), printed again in a
    // mail-out of its own; the first is never replaced
    let first = tree(&folder);
    let out = ws
        .at(TODAY)
        .args(mailout)
        .arg("--include-recent")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{said}");
    assert!(said.contains("already filed today, identical"), "{said}");
    assert!(
        ws.path()
            .join("mailouts/2025-03-17-concern-letter-2/letters.pdf")
            .is_file()
    );
    assert!(tree(&folder) == first, "the first mail-out was changed");
}

#[test]
fn a_print_file_pads_each_copy_to_a_new_sheet_with_a_blank_page() {
    // A school's own letter of one page: each copy is followed by a blank back page, which
    // carries no page number or heading, and the file ends on a back page.
    let ws = riverside();
    std::fs::create_dir_all(ws.path().join("templates")).unwrap();
    std::fs::write(
        ws.path().join("templates/concern-letter.typ.tera"),
        "{% extends \"_letter.typ.tera\" %}\n{% block letter %}*{{ pupil.name }}*\n\nA short letter.{% endblock letter %}\n{% block last_paragraph %}We will keep in touch.{% endblock last_paragraph %}\n",
    )
    .unwrap();
    run_ok(
        ws.at(TODAY)
            .args(["letter", "concern", LILY, ZOE, "--quiet"]),
    );
    let pdf = std::fs::read(
        ws.path()
            .join("mailouts/2025-03-17-concern-letter/letters.pdf"),
    )
    .unwrap();
    let pages = pdf_pages(&pdf);
    assert_eq!(pages.len(), 6, "{pages:#?}");
    for (i, page) in pages.iter().enumerate() {
        if i % 2 == 0 {
            assert!(
                page.contains("Dear ") && page.contains("Page 1 of 1"),
                "page {}: {page}",
                i + 1
            );
        } else {
            assert!(
                page.trim().is_empty(),
                "page {} is not blank: {page}",
                i + 1
            );
        }
    }
    assert!(flat(&pages[0]).contains("Dear Mr and Mrs Parker,"));
    assert!(flat(&pages[2]).contains("Dear Mrs O'Brien,"));
    assert!(flat(&pages[4]).contains("Dear Mr O'Brien,"));
}

#[test]
fn a_mail_out_to_a_list_of_pupils_reads_upns_or_names_and_a_bad_line_writes_nothing() {
    let ws = riverside();
    let list = ws.path().join("../pupils.txt");
    // a UPN, a name, a repeat and a comment
    std::fs::write(&list, format!("# this week\n{LILY}\nzoe\n{LILY}\n")).unwrap();
    let out = run_ok(
        ws.at(TODAY)
            .args([
                "letter",
                "concern",
                "--dry-run",
                "--format",
                "csv",
                "--upns",
            ])
            .arg(&list),
    );
    let planned = rows(&out);
    assert_eq!(
        planned
            .iter()
            .map(|r| r["upn"].as_str())
            .collect::<Vec<_>>(),
        [LILY, ZOE, ZOE]
    );
    // a CSV file with a upn column, as attend flag --format csv writes it
    let flagged = run_ok(
        ws.at(TODAY)
            .args(["flag", "--threshold", "70", "--format", "csv"]),
    );
    let csv_list = ws.path().join("../flagged.csv");
    std::fs::write(&csv_list, &flagged).unwrap();
    let flagged_upns: Vec<String> = rows(&flagged)
        .into_iter()
        .map(|r| r["upn"].clone())
        .collect();
    let out = run_ok(
        ws.at(TODAY)
            .args([
                "letter",
                "concern",
                "--dry-run",
                "--format",
                "csv",
                "--upns",
            ])
            .arg(&csv_list),
    );
    let mut listed: Vec<String> = rows(&out).into_iter().map(|r| r["upn"].clone()).collect();
    listed.dedup();
    assert_eq!(listed, flagged_upns);
    // a line that is no pupil: nothing is written, and the line is named
    std::fs::write(&list, format!("{LILY}\nK860309314016\n")).unwrap();
    let before = tree(ws.path());
    let err = run_err(
        ws.at(TODAY)
            .args(["letter", "concern", "--upns"])
            .arg(&list),
    );
    assert!(err.contains("pupils.txt, line 2"), "{err}");
    assert!(
        tree(ws.path()) == before,
        "a refused mail-out changed a file"
    );
}

#[test]
fn options_of_a_mail_out_are_refused_for_one_letter_and_batches_only_send_letters_of_concern() {
    let ws = riverside();
    let err = run_err(
        ws.at(TODAY)
            .args(["letter", "concern", LILY, "--include-recent"]),
    );
    assert!(err.contains("--include-recent is for mail-outs"), "{err}");
    let err = run_err(ws.at(TODAY).args([
        "letter",
        "invitation",
        LILY,
        ZOE,
        "--date",
        "2025-03-24",
        "--time",
        "9:30",
    ]));
    assert!(
        err.contains("only letters of concern go out in a mail-out"),
        "{err}"
    );
    // one letter named by the officer is written, with a warning when a mail-out would have
    // left the family out
    let out = ws
        .at(TODAY)
        .args(["letter", "concern", RUBY])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("a mail-out of letters of concern would leave this family out (a letter of concern went on 03/03/2025"),
        "{said}"
    );
}

/// Every folder and file under `dir`, each file's bytes hashed (sha256sum, run apart from attend),
/// the lock file and temporary files included: what "changes no byte" is checked against.
fn every_byte(dir: &std::path::Path) -> BTreeMap<std::path::PathBuf, String> {
    let mut out = BTreeMap::new();
    fn walk(
        base: &std::path::Path,
        d: &std::path::Path,
        out: &mut BTreeMap<std::path::PathBuf, String>,
    ) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            let name = p.strip_prefix(base).unwrap().to_path_buf();
            if p.is_dir() {
                out.insert(name, "folder".into());
                walk(base, &p, out);
            } else {
                out.insert(name, sha256sum(&p));
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}
