//! Mail-outs: which families a batch of letters of concern goes to (and why not, with what to do
//! about it), the one file to print, and the list of what was sent.
//!
//! A letter of concern is first contact: it says the school is worried, offers help and says a
//! meeting will follow if attendance does not improve. A batch therefore leaves out a family
//! whose case is past that point (a plan in place, an invitation to a meeting sent, a Notice to
//! Improve given, a referral made, a stage beyond `understand`), and a family sent one, or told
//! their plan was closed on its target, less than `letters.concern_repeat_weeks` ago, unless the
//! officer asks for them.
//!
//! The print file is one typst document holding every letter of the batch, in order, each copy
//! (one per postal address) starting on a new sheet, for printing on both sides and posting in
//! DL window envelopes. The letters filed in the cases are typeset on their own, exactly as
//! `attend letter` writes them, so their SHA-256 stays the evidence of what was sent.

use super::Kind;
use super::context::address::NobodyToWrite;
use super::issue::kind_of_filed;
use crate::cases::model::{Decision, Event};
use crate::cases::plan::open_plan;
use crate::cases::{Case, Stage};
use crate::dates::uk_date;
use crate::text::plural;
use anyhow::{Result, bail};
use chrono::{Duration, NaiveDate};
use std::path::{Path, PathBuf};

/// The folder of the workspace that holds the mail-outs' print files and lists.
pub const MAILOUTS_DIR: &str = "mailouts";
/// The print file in a mail-out's folder.
pub const PRINT_FILE: &str = "letters.pdf";
/// The list of what was sent, in a mail-out's folder.
pub const SENT_FILE: &str = "letters.csv";

/// Why a pupil of a batch is sent no letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotSent {
    /// The pupil has no case (letters are filed in cases).
    NoCase,
    /// The case is closed.
    Closed,
    /// A letter stating figures needs the pupil in the register.
    NotInRegister,
    /// The case is past the point where a letter of concern is right: why.
    PastStage(String),
    /// A letter of concern went on this date, less than `weeks` ago.
    Recent { date: NaiveDate, weeks: u32 },
    /// Plan `plan` was closed on its target on this date, less than `weeks` ago (the family has
    /// just been told so).
    JustClosed {
        plan: u32,
        date: NaiveDate,
        weeks: u32,
    },
    /// Nobody in the case can be written to.
    NobodyToWrite(NobodyToWrite),
}

impl NotSent {
    /// Why, in a line.
    pub fn reason(&self) -> String {
        match self {
            NotSent::NoCase => "no case".into(),
            NotSent::Closed => "the case is closed".into(),
            NotSent::NotInRegister => "not in the register (the letter states its figures)".into(),
            NotSent::PastStage(why) => format!("past first contact: {why}"),
            NotSent::Recent { date, weeks } => format!(
                "a letter of concern went on {}, less than {} ago",
                uk_date(*date),
                plural(i64::from(*weeks), "week")
            ),
            NotSent::JustClosed { plan, date, weeks } => format!(
                "plan {plan} was closed on its target on {}, less than {} ago",
                uk_date(*date),
                plural(i64::from(*weeks), "week")
            ),
            NotSent::NobodyToWrite(n) => n.summary(),
        }
    }

    /// What to do about it, for the pupil `id` (several lines where several things are missing).
    pub fn fix(&self, id: &str) -> String {
        match self {
            NotSent::NoCase => format!("open a case: attend case open {id}"),
            NotSent::Closed => format!(
                "if the concern is new, reopen it: attend case stage {id} monitor --reason \"...\""
            ),
            NotSent::NotInRegister => "import an export that holds the pupil".into(),
            NotSent::PastStage(_) => "none; --include-later-stages sends it anyway".into(),
            NotSent::Recent { date, weeks } | NotSent::JustClosed { date, weeks, .. } => format!(
                "none; it is due again from {} (--include-recent sends it now)",
                uk_date(*date + Duration::weeks(i64::from(*weeks)))
            ),
            NotSent::NobodyToWrite(n) => n.advice_lines().join("\n"),
        }
    }
}

/// The index of the first timeline event of the case's current round of work: the one after the
/// case last came back to monitoring (a plan closed, a stage moved back down, the case
/// reopened), or 0.
fn round_start(case: &Case) -> usize {
    case.timeline
        .iter()
        .rposition(|e| {
            e.stage
                .is_some_and(|s| s.to == Stage::Monitor && (s.from > Stage::Monitor))
        })
        .map_or(0, |i| i + 1)
}

fn filed_kind(e: &Event) -> Option<Kind> {
    e.document.as_ref().and_then(|d| kind_of_filed(&d.path))
}

