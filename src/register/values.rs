//! What the pupil characteristics mean: SEN provision, free school meals, English as an
//! additional language and gender, from the DfE's school census code lists, in one place.
//!
//! An export holds the MIS's codes (`E`, `K`, `N`; `Y`, `N`; `ENG`, `POL`; `M`, `F`) or words
//! for them (`EHC Plan`, `Yes`, `Male`). Each is read here as the DfE value it stands for, and
//! shown to people as what it means ("EHC plan", "Eligible for FSM"). A value that is none of
//! them (a school's own `C` for FSM) is refused at import, with what to do: correct it in the
//! MIS, or say in attend.yaml (`import.values`) which DfE value it stands for.

use std::collections::BTreeMap;

/// The characteristics checked: the `pupils.csv` field, and how people name it.
pub const FIELDS: [(&str, &str); 4] = [
    ("sen", "SEN"),
    ("fsm", "FSM"),
    ("eal", "EAL"),
    ("gender", "gender"),
];

/// The DfE value a MIS value stands for (`None`: not one attend knows). Case and spaces do not
/// matter.
pub fn canonical(field: &str, value: &str) -> Option<&'static str> {
    let v = value.trim().to_ascii_uppercase().replace(['-', '_'], " ");
    let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
    let yes = matches!(v.as_str(), "Y" | "YES" | "TRUE" | "T" | "1");
    let no = matches!(v.as_str(), "N" | "NO" | "FALSE" | "F" | "0");
    match field {
        // the census's SEN provision: N, K (SEN support), E (EHC plan); the codes before 2014
        // (A School Action, P School Action Plus, S statement) as what replaced them
        "sen" => match v.as_str() {
            "N" | "NO" | "NONE" | "NO SEN" | "FALSE" | "0" => Some("N"),
            "K" | "SEN SUPPORT" | "A" | "P" | "SCHOOL ACTION" | "SCHOOL ACTION PLUS" => Some("K"),
            "E" | "EHC PLAN" | "EHCP" | "EHC" | "S" | "STATEMENT" => Some("E"),
            _ if yes => Some("Y"),
            _ => None,
        },
        "fsm" => match v.as_str() {
            "ELIGIBLE" | "ELIGIBLE FOR FSM" => Some("Y"),
            "NOT ELIGIBLE" | "NOT ELIGIBLE FOR FSM" => Some("N"),
            _ if yes => Some("Y"),
            _ if no => Some("N"),
            _ => None,
        },
        // first language: ENG/ENB English (or believed to be), OTH/OTB other than English, NOT
        // not obtained, REF refused; any other census language code (POL, URD, PNJ, ALBA...)
        // is a first language other than English
        "eal" => match v.as_str() {
            "ENG" | "ENB" | "ENGLISH" | "NOT EAL" => Some("N"),
            "OTH" | "OTB" | "EAL" => Some("Y"),
            "NOT" | "NOT KNOWN" | "UNKNOWN" | "REF" | "REFUSED" => Some("U"),
            _ if yes => Some("Y"),
            _ if no => Some("N"),
            l if (3..=4).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_uppercase()) => {
                Some("Y")
            }
            _ => None,
        },
        "gender" => match v.as_str() {
            "M" | "MALE" | "BOY" => Some("M"),
            "F" | "FEMALE" | "GIRL" => Some("F"),
            "U" | "UNKNOWN" | "NOT KNOWN" => Some("U"),
            _ => None,
        },
        _ => None,
    }
}

/// What a DfE value means, in words for people.
fn meaning_of(field: &str, dfe: &str) -> &'static str {
    match (field, dfe) {
        ("sen", "N") => "No SEN",
        ("sen", "K") => "SEN support",
        ("sen", "E") => "EHC plan",
        ("sen", _) => "SEN (kind not recorded)",
        ("fsm", "Y") => "Eligible for FSM",
        ("fsm", _) => "Not eligible for FSM",
        ("eal", "Y") => "EAL (first language not English)",
        ("eal", "N") => "Not EAL (first language English)",
        ("eal", _) => "First language not known",
        ("gender", "M") => "Male",
        ("gender", "F") => "Female",
        _ => "Not known",
    }
}

/// What a stored value means ("EHC plan" for `E`); a value attend does not know (held from
/// before values were checked) is shown as it is; a blank stays blank.
pub fn meaning(field: &str, value: &str) -> String {
    if value.trim().is_empty() {
        return String::new();
    }
    match canonical(field, value) {
        Some(d) => meaning_of(field, d).to_string(),
        None => value.trim().to_string(),
    }
}

