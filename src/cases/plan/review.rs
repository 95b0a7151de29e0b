//! Reviews: the figures since the plan began, the proposed outcome against the plan's aim, the
//! review form and recording the review.

use super::*;
use crate::dates::uk_date;

/// The figures a review rests on.
#[derive(Debug, Clone, Default)]
pub struct ReviewFigures {
    /// From the plan's meeting to the review date (or the latest imported session).
    pub during: Option<Snapshot>,
    /// The same number of school days just before the meeting.
    pub before: Option<Snapshot>,
    /// The academic year to the review date.
    pub year: Option<Snapshot>,
    pub proposed: Option<Outcome>,
    /// Things the officer should know about these figures.
    pub notes: Vec<String>,
}

/// The comparison window: as many school days as `from..=to` holds, ending the last school day
/// before `from`. Returns (first, last, days in the plan window, days found before).
pub fn comparison_window(
    reg: &Register,
    from: NaiveDate,
    to: NaiveDate,
) -> Option<(NaiveDate, NaiveDate, usize, usize)> {
    let days = SchoolCalendar::on(&reg.grid, to).school_days(&reg.grid);
    let n = days.iter().filter(|d| **d >= from && **d <= to).count();
    let before: Vec<NaiveDate> = days.into_iter().filter(|d| *d < from).collect();
    if n == 0 || before.is_empty() {
        return None;
    }
    let take = n.min(before.len());
    let window = &before[before.len() - take..];
    Some((window[0], *window.last().expect("not empty"), n, take))
}

/// Compute the review's figures for `plan` with the review on `date`.
pub fn review_figures(
    reg: &Register,
    case: &Case,
    plan: &Plan,
    date: NaiveDate,
    config: &Config,
) -> ReviewFigures {
    let mut f = ReviewFigures::default();
    let id = &case.pupil.id;
    let Some(i) = reg.index_of(id) else {
        f.notes.push(
            "the pupil is not in the register: there are no figures to judge the plan by".into(),
        );
        return f;
    };
    let t = &config.thresholds;
    let start = plan.meeting.date;
    let label = format!(
        "during plan {} (from the meeting on {})",
        plan.number,
        uk_date(start)
    );
    let spec = PeriodSpec {
        from: Some(start),
        to: Some(date),
        ..Default::default()
    };
    match crate::attendance::snapshot(reg, i, &spec, Some(&label), t) {
        Ok(s) => f.during = Some(s),
        Err(e) => f
            .notes
            .push(format!("no figures since the plan began: {e}")),
    }
    if let Some(d) = &f.during {
        if d.to < date {
            f.notes.push(format!(
                "the register runs to {} only: import the latest export for figures up to the review",
                uk_date(d.to)
            ));
        }
        if let Some((a, b, n, got)) = comparison_window(reg, d.from, d.to) {
            let label = format!("the {got} school days before plan {}", plan.number);
            let spec = PeriodSpec {
                from: Some(a),
                to: Some(b),
                ..Default::default()
            };
            match crate::attendance::snapshot(reg, i, &spec, Some(&label), t) {
                Ok(s) => f.before = Some(s),
                Err(e) => f.notes.push(format!("no figures before the plan: {e}")),
            }
            if got < n {
                f.notes.push(format!("the register holds only {got} school days before the plan (the plan has run {n})"));
            }
        } else {
            f.notes
                .push("the register holds no school days before the plan to compare with".into());
        }
    }
    let (year, why) = figures_for_case(reg, case, date, config);
    f.year = year;
    if let Some(w) = why {
        f.notes.push(format!("no year-to-date figures: {w}"));
    }
    f.proposed = propose(&plan.aim, f.during.as_ref(), f.before.as_ref());
    f
}

