//! Where a problem in a case file or form is: a field's path (`plans[1].actions[2].owner`), the
//! problem found there, and the error that lists every problem with its line.

use std::fmt;

/// One step of a field's path: a key, or an item of a list (counted from 0 here, shown from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Where a field is: `plans[1].actions[2].owner` (items counted from 1, as people count them).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldPath(pub Vec<Seg>);

impl FieldPath {
    pub fn root() -> FieldPath {
        FieldPath(Vec::new())
    }
    pub fn key(&self, k: &str) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Seg::Key(k.to_string()));
        p
    }
    pub fn index(&self, i: usize) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{}]", n + 1)?,
            }
        }
        Ok(())
    }
}

/// A problem found in a file, before its line is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: FieldPath,
    pub message: String,
}

impl Problem {
    pub fn new(path: FieldPath, message: impl Into<String>) -> Problem {
        Problem {
            path,
            message: message.into(),
        }
    }
}

/// One problem, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// 1-based line in the file, when it could be found.
    pub line: Option<usize>,
    /// The field, `plans[1].actions[2].owner`.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if let Some(l) = self.line {
            write!(f, "line {l}")?;
            sep = ", ";
        }
        if let Some(field) = &self.field {
            write!(f, "{sep}field {field}")?;
            sep = ", ";
        }
        if !sep.is_empty() {
            f.write_str(": ")?;
        }
        f.write_str(&self.message)
    }
}

/// A case file or form that cannot be used, with every problem found and where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CaseFileError {
    pub file: String,
    pub problems: Vec<Located>,
}

impl fmt::Display for CaseFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [one] => write!(f, "{}, {one}", self.file),
            many => {
                write!(f, "{} has {} problems:", self.file, many.len())?;
                for p in many {
                    write!(f, "\n  {p}")?;
                }
                Ok(())
            }
        }
    }
}

impl CaseFileError {
    /// The same problems with their lines moved down by `offset` (text was put above them).
    pub fn shifted(&self, offset: usize) -> CaseFileError {
        CaseFileError {
            file: self.file.clone(),
            problems: self
                .problems
                .iter()
                .map(|p| Located {
                    line: p.line.map(|l| l + offset),
                    ..p.clone()
                })
                .collect(),
        }
    }
}
