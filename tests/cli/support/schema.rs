//! A small JSON Schema checker for the subset cases/case.schema.json uses (no schema crate).

use super::{read, repo};
use std::path::Path;

/// Check `value` against the schema; returns the problems found (path: what).
pub fn schema_problems(schema: &serde_json::Value, value: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    check(schema, schema, value, "$", &mut out);
    out
}

fn resolve<'a>(root: &'a serde_json::Value, s: &'a serde_json::Value) -> &'a serde_json::Value {
    match s.get("$ref").and_then(|r| r.as_str()) {
        Some(r) => {
            let name = r.strip_prefix("#/$defs/").expect("local refs only");
            resolve(root, &root["$defs"][name])
        }
        None => s,
    }
}

fn check(
    root: &serde_json::Value,
    s: &serde_json::Value,
    v: &serde_json::Value,
    at: &str,
    out: &mut Vec<String>,
) {
    use serde_json::Value as J;
    let s = resolve(root, s);
    if let Some(alts) = s.get("oneOf").and_then(J::as_array) {
        let ok = alts.iter().filter(|a| {
            let mut o = Vec::new();
            check(root, a, v, at, &mut o);
            o.is_empty()
        });
        if ok.count() != 1 {
            out.push(format!("{at}: matches not exactly one of oneOf"));
        }
        return;
    }
    if let Some(c) = s.get("const")
        && c != v
    {
        out.push(format!("{at}: must be {c}"));
    }
    if let Some(e) = s.get("enum").and_then(J::as_array)
        && !e.contains(v)
    {
        out.push(format!("{at}: {v} is not one of {e:?}"));
    }
    match s.get("type").and_then(J::as_str) {
        Some("object") => {
            let Some(m) = v.as_object() else {
                out.push(format!("{at}: not an object"));
                return;
            };
            let props = s["properties"].as_object().unwrap();
            for k in m.keys() {
                if !props.contains_key(k) {
                    out.push(format!("{at}.{k}: not in the schema"));
                }
            }
            for r in s
                .get("required")
                .and_then(J::as_array)
                .into_iter()
                .flatten()
            {
                if !m.contains_key(r.as_str().unwrap()) {
                    out.push(format!("{at}.{}: required", r.as_str().unwrap()));
                }
            }
            for (k, sv) in props {
                if let Some(x) = m.get(k) {
                    check(root, sv, x, &format!("{at}.{k}"), out);
                }
            }
        }
        Some("array") => match v.as_array() {
            Some(items) => {
                for (i, x) in items.iter().enumerate() {
                    check(root, &s["items"], x, &format!("{at}[{i}]"), out);
                }
            }
            None => out.push(format!("{at}: not a list")),
        },
        Some("string") => match v.as_str() {
            Some(text) => {
                if let Some(p) = s.get("pattern").and_then(J::as_str)
                    && !regex_lite_match(p, text)
                {
                    out.push(format!("{at}: {text:?} does not match {p}"));
                }
            }
            None => out.push(format!("{at}: not a string")),
        },
        Some("integer") => {
            if !v.is_u64() && !v.is_i64() {
                out.push(format!("{at}: not an integer"));
            } else if let (Some(min), Some(x)) = (s.get("minimum").and_then(J::as_i64), v.as_i64())
                && x < min
            {
                out.push(format!("{at}: below {min}"));
            }
        }
        Some("number") if !v.is_number() => out.push(format!("{at}: not a number")),
        Some("boolean") if !v.is_boolean() => out.push(format!("{at}: not true or false")),
        _ => {}
    }
}

/// The few regular expressions the schema uses, checked by hand (no regex engine needed).
fn regex_lite_match(pattern: &str, text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match pattern {
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" => {
            let p: Vec<&str> = text.split('-').collect();
            p.len() == 3
                && p[0].len() == 4
                && p[1].len() == 2
                && p[2].len() == 2
                && p.iter().all(|x| digits(x))
        }
        "^[0-9]{1,3}\\.[0-9]$" => text
            .split_once('.')
            .is_some_and(|(a, b)| digits(a) && a.len() <= 3 && b.len() == 1 && digits(b)),
        "^[0-9a-f]{64}$" => {
            text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        }
        "^[0-9]{4}-[0-9]{2}-[0-9]{2} sha256:[0-9a-f]{64}$" => {
            text.split_once(" sha256:").is_some_and(|(d, h)| {
                regex_lite_match("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", d)
                    && regex_lite_match("^[0-9a-f]{64}$", h)
            })
        }
        "^(opening_attendance|plans\\.[1-9][0-9]*(\\.review)?|timeline\\.[1-9][0-9]*)$" => {
            attend::cases::seal::Part::parse(text)
                .is_ok_and(|p| p.to_string() == text && !text.starts_with("amendments"))
        }
        p if p.starts_with("^([A-HJ-NP-RT-Z]") => {
            attend::upn::PupilId::parse(text).is_ok_and(|id| id.as_str() == text)
        }
        p if p.starts_with("^[0-9]{1,3}(") => attend::cases::model::Percent::parse(text).is_ok(),
        other => panic!("the test's schema checker does not know the pattern {other}"),
    }
}

/// Check a case file against cases/case.schema.json.
pub fn assert_matches_schema(case_yaml: &Path) {
    let schema: serde_json::Value =
        serde_json::from_str(&read(&repo().join("cases/case.schema.json"))).unwrap();
    let value: serde_json::Value = serde_yaml::from_str(&read(case_yaml)).unwrap();
    let problems = schema_problems(&schema, &value);
    assert!(
        problems.is_empty(),
        "{} does not match the schema:\n{}",
        case_yaml.display(),
        problems.join("\n")
    );
}
