//! Small pieces of English shared by messages and documents: capitals, plurals, names.
//!
//! Only what the library already wrote in several places lives here; the wording itself stays
//! where it is used.

/// "autumn" -> "Autumn".
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// A count with its noun: "1 session", "2 sessions" (nouns with a plain plural `s`).
pub fn plural<N: std::fmt::Display + PartialEq + From<u8>>(n: N, one: &str) -> String {
    let s = if n == N::from(1) { "" } else { "s" };
    format!("{n} {one}{s}")
}

/// A percentage held in hundredths, as people write it (without the `%`): 9000 -> "90",
/// 9250 -> "92.5", 9225 -> "92.25".
pub fn hundredths(h: u32) -> String {
    let frac = format!("{:02}", h % 100);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        format!("{}", h / 100)
    } else {
        format!("{}.{frac}", h / 100)
    }
}

/// "Forename Surname", as letters address a person: each preferred name where one is given, else
/// the legal one; a missing part leaves no stray space.
pub fn full_name(
    forename: &str,
    preferred_forename: &str,
    surname: &str,
    preferred_surname: &str,
) -> String {
    let or = |preferred: &'_ str, legal: &'_ str| -> String {
        if preferred.is_empty() {
            legal.to_string()
        } else {
            preferred.to_string()
        }
    };
    format!(
        "{} {}",
        or(preferred_forename, forename),
        or(preferred_surname, surname)
    )
    .trim()
    .to_string()
}

/// Names joined as people write them: "A", "A and B", "A, B and C".
pub fn join_and<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [a] => a.as_ref().to_string(),
        [rest @ .., last] => format!(
            "{} and {}",
            rest.iter()
                .map(|s| s.as_ref())
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

/// Text as it is compared, not shown: lower case, accents off (Zoë = Zoe, Łukasz = Lukasz),
/// anything but letters and digits a single space ("O'Brien" = "O Brien" = "o brien").
pub fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.nfd() {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        let mapped: &str = match c {
            'ł' | 'Ł' => "l",
            'ø' | 'Ø' => "o",
            'đ' | 'Đ' => "d",
            'ß' => "ss",
            'æ' | 'Æ' => "ae",
            'œ' | 'Œ' => "oe",
            'ı' => "i",
            _ => "",
        };
        if !mapped.is_empty() {
            out.push_str(mapped);
            space = false;
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    out.trim_end().to_string()
}

/// Is `text` shaped like an email address (one `@`, something before it, a dotted domain after
/// it, no spaces)?
pub fn is_email(text: &str) -> bool {
    let t = text.trim();
    let Some((local, domain)) = t.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !t.chars().any(char::is_whitespace)
}

/// A UK postcode in its standard form ("tw1 4ab" -> "TW1 4AB"), or `None` when the text is not
/// shaped like one.
pub fn uk_postcode(text: &str) -> Option<String> {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if !(5..=7).contains(&t.len()) || !t.is_ascii() {
        return None;
    }
    let (out, inward) = t.split_at(t.len() - 3);
    let ib = inward.as_bytes();
    if !(ib[0].is_ascii_digit() && ib[1].is_ascii_alphabetic() && ib[2].is_ascii_alphabetic()) {
        return None;
    }
    let ob = out.as_bytes();
    let ok = ob[0].is_ascii_alphabetic()
        && ob.iter().all(u8::is_ascii_alphanumeric)
        && ob.iter().any(u8::is_ascii_digit)
        && (ob.len() < 2 || ob[1].is_ascii_alphanumeric());
    if !ok && out != "GIR" {
        return None;
    }
    Some(format!("{out} {inward}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_and_capitals() {
        assert_eq!(plural(1u32, "session"), "1 session");
        assert_eq!(plural(0usize, "session"), "0 sessions");
        assert_eq!(plural(2u32, "blank row"), "2 blank rows");
        assert_eq!(capitalise("autumn"), "Autumn");
        assert_eq!(capitalise(""), "");
    }

    #[test]
    fn thresholds_in_hundredths_read_as_written() {
        assert_eq!(hundredths(9000), "90");
        assert_eq!(hundredths(9250), "92.5");
        assert_eq!(hundredths(9225), "92.25");
        assert_eq!(hundredths(5), "0.05");
    }

    #[test]
    fn names_fold_for_comparison() {
        assert_eq!(fold("Zoë O'Brien"), "zoe o brien");
        assert_eq!(fold("  ŁUKASZ   Żak-Nowak "), "lukasz zak nowak");
        assert_eq!(fold("Fernández"), "fernandez");
    }

    #[test]
    fn emails_and_postcodes_are_recognised() {
        assert!(is_email("jo.smith@example.org"));
        for bad in [
            "jo",
            "jo@",
            "@x.org",
            "jo@x",
            "jo smith@x.org",
            "a@b@c.org",
            "jo@x..org",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
        assert_eq!(uk_postcode("tw1 4ab").as_deref(), Some("TW1 4AB"));
        assert_eq!(uk_postcode("SW1A1AA").as_deref(), Some("SW1A 1AA"));
        assert_eq!(uk_postcode("M1 1AE").as_deref(), Some("M1 1AE"));
        for bad in ["TW1 4A", "12345", "D02 X285", "TW1 4A5", ""] {
            assert_eq!(uk_postcode(bad), None, "{bad}");
        }
    }

    #[test]
    fn full_names_prefer_preferred_names() {
        assert_eq!(full_name("Alexander", "", "Ali", ""), "Alexander Ali");
        assert_eq!(full_name("Alexander", "Alex", "Ali", ""), "Alex Ali");
        assert_eq!(full_name("", "", "Ali", ""), "Ali");
    }
}

/// Is `c` a character no name or detail holds: a control character (a tab is one), or a
/// bidirectional control that reorders the text around it?
pub fn is_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}'
        )
}

/// `text` without control characters ([`is_control`]; a tab or a line break becomes a space),
/// or `None` when it has none.
pub fn without_controls(text: &str) -> Option<String> {
    if !text.chars().any(is_control) {
        return None;
    }
    Some(
        text.chars()
            .filter_map(|c| match c {
                '\t' | '\n' | '\r' => Some(' '),
                c if is_control(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

#[cfg(test)]
mod control_tests {
    use super::*;

    #[test]
    fn control_characters_are_taken_out_of_names() {
        assert_eq!(without_controls("Smith"), None);
        assert_eq!(without_controls("Sm\0ith").as_deref(), Some("Smith"));
        assert_eq!(
            without_controls("\u{202E}Smith\u{1b}").as_deref(),
            Some("Smith")
        );
        assert_eq!(without_controls("Le\tRoux").as_deref(), Some("Le Roux"));
        assert_eq!(without_controls("Żak"), None);
    }
}
