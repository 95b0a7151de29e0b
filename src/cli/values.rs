//! The values some options take, as clap reads them, each turned into the library's own type.
//!
//! The library knows nothing of the command line: these mirror its enums for clap (same names,
//! same order, same help), with a `From` conversion each.

use attend::attendance;
use attend::register::read;

/// `--layout`: the two shapes of export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Layout {
    Wide,
    Long,
}

impl From<Layout> for read::Layout {
    fn from(l: Layout) -> Self {
        match l {
            Layout::Wide => read::Layout::Wide,
            Layout::Long => read::Layout::Long,
        }
    }
}

/// `--encoding`: text encodings an export may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TextEncoding {
    #[value(name = "utf-8")]
    Utf8,
    #[value(name = "windows-1252", alias = "cp1252")]
    Windows1252,
}

impl From<TextEncoding> for read::TextEncoding {
    fn from(e: TextEncoding) -> Self {
        match e {
            TextEncoding::Utf8 => read::TextEncoding::Utf8,
            TextEncoding::Windows1252 => read::TextEncoding::Windows1252,
        }
    }
}

/// `--band`: the attendance bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Band {
    /// Attendance at or below the severe line (DfE: 50%).
    Severe,
    /// At or below the persistent line (DfE: 90%), above the severe line.
    Persistent,
    /// Above the persistent line, within the at-risk margin.
    #[value(name = "at-risk", alias = "at_risk")]
    AtRisk,
    /// None of the above (or no possible sessions).
    None,
}

impl From<Band> for attendance::Band {
    fn from(b: Band) -> Self {
        match b {
            Band::Severe => attendance::Band::Severe,
            Band::Persistent => attendance::Band::Persistent,
            Band::AtRisk => attendance::Band::AtRisk,
            Band::None => attendance::Band::None,
        }
    }
}
