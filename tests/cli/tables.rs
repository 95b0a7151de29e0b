//! Tables that fit the screen (README, "Tables that fit the screen"): with `COLUMNS=100` no
//! line of `flag`, `due`, `case list`, `family` or `report` is longer than 100 characters, the
//! columns left out are named under the table, `--wide` shows them all, and `case list` reads
//! as an officer reads it (by stage, then the next review).

use crate::support::*;
use predicates::prelude::*;

/// The bundled example (its attend.yaml and exports) with cases: everybody at or below 80% has a case; Isabella Baker and Lily
/// Parker have plans (reviews on 24 March and 31 March); Hugo Le Roux is at "understand".
pub fn example_with_cases() -> Ws {
    let ws = Ws::empty();
    std::fs::copy(
        repo().join("examples/attend.yaml"),
        ws.path().join("attend.yaml"),
    )
    .unwrap();
    ws.attend(["--quiet", "import"])
        .arg(example("riverside-wide.csv"))
        .arg(example("riverside-contacts.csv"))
        .assert()
        .success();
    ws.at("2025-03-03")
        .args(["--quiet", "flag", "--threshold", "80", "--open-cases"])
        .assert()
        .success();
    for (who, review) in [
        ("isabella baker", "2025-03-31"),
        ("lily parker", "2025-03-24"),
    ] {
        ws.at("2025-03-10")
            .args([
                "--quiet", "plan", "new", who, "--target", "95", "--weeks", "3",
            ])
            .args(["--review", review])
            .args(["--attendee", "Mr D. Hughes|Attendance Officer"])
            .args(["--action", "school|Weekly check-in|Mr D. Hughes"])
            .assert()
            .success();
    }
    ws.at("2025-03-10")
        .args(["--quiet", "case", "stage", "hugo le roux", "understand"])
        .assert()
        .success();
    ws
}

fn lines_longer_than(text: &str, n: usize) -> Vec<String> {
    text.lines()
        .filter(|l| l.chars().count() > n)
        .map(str::to_string)
        .collect()
}

fn stdout(ws: &Ws, args: &[&str], columns: Option<&str>) -> String {
    let mut c = ws.at("2025-03-17");
    match columns {
        Some(n) => c.env("COLUMNS", n),
        None => c.env_remove("COLUMNS"),
    };
    let out = c.args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn with_columns_100_no_line_of_the_tables_is_longer_than_100() {
    let ws = example_with_cases();
    for args in [
        vec!["flag"],
        vec!["flag", "--all"],
        vec!["flag", "--families"],
        vec!["flag", "--threshold", "80", "--min-sessions", "239"],
        vec!["due"],
        vec!["case", "list"],
        vec!["case", "list", "--all"],
        vec!["family", "lily parker"],
        vec!["family", "hugo le roux"],
        vec!["report"],
    ] {
        let text = stdout(&ws, &args, Some("100"));
        assert!(text.contains('┌'), "{args:?} printed a table:\n{text}");
        let long = lines_longer_than(&text, 100);
        assert!(
            long.is_empty(),
            "{args:?}: lines over 100:\n{}",
            long.join("\n")
        );
        // with neither a terminal nor COLUMNS, 100 too
        let text = stdout(&ws, &args, None);
        assert!(
            lines_longer_than(&text, 100).is_empty(),
            "{args:?} without COLUMNS"
        );
    }
}

#[test]
fn pupil_case_show_and_a_mail_outs_list_fit_too() {
    let ws = example_with_cases();
    for args in [
        vec!["case", "show", "lily parker"],
        vec!["pupil", "lily parker"],
        vec![
            "letter",
            "concern",
            "--all-flagged",
            "--threshold",
            "80",
            "--dry-run",
        ],
    ] {
        let text = stdout(&ws, &args, Some("100"));
        let rows: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with(['┌', '│', '╞', '└']))
            .collect();
        assert!(!rows.is_empty(), "{args:?}: a table");
        assert!(
            rows.iter().all(|l| l.chars().count() <= 100),
            "{args:?}:\n{text}"
        );
        let wide = stdout(&ws, &[args.clone(), vec!["--wide"]].concat(), Some("100"));
        assert!(
            wide.lines().any(|l| l.chars().count() > 100),
            "{args:?} --wide"
        );
    }
}

#[test]
fn narrower_screens_lose_columns_in_the_documented_order_and_wide_shows_all() {
    let ws = example_with_cases();
    let at_100 = stdout(&ws, &["flag"], Some("100"));
    // the first left out (README): Trend, Siblings, Late L/U, Auth %, Possible...
    assert!(at_100.contains("Left out to fit the screen: "), "{at_100}");
    let header = at_100.lines().find(|l| l.contains("UPN")).unwrap();
    for kept in ["UPN", "Name", "Attend %", "Unauth %", "Band"] {
        assert!(header.contains(kept), "{kept} kept: {header}");
    }
    for gone in ["Trend", "Siblings", "Late L/U", "Auth % "] {
        assert!(!header.contains(gone), "{gone} left out first: {header}");
    }
    let at_160 = stdout(&ws, &["flag"], Some("160"));
    let header_160 = at_160.lines().find(|l| l.contains("UPN")).unwrap();
    assert!(header_160.contains("Year") && header_160.contains("Possible"));
    assert!(lines_longer_than(&at_160, 160).is_empty());
    let wide = stdout(&ws, &["flag", "--wide"], Some("100"));
    let header = wide.lines().find(|l| l.contains("UPN")).unwrap();
    for col in [
        "UPN", "Name", "Year", "Reg", "CSA", "Possible", "Attend %", "Auth %", "Unauth %",
        "Late L/U", "Band", "Trend", "Pattern", "Case", "Siblings",
    ] {
        assert!(header.contains(col), "--wide shows {col}: {header}");
    }
    assert!(!wide.contains("Left out to fit"));
    assert!(
        wide.contains("Mon 52% absent; holidays 50%; U×5"),
        "nothing cut: {wide}"
    );
    // never wrapped: one line per pupil, in every width
    for text in [&at_100, &at_160, &wide] {
        assert_eq!(text.matches("K860309314015").count(), 1, "{text}");
    }
}

#[test]
fn case_list_is_by_stage_then_next_review_with_surname_first() {
    let ws = example_with_cases();
    let text = stdout(&ws, &["case", "list"], Some("100"));
    let order: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with('│'))
        .map(|l| l.split('┆').nth(1).unwrap().trim())
        .collect();
    let pos = |name: &str| {
        order
            .iter()
            .position(|n| *n == name)
            .unwrap_or_else(|| panic!("{name} in {order:?}"))
    };
    // monitor (no review: by name), then understand, then support by the next review
    assert!(pos("Bailey, Niamh") < pos("Young, Connor"), "{order:?}");
    assert!(pos("Young, Connor") < pos("Le Roux, Hugo"), "{order:?}");
    assert!(pos("Le Roux, Hugo") < pos("Parker, Lily"), "{order:?}");
    assert!(
        pos("Parker, Lily") < pos("Baker, Isabella"),
        "Lily's review (24 March) before Isabella's (31 March): {order:?}"
    );
    let csv = stdout(&ws, &["case", "list", "--format", "csv"], None);
    let upns: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        upns.first(),
        Some(&"A860234521029"),
        "CSV in the same order: {csv}"
    );
    ws.at("2025-03-17")
        .args(["case", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Stage"));
}
