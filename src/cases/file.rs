//! The text of case files and forms: reading with errors that name file, line and field, and
//! writing in one canonical layout (so a round trip changes no byte).

use super::model::{Case, FORMAT};
use super::problem::{CaseFileError, FieldPath, Located, Problem, Seg};
use crate::yaml::YamlError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::Path;

/// The comment at the top of every case file.
pub const HEADER: &str = "\
# attend case file: the record of one pupil's attendance case (format: attend's README, \"Case files\").
# You may edit it by hand; attend checks it whenever it reads it. attend saves it in its own layout, so comments are not kept.
";

/// Read YAML text into `T`, then check it with `validate`; every error names its line and field.
pub fn parse_checked<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    validate: impl FnOnce(&T) -> Vec<Problem>,
) -> Result<T, CaseFileError> {
    let value: T = if text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    }) {
        return Err(CaseFileError {
            file: file.display().to_string(),
            problems: vec![Located {
                line: None,
                field: None,
                message: "the file is empty".into(),
            }],
        });
    } else {
        crate::yaml::from_str(text, file).map_err(|e| from_yaml_error(&e, file))?
    };
    let problems = validate(&value);
    if problems.is_empty() {
        return Ok(value);
    }
    Err(CaseFileError {
        file: file.display().to_string(),
        problems: problems
            .into_iter()
            .map(|p| Located {
                line: locate(text, &p.path),
                field: (!p.path.is_root()).then(|| p.path.to_string()),
                message: p.message,
            })
            .collect(),
    })
}

/// Turn a YAML reading error into a located problem, with serde's field path counted from 1.
fn from_yaml_error(e: &anyhow::Error, file: &Path) -> CaseFileError {
    let (line, message) = match e.downcast_ref::<YamlError>() {
        Some(y) => (y.line, y.message.clone()),
        None => (None, e.to_string()),
    };
    let (field, message) = split_path(&message);
    CaseFileError {
        file: file.display().to_string(),
        problems: vec![Located {
            line,
            field,
            message,
        }],
    }
}

/// `plans[0].review_date: input contains invalid characters` → (`plans[1].review_date`, message).
fn split_path(message: &str) -> (Option<String>, String) {
    let Some((head, rest)) = message.split_once(": ") else {
        return (None, message.to_string());
    };
    let path_like = !head.is_empty()
        && head
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'))
        && head
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '[');
    if !path_like {
        return (None, message.to_string());
    }
    // serde counts list items from 0; people count from 1
    let mut out = String::new();
    let mut num = String::new();
    let mut in_index = false;
    for c in head.chars() {
        match c {
            '[' => {
                in_index = true;
                num.clear();
                out.push('[');
            }
            ']' if in_index => {
                in_index = false;
                match num.parse::<usize>() {
                    Ok(n) => out.push_str(&(n + 1).to_string()),
                    Err(_) => out.push_str(&num),
                }
                out.push(']');
            }
            c if in_index => num.push(c),
            c => out.push(c),
        }
    }
    (Some(out), rest.to_string())
}

/// The 1-based line of a field in block-style YAML (as attend writes it and people usually edit
/// it). When the field itself is missing, the line of the nearest enclosing field that exists.
pub fn locate(text: &str, path: &FieldPath) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let blank = |l: &str| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---"
    };
    let first = (0..lines.len()).find(|&i| !blank(lines[i]))?;
    // the node being searched: its first line, the column its content starts at, its end
    let (mut at, mut col, mut end) = (first, 0usize, lines.len());
    let mut found = first;
    // the text of line `i` from column `c`, if the line has nothing but spaces or "- " before it
    let from_col = |i: usize, c: usize, first_line: bool| -> Option<&str> {
        let l = lines[i];
        if l.len() < c || !l.is_char_boundary(c) {
            return None;
        }
        let (before, rest) = l.split_at(c);
        let ok = if first_line {
            before.chars().all(|ch| ch == ' ' || ch == '-')
        } else {
            before.chars().all(|ch| ch == ' ')
        };
        (ok && !rest.starts_with(' ')).then_some(rest)
    };
    for (depth, seg) in path.0.iter().enumerate() {
        // a field that is not there: the line of the nearest enclosing field that is
        let missing = if depth == 0 { None } else { Some(found + 1) };
        match seg {
            Seg::Key(k) => {
                let prefix = format!("{k}:");
                let hit = (at..end).filter(|&i| !blank(lines[i])).find(|&i| {
                    from_col(i, col, i == at).is_some_and(|r| {
                        r.strip_prefix(&prefix)
                            .is_some_and(|after| after.is_empty() || after.starts_with(' '))
                    })
                });
                let Some(hit) = hit else { return missing };
                found = hit;
                let after =
                    lines[hit][lines[hit].find(&prefix).map(|p| p + prefix.len())?..].trim();
                if !(after.is_empty() || after.starts_with('#')) {
                    // a value on the same line: nothing deeper to find
                    return Some(found + 1);
                }
                let Some(next) = (hit + 1..end).find(|&i| !blank(lines[i])) else {
                    return Some(found + 1);
                };
                let vcol = indent(lines[next]);
                if vcol < col || (vcol == col && !lines[next].trim_start().starts_with('-')) {
                    return Some(found + 1); // an empty value
                }
                let vend = (next..end)
                    .find(|&i| {
                        !blank(lines[i])
                            && (indent(lines[i]) < vcol
                                || (vcol == col
                                    && indent(lines[i]) == col
                                    && !lines[i].trim_start().starts_with('-')))
                    })
                    .unwrap_or(end);
                (at, col, end) = (next, vcol, vend);
            }
            Seg::Index(n) => {
                let items: Vec<usize> = (at..end)
                    .filter(|&i| !blank(lines[i]))
                    .filter(|&i| {
                        from_col(i, col, i == at).is_some_and(|r| r == "-" || r.starts_with("- "))
                            && (i == at || indent(lines[i]) == col)
                    })
                    .collect();
                let Some(&item) = items.get(*n) else {
                    return missing;
                };
                found = item;
                let item_end = items.get(n + 1).copied().unwrap_or(end);
                let rest = from_col(item, col, item == at).unwrap_or("");
                if rest == "-" {
                    let next = (item + 1..item_end).find(|&i| !blank(lines[i]))?;
                    (at, col, end) = (next, indent(lines[next]), item_end);
                } else {
                    (at, col, end) = (item, col + 2, item_end);
                }
            }
        }
    }
    Some(found + 1)
}

