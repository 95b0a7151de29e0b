//! The plan form: what the officer gives for a meeting and its plan (in an editor, a file or
//! flags), checked into a [`CheckedPlan`].

use super::*;

/// An attendee as a form takes them: `{name: ..., role: ...}` or `"Name|Role"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormAttendee(pub Attendee);

impl FormAttendee {
    /// Parse `"Name|Role"` (as `--attendee` takes it).
    pub fn parse(text: &str) -> Result<FormAttendee, String> {
        let Some((name, role)) = text.split_once('|') else {
            return Err(format!(
                "{text:?} has no role: write an attendee as \"Name|Role\", e.g. \"Jane Smith|Mother\""
            ));
        };
        let (name, role) = (name.trim(), role.trim());
        if name.is_empty() || role.is_empty() || role.contains('|') {
            return Err(format!(
                "{text:?} is not \"Name|Role\": give one name and one role, e.g. \"Jane Smith|Mother\""
            ));
        }
        Ok(FormAttendee(Attendee {
            name: name.into(),
            role: role.into(),
        }))
    }
}

impl<'de> Deserialize<'de> for FormAttendee {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = FormAttendee;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an attendee: \"Name|Role\", or a name and a role (name: Jane Smith, role: Mother)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<FormAttendee, E> {
                FormAttendee::parse(v).map_err(E::custom)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<FormAttendee, A::Error> {
                Attendee::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(FormAttendee)
            }
        }
        d.deserialize_any(V)
    }
}

/// An action as a form takes it: `due` may be left out (it is then the review date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormAction {
    #[serde(rename = "for")]
    pub for_: ActionFor,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub agency: String,
    #[serde(default)]
    pub what: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
}

impl FormAction {
    /// Parse `"for|what|owner"` or `"for|what|owner|due"` (as `--action` takes it).
    pub fn parse(text: &str) -> Result<FormAction, String> {
        let parts: Vec<&str> = text.split('|').map(str::trim).collect();
        let usage = "write an action as \"for|what|owner|due\", e.g. \"parents|Phone the school by 9am on any day of absence|Jane Smith|2025-02-10\" \
                     (for: young_person, parents, school or agency:NAME; due is optional)";
        if !(3..=4).contains(&parts.len()) {
            return Err(format!("{text:?}: {usage}"));
        }
        let (for_, agency) = match parts[0].split_once(':') {
            Some((f, a)) => (f, a.trim().to_string()),
            None => (parts[0], String::new()),
        };
        let for_ = ActionFor::parse(for_).ok_or_else(|| {
            format!(
                "{text:?}: {:?} is not who an action is for; {usage}",
                parts[0]
            )
        })?;
        let due = match parts.get(3) {
            Some(d) if !d.is_empty() => Some(crate::dates::parse_cli_date(d)?),
            _ => None,
        };
        Ok(FormAction {
            for_,
            agency,
            what: parts[1].into(),
            owner: parts[2].into(),
            due,
        })
    }

    pub(super) fn is_blank(&self) -> bool {
        self.what.trim().is_empty() && self.owner.trim().is_empty() && self.agency.trim().is_empty()
    }
}

/// A meeting and its plan as the officer gives them (editor form, `--from` file or flags).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanForm {
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub parents_attended: Option<bool>,
    #[serde(default)]
    pub attendees: Vec<FormAttendee>,
    #[serde(default)]
    pub summary_of_concerns: String,
    #[serde(default)]
    pub reasons: String,
    #[serde(default)]
    pub barriers: Vec<Barrier>,
    #[serde(default)]
    pub support_in_place: String,
    #[serde(default)]
    pub going_well: String,
    #[serde(default)]
    pub concerns: String,
    #[serde(default)]
    pub wellbeing_goals: String,
    #[serde(default)]
    pub other_issues: String,
    #[serde(default)]
    pub child_view: String,
    #[serde(default)]
    pub aim: Option<Aim>,
    #[serde(default)]
    pub actions: Vec<FormAction>,
    #[serde(default)]
    pub review_date: Option<NaiveDate>,
    #[serde(default)]
    pub copies: Vec<CopyTo>,
}

/// A plan ready to record, and what the officer should hear about it.
#[derive(Debug, Clone)]
pub struct CheckedPlan {
    pub meeting: Meeting,
    pub fields: PlanText,
    pub aim: Aim,
    pub actions: Vec<Action>,
    pub review_date: NaiveDate,
    pub copies: Vec<CopyTo>,
    pub warnings: Vec<String>,
}

/// The free-text sections of a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanText {
    pub summary_of_concerns: String,
    pub reasons: String,
    pub barriers: Vec<Barrier>,
    pub support_in_place: String,
    pub going_well: String,
    pub concerns: String,
    pub wellbeing_goals: String,
    pub other_issues: String,
    pub child_view: String,
}

/// Text as it is kept: no trailing spaces or blank lines, but a block keeps its line breaks.
pub(super) fn tidy(s: &str) -> String {
    let lines: Vec<&str> = s.lines().map(str::trim_end).collect();
    lines.join("\n").trim().to_string()
}

