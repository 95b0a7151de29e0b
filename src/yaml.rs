//! All YAML reading and writing goes through here (`serde_yaml` is the maintained `yaml_serde`).

use anyhow::{Result, anyhow};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::Path;

/// A YAML error with the file and line it is about.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
pub struct YamlError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

/// Parse YAML text read from `path` (named in errors).
pub fn from_str<T: DeserializeOwned>(text: &str, path: &Path) -> Result<T> {
    serde_yaml::from_str(text).map_err(|e| {
        let line = e.location().map(|l| l.line());
        // yaml_serde appends " at line X column Y"; the line is reported separately.
        let mut message = e.to_string();
        if let Some(i) = message.find(" at line ") {
            message.truncate(i);
        }
        anyhow!(YamlError {
            file: path.display().to_string(),
            line,
            message: explain(&message),
        })
    })
}

/// Make serde's wording a little plainer for people who edit files by hand.
fn explain(message: &str) -> String {
    let mut m = message.to_string();
    if m.contains("unknown field") {
        m = m.replace("unknown field", "unknown field (check its spelling)");
    }
    m
}

/// Serialise to YAML text.
pub fn to_string<T: Serialize>(value: &T) -> Result<String> {
    serde_yaml::to_string(value).map_err(|e| anyhow!("cannot write YAML: {e}"))
}