/// A case file's text: the header comment and the YAML.
pub fn case_text(case: &Case) -> anyhow::Result<String> {
    Ok(format!("{HEADER}{}", to_yaml(case)?))
}

/// YAML text of any value, through the one YAML module.
pub fn to_yaml<T: Serialize>(value: &T) -> anyhow::Result<String> {
    crate::yaml::to_string(value)
}

/// Read a case file's text and check everything that can be checked without the workspace.
pub fn parse_case(text: &str, file: &Path) -> Result<Case, CaseFileError> {
    if let Some(v) = format_version(text)
        && v != FORMAT
    {
        return Err(CaseFileError {
            file: file.display().to_string(),
            problems: vec![Located {
                line: locate(text, &FieldPath::root().key("format")),
                field: Some("format".into()),
                message: format!(
                    "this case file is format {v}, and this version of attend reads format {FORMAT}: \
                     use the attend that wrote it, or a newer one"
                ),
            }],
        });
    }
    parse_checked(text, file, |case: &Case| {
        let mut problems = super::validate::validate_case(case);
        problems.extend(super::seal::amendment_problems(case));
        problems
    })
}

/// The `format:` line, read before anything else so a newer file gets a clear message.
fn format_version(text: &str) -> Option<u32> {
    text.lines()
        .find_map(|l| l.strip_prefix("format:"))
        .and_then(|v| v.split('#').next())
        .and_then(|v| v.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
# a comment
format: 1
pupil:
  id: B801200005001
  surname: Smith
plans:
- number: 1
  meeting:
    date: 2025-01-20
    attendees:
    - name: Jane Smith
      role: Mother
    - name: A Officer
      role: Attendance Officer
  actions:
  - for: parents
    what: |
      owner: not this one
    owner: Mrs Smith
  - for: school
    what: Daily check-in
    owner: ''
- number: 2
  aim:
    target: 95
timeline:
-
  date: 2025-01-20
  kind: note
";

    fn p(segs: &[Seg]) -> FieldPath {
        FieldPath(segs.to_vec())
    }
    fn k(s: &str) -> Seg {
        Seg::Key(s.into())
    }

    #[test]
    fn fields_are_found_by_path() {
        assert_eq!(locate(TEXT, &p(&[k("format")])), Some(2));
        assert_eq!(locate(TEXT, &p(&[k("pupil"), k("surname")])), Some(5));
        assert_eq!(
            locate(TEXT, &p(&[k("plans"), Seg::Index(0), k("number")])),
            Some(7)
        );
        assert_eq!(
            locate(
                TEXT,
                &p(&[k("plans"), Seg::Index(0), k("meeting"), k("date")])
            ),
            Some(9)
        );
        let a2 = p(&[
            k("plans"),
            Seg::Index(0),
            k("meeting"),
            k("attendees"),
            Seg::Index(1),
            k("role"),
        ]);
        assert_eq!(locate(TEXT, &a2), Some(14));
        let owner = p(&[
            k("plans"),
            Seg::Index(0),
            k("actions"),
            Seg::Index(0),
            k("owner"),
        ]);
        assert_eq!(
            locate(TEXT, &owner),
            Some(19),
            "not the text inside the block scalar"
        );
        let owner2 = p(&[
            k("plans"),
            Seg::Index(0),
            k("actions"),
            Seg::Index(1),
            k("owner"),
        ]);
        assert_eq!(locate(TEXT, &owner2), Some(22));
        assert_eq!(
            locate(
                TEXT,
                &p(&[k("plans"), Seg::Index(1), k("aim"), k("target")])
            ),
            Some(25)
        );
        assert_eq!(
            locate(TEXT, &p(&[k("timeline"), Seg::Index(0), k("kind")])),
            Some(29)
        );
    }

    #[test]
    fn a_missing_field_points_at_its_parent() {
        assert_eq!(
            locate(TEXT, &p(&[k("plans"), Seg::Index(1), k("review_date")])),
            Some(23)
        );
        assert_eq!(locate(TEXT, &p(&[k("nowhere")])), None);
    }

    #[test]
    fn serde_paths_are_counted_from_one() {
        assert_eq!(
            split_path("plans[0].actions[12].due: input contains invalid characters"),
            (
                Some("plans[1].actions[13].due".into()),
                "input contains invalid characters".into()
            )
        );
        assert_eq!(
            split_path("unknown field `x`: y"),
            (None, "unknown field `x`: y".into())
        );
    }

    #[test]
    fn paths_print_from_one() {
        let path = FieldPath::root()
            .key("plans")
            .index(0)
            .key("actions")
            .index(2)
            .key("owner");
        assert_eq!(path.to_string(), "plans[1].actions[3].owner");
    }
}