/// The outcome the figures give: **met** (the aim reached over the plan), **some improvement**
/// (better than the same length of time before the plan, short of the aim), **not met**.
/// `None` when there are no possible sessions in the plan window to judge by.
pub fn propose(aim: &Aim, during: Option<&Snapshot>, before: Option<&Snapshot>) -> Option<Outcome> {
    let during = during?;
    let now = during.attendance()?;
    if let Some(target) = aim.target {
        if now.cmp_rate(target.fraction()) != Ordering::Less {
            return Some(Outcome::Met);
        }
        let better = before
            .and_then(Snapshot::attendance)
            .is_some_and(|b| now.cmp_rate(b) == Ordering::Greater);
        return Some(if better {
            Outcome::SomeImprovement
        } else {
            Outcome::NotMet
        });
    }
    if aim.no_unauthorised_absence {
        if during.unauthorised == 0 {
            return Some(Outcome::Met);
        }
        let rate = |s: &Snapshot| Fraction::new(s.unauthorised, s.possible);
        let better = match (rate(during), before.and_then(rate)) {
            (Some(d), Some(b)) => d.cmp_rate(b) == Ordering::Less,
            _ => false,
        };
        return Some(if better {
            Outcome::SomeImprovement
        } else {
            Outcome::NotMet
        });
    }
    None
}

// ---------------------------------------------------------------------------------------------
// The review form
// ---------------------------------------------------------------------------------------------

/// One action's status as a form takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormActionReview {
    pub action: u32,
    #[serde(default)]
    pub status: Option<ActionStatus>,
    #[serde(default)]
    pub note: String,
}

/// The plan made at a review that continues or escalates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormNextPlan {
    #[serde(default)]
    pub aim: Option<Aim>,
    #[serde(default)]
    pub actions: Vec<FormAction>,
    #[serde(default)]
    pub review_date: Option<NaiveDate>,
    #[serde(default)]
    pub concerns: String,
    #[serde(default)]
    pub wellbeing_goals: String,
    #[serde(default)]
    pub copies: Vec<CopyTo>,
}

/// A review as the officer gives it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewForm {
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub parents_attended: Option<bool>,
    #[serde(default)]
    pub attendees: Vec<FormAttendee>,
    #[serde(default)]
    pub outcome: Option<Outcome>,
    #[serde(default)]
    pub outcome_reason: String,
    #[serde(default)]
    pub what_worked: String,
    #[serde(default)]
    pub what_did_not_work: String,
    #[serde(default)]
    pub actions: Vec<FormActionReview>,
    #[serde(default)]
    pub decision: Option<Decision>,
    #[serde(default)]
    pub escalation: Option<Escalation>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub next_plan: Option<FormNextPlan>,
}

/// A review ready to record.
#[derive(Debug, Clone)]
pub struct CheckedReview {
    pub review: Review,
    pub next: Option<CheckedNext>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct CheckedNext {
    pub aim: Aim,
    pub actions: Vec<Action>,
    pub review_date: NaiveDate,
    pub concerns: String,
    pub wellbeing_goals: String,
    pub copies: Vec<CopyTo>,
}

/// The actions carried into a continued plan by default: those not done, due by the new review.
pub fn carried_actions(
    plan: &Plan,
    statuses: &[FormActionReview],
    new_review: NaiveDate,
) -> Vec<FormAction> {
    plan.actions
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            !statuses
                .iter()
                .any(|s| s.action as usize == i + 1 && s.status == Some(ActionStatus::Done))
        })
        .map(|(_, a)| FormAction {
            for_: a.for_,
            agency: a.agency.clone(),
            what: a.what.clone(),
            owner: a.owner.clone(),
            due: Some(new_review),
        })
        .collect()
}

/// The default review date of a continued plan: the configured weeks, at most 3 weeks.
pub fn default_next_review(date: NaiveDate, review_weeks: u32) -> NaiveDate {
    date + Duration::days((review_weeks as i64 * 7).min(CONTINUE_MAX_DAYS))
}

