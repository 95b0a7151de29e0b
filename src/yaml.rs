//! All YAML reading and writing goes through here (`serde_yaml` is the maintained `yaml_serde`).
//!
//! A YAML file may come from anyone who can write to the shared folder, so reading one has
//! limits ([`Limits`]): its size, how deeply it nests, and how much its aliases (`*name`) may
//! repeat. A file over a limit is refused quickly, with a message naming it. Errors never echo
//! a field's value (a case's notes are personal data): they name the file, the line, the field
//! and what was expected.

use anyhow::{Result, anyhow};
use serde::Serialize;
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess};
use std::cell::Cell;
use std::fmt;
use std::path::Path;

/// A YAML error with the file and line it is about.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
pub struct YamlError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

/// What a YAML file may be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// What kind of file it is, for messages ("a case file").
    pub kind: &'static str,
    pub max_bytes: u64,
    /// Flow brackets (`[`, `{`) in the whole file: the parser's work grows with the square of
    /// their nesting, and attend's files hold few.
    pub max_flow_brackets: usize,
    /// Levels of nesting.
    pub max_depth: usize,
}

/// Case files and the forms of plans and reviews.
pub const CASE_FILE: Limits = Limits {
    kind: "a case file",
    max_bytes: 4 << 20,
    max_flow_brackets: 4096,
    max_depth: 64,
};

/// attend.yaml.
pub const SETTINGS: Limits = Limits {
    kind: "a settings file",
    max_bytes: 256 << 10,
    max_flow_brackets: 4096,
    max_depth: 32,
};

/// Parse YAML text read from `path` (named in errors), a case file or a form.
pub fn from_str<T: DeserializeOwned>(text: &str, path: &Path) -> Result<T> {
    from_str_limited(text, path, &CASE_FILE)
}

/// Parse YAML text read from `path` within `limits`.
pub fn from_str_limited<T: DeserializeOwned>(
    text: &str,
    path: &Path,
    limits: &Limits,
) -> Result<T> {
    let fail = |line: Option<usize>, message: String| {
        anyhow!(YamlError {
            file: path.display().to_string(),
            line,
            message,
        })
    };
    if text.len() as u64 > limits.max_bytes {
        return Err(fail(
            None,
            format!(
                "the file is {}, but {} may be at most {}: it was not read (it may be damaged, or made to slow attend down)",
                crate::fsutil::size_text(text.len() as u64),
                limits.kind,
                crate::fsutil::size_text(limits.max_bytes)
            ),
        ));
    }
    let brackets = text.bytes().filter(|b| matches!(b, b'[' | b'{')).count();
    if brackets > limits.max_flow_brackets {
        return Err(fail(
            None,
            format!(
                "the file holds {brackets} brackets ([ or {{), more than {} has any need for (at most {}): it was not read (it may be damaged, or made to slow attend down)",
                limits.kind, limits.max_flow_brackets
            ),
        ));
    }
    // a first pass that only counts: nesting, and what aliases repeat
    let budget = Budget {
        nodes: Cell::new(0),
        bytes: Cell::new(0),
        max_nodes: 2 * text.len() + 1024,
        max_bytes: 2 * text.len() + (64 << 10),
        max_depth: limits.max_depth,
    };
    let guard = Guard {
        b: &budget,
        depth: 0,
    };
    if let Err(e) = guard.deserialize(serde_yaml::Deserializer::from_str(text)) {
        let line = e.location().map(|l| l.line());
        let message = e.to_string();
        if message.contains(TOO_DEEP) {
            return Err(fail(
                line,
                format!(
                    "the YAML nests more than {} levels deep, which {} never needs: it was not read (it may be damaged, or made to slow attend down)",
                    limits.max_depth, limits.kind
                ),
            ));
        }
        if message.contains(TOO_MUCH) {
            return Err(fail(
                line,
                "the YAML's aliases (*name) repeat far more than the file holds: it was not read (attend's files do not use aliases; this one may be damaged, or made to slow attend down)".into(),
            ));
        }
        // other problems are reported by the real reading below, with the field
    }
    serde_yaml::from_str(text).map_err(|e| {
        let mut line = e.location().map(|l| (l.line(), l.column()));
        // yaml_serde appends " at line X column Y"; the line is reported separately.
        let mut message = e.to_string();
        if let Some(i) = message.find(" at line ") {
            message.truncate(i);
        }
        if let (Some(key), Some((l, c))) = (duplicate_key(&message), line) {
            line = Some((second_key_line(text, l, c, &key).unwrap_or(l), c));
        }
        fail(line.map(|l| l.0), explain(&message))
    })
}

