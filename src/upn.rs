//! The Unique Pupil Number: 13 characters, a check letter then 12 characters (DfE data standard).
//!
//! A [`Upn`] is validated once, where it enters the program; after that it is safe to use as a
//! folder name (it only ever holds the 23 check letters and digits).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// The 23 letters the UPN scheme uses (no I, O or S).
pub const UPN_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

/// A validated UPN.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Upn([u8; 13]);

/// Why a text is not a UPN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpnError {
    #[error("a UPN has 13 characters; {0:?} has {1}")]
    Length(String, usize),
    #[error(
        "{0:?} is not a UPN: it must be a check letter, 11 digits, then a digit or (temporary UPN) a letter"
    )]
    Shape(String),
    #[error("{upn:?} is not a valid UPN: its check letter should be {expected}, not {found}")]
    CheckLetter {
        upn: String,
        expected: char,
        found: char,
    },
}

fn letter_index(b: u8) -> Option<usize> {
    UPN_LETTERS.iter().position(|&l| l == b)
}

/// The check letter for the 12 characters after it: weights 2..13, sum mod 23.
pub fn check_letter(body: &[u8; 12]) -> Option<u8> {
    let mut total = 0usize;
    for (i, &ch) in body.iter().enumerate() {
        let value = if ch.is_ascii_digit() {
            (ch - b'0') as usize
        } else {
            letter_index(ch)?
        };
        total += (i + 2) * value;
    }
    Some(UPN_LETTERS[total % 23])
}

impl Upn {
    /// Validate a UPN (surrounding spaces ignored, letters upper-cased).
    pub fn parse(text: &str) -> Result<Upn, UpnError> {
        let t = text.trim();
        let chars = t.chars().count();
        if chars != 13 || t.len() != 13 {
            return Err(UpnError::Length(t.to_string(), chars));
        }
        let mut b = [0u8; 13];
        for (dst, src) in b.iter_mut().zip(t.bytes()) {
            *dst = src.to_ascii_uppercase();
        }
        let shape_ok = letter_index(b[0]).is_some()
            && b[1..12].iter().all(u8::is_ascii_digit)
            && (b[12].is_ascii_digit() || letter_index(b[12]).is_some());
        if !shape_ok {
            return Err(UpnError::Shape(t.to_string()));
        }
        let body: [u8; 12] = b[1..].try_into().expect("12 bytes");
        let expected = check_letter(&body).expect("shape checked");
        if expected != b[0] {
            return Err(UpnError::CheckLetter {
                upn: t.to_string(),
                expected: expected as char,
                found: b[0] as char,
            });
        }
        Ok(Upn(b))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII")
    }

    /// A temporary UPN ends in a letter.
    pub fn is_temporary(&self) -> bool {
        self.0[12].is_ascii_alphabetic()
    }

    /// Build a valid UPN from its 12-character body (for tests and examples).
    pub fn from_body(body: &str) -> Option<Upn> {
        let b: [u8; 12] = body.as_bytes().try_into().ok()?;
        let c = check_letter(&b)?;
        Upn::parse(&format!("{}{}", c as char, body)).ok()
    }
}

impl fmt::Display for Upn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Upn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Upn({})", self.as_str())
    }
}

impl FromStr for Upn {
    type Err = UpnError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Upn::parse(s)
    }
}

impl Serialize for Upn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Upn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Upn::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The key a pupil is stored under: a valid UPN, or `ADNO-<admission number>` for a school that
/// identifies pupils without a UPN by admission number (`import.identify_by`). Either form is safe
/// as a folder name: only letters, digits and one hyphen.
///
/// Held inline (no heap object per pupil: registers hold hundreds of thousands), as the text's
/// ASCII bytes padded with zeros, so that the derived order is the text's order.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PupilId([u8; PupilId::MAX_LEN]);

/// Why a text is not a pupil identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PupilIdError {
    #[error(transparent)]
    Upn(#[from] UpnError),
    #[error("{0:?} is not an admission number: use 1 to 20 letters and digits")]
    AdmissionNumber(String),
}

impl PupilId {
    pub const ADNO_PREFIX: &'static str = "ADNO-";
    /// The longest id: `ADNO-` and 20 letters and digits (a UPN is 13 characters).
    const MAX_LEN: usize = 25;