/// Is `field` one of the characteristics read from the DfE's code lists?
pub fn is_coded(field: &str) -> bool {
    FIELDS.iter().any(|(f, _)| *f == field)
}

/// The values every characteristic accepts, for messages.
fn accepted(field: &str) -> &'static str {
    match field {
        "sen" => "N (no SEN), K (SEN support), E (EHC plan)",
        "fsm" => "Y (eligible), N (not eligible)",
        "eal" => "a census first-language code (ENG, ENB, OTH, OTB, POL, URD...), NOT, REF, or Y/N",
        _ => "M, F, U (not known)",
    }
}

/// The school's own values, mapped in attend.yaml to the DfE value each stands for:
/// `import.values: {fsm: {C: Y}}`. Checks the mapping itself (a known field, a DfE value).
pub fn check_map(map: &BTreeMap<String, BTreeMap<String, String>>) -> Result<(), String> {
    for (field, values) in map {
        if !is_coded(field) {
            return Err(format!(
                "import.values: {field:?} is not one of sen, fsm, eal, gender"
            ));
        }
        for (own, dfe) in values {
            if canonical(field, dfe).is_none() {
                return Err(format!(
                    "import.values: {field} {own:?} is mapped to {dfe:?}, which is not a DfE value: use {}",
                    accepted(field)
                ));
            }
        }
    }
    Ok(())
}

/// A value of the export, after the school's mapping (exact, case and spaces aside).
fn mapped<'a>(
    map: &'a BTreeMap<String, BTreeMap<String, String>>,
    field: &str,
    value: &'a str,
) -> &'a str {
    map.get(field)
        .and_then(|m| {
            m.iter()
                .find(|(own, _)| own.trim().eq_ignore_ascii_case(value.trim()))
                .map(|(_, dfe)| dfe.as_str())
        })
        .unwrap_or(value)
}

/// What a value an export holds becomes.
enum Outcome {
    /// It is a DfE value: kept as it is.
    Stays,
    /// It is mapped to (or is written otherwise than) this DfE value.
    Becomes(String),
    /// It is not a DfE value, nor mapped to one.
    Unknown,
}

