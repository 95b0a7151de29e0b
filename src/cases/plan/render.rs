//! The forms people fill in, in their editor: a plan form and a review form, pre-filled from the
//! case and explained in comments.

use super::*;
use crate::text::capitalise;

/// `key: value` as YAML, through the one YAML module.
fn kv<T: Serialize>(key: &str, value: &T) -> String {
    let mut m = std::collections::BTreeMap::new();
    m.insert(key, value);
    crate::yaml::to_string(&m).unwrap_or_else(|_| format!("{key}:\n"))
}

fn comment_block(out: &mut String, text: &str) {
    for l in text.lines() {
        if l.is_empty() {
            out.push_str("#\n");
        } else {
            out.push_str(&format!("# {l}\n"));
        }
    }
}

/// "Stevens, Muhammad (R370375123020), Year 9, 9A".
pub fn pupil_title(p: &PupilDetails) -> String {
    let mut s = format!("{} ({})", p.display_name(), p.id);
    let y = p.year.trim();
    if !y.is_empty() {
        s.push_str(&if y.chars().all(|c| c.is_ascii_digit()) {
            format!(", Year {y}")
        } else {
            format!(", {y}")
        });
    }
    if !p.reg_group.is_empty() {
        s.push_str(&format!(", {}", p.reg_group));
    }
    s
}

const FORM_HOW: &str = "\
Fill this in, then save and close the editor to record it. To record nothing, close the editor
without saving. Lines starting with # are guidance and are not recorded. Leave '' where a section
does not apply. Text can run over several lines: write | after the colon and indent the lines
below it.";

/// People to pre-fill as attendees: the officer, and the parents and carers with parental
/// responsibility.
pub fn default_attendees(case: &Case, by: &str, role: &str) -> Vec<FormAttendee> {
    let mut out = Vec::new();
    // "Dan Hughes, Attendance Officer" is a name and a role: the role is not added again
    let (name, own_role) = crate::text::split_name_role(by);
    if !name.is_empty() {
        let role = match own_role {
            Some(r) => r,
            None if role.trim().is_empty() => "Attendance Officer".into(),
            None => role.trim().to_string(),
        };
        out.push(FormAttendee(Attendee { name, role }));
    }
    for p in case.addressed_people() {
        let role = if p.relationship.is_empty() {
            "Parent/carer".to_string()
        } else {
            capitalise(&p.relationship)
        };
        out.push(FormAttendee(Attendee {
            name: p.full_name(),
            role,
        }));
    }
    out
}