    /// An id from its text: ASCII letters, digits and hyphens, at most [`Self::MAX_LEN`] of them
    /// (checked by the callers).
    fn from_text(text: &str) -> PupilId {
        debug_assert!(text.len() <= Self::MAX_LEN && text.bytes().all(|b| b.is_ascii() && b != 0));
        let mut b = [0u8; Self::MAX_LEN];
        b[..text.len()].copy_from_slice(text.as_bytes());
        PupilId(b)
    }

    pub fn from_upn(upn: Upn) -> PupilId {
        PupilId::from_text(upn.as_str())
    }

    /// The identifier of a pupil known only by admission number.
    pub fn from_admission_number(adno: &str) -> Result<PupilId, PupilIdError> {
        let t = adno.trim();
        if t.is_empty() || t.len() > 20 || !t.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(PupilIdError::AdmissionNumber(t.to_string()));
        }
        Ok(PupilId::from_text(&format!(
            "{}{}",
            Self::ADNO_PREFIX,
            t.to_ascii_uppercase()
        )))
    }

    /// Parse a UPN or an `ADNO-...` identifier, as typed on the command line or read from a file.
    pub fn parse(text: &str) -> Result<PupilId, PupilIdError> {
        let t = text.trim();
        // compared as bytes: the text may hold any characters, and the prefix is ASCII, so
        // when it matches, the rest starts on a character boundary
        let prefix = Self::ADNO_PREFIX.as_bytes();
        if t.len() > prefix.len() && t.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix) {
            return PupilId::from_admission_number(&t[prefix.len()..]);
        }
        Ok(PupilId::from_upn(Upn::parse(t)?))
    }

    /// Two numbers whose order is the ids' order (the bytes, big-endian): sorting many ids by
    /// them compares plain numbers, not bytes one at a time.
    pub fn sort_key(&self) -> (u128, u128) {
        let mut rest = [0u8; 16];
        rest[..Self::MAX_LEN - 16].copy_from_slice(&self.0[16..]);
        (
            u128::from_be_bytes(self.0[..16].try_into().expect("16 bytes")),
            u128::from_be_bytes(rest),
        )
    }

    pub fn as_str(&self) -> &str {
        // no id holds a zero byte: those after it are padding (counted in one short loop the
        // compiler unrolls; an id is shorter than a call to search for the first zero costs)
        let n = self.0.iter().map(|&b| usize::from(b != 0)).sum::<usize>();
        std::str::from_utf8(&self.0[..n]).expect("an id is ASCII")
    }

    /// The UPN, when the pupil is identified by one.
    pub fn upn(&self) -> Option<Upn> {
        if self.as_str().starts_with(Self::ADNO_PREFIX) {
            None
        } else {
            Upn::parse(self.as_str()).ok()
        }
    }
}

impl From<Upn> for PupilId {
    fn from(u: Upn) -> Self {
        PupilId::from_upn(u)
    }
}

impl fmt::Display for PupilId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for PupilId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PupilId({})", self.as_str())
    }
}

impl FromStr for PupilId {
    type Err = PupilIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PupilId::parse(s)
    }
}