/// Review date checks shared by plans and continued plans.
pub(super) fn check_review_date(
    out: &mut Vec<Problem>,
    warnings: &mut Vec<String>,
    path: FieldPath,
    meeting: NaiveDate,
    review: NaiveDate,
    max_days: Option<i64>,
) {
    let days = (review - meeting).num_days();
    if days <= 0 {
        out.push(Problem::new(
            path,
            format!("the review ({review}) must be after the meeting ({meeting})"),
        ));
        return;
    }
    if let Some(max) = max_days
        && days > max
    {
        out.push(Problem::new(
            path,
            format!("the review ({review}) is {days} days after this review: the guidance sets the next review no more than 3 weeks later (by {})", meeting + Duration::days(max)),
        ));
        return;
    }
    if !(REVIEW_MIN_DAYS..=REVIEW_MAX_DAYS).contains(&days) {
        warnings.push(format!(
            "the review on {review} is {days} days after the meeting; the guidance suggests 2 to 4 weeks (3 is usual)"
        ));
    }
}

/// Check the form and turn it into a plan's parts. `today` bounds dates; `review_weeks` is the
/// default review interval (attend.yaml `reviews.weeks`).
pub fn check_plan_form(
    form: &PlanForm,
    today: NaiveDate,
    review_weeks: u32,
) -> Result<CheckedPlan, Vec<Problem>> {
    let root = FieldPath::root();
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    let Some(date) = form.date else {
        return Err(vec![Problem::new(
            root.key("date"),
            "give the date of the meeting (date: YYYY-MM-DD)",
        )]);
    };
    if date > today {
        out.push(Problem::new(root.key("date"), format!("the meeting date {date} is after today ({today}): record a plan once the meeting has been held")));
    }
    let attendees: Vec<Attendee> = form
        .attendees
        .iter()
        .map(|a| a.0.clone())
        .filter(|a| !(a.name.trim().is_empty() && a.role.trim().is_empty()))
        .map(|a| Attendee {
            name: a.name.trim().into(),
            role: a.role.trim().into(),
        })
        .collect();
    let meeting = Meeting {
        date,
        place: form.place.trim().into(),
        parents_attended: form.parents_attended.unwrap_or(true),
        attendees,
    };
    if form.parents_attended.is_none() {
        out.push(Problem::new(
            root.key("parents_attended"),
            "say whether the parents or carers attended (parents_attended: true, or false for a meeting held in their absence)",
        ));
    }
    // check attendees against the form's own list (blank entries were dropped, so map indexes back)
    let kept: Vec<usize> = (0..form.attendees.len())
        .filter(|&i| {
            !(form.attendees[i].0.name.trim().is_empty()
                && form.attendees[i].0.role.trim().is_empty())
        })
        .collect();
    let mut m_out = Vec::new();
    check_meeting(&mut m_out, &meeting, &root);
    out.extend(
        m_out
            .into_iter()
            .map(|p| remap_index(p, "attendees", &kept)),
    );
    let aim = form.aim.clone().unwrap_or(Aim {
        target: None,
        weeks: None,
        no_unauthorised_absence: false,
    });
    check_aim(&mut out, &aim, &root.key("aim"));
    let review_date = form
        .review_date
        .unwrap_or(date + Duration::weeks(review_weeks as i64));
    check_review_date(
        &mut out,
        &mut warnings,
        root.key("review_date"),
        date,
        review_date,
        None,
    );
    let kept_actions: Vec<usize> = (0..form.actions.len())
        .filter(|&i| !form.actions[i].is_blank())
        .collect();
    let actions: Vec<Action> = kept_actions
        .iter()
        .map(|&i| {
            let a = &form.actions[i];
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
    check_actions(&mut a_out, &actions, &root.key("actions"), date);
    out.extend(
        a_out
            .into_iter()
            .map(|p| remap_index(p, "actions", &kept_actions)),
    );
    for (i, c) in form.copies.iter().enumerate() {
        required(
            &mut out,
            root.key("copies").index(i).key("to"),
            &c.to,
            "who a copy went to",
        );
        if let Some(s) = c.sent {
            if s < date {
                out.push(Problem::new(
                    root.key("copies").index(i).key("sent"),
                    format!("sent {s} is before the meeting ({date})"),
                ));
            } else if s > today {
                out.push(Problem::new(
                    root.key("copies").index(i).key("sent"),
                    format!("sent {s} is after today ({today})"),
                ));
            }
        }
    }
    if !out.is_empty() {
        return Err(out);
    }
    for (who, label) in [
        (ActionFor::Parents, "the parents/carers"),
        (ActionFor::School, "the school"),
    ] {
        if !actions.iter().any(|a| a.for_ == who) {
            warnings.push(format!(
                "no action for {label}: the guidance asks that everyone at the meeting has actions"
            ));
        }
    }
    if !meeting.parents_attended && form.copies.is_empty() {
        warnings.push("the meeting was held in the parents' absence: send them a copy of the plan with a letter (record it under copies)".into());
    }
    Ok(CheckedPlan {
        meeting,
        fields: PlanText {
            summary_of_concerns: tidy(&form.summary_of_concerns),
            reasons: tidy(&form.reasons),
            barriers: form
                .barriers
                .iter()
                .map(|b| Barrier {
                    kind: b.kind,
                    detail: tidy(&b.detail),
                })
                .collect(),
            support_in_place: tidy(&form.support_in_place),
            going_well: tidy(&form.going_well),
            concerns: tidy(&form.concerns),
            wellbeing_goals: tidy(&form.wellbeing_goals),
            other_issues: tidy(&form.other_issues),
            child_view: tidy(&form.child_view),
        },
        aim,
        actions,
        review_date,
        copies: form
            .copies
            .iter()
            .map(|c| CopyTo {
                to: c.to.trim().into(),
                sent: c.sent,
                how: c.how.trim().into(),
            })
            .collect(),
        warnings,
    })
}

/// A problem found on a list with blank entries dropped: point at the entry in the form.
pub(super) fn remap_index(mut p: Problem, list: &str, kept: &[usize]) -> Problem {
    use crate::cases::problem::Seg;
    if let Some(pos) = p
        .path
        .0
        .iter()
        .position(|s| *s == Seg::Key(list.to_string()))
        && let Some(Seg::Index(i)) = p.path.0.get(pos + 1).cloned()
        && let Some(&orig) = kept.get(i)
    {
        p.path.0[pos + 1] = Seg::Index(orig);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, day).unwrap()
    }

    fn target(t: &str) -> Aim {
        Aim {
            target: Some(Percent::parse(t).unwrap()),
            weeks: Some(3),
            no_unauthorised_absence: false,
        }
    }

    fn form() -> PlanForm {
        PlanForm {
            date: Some(d(1, 20)),
            parents_attended: Some(true),
            attendees: vec![
                FormAttendee::parse("Jane Smith|Mother").unwrap(),
                FormAttendee::parse("A Officer|Attendance Officer").unwrap(),
            ],
            aim: Some(target("95")),
            actions: vec![
                FormAction::parse("parents|Phone by 9am on any day of absence|Jane Smith").unwrap(),
                FormAction::parse("school|Daily check-in|A Officer|2025-02-03").unwrap(),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn a_plan_form_gets_the_default_review_date_and_action_dues() {
        let p = check_plan_form(&form(), d(1, 21), 3).unwrap();
        assert_eq!(p.review_date, d(2, 10));
        assert_eq!(p.actions[0].due, d(2, 10));
        assert_eq!(p.actions[1].due, d(2, 3));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    #[test]
    fn plan_form_errors_name_their_fields() {
        let mut f = form();
        f.review_date = Some(d(1, 10));
        f.actions[1].owner = " ".into();
        f.aim = Some(Aim {
            target: None,
            weeks: None,
            no_unauthorised_absence: false,
        });
        let errs = check_plan_form(&f, d(1, 21), 3).unwrap_err();
        let fields: Vec<String> = errs.iter().map(|p| p.path.to_string()).collect();
        assert_eq!(fields, ["aim", "review_date", "actions[2].owner"]);
        assert!(errs[1].message.contains("must be after the meeting"));
    }

    #[test]
    fn blank_actions_are_ignored_and_errors_point_at_the_form_entry() {
        let mut f = form();
        f.actions.insert(
            0,
            FormAction {
                for_: ActionFor::YoungPerson,
                agency: String::new(),
                what: String::new(),
                owner: String::new(),
                due: None,
            },
        );
        f.actions.push(FormAction {
            for_: ActionFor::Agency,
            agency: String::new(),
            what: "Assess".into(),
            owner: "EH".into(),
            due: None,
        });
        let errs = check_plan_form(&f, d(1, 21), 3).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].path.to_string(), "actions[4].agency");
    }

    #[test]
    fn review_dates_outside_two_to_four_weeks_warn() {
        let mut f = form();
        f.review_date = Some(d(3, 3));
        let p = check_plan_form(&f, d(1, 21), 3).unwrap();
        assert!(
            p.warnings.iter().any(|w| w.contains("2 to 4 weeks")),
            "{:?}",
            p.warnings
        );
    }

    #[test]
    fn attendees_and_actions_from_flags() {
        assert!(
            FormAttendee::parse("Jane Smith")
                .unwrap_err()
                .contains("Name|Role")
        );
        assert!(FormAttendee::parse("Jane Smith|").is_err());
        assert!(FormAttendee::parse("|Mother").is_err());
        assert!(FormAttendee::parse("a|b|c").is_err());
        let a =
            FormAction::parse("agency:Early Help|Family assessment|Sam Lee|2025-02-01").unwrap();
        assert_eq!(
            (a.for_, a.agency.as_str()),
            (ActionFor::Agency, "Early Help")
        );
        assert!(FormAction::parse("teacher|x|y").is_err());
        assert!(FormAction::parse("school|x").is_err());
        assert!(FormAction::parse("school|x|y|31/02/2025").is_err());
    }
}