/// The key of a "duplicate field" / "duplicate entry" message.
fn duplicate_key(message: &str) -> Option<String> {
    let rest = message
        .split_once("duplicate field `")
        .map(|(_, r)| r.split_once('`').map(|(k, _)| k))
        .or_else(|| {
            message
                .split_once("duplicate entry with key \"")
                .map(|(_, r)| r.split_once('"').map(|(k, _)| k))
        })??;
    Some(rest.to_string())
}

/// The line of the second `key:` of the mapping that starts at `line`, `column` (1-based): the
/// duplicate, not the mapping's first line.
fn second_key_line(text: &str, line: usize, column: usize, key: &str) -> Option<usize> {
    let col = column.saturating_sub(1);
    let prefix = format!("{key}:");
    let mut seen = 0;
    for (i, l) in text.lines().enumerate().skip(line.saturating_sub(1)) {
        let t = l.trim_start();
        let indent = l.len() - t.len();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if i + 1 > line && indent < col {
            break; // the mapping has ended
        }
        let at_col = l.get(col..).unwrap_or("");
        let lead_ok = l
            .get(..col)
            .is_some_and(|b| b.chars().all(|c| c == ' ' || c == '-'));
        if lead_ok
            && (at_col.starts_with(&prefix)
                || at_col.starts_with(&format!("\"{key}\":"))
                || at_col.starts_with(&format!("'{key}':")))
        {
            seen += 1;
            if seen == 2 {
                return Some(i + 1);
            }
        }
    }
    None
}

/// Make serde's wording plainer for people who edit files by hand, and never echo a value
/// (it may be personal data): `invalid type: string "…", expected u32` becomes
/// `expected u32, found a string`.
fn explain(message: &str) -> String {
    let (path, body) = match message.split_once(": ") {
        Some((head, rest)) if !head.contains(' ') && !head.is_empty() => {
            (format!("{head}: "), rest.to_string())
        }
        _ => (String::new(), message.to_string()),
    };
    let body = if let Some(rest) = body
        .strip_prefix("invalid type: ")
        .or_else(|| body.strip_prefix("invalid value: "))
    {
        match rest.split_once(", expected ") {
            Some((found, expected)) => {
                format!("expected {expected}, found {}", kind_of(found))
            }
            None => format!("found {}", kind_of(rest)),
        }
    } else if let Some(rest) = body.strip_prefix("unknown variant ") {
        match rest.split_once(", expected ") {
            Some((_, expected)) => format!("not a value this field can take: expected {expected}"),
            None => "not a value this field can take".into(),
        }
    } else if body.starts_with("unknown field") {
        body.replace("unknown field", "unknown field (check its spelling)")
    } else {
        body
    };
    format!("{path}{body}")
}

/// `string "secret"` -> `a string`; `integer `5`` -> `a number`: what was found, not its value.
fn kind_of(found: &str) -> &'static str {
    let f = found.trim_start();
    if f.starts_with("string") || f.starts_with("character") {
        "text"
    } else if f.starts_with("integer") || f.starts_with("floating point") {
        "a number"
    } else if f.starts_with("boolean") {
        "true or false"
    } else if f.starts_with("sequence") {
        "a list"
    } else if f.starts_with("map") {
        "a mapping (fields)"
    } else if f.starts_with("unit") || f.starts_with("Option") || f.starts_with("null") {
        "nothing (an empty value)"
    } else {
        "something else"
    }
}

/// Serialise to YAML text.
pub fn to_string<T: Serialize>(value: &T) -> Result<String> {
    serde_yaml::to_string(value).map_err(|e| anyhow!("cannot write YAML: {e}"))
}

const TOO_DEEP: &str = "attend: nested too deeply";
const TOO_MUCH: &str = "attend: aliases repeat too much";

/// What the counting pass may visit.
struct Budget {
    nodes: Cell<usize>,
    bytes: Cell<usize>,
    max_nodes: usize,
    max_bytes: usize,
    max_depth: usize,
}

/// The counting pass: visits every node (aliases replayed), and stops as soon as a limit is
/// passed, so its work is bounded by the limits, not by what the aliases would expand to.
struct Guard<'a> {
    b: &'a Budget,
    depth: usize,
}

impl<'a> Guard<'a> {
    fn tick<E: de::Error>(&self, bytes: usize) -> Result<(), E> {
        self.b.nodes.set(self.b.nodes.get() + 1);
        self.b.bytes.set(self.b.bytes.get() + bytes);
        if self.b.nodes.get() > self.b.max_nodes || self.b.bytes.get() > self.b.max_bytes {
            return Err(E::custom(TOO_MUCH));
        }
        Ok(())
    }