/// The plan form, filled with what attend knows, with guidance for each section.
pub fn render_plan_form(
    case: &Case,
    form: &PlanForm,
    figures: Option<&Snapshot>,
    no_figures: Option<&str>,
    review_weeks: u32,
) -> String {
    let mut o = String::new();
    comment_block(
        &mut o,
        &format!(
            "Attendance meeting and action plan for {}.\n\n{FORM_HOW}\n",
            pupil_title(&case.pupil)
        ),
    );
    o.push_str("#\n");
    match figures {
        Some(s) => {
            comment_block(
                &mut o,
                "The attendance figures discussed at the meeting, frozen into the plan when you save\n(computed from the register up to the meeting date):",
            );
            for l in snapshot_lines(s) {
                o.push_str(&format!("#   {l}\n"));
            }
        }
        None => comment_block(
            &mut o,
            &format!(
                "No attendance figures: {}.",
                no_figures.unwrap_or("none in the register")
            ),
        ),
    }
    o.push_str("\n# THE MEETING. The date (YYYY-MM-DD) and place.\n");
    o.push_str(&kv("date", &form.date));
    o.push_str(&kv("place", &form.place));
    o.push_str("# Did the parents/carers attend? false if the meeting was held in their absence (the guidance:\n# hold it anyway, then send them the plan with a letter).\n");
    o.push_str(&kv(
        "parents_attended",
        &form.parents_attended.unwrap_or(true),
    ));
    o.push_str(
        "# Who attended: names and roles in full (\"Jane Smith|Mother\" or name: and role:).\n",
    );
    o.push_str(&kv("attendees", &form.attendees));
    let texts: [(&str, &str, &String); 8] = [
        (
            "summary_of_concerns",
            "SUMMARY OF CONCERNS: why this meeting is being held.",
            &form.summary_of_concerns,
        ),
        (
            "reasons",
            "REASONS FOR ABSENCE: what the school knows, and what the family says (go through the\nregistration certificate and what the codes mean).",
            &form.reasons,
        ),
        (
            "support_in_place",
            "SUPPORT ALREADY IN PLACE in school, academic and pastoral, including EHCP/SEN support and\nreasonable adjustments.",
            &form.support_in_place,
        ),
        (
            "going_well",
            "WHAT IS GOING WELL: when were things better? Strengths to build on.",
            &form.going_well,
        ),
        ("concerns", "CONCERNS.", &form.concerns),
        (
            "wellbeing_goals",
            "WELL-BEING GOALS.",
            &form.wellbeing_goals,
        ),
        (
            "other_issues",
            "OTHER KEY ISSUES discussed.",
            &form.other_issues,
        ),
        (
            "child_view",
            "THE CHILD'S VIEW (obtained before the meeting, or at it).",
            &form.child_view,
        ),
    ];
    for (key, guide, value) in texts.iter().take(2) {
        o.push('\n');
        comment_block(&mut o, guide);
        o.push_str(&kv(key, value));
    }
    o.push('\n');
    comment_block(
        &mut o,
        "BARRIERS to attendance: kind is one of medical, mental_health, bullying, home, transport, sen,\nrelationships, community, other; detail in the family's words.",
    );
    o.push_str(&kv("barriers", &form.barriers));
    for (key, guide, value) in texts.iter().skip(2) {
        o.push('\n');
        comment_block(&mut o, guide);
        o.push_str(&kv(key, value));
    }
    o.push('\n');
    comment_block(
        &mut o,
        "THE AIM: a target attendance over a number of weeks (target: 95 and weeks: 4),\nor no further unauthorised absence (no_unauthorised_absence: true).",
    );
    let aim = form.aim.clone().unwrap_or(Aim {
        target: None,
        weeks: Some(review_weeks),
        no_unauthorised_absence: false,
    });
    if aim.target.is_none() && !aim.no_unauthorised_absence {
        o.push_str(&format!(
            "aim:\n  target:\n  weeks: {}\n",
            aim.weeks.unwrap_or(review_weeks)
        ));
    } else {
        o.push_str(&kv("aim", &aim));
    }
    o.push('\n');
    comment_block(
        &mut o,
        "ACTIONS: the guidance asks that everyone at the meeting has actions. for: young_person, parents,\n\
         school or agency (then agency: NAME). Each needs what, owner (the named person responsible)\n\
         and due (YYYY-MM-DD; left out: the review date). Entries with no what and no owner are ignored.",
    );
    let actions = if form.actions.is_empty() {
        [
            ActionFor::YoungPerson,
            ActionFor::Parents,
            ActionFor::School,
        ]
        .into_iter()
        .map(|f| FormAction {
            for_: f,
            agency: String::new(),
            what: String::new(),
            owner: String::new(),
            due: None,
        })
        .collect()
    } else {
        form.actions.clone()
    };
    o.push_str(&kv("actions", &actions));
    o.push('\n');
    comment_block(
        &mut o,
        &format!(
            "REVIEW DATE: 2 to 4 weeks after the meeting (the school's default: {review_weeks} weeks)."
        ),
    );
    let review = form
        .review_date
        .or(form.date.map(|d| d + Duration::weeks(review_weeks as i64)));
    o.push_str(&kv("review_date", &review));
    o.push('\n');
    comment_block(
        &mut o,
        "COPIES: who receives a copy of the plan (parents, the child, professionals), and when it was\nsent: {to: parents, sent: 2025-01-21, how: post}. Leave [] until they are sent.",
    );
    o.push_str(&kv("copies", &form.copies));
    o
}

