//! Addressing letters: who a letter goes to and who gets a copy, from the case's people.

use crate::cases::Case;
use crate::cases::model::Person;
use crate::documents::{DocumentError, Kind};
use crate::text::join_and;
use serde_json::{Value, json};

pub(super) fn recipient_people(case: &Case) -> impl Iterator<Item = &Person> {
    case.with_parental_responsibility()
}

/// The people a letter is addressed to, and its copies: one per address for letters (everyone
/// with parental responsibility who lives there), one per person for a Notice to Improve (each
/// parent is given their own notice).
pub(super) fn addressees<'c>(
    case: &'c Case,
    kind: Kind,
    pupil_name: &str,
    warnings: &mut Vec<String>,
) -> Result<(Vec<&'c Person>, Vec<Value>), DocumentError> {
    let people: Vec<&Person> = recipient_people(case).collect();
    if people.is_empty() {
        if kind != Kind::ConcernLetter {
            return Err(DocumentError::NoParentalResponsibility {
                id: case.pupil.id.to_string(),
                what: kind.in_sentence(),
            });
        }
        warnings.push(format!(
            "nobody in the case is recorded as holding parental responsibility: the letter is addressed to \"the parent or carer of {pupil_name}\", with no address (add the parents to the case with attend case edit {})",
            case.pupil.id
        ));
        return Ok((
            people,
            vec![json!({
                "names": [format!("The parent or carer of {pupil_name}")],
                "address": [],
                "salutation": "Dear Parent or Carer",
            })],
        ));
    }
    for p in &people {
        if p.address.iter().all(|l| l.trim().is_empty()) {
            warnings.push(format!(
                "no postal address is recorded for {}: their copy has only their name on it",
                p.name.trim()
            ));
        }
    }
    let key = |p: &Person| -> Vec<String> {
        p.address
            .iter()
            .map(|l| {
                l.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase()
            })
            .filter(|l| !l.is_empty())
            .collect()
    };
    let mut groups: Vec<(Vec<String>, Vec<&Person>)> = Vec::new();
    for p in &people {
        let k = key(p);
        let shared = kind != Kind::NoticeToImprove && !k.is_empty();
        match groups.iter_mut().find(|(gk, _)| shared && *gk == k) {
            Some((_, g)) => g.push(p),
            None => groups.push((k, vec![p])),
        }
    }
    let copies = groups
        .into_iter()
        .map(|(_, g)| {
            let names: Vec<&str> = g.iter().map(|p| p.name.trim()).collect();
            json!({
                "names": names,
                "address": g[0].address.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect::<Vec<_>>(),
                "salutation": format!("Dear {}", join_and(&names)),
            })
        })
        .collect();
    Ok((people, copies))
}