    fn deeper<E: de::Error>(&self) -> Result<Guard<'a>, E> {
        if self.depth >= self.b.max_depth {
            return Err(E::custom(TOO_DEEP));
        }
        Ok(Guard {
            b: self.b,
            depth: self.depth + 1,
        })
    }

    fn again(&self) -> Guard<'a> {
        Guard {
            b: self.b,
            depth: self.depth,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Guard<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> de::Visitor<'de> for Guard<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.tick(1)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.tick(1)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.tick(1)
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        self.tick(1)
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        self.tick(1)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.tick(1)
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        self.tick(s.len())
    }
    fn visit_bytes<E: de::Error>(self, s: &[u8]) -> Result<(), E> {
        self.tick(s.len())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.tick(1)
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.tick(1)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.tick(1)?;
        d.deserialize_any(self.deeper()?)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.tick(1)?;
        d.deserialize_any(self.deeper()?)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        self.tick(1)?;
        let inner = self.deeper()?;
        while a.next_element_seed(inner.again())?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        self.tick(1)?;
        let inner = self.deeper()?;
        while a.next_key_seed(inner.again())?.is_some() {
            a.next_value_seed(inner.again())?;
        }
        Ok(())
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, a: A) -> Result<(), A::Error> {
        use de::VariantAccess;
        self.tick(1)?;
        let inner = self.deeper()?;
        let ((), v) = a.variant_seed(inner.again())?;
        v.newtype_variant_seed(inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::time::{Duration, Instant};

    type Any = BTreeMap<String, serde_yaml::Value>;

    fn err(text: &str) -> String {
        from_str::<Any>(text, Path::new("cases/X/case.yaml"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn an_alias_bomb_is_refused_fast() {
        // a 1 MiB anchor repeated 3,000 times: 3 GB if expanded
        let big = "x".repeat(1 << 20);
        let text = format!(
            "child_view: &a '{big}'\nstrengths: [{}]\n",
            vec!["*a"; 3000].join(",")
        );
        let t = Instant::now();
        let e = err(&text);
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
        assert!(e.contains("aliases"), "{e}");
        assert!(e.starts_with("cases/X/case.yaml"), "{e}");
    }

    #[test]
    fn deep_nesting_is_refused_fast() {
        let n = 100_000;
        for text in [
            format!("child_view: {}{}\n", "[".repeat(n), "]".repeat(n)),
            format!("child_view: {}{}\n", "{a: ".repeat(n), "}".repeat(n)),
        ] {
            let t = Instant::now();
            let e = err(&text);
            assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
            assert!(e.contains("brackets"), "{e}");
        }
        // block nesting, within the bracket limit
        let text: String = (0..200).map(|i| format!("{}- \n", " ".repeat(i))).collect();
        let e = err(&format!("a:\n{text}"));
        assert!(e.contains("nests more than 64 levels"), "{e}");
    }

    #[test]
    fn a_file_over_the_size_limit_is_refused() {
        let text = format!("a: '{}'\n", "x".repeat(5 << 20));
        let e = err(&text);
        assert!(e.contains("at most 4 MiB"), "{e}");
    }

    #[test]
    fn type_errors_do_not_echo_values() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            format: u32,
        }
        let e = from_str::<T>(
            "format: secret notes about the family\n",
            Path::new("f.yaml"),
        )
        .unwrap_err()
        .to_string();
        assert!(!e.contains("secret"), "{e}");
        assert!(e.contains("line 1"), "{e}");
        assert!(e.contains("expected u32, found text"), "{e}");
    }

    #[test]
    fn a_duplicate_key_is_reported_at_the_duplicate() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Case {
            format: u32,
            stage: String,
            opened: String,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Plans {
            plans: Vec<Plan>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Plan {
            number: u32,
            aim: String,
        }
        let p = Path::new("case.yaml");
        let e = from_str::<Case>(
            "format: 1\nstage: monitor\nopened: 2025-01-01\nstage: support\n",
            p,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("line 4"), "{e}");
        let e = from_str::<Plans>("plans:\n- number: 1\n  aim: x\n  number: 2\n", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 4"), "{e}");
    }

    #[test]
    fn ordinary_yaml_reads() {
        let v: Any = from_str(
            "a: [1, 2]\nb: {c: d}\nnote: 'it''s [fine]'\n",
            Path::new("f"),
        )
        .unwrap();
        assert_eq!(v.len(), 3);
    }
}