/// The review form, with the figures and the proposed outcome as guidance.
pub fn render_review_form(
    case: &Case,
    plan: &Plan,
    form: &ReviewForm,
    figures: &ReviewFigures,
    review_weeks: u32,
) -> String {
    let mut o = String::new();
    comment_block(
        &mut o,
        &format!(
            "Review of plan {} for {}: meeting {}, review due {}.\nAim: {}.\n\n{FORM_HOW}\n",
            plan.number,
            pupil_title(&case.pupil),
            plan.meeting.date,
            plan.review_date,
            plan.aim.describe()
        ),
    );
    o.push_str("#\n");
    comment_block(&mut o, "The figures, frozen into the review when you save:");
    for (title, s) in [
        ("During the plan", &figures.during),
        ("Before the plan", &figures.before),
    ] {
        match s {
            Some(s) => o.push_str(&format!("#   {title} ({}): {}\n", s.period, s.describe())),
            None => o.push_str(&format!("#   {title}: no figures\n")),
        }
    }
    if let Some(pn) = figures
        .year
        .as_ref()
        .and_then(|y| y.penalty_notice.as_ref())
    {
        o.push_str(&format!(
            "#   Penalty-notice threshold met: {}\n",
            pn.describe()
        ));
    }
    for n in &figures.notes {
        o.push_str(&format!("#   Note: {n}\n"));
    }
    match figures.proposed {
        Some(p) => o.push_str(&format!(
            "#   The figures give: {} ({})\n",
            p.as_str(),
            p.label()
        )),
        None => {
            o.push_str("#   There are no figures to judge the plan by: give the outcome and why.\n")
        }
    }
    let date = form.date;
    o.push_str("\n# THE REVIEW MEETING: date (YYYY-MM-DD), place, whether the parents/carers attended, who attended.\n");
    o.push_str(&kv("date", &date));
    o.push_str(&kv("place", &form.place));
    o.push_str(&kv(
        "parents_attended",
        &form.parents_attended.unwrap_or(true),
    ));
    let attendees = if form.attendees.is_empty() {
        plan.meeting
            .attendees
            .iter()
            .cloned()
            .map(FormAttendee)
            .collect()
    } else {
        form.attendees.clone()
    };
    o.push_str(&kv("attendees", &attendees));
    o.push('\n');
    comment_block(
        &mut o,
        "THE OUTCOME: met, some_improvement or not_met. If it differs from what the figures give,\nsay why in outcome_reason.",
    );
    o.push_str(&kv("outcome", &form.outcome.or(figures.proposed)));
    o.push_str(&kv("outcome_reason", &form.outcome_reason));
    o.push('\n');
    comment_block(
        &mut o,
        "WHAT WORKED and WHAT DID NOT: be positive about the successes, however small.",
    );
    o.push_str(&kv("what_worked", &form.what_worked));
    o.push_str(&kv("what_did_not_work", &form.what_did_not_work));
    o.push('\n');
    comment_block(
        &mut o,
        &format!(
            "EACH ACTION of plan {}: status done, partly or not_done, and a note if useful.",
            plan.number
        ),
    );
    o.push_str("actions:\n");
    for (i, a) in plan.actions.iter().enumerate() {
        let n = i as u32 + 1;
        let who = if a.for_ == ActionFor::Agency {
            a.agency.clone()
        } else {
            a.for_.as_str().replace('_', " ")
        };
        o.push_str(&format!(
            "# {n}. [{who}] {} ({}, due {})\n",
            a.what.replace('\n', " "),
            a.owner,
            a.due
        ));
        let given = form.actions.iter().find(|s| s.action == n);
        o.push_str(&format!("- action: {n}\n"));
        match given.and_then(|s| s.status) {
            Some(st) => o.push_str(&format!("  status: {}\n", st.as_str())),
            None => o.push_str("  status:\n"),
        }
        let note = given.map(|s| s.note.clone()).unwrap_or_default();
        for l in kv("note", &note).lines() {
            o.push_str(&format!("  {l}\n"));
        }
    }
    o.push('\n');
    comment_block(
        &mut o,
        "THE DECISION: close (target met; the case goes back to monitoring), continue (a new plan,\n\
         reviewed no more than 3 weeks later), or escalate (a plan stays in place) with escalation:\n\
         early_help, local_authority, notice_to_improve, penalty_notice or prosecution.",
    );
    let decision = form.decision.or(match figures.proposed {
        Some(Outcome::Met) => Some(Decision::Close),
        Some(_) => Some(Decision::Continue),
        None => None,
    });
    o.push_str(&kv("decision", &decision));
    match form.escalation {
        Some(e) => o.push_str(&kv("escalation", &e)),
        None => o.push_str("# escalation: notice_to_improve\n"),
    }
    o.push_str(&kv("notes", &form.notes));
    o.push('\n');
    let next_review = default_next_review(date.unwrap_or(plan.review_date), review_weeks);
    match &form.next_plan {
        Some(np) => {
            comment_block(&mut o, "THE NEW PLAN (continue or escalate).");
            o.push_str(&kv("next_plan", np));
        }
        None => {
            comment_block(
                &mut o,
                &format!(
                    "THE NEW PLAN, for continue or escalate: by default the same aim, the actions not done (due by\n\
                     the new review) and a review on {next_review}. To change any of it, remove the # from these lines:"
                ),
            );
            let default = FormNextPlan {
                aim: Some(plan.aim.clone()),
                actions: carried_actions(plan, &form.actions, next_review),
                review_date: Some(next_review),
                ..Default::default()
            };
            for l in kv("next_plan", &default).lines() {
                o.push_str(&format!("# {l}\n"));
            }
        }
    }
    o
}