impl Serialize for PupilId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PupilId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PupilId::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Exports are put in id order by the ids' sort keys: their order must be the ids'.
        #[test]
        fn ids_sort_keys_are_in_the_ids_order(
            a in "[A-Za-z0-9]{1,20}",
            b in "[A-Za-z0-9]{1,20}",
            shared in 0usize..20,
        ) {
            // often a long shared start, so that the second key decides
            let b = format!("{}{}", &a[..shared.min(a.len())], b);
            let b = &b[..b.len().min(20)];
            let (x, y) = (
                PupilId::from_admission_number(&a).unwrap(),
                PupilId::from_admission_number(b).unwrap(),
            );
            prop_assert_eq!(x.sort_key().cmp(&y.sort_key()), x.cmp(&y), "{} {}", a, b);
        }
    }

    #[test]
    fn a_pupil_id_with_other_characters_in_its_first_five_is_an_error_not_a_panic() {
        // found by the case-file fuzz test: a character of several bytes across the length of
        // the "ADNO-" prefix
        for text in [
            "C815\u{FFFD}381816030",
            "ADN\u{e9}-123",
            "\u{1F600}\u{1F600}",
            "AD\u{FFFD}",
        ] {
            assert!(PupilId::parse(text).is_err(), "{text:?}");
        }
        assert_eq!(
            PupilId::parse("adno-123").unwrap().as_str(),
            "ADNO-123",
            "the prefix in any case still works"
        );
    }

    proptest! {
        #[test]
        fn any_text_parses_to_an_id_or_an_error(text in "\\PC{0,20}") {
            let _ = PupilId::parse(&text);
        }
    }

    #[test]
    fn reference_example_is_valid() {
        // attendance-rules.md §4.1: 2·8 + 4·1 + 5·2 + 10·5 + 13·1 = 93; 93 mod 23 = 1 → B
        assert_eq!(
            Upn::parse("B801200005001").unwrap().as_str(),
            "B801200005001"
        );
        assert!(matches!(
            Upn::parse("A801200005001"),
            Err(UpnError::CheckLetter { expected: 'B', .. })
        ));
        // the vendors' self-inconsistent example: P is right, Q is not
        assert!(Upn::parse("P207000016049").is_ok());
        assert!(Upn::parse("Q207000016049").is_err());
    }

    #[test]
    fn shapes_that_are_not_upns() {
        assert!(matches!(
            Upn::parse("B80120000500"),
            Err(UpnError::Length(..))
        ));
        assert!(matches!(
            Upn::parse("B8012000050012"),
            Err(UpnError::Length(..))
        ));
        assert!(matches!(
            Upn::parse("I801200005001"),
            Err(UpnError::Shape(..))
        ));
        assert!(matches!(
            Upn::parse("B80120000500O"),
            Err(UpnError::Shape(..))
        ));
        assert!(matches!(
            Upn::parse("../../etc/pas"),
            Err(UpnError::Shape(..))
        ));
        assert!(matches!(
            Upn::parse("B8012000é5001"),
            Err(UpnError::Length(..))
        ));
    }

    #[test]
    fn lower_case_and_spaces_are_accepted() {
        assert_eq!(
            Upn::parse(" b801200005001 ").unwrap().as_str(),
            "B801200005001"
        );
    }

    #[test]
    fn temporary_upns_end_in_a_letter() {
        let t = Upn::from_body("80120000500A").unwrap();
        assert!(t.is_temporary());
        assert!(Upn::parse(t.as_str()).is_ok());
    }

    #[test]
    fn pupil_ids_are_upns_or_admission_numbers_and_safe_as_folder_names() {
        assert_eq!(
            PupilId::parse("B801200005001").unwrap().as_str(),
            "B801200005001"
        );
        assert_eq!(PupilId::parse("adno-00123").unwrap().as_str(), "ADNO-00123");
        assert!(PupilId::parse("ADNO-../x").is_err());
        assert!(PupilId::parse("ADNO-").is_err());
        assert!(PupilId::parse("..").is_err());
        assert!(PupilId::parse("ADNO-1").unwrap().upn().is_none());
        assert!(PupilId::parse("B801200005001").unwrap().upn().is_some());
    }

    proptest! {
        #[test]
        fn every_generated_upn_validates_and_any_other_check_letter_fails(body in "[0-9]{12}", other in 0usize..23) {
            let upn = Upn::from_body(&body).unwrap();
            prop_assert_eq!(Upn::parse(upn.as_str()).unwrap(), upn);
            let wrong = UPN_LETTERS[other];
            prop_assume!(wrong != upn.as_str().as_bytes()[0]);
            let text = format!("{}{}", wrong as char, body);
            prop_assert!(Upn::parse(&text).is_err());
        }

        #[test]
        fn parse_never_panics(s in ".{0,20}") {
            let _ = Upn::parse(&s);
        }

        /// Ids are held inline, zero-padded: their order must stay their text's order (the
        /// register is sorted by it), and the text must come back as it went in.
        #[test]
        fn pupil_ids_keep_their_text_and_its_order(
            a in "[0-9]{12}|[A-Za-z0-9]{1,20}",
            b in "[0-9]{12}|[A-Za-z0-9]{1,20}",
        ) {
            let id = |t: &str| if t.len() == 12 && t.bytes().all(|c| c.is_ascii_digit()) {
                PupilId::from_upn(Upn::from_body(t).unwrap())
            } else {
                PupilId::from_admission_number(t).unwrap()
            };
            let (x, y) = (id(&a), id(&b));
            prop_assert_eq!(PupilId::parse(x.as_str()).unwrap(), x.clone());
            prop_assert_eq!(x.to_string(), x.as_str());
            prop_assert_eq!(x.cmp(&y), x.as_str().cmp(y.as_str()));
        }
    }
}