/// What a review is checked against besides its plan and figures: the case (its parents and
/// carers) and the pupil's date of birth (the legal steps need a child of compulsory school age).
#[derive(Debug, Clone, Copy)]
pub struct ReviewCase<'a> {
    pub case: &'a Case,
    pub dob: Option<NaiveDate>,
}

/// Is this attendee one of the pupil's parents or carers: named among the case's people, or
/// there in a parent's or carer's role ("Mother", "Step-father", "Foster carer")?
pub fn is_parent(case: &Case, a: &Attendee) -> bool {
    let norm = |t: &str| {
        t.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let name = norm(&a.name);
    if case.people.iter().any(|p| norm(&p.name) == name) {
        return true;
    }
    let role = norm(&a.role).replace(['-', '/'], " ");
    role.split(' ').any(|w| {
        matches!(
            w,
            "mother"
                | "father"
                | "mum"
                | "dad"
                | "parent"
                | "parents"
                | "carer"
                | "carers"
                | "guardian"
                | "stepmother"
                | "stepfather"
                | "grandmother"
                | "grandfather"
                | "grandparent"
                | "aunt"
                | "uncle"
        )
    }) && !role.contains("young carer")
}

/// The escalations that are legal steps, and the step each is.
fn legal_step(e: Escalation) -> Option<crate::cases::law::LegalStep> {
    use crate::cases::law::LegalStep;
    match e {
        Escalation::NoticeToImprove => Some(LegalStep::NoticeToImprove),
        Escalation::PenaltyNotice => Some(LegalStep::PenaltyNotice),
        Escalation::Prosecution => Some(LegalStep::Prosecution),
        Escalation::EarlyHelp | Escalation::LocalAuthority => None,
    }
}

/// Check a review form against the open plan and the figures.
pub fn check_review_form(
    form: &ReviewForm,
    plan: &Plan,
    figures: &ReviewFigures,
    today: NaiveDate,
    review_weeks: u32,
    rc: ReviewCase<'_>,
) -> Result<CheckedReview, Vec<Problem>> {
    let root = FieldPath::root();
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    let date = form.date.unwrap_or(today);
    if date > today {
        out.push(Problem::new(root.key("date"), format!("the review date {date} is after today ({today}): record a review once it has been held")));
    }
    if date < plan.meeting.date {
        out.push(Problem::new(
            root.key("date"),
            format!(
                "the review ({date}) is before the plan's meeting ({})",
                plan.meeting.date
            ),
        ));
    }
    let kept: Vec<usize> = (0..form.attendees.len())
        .filter(|&i| {
            !(form.attendees[i].0.name.trim().is_empty()
                && form.attendees[i].0.role.trim().is_empty())
        })
        .collect();
    let meeting = Meeting {
        date,
        place: form.place.trim().into(),
        parents_attended: form.parents_attended.unwrap_or(true),
        attendees: kept
            .iter()
            .map(|&i| Attendee {
                name: form.attendees[i].0.name.trim().into(),
                role: form.attendees[i].0.role.trim().into(),
            })
            .collect(),
    };
    if form.parents_attended.is_none() {
        out.push(Problem::new(
            root.key("parents_attended"),
            "say whether the parents or carers attended (parents_attended: true, or false for a review held in their absence)",
        ));
    }
    let mut m_out = Vec::new();
    check_meeting(&mut m_out, &meeting, &root);
    if !meeting.parents_attended {
        for (i, a) in meeting.attendees.iter().enumerate() {
            if is_parent(rc.case, a) {
                m_out.push(Problem::new(
                    root.key("attendees").index(i),
                    format!(
                        "{} ({}) is a parent or carer, but the review is recorded as held in the parents' absence (parents_attended: false, --parents-absent): list only those who attended",
                        a.name, a.role
                    ),
                ));
            }
        }
    }
    out.extend(
        m_out
            .into_iter()
            .map(|p| remap_index(p, "attendees", &kept)),
    );
    if let Some(step) = form.escalation.and_then(legal_step) {
        match crate::cases::law::check_step(step, rc.dob, date, date) {
            Ok(a) => warnings.extend(a.warning),
            Err(why) => out.push(Problem::new(
                root.key("escalation"),
                format!("{why}; escalate to early-help or local-authority instead"),
            )),
        }
    }
    let outcome = match (form.outcome, figures.proposed) {
        (Some(o), _) => o,
        (None, Some(p)) => p,
        (None, None) => {
            out.push(Problem::new(
                root.key("outcome"),
                "there are no figures for the plan's weeks to judge it by: give the outcome (met, some_improvement, not_met) and why (outcome_reason)",
            ));
            Outcome::NotMet
        }
    };
    let differs = match figures.proposed {
        Some(p) => p != outcome,
        None => true,
    };
    if differs && form.outcome.is_some() && form.outcome_reason.trim().is_empty() {
        out.push(Problem::new(
            root.key("outcome_reason"),
            match figures.proposed {
                Some(p) => format!(
                    "the figures give {}; say why the outcome is {} (outcome_reason)",
                    p.label(),
                    outcome.label()
                ),
                None => {
                    "say what the outcome rests on, as there are no figures (outcome_reason)".into()
                }
            },
        ));
    }
    // every action's status
    let mut statuses = Vec::new();
    for (i, s) in form.actions.iter().enumerate() {
        let at = root.key("actions").index(i);
        if s.action == 0 || s.action as usize > plan.actions.len() {
            out.push(Problem::new(
                at.key("action"),
                format!(
                    "plan {} has no action {} (it has {})",
                    plan.number,
                    s.action,
                    plan.actions.len()
                ),
            ));
            continue;
        }
        if statuses.iter().any(|x: &ActionReview| x.action == s.action) {
            out.push(Problem::new(
                at.key("action"),
                format!("action {} is reviewed twice", s.action),
            ));
            continue;
        }
        match s.status {
            Some(status) => statuses.push(ActionReview {
                action: s.action,
                status,
                note: tidy(&s.note),
            }),
            None => out.push(Problem::new(
                at.key("status"),
                "give the action's status: done, partly or not_done",
            )),
        }
    }
    let missing: Vec<String> = (1..=plan.actions.len() as u32)
        .filter(|n| !form.actions.iter().any(|s| s.action == *n))
        .map(|n| n.to_string())
        .collect();
    if !missing.is_empty() {
        out.push(Problem::new(
            root.key("actions"),
            format!(
                "give the status of every action of plan {}: missing action {}",
                plan.number,
                missing.join(", ")
            ),
        ));
    }
    statuses.sort_by_key(|s| s.action);
    let decision = match form.decision {
        Some(d) => d,
        None => {
            out.push(Problem::new(
                root.key("decision"),
                "give the decision: close, continue or escalate",
            ));
            Decision::Continue
        }
    };
    match (decision, form.escalation) {
        (Decision::Escalate, None) => out.push(Problem::new(
            root.key("escalation"),
            format!(
                "say what the case is escalated to: {}",
                Escalation::ALL.map(Escalation::as_str).join(", ")
            ),
        )),
        (Decision::Close | Decision::Continue, Some(_)) if form.decision.is_some() => {
            out.push(Problem::new(
                root.key("escalation"),
                "an escalation goes with decision: escalate",
            ))
        }
        _ => {}
    }
    if decision == Decision::Close && outcome != Outcome::Met && form.decision.is_some() {
        out.push(Problem::new(
            root.key("decision"),
            format!(
                "the outcome is {}: a plan is closed when its target is met; continue it or escalate (the guidance keeps a plan in place)",
                outcome.label()
            ),
        ));
    }
    let mut next = None;
    if decision != Decision::Close {
        let np = form.next_plan.clone().unwrap_or_default();
        let at = root.key("next_plan");
        let review_date = np
            .review_date
            .unwrap_or_else(|| default_next_review(date, review_weeks));
        check_review_date(
            &mut out,
            &mut warnings,
            at.key("review_date"),
            date,
            review_date,
            Some(CONTINUE_MAX_DAYS),
        );
        let aim = np.aim.clone().unwrap_or_else(|| plan.aim.clone());
        check_aim(&mut out, &aim, &at.key("aim"));
        let form_actions = if np.actions.is_empty() {
            carried_actions(plan, &form.actions, review_date)
        } else {
            np.actions.clone()
        };
        let kept_actions: Vec<usize> = (0..form_actions.len())
            .filter(|&i| !form_actions[i].is_blank())
            .collect();
        let actions: Vec<Action> = kept_actions
            .iter()
            .map(|&i| {
                let a = &form_actions[i];
                Action {
                    for_: a.for_,
                    agency: a.agency.trim().into(),
                    what: tidy(&a.what),
                    owner: a.owner.trim().into(),
                    due: a.due.unwrap_or(review_date.max(date)),
                }
            })
            .collect();
        let mut a_out = Vec::new();
        check_actions(&mut a_out, &actions, &at.key("actions"), date);
        if actions.is_empty() {
            a_out = vec![Problem::new(
                at.key("actions"),
                "every action of the plan was done: give the new plan's actions (next_plan.actions), as a plan stays in place",
            )];
        }
        out.extend(
            a_out
                .into_iter()
                .map(|p| remap_index(p, "actions", &kept_actions)),
        );
        for (i, c) in np.copies.iter().enumerate() {
            required(
                &mut out,
                at.key("copies").index(i).key("to"),
                &c.to,
                "who a copy went to",
            );
        }
        for (who, label) in [
            (ActionFor::Parents, "the parents/carers"),
            (ActionFor::School, "the school"),
        ] {
            if !actions.is_empty() && !actions.iter().any(|a| a.for_ == who) {
                warnings.push(format!(
                    "plan {} has no action for {label}: the guidance asks that everyone at the meeting has actions",
                    plan.number + 1
                ));
            }
        }
        next = Some(CheckedNext {
            aim,
            actions,
            review_date,
            concerns: tidy(&np.concerns),
            wellbeing_goals: tidy(&np.wellbeing_goals),
            copies: np.copies.clone(),
        });
    } else if form.next_plan.is_some() {
        out.push(Problem::new(
            root.key("next_plan"),
            "a review that closes the plan makes no new plan: remove next_plan, or continue",
        ));
    }
    if !out.is_empty() {
        return Err(out);
    }
    if date < plan.review_date {
        warnings.push(format!(
            "the review is earlier than planned ({})",
            plan.review_date
        ));
    }
    let review = Review {
        meeting,
        during_plan: figures.during.clone(),
        before_plan: figures.before.clone(),
        year_to_date: figures.year.clone(),
        proposed_outcome: figures.proposed,
        outcome,
        outcome_reason: tidy(&form.outcome_reason),
        what_worked: tidy(&form.what_worked),
        what_did_not_work: tidy(&form.what_did_not_work),
        actions: statuses,
        decision,
        escalation: form.escalation,
        notes: tidy(&form.notes),
        next_plan: None,
        seal: None,
    };
    Ok(CheckedReview {
        review,
        next,
        warnings,
    })
}

/// What recording a review did.
#[derive(Debug, Clone)]
pub struct ReviewRecorded {
    pub plan: u32,
    pub outcome: Outcome,
    pub decision: Decision,
    pub next_plan: Option<(u32, NaiveDate)>,
    pub stage: Option<StageChange>,
    pub warnings: Vec<String>,
}

/// Record a review of the open plan: figures frozen in, a `review` event, and by the decision:
/// close (stage back to monitor), continue (a new plan) or escalate (a new plan, stage raised).
pub fn record_review(case: &mut Case, checked: CheckedReview, by: &str) -> Result<ReviewRecorded> {
    if case.stage == Stage::Closed {
        bail!(
            "the case of {} is closed: reopen it first (attend case stage)",
            case.pupil.id
        );
    }
    let Some(plan) = open_plan(case) else {
        bail!(
            "{} has no plan waiting for review: record one with attend plan new {}",
            case.pupil.id,
            case.pupil.id
        );
    };
    let number = plan.number;
    let plan_meeting = plan.meeting.date;
    let mut review = checked.review;
    let date = review.meeting.date;
    if date < plan_meeting {
        bail!("the review ({date}) is before the plan's meeting ({plan_meeting})");
    }
    let decision = review.decision;
    let outcome = review.outcome;
    let escalation = review.escalation;
    let next_number = number + 1;
    let mut next_plan = None;
    if let Some(n) = &checked.next {
        review.next_plan = Some(next_number);
        next_plan = Some((next_number, n.review_date));
    }
    let mut text = format!(
        "{}; plan {number}: {}",
        meeting_summary(&review.meeting, "Review meeting"),
        outcome.label()
    );
    if let Some(p) = review.proposed_outcome
        && p != outcome
    {
        text.push_str(&format!(
            " (the figures gave {}: {})",
            p.label(),
            review.outcome_reason
        ));
    }
    if let Some(d) = &review.during_plan {
        text.push_str(&format!("; attendance during the plan {}", d.describe()));
    }
    match decision {
        Decision::Close => text.push_str("; plan closed"),
        Decision::Continue => text.push_str(&format!("; plan continues as plan {next_number}")),
        Decision::Escalate => text.push_str(&format!(
            "; escalated to {}, with plan {next_number} in place",
            escalation.map(Escalation::label).unwrap_or("the next step")
        )),
    }
    if let Some(pn) = review
        .year_to_date
        .as_ref()
        .and_then(|y| y.penalty_notice.as_ref())
    {
        text.push_str(&format!(
            "; penalty-notice threshold met: {} unauthorised sessions from {} to {}",
            pn.sessions, pn.from, pn.to
        ));
    }
    let meeting = review.meeting.clone();
    let last = case.plans.last_mut().expect("open plan");
    last.review = Some(review);
    case.timeline.push(Event {
        date,
        kind: EventKind::Review,
        by: by.trim().into(),
        with: String::new(),
        text,
        stage: None,
        plan: Some(number),
        document: None,
        seal: None,
    });
    if let Some(n) = checked.next {
        let attendance = case
            .plans
            .last()
            .and_then(|p| p.review.as_ref())
            .and_then(|r| r.year_to_date.clone());
        case.plans.push(Plan {
            number: next_number,
            follows_review_of: Some(number),
            meeting,
            attendance,
            summary_of_concerns: String::new(),
            reasons: String::new(),
            barriers: vec![],
            support_in_place: String::new(),
            going_well: String::new(),
            concerns: n.concerns,
            wellbeing_goals: n.wellbeing_goals,
            other_issues: String::new(),
            child_view: String::new(),
            aim: n.aim.clone(),
            actions: n.actions,
            review_date: n.review_date,
            copies: n.copies,
            review: None,
            seal: None,
        });
        case.timeline.push(Event {
            date,
            kind: EventKind::Plan,
            by: by.trim().into(),
            with: String::new(),
            text: format!(
                "Plan {next_number} agreed at the review of plan {number}: {}; review due {}",
                n.aim.describe(),
                n.review_date
            ),
            stage: None,
            plan: Some(next_number),
            document: None,
            seal: None,
        });
    }
    let stage = match decision {
        Decision::Close => timeline::set_stage(
            case,
            Stage::Monitor,
            date,
            by,
            &format!("plan {number} met its target and was closed"),
        ),
        Decision::Continue => timeline::raise_stage(
            case,
            Stage::Support,
            date,
            by,
            &format!("plan {number} continues"),
        ),
        Decision::Escalate => {
            let e = escalation.expect("checked");
            let to = e.stage();
            let why = format!("escalated to {} at the review of plan {number}", e.label());
            if case.stage < to {
                timeline::raise_stage(case, to, date, by, &why)
            } else {
                None
            }
        }
    };
    Ok(ReviewRecorded {
        plan: number,
        outcome,
        decision,
        next_plan,
        stage,
        warnings: checked.warnings,
    })
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, day).unwrap()
    }

    /// A snapshot with just the counts that matter here (read as a case file would hold it).
    fn snap(attended: u32, possible: u32, unauthorised: u32) -> Snapshot {
        let text = format!(
            "period: p\nfrom: 2025-01-06\nto: 2025-01-31\npossible: {possible}\npresent: {attended}\n\
             approved_activity: 0\nauthorised: {}\nunauthorised: {unauthorised}\n\
             late_before_close: 0\nlate_after_close: 0\nband: none\n",
            possible - attended - unauthorised
        );
        crate::yaml::from_str(&text, std::path::Path::new("snapshot")).unwrap()
    }

    fn target(t: &str) -> Aim {
        Aim {
            target: Some(Percent::parse(t).unwrap()),
            weeks: Some(3),
            no_unauthorised_absence: false,
        }
    }

    #[test]
    fn the_target_is_met_exactly_at_the_line() {
        // 57 of 60 = 95.0% exactly: met
        assert_eq!(
            propose(&target("95"), Some(&snap(57, 60, 0)), None),
            Some(Outcome::Met)
        );
        // 56 of 60 = 93.33%: not met; before 50 of 60: some improvement
        assert_eq!(
            propose(
                &target("95"),
                Some(&snap(56, 60, 4)),
                Some(&snap(50, 60, 10))
            ),
            Some(Outcome::SomeImprovement)
        );
        // no better than before: not met
        assert_eq!(
            propose(
                &target("95"),
                Some(&snap(56, 60, 4)),
                Some(&snap(56, 60, 4))
            ),
            Some(Outcome::NotMet)
        );
        // 1899 of 2000 = 94.95%, which shows as 95.0 (rounded) but is short of 95
        assert_eq!(
            propose(&target("95"), Some(&snap(1899, 2000, 0)), None),
            Some(Outcome::NotMet)
        );
        // a decimal target
        assert_eq!(
            propose(&target("92.5"), Some(&snap(37, 40, 0)), None),
            Some(Outcome::Met)
        );
        assert_eq!(
            propose(&target("92.51"), Some(&snap(37, 40, 0)), None),
            Some(Outcome::NotMet)
        );
        // no possible sessions: nothing to judge by
        assert_eq!(propose(&target("95"), Some(&snap(0, 0, 0)), None), None);
        assert_eq!(propose(&target("95"), None, None), None);
    }

    #[test]
    fn no_unauthorised_absence_is_judged_by_the_unauthorised_rate() {
        let aim = Aim {
            target: None,
            weeks: None,
            no_unauthorised_absence: true,
        };
        assert_eq!(
            propose(&aim, Some(&snap(50, 60, 0)), None),
            Some(Outcome::Met)
        );
        assert_eq!(
            propose(&aim, Some(&snap(58, 60, 2)), Some(&snap(50, 60, 6))),
            Some(Outcome::SomeImprovement)
        );
        assert_eq!(
            propose(&aim, Some(&snap(58, 60, 2)), Some(&snap(59, 60, 1))),
            Some(Outcome::NotMet)
        );
    }
    #[test]
    fn the_next_review_is_at_most_three_weeks_on() {
        assert_eq!(default_next_review(d(2, 10), 3), d(3, 3));
        assert_eq!(default_next_review(d(2, 10), 4), d(3, 3));
        assert_eq!(default_next_review(d(2, 10), 2), d(2, 24));
    }
}