/// Is the case still where a letter of concern is right? Not when a plan is in place, the case
/// is at stage `support` or beyond, or since the case last came back to monitoring an invitation
/// to a meeting was sent, a Notice to Improve given or a referral summary written.
pub fn concern_letter_stage(case: &Case) -> Result<(), NotSent> {
    if let Some(p) = open_plan(case) {
        return Err(NotSent::PastStage(format!(
            "plan {} in place, review due {}",
            p.number,
            uk_date(p.review_date)
        )));
    }
    if case.stage > Stage::Understand && case.stage.is_open() {
        return Err(NotSent::PastStage(format!("stage {}", case.stage)));
    }
    for e in case.timeline[round_start(case)..].iter().rev() {
        let what = match filed_kind(e) {
            Some(Kind::Invitation | Kind::ReviewInvitation | Kind::Rearranged) => {
                "invited to a meeting"
            }
            Some(Kind::NoticeToImprove) => "a Notice to Improve given",
            Some(Kind::Referral) => "referred to the local authority",
            _ => continue,
        };
        return Err(NotSent::PastStage(format!("{what} on {}", uk_date(e.date))));
    }
    Ok(())
}

/// Was a letter of concern sent less than `weeks` before `as_of`, or a plan closed on its target
/// (the family just told that the plan has ended well)? (0 weeks: never too recent.)
pub fn concern_letter_recent(case: &Case, as_of: NaiveDate, weeks: u32) -> Result<(), NotSent> {
    if weeks == 0 {
        return Ok(());
    }
    let within =
        |date: NaiveDate| date <= as_of && as_of - date < Duration::weeks(i64::from(weeks));
    let letter = case
        .timeline
        .iter()
        .filter(|e| filed_kind(e) == Some(Kind::ConcernLetter))
        .map(|e| e.date)
        .filter(|d| within(*d))
        .max();
    if let Some(date) = letter {
        return Err(NotSent::Recent { date, weeks });
    }
    let closed = case
        .plans
        .iter()
        .filter_map(|p| {
            let r = p.review.as_ref()?;
            (r.decision == Decision::Close && within(r.meeting.date))
                .then_some((p.number, r.meeting.date))
        })
        .max_by_key(|(_, d)| *d);
    match closed {
        Some((plan, date)) => Err(NotSent::JustClosed { plan, date, weeks }),
        None => Ok(()),
    }
}

/// Both checks: the case is where a letter of concern is right, and none went recently.
pub fn concern_letter_fits(case: &Case, as_of: NaiveDate, weeks: u32) -> Result<(), NotSent> {
    concern_letter_stage(case)?;
    concern_letter_recent(case, as_of, weeks)
}

/// The folder for a mail-out of `kind` on `date`: `mailouts/<date>-<kind>/`, or `...-2/`,
/// `...-3/` when one of that name exists (a mail-out never replaces another).
pub fn folder(root: &Path, date: NaiveDate, kind: Kind) -> Result<PathBuf> {
    let base = format!("{}-{}", date.format("%Y-%m-%d"), kind.name());
    let dir = root.join(MAILOUTS_DIR);
    for n in 1..1000 {
        let name = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        let path = dir.join(&name);
        if !path.exists() {
            return Ok(path);
        }
    }
    bail!(
        "there are already 999 mail-outs named {base} in {}",
        dir.display()
    )
}

/// One print file holding every letter in `letters` (each the complete typst markup of one
/// document, as `attend letter` typesets it), in order.
///
/// Each letter is kept in its own scope, so its settings stay its own; every page break, and the
/// break between two letters, goes to the next front page (`pagebreak(to: "odd")`): each copy
/// of each letter starts on a new sheet when printed on both sides, with a blank page after a
/// copy that ends on a front page; the file ends on a back page. Page numbers start again at 1
/// for each letter, as they do for each of its copies.
pub fn print_file_markup(letters: &[String], title: &str, author: &str) -> String {
    let mut out = String::with_capacity(letters.iter().map(String::len).sum::<usize>() + 512);
    out.push_str("// A print file made by attend: each letter below is a complete document.\n");
    out.push_str("#set pagebreak(to: \"odd\")\n");
    for (i, letter) in letters.iter().enumerate() {
        if i > 0 {
            out.push_str("\n#pagebreak(to: \"odd\")\n#counter(page).update(1)\n");
        }
        out.push_str("#[\n");
        out.push_str(letter);
        if !letter.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("]\n");
    }
    out.push_str(&format!(
        "#set document(title: {}, author: {})\n",
        super::engine::typst_string_literal(title),
        super::engine::typst_string_literal(author)
    ));
    out.push_str("#pagebreak(to: \"odd\", weak: true)\n");
    out
}

/// One row of the list of what a mail-out sent: a copy of a letter, to the people at one
/// address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentCopy {
    pub upn: String,
    /// "Parker, Lily".
    pub pupil: String,
    /// As on the envelope: "Mrs Joanne Parker and Mr Daniel Parker".
    pub recipient: String,
    /// The address, its lines joined by ", ".
    pub address: String,
    /// The kind of letter (`concern-letter`).
    pub letter: String,
    pub date: NaiveDate,
    /// The letter as filed in the case, from the workspace: `cases/<UPN>/documents/...pdf`.
    pub file: String,
    /// The filed letter's SHA-256.
    pub sha256: String,
}

/// The columns of the list of what was sent (README, "Mail-outs").
pub const SENT_COLUMNS: [&str; 8] = [
    "upn",
    "pupil",
    "recipient",
    "address",
    "letter",
    "date",
    "file",
    "sha256",
];

