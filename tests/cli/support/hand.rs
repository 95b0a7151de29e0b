//! Registers built by hand for a test, whose every mark the test chose: the truth is the test's
//! own. A register runs over whole weeks from a Monday, with some weeks closed (`#` for everyone,
//! a holiday); each pupil's mark of each school session comes from a function of the school day's
//! number (0, 1, 2... over the days the school is open) and the half (AM false, PM true).

use super::Ws;
use chrono::{Duration, NaiveDate};

/// A valid UPN made from a number (its check letter computed by attend's own rule is not used:
/// the letter is computed here from the DfE's published algorithm).
pub fn upn(n: u32) -> String {
    let body = format!("801200{n:06}");
    let letters = b"ABCDEFGHJKLMNPQRTUVWXYZ";
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| (i as u32 + 2) * u32::from(b - b'0'))
        .sum();
    format!("{}{body}", letters[(sum % 23) as usize] as char)
}

/// One pupil of a hand-built register.
pub struct HandPupil<'a> {
    pub upn: String,
    pub surname: &'a str,
    pub year: &'a str,
    /// Empty: no date of birth in the export.
    pub dob: &'a str,
    /// The mark of school day `day` (counted over open days only), afternoon when `pm`.
    pub mark: Box<dyn Fn(usize, bool) -> String + 'a>,
}

impl<'a> HandPupil<'a> {
    pub fn new(
        n: u32,
        surname: &'a str,
        year: &'a str,
        dob: &'a str,
        mark: impl Fn(usize, bool) -> String + 'a,
    ) -> HandPupil<'a> {
        HandPupil {
            upn: upn(n),
            surname,
            year,
            dob,
            mark: Box::new(mark),
        }
    }
}

/// Present: "/" in the morning, "\" in the afternoon.
pub fn present(pm: bool) -> String {
    if pm { "\\".into() } else { "/".into() }
}

/// Write and import a wide export of `weeks` weeks from `monday`, the weeks numbered in
/// `closed` shut. Returns the school days (the open weekdays), in order.
pub fn hand_register(
    ws: &Ws,
    monday: NaiveDate,
    weeks: usize,
    closed: &[usize],
    pupils: &[HandPupil],
) -> Vec<NaiveDate> {
    let mut header = vec![
        "UPN".to_string(),
        "Surname".into(),
        "Forename".into(),
        "Year".into(),
        "DOB".into(),
    ];
    // (date, open?) for every weekday
    let mut days: Vec<(NaiveDate, bool)> = Vec::new();
    for w in 0..weeks {
        for d in 0..5 {
            days.push((
                monday + Duration::days((w * 7 + d) as i64),
                !closed.contains(&w),
            ));
        }
    }
    for (date, _) in &days {
        for h in ["AM", "PM"] {
            header.push(format!("{} {h}", date.format("%d/%m/%Y")));
        }
    }
    let mut text = header.join(",") + "\n";
    for p in pupils {
        let mut row = vec![
            p.upn.clone(),
            p.surname.to_string(),
            "Pupil".into(),
            p.year.to_string(),
            p.dob.to_string(),
        ];
        let mut k = 0;
        for (_, open) in &days {
            for pm in [false, true] {
                row.push(if *open {
                    (p.mark)(k, pm)
                } else {
                    "#".to_string()
                });
            }
            if *open {
                k += 1;
            }
        }
        text += &(row.join(",") + "\n");
    }
    let f = ws.path().join("hand.csv");
    std::fs::write(&f, text).unwrap();
    ws.attend(["--quiet", "import"]).arg(&f).assert().success();
    days.into_iter()
        .filter(|(_, open)| *open)
        .map(|(d, _)| d)
        .collect()
}

/// Add people (YAML list items under `people:`) to a case file the test made.
pub fn add_people(ws: &Ws, id: &str, people_yaml: &str) {
    let path = super::case_file(ws.path(), id);
    let text = super::read(&path);
    let at = text.find("\nopened: ").expect("opened") + 1;
    let end = at + text[at..].find('\n').unwrap() + 1;
    let new = format!("{}people:\n{people_yaml}{}", &text[..end], &text[end..]);
    std::fs::write(&path, new).unwrap();
}