/// Check (and map) the characteristics of an export's pupils: every value must be a DfE value,
/// or mapped to one in attend.yaml. `pupils` gives each pupil's details and the line they are
/// on. The error names each unknown value, how many pupils have it and the first line, never a
/// pupil, and says what to do.
pub fn check_export<'a>(
    pupils: impl Iterator<Item = (&'a mut super::Pupil, usize)>,
    map: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<(), String> {
    // (field, value) -> (pupils, first line)
    let mut unknown: BTreeMap<(&'static str, String), (usize, usize)> = BTreeMap::new();
    // per field, what each value held becomes: worked out once per value, however many pupils
    // hold it (a school's export holds a handful of values for thousands of pupils)
    let mut seen: [rustc_hash::FxHashMap<String, Outcome>; FIELDS.len()] = Default::default();
    for (p, line) in pupils {
        for (k, (field, _)) in FIELDS.into_iter().enumerate() {
            let v = p.field(field);
            if v.trim().is_empty() {
                continue;
            }
            if !seen[k].contains_key(v.as_ref()) {
                let m = mapped(map, field, &v);
                let outcome = if canonical(field, m).is_none() {
                    Outcome::Unknown
                } else if m != v {
                    Outcome::Becomes(m.to_string())
                } else {
                    Outcome::Stays
                };
                seen[k].insert(v.to_string(), outcome);
            }
            match &seen[k][v.as_ref()] {
                Outcome::Stays => {}
                Outcome::Becomes(m) => p.set_field(field, m),
                Outcome::Unknown => {
                    let e = unknown
                        .entry((field, v.trim().to_string()))
                        .or_insert((0, line));
                    e.0 += 1;
                    e.1 = e.1.min(line);
                }
            }
        }
    }
    if unknown.is_empty() {
        return Ok(());
    }
    let mut msg = String::from("the export holds values attend does not know:");
    for ((field, value), (n, line)) in &unknown {
        let name = FIELDS
            .iter()
            .find(|(f, _)| f == field)
            .map(|x| x.1)
            .unwrap_or(field);
        msg.push_str(&format!(
            "\n  {name} {value:?}: {} (first on line {line}); the DfE's values are {}",
            crate::text::plural(*n, "pupil"),
            accepted(field)
        ));
    }
    let ((field, value), _) = unknown.iter().next().expect("one");
    msg.push_str(&format!(
        "\nCorrect them in the MIS and export again, or say in attend.yaml which DfE value each stands for, for example:\n      import:\n        values:\n          {field}:\n            {value:?}: {}\nNothing was imported.",
        match *field {
            "sen" => "K",
            "gender" => "U",
            _ => "Y",
        }
    ));
    Err(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dfe_codes_and_words_mean_what_the_census_says() {
        for (field, value, shown) in [
            ("sen", "E", "EHC plan"),
            ("sen", "k", "SEN support"),
            ("sen", "N", "No SEN"),
            ("sen", "EHC Plan", "EHC plan"),
            ("sen", "S", "EHC plan"),
            ("fsm", "Y", "Eligible for FSM"),
            ("fsm", "no", "Not eligible for FSM"),
            ("eal", "ENG", "Not EAL (first language English)"),
            ("eal", "POL", "EAL (first language not English)"),
            ("eal", "OTB", "EAL (first language not English)"),
            ("eal", "NOT", "First language not known"),
            ("gender", "F", "Female"),
            ("gender", "Male", "Male"),
            ("gender", "", ""),
        ] {
            assert_eq!(meaning(field, value), shown, "{field} {value}");
        }
        assert_eq!(canonical("fsm", "C"), None);
        assert_eq!(canonical("sen", "Q"), None);
        assert_eq!(canonical("gender", "Z"), None);
        assert_eq!(canonical("eal", "Polish speaker"), None);
        assert_eq!(
            meaning("fsm", "C"),
            "C",
            "an old unknown value shown as it is"
        );
    }

    #[test]
    fn every_pupil_holding_a_value_is_counted_and_mapped_not_only_the_first() {
        // each value is worked out once: the pupils after the first who hold it must still be
        // counted (with the first line any is on) and changed
        let mut pupils: Vec<super::super::Pupil> = ["C", "C", "Y", "C", "No"]
            .map(|fsm| super::super::Pupil {
                fsm: fsm.into(),
                ..Default::default()
            })
            .into();
        let lines = [5, 4, 3, 2, 6];
        let none = BTreeMap::new();
        let err = check_export(pupils.iter_mut().zip(lines), &none).unwrap_err();
        assert!(
            err.contains("FSM \"C\": 3 pupils (first on line 2)"),
            "{err}"
        );
        let map = BTreeMap::from([(
            "fsm".to_string(),
            BTreeMap::from([("C".to_string(), "Y".to_string())]),
        )]);
        check_export(pupils.iter_mut().zip(lines), &map).unwrap();
        let held: Vec<&str> = pupils.iter().map(|p| p.fsm.as_str()).collect();
        assert_eq!(held, ["Y", "Y", "Y", "Y", "No"]);
    }

    #[test]
    fn unknown_values_are_refused_unless_mapped() {
        let mut a = super::super::Pupil {
            fsm: "C".into(),
            sen: "K".into(),
            ..Default::default()
        };
        let mut b = super::super::Pupil {
            fsm: "c".into(),
            ..Default::default()
        };
        let none = BTreeMap::new();
        let err = check_export([(&mut a, 3), (&mut b, 2)].into_iter(), &none).unwrap_err();
        assert!(
            err.contains("FSM \"C\": 1 pupil (first on line 3)"),
            "{err}"
        );
        assert!(
            err.contains("FSM \"c\": 1 pupil (first on line 2)"),
            "{err}"
        );
        assert!(
            err.contains("import:\n        values:\n          fsm:"),
            "{err}"
        );
        let map = BTreeMap::from([(
            "fsm".to_string(),
            BTreeMap::from([("C".to_string(), "Y".to_string())]),
        )]);
        check_export([(&mut a, 3), (&mut b, 2)].into_iter(), &map).unwrap();
        assert_eq!((a.fsm.as_str(), b.fsm.as_str()), ("Y", "Y"));
        assert!(check_map(&map).is_ok());
        let bad = BTreeMap::from([(
            "fsm".to_string(),
            BTreeMap::from([("C".to_string(), "maybe".to_string())]),
        )]);
        assert!(check_map(&bad).unwrap_err().contains("not a DfE value"));
    }
}