/// The list of what was sent, as CSV.
pub fn sent_csv(rows: &[SentCopy]) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(SENT_COLUMNS)?;
    for r in rows {
        w.write_record([
            r.upn.as_str(),
            r.pupil.as_str(),
            r.recipient.as_str(),
            r.address.as_str(),
            r.letter.as_str(),
            &r.date.to_string(),
            r.file.as_str(),
            r.sha256.as_str(),
        ])?;
    }
    Ok(w.into_inner()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::model::tests_support::empty_case;
    use crate::cases::model::{Document, Event, EventKind, StageChange};

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, day).unwrap()
    }

    fn letter(date: NaiveDate, file: &str) -> Event {
        Event {
            date,
            kind: EventKind::Letter,
            by: String::new(),
            with: "Karen Lee".into(),
            text: "a letter".into(),
            stage: None,
            plan: None,
            document: Some(Document {
                path: format!("documents/{file}"),
                sha256: "0".repeat(64),
            }),
            seal: None,
        }
    }

    #[test]
    fn a_concern_letter_is_not_repeated_within_the_weeks_set() {
        let mut case = empty_case();
        assert_eq!(concern_letter_fits(&case, d(3, 17), 4), Ok(()));
        case.timeline
            .push(letter(d(2, 24), "2025-02-24-concern-letter.pdf"));
        // 3 weeks later: too soon; exactly 4 weeks later: due again
        assert_eq!(
            concern_letter_recent(&case, d(3, 17), 4),
            Err(NotSent::Recent {
                date: d(2, 24),
                weeks: 4
            })
        );
        assert_eq!(concern_letter_recent(&case, d(3, 24), 4), Ok(()));
        assert_eq!(concern_letter_recent(&case, d(3, 17), 0), Ok(()));
        // a letter of concern logged by hand counts too
        let mut case = empty_case();
        case.timeline
            .push(letter(d(3, 10), "2025-03-10-concern-letter.txt"));
        assert!(concern_letter_recent(&case, d(3, 17), 4).is_err());
        let not = concern_letter_recent(&case, d(3, 17), 4).unwrap_err();
        assert!(not.fix("X").contains("07/04/2025"), "{}", not.fix("X"));
    }

    #[test]
    fn a_concern_letter_is_not_sent_past_the_stage_it_is_for() {
        let mut case = empty_case();
        case.stage = Stage::Formal;
        let e = concern_letter_stage(&case).unwrap_err();
        assert!(e.reason().contains("stage formal"), "{}", e.reason());
        // an invitation sent: the family is past first contact
        let mut case = empty_case();
        case.stage = Stage::Understand;
        case.timeline
            .push(letter(d(3, 3), "2025-03-03-invitation.pdf"));
        let e = concern_letter_stage(&case).unwrap_err();
        assert!(
            e.reason().contains("invited to a meeting on 03/03/2025"),
            "{}",
            e.reason()
        );
        // ... until the case comes back to monitoring (a plan closed with its target met)
        case.timeline.push(Event {
            stage: Some(StageChange {
                from: Stage::Support,
                to: Stage::Monitor,
            }),
            document: None,
            ..letter(d(3, 10), "")
        });
        case.stage = Stage::Monitor;
        assert_eq!(concern_letter_stage(&case), Ok(()));
        // a Notice to Improve after that
        case.timeline
            .push(letter(d(3, 12), "2025-03-12-notice-to-improve.pdf"));
        assert!(
            concern_letter_stage(&case)
                .unwrap_err()
                .reason()
                .contains("Notice to Improve")
        );
    }

    #[test]
    fn the_print_file_keeps_each_letter_in_its_own_scope_and_ends_on_a_back_page() {
        let m = print_file_markup(&["A".into(), "B\n".into()], "Letters \"x\"", "School");
        assert_eq!(m.matches("#[\n").count(), 2);
        assert!(
            m.contains("#[\nA\n]\n\n#pagebreak(to: \"odd\")\n#counter(page).update(1)\n#[\nB\n]\n")
        );
        assert!(m.contains("title: \"Letters \\\"x\\\"\""));
    }

    #[test]
    fn the_list_of_what_was_sent_has_its_columns() {
        let rows = [SentCopy {
            upn: "K860309314015".into(),
            pupil: "Parker, Lily".into(),
            recipient: "Mrs Joanne Parker and Mr Daniel Parker".into(),
            address: "8 Mill Lane, Townley, TW3 7GH".into(),
            letter: "concern-letter".into(),
            date: d(3, 17),
            file: "cases/K860309314015/documents/2025-03-17-concern-letter.pdf".into(),
            sha256: "ab".repeat(32),
        }];
        let text = String::from_utf8(sent_csv(&rows).unwrap()).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("upn,pupil,recipient,address,letter,date,file,sha256")
        );
        assert!(lines.next().unwrap().starts_with(
            "K860309314015,\"Parker, Lily\",Mrs Joanne Parker and Mr Daniel Parker,\"8 Mill Lane, Townley, TW3 7GH\",concern-letter,2025-03-17,"
        ));
    }
}
