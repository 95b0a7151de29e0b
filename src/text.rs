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

/// A count with its noun: "1 session", "2 sessions" (nouns with a plain plural `s`; others:
/// [`plural_of`]). The one helper for counts in words: "1 day", never "1 days".
pub fn plural<N: std::fmt::Display + PartialEq + From<u8>>(n: N, one: &str) -> String {
    let s = if n == N::from(1) { "" } else { "s" };
    format!("{n} {one}{s}")
}

/// A count with a noun whose plural is not a plain `s`: "1 family", "2 families".
pub fn plural_of<N: std::fmt::Display + PartialEq + From<u8>>(
    n: N,
    one: &str,
    many: &str,
) -> String {
    format!("{n} {}", if n == N::from(1) { one } else { many })
}

/// The verb that agrees with a count: `agree(1, "is", "are")` is "is".
pub fn agree<N: PartialEq + From<u8>>(n: N, one: &'static str, many: &'static str) -> &'static str {
    if n == N::from(1) { one } else { many }
}

/// The article a word takes, by how it is said: "an" before a vowel sound ("an email", "an
/// hour", "an EHC plan"), else "a" ("a call", "a one-off", "a unit", "a UPN").
pub fn article(word: &str) -> &'static str {
    let w = word.trim_start();
    let lower = w.to_lowercase();
    // letters said one by one: "an EHC plan", "an LA", "a UPN"
    let initialism: String = w.chars().take_while(|c| c.is_ascii_uppercase()).collect();
    if initialism.len() >= 2
        && w[initialism.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphabetic())
    {
        return match initialism.chars().next() {
            Some('A' | 'E' | 'F' | 'H' | 'I' | 'L' | 'M' | 'N' | 'O' | 'R' | 'S' | 'X') => "an",
            _ => "a",
        };
    }
    let a_anyway = ["one", "once", "uni", "use", "usu", "eu", "ewe", "ure"];
    let an_anyway = ["hour", "honest", "honour", "heir"];
    if an_anyway.iter().any(|p| lower.starts_with(p)) {
        return "an";
    }
    if a_anyway.iter().any(|p| lower.starts_with(p)) {
        return "a";
    }
    match lower.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// Who records, as `--by` and ATTEND_USER give it ("Dan Hughes, Attendance Officer", the form
/// `--by`'s help suggests), parsed once: the name, and the role when one follows a comma.
/// `split_name_role("Dan Hughes")` is `("Dan Hughes", None)`.
pub fn split_name_role(text: &str) -> (String, Option<String>) {
    match text.split_once(',') {
        Some((name, role)) if !name.trim().is_empty() && !role.trim().is_empty() => {
            (name.trim().to_string(), Some(role.trim().to_string()))
        }
        _ => (text.trim().trim_matches(',').trim().to_string(), None),
    }
}

/// A word with its article: "an email", "a call".
pub fn with_article(word: &str) -> String {
    format!("{} {word}", article(word))
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
    fn name_and_role_are_split_once() {
        assert_eq!(
            split_name_role("Dan Hughes, Attendance Officer"),
            ("Dan Hughes".into(), Some("Attendance Officer".into()))
        );
        assert_eq!(
            split_name_role("A. Patel, Head of Year, Year 9"),
            ("A. Patel".into(), Some("Head of Year, Year 9".into()))
        );
        assert_eq!(split_name_role(" Dan Hughes "), ("Dan Hughes".into(), None));
        assert_eq!(split_name_role("Dan Hughes,"), ("Dan Hughes".into(), None));
    }

    #[test]
    fn counts_and_articles_read_as_english() {
        assert_eq!(plural(1, "day"), "1 day");
        assert_eq!(plural(2, "day"), "2 days");
        assert_eq!(plural(0u32, "session"), "0 sessions");
        assert_eq!(plural_of(1, "family", "families"), "1 family");
        assert_eq!(plural_of(3usize, "family", "families"), "3 families");
        assert_eq!(agree(1, "is", "are"), "is");
        assert_eq!(agree(2u32, "has", "have"), "have");
        for (word, with) in [
            ("email", "an email"),
            ("call", "a call"),
            ("visit", "a visit"),
            ("meeting", "a meeting"),
            ("letter", "a letter"),
            ("referral", "a referral"),
            ("note", "a note"),
            ("hour", "an hour"),
            ("one-off call", "a one-off call"),
            ("unit", "a unit"),
            ("uncle", "an uncle"),
            ("EHC plan", "an EHC plan"),
            ("UPN", "a UPN"),
            ("LA referral", "an LA referral"),
            ("improvement", "an improvement"),
        ] {
            assert_eq!(with_article(word), with, "{word}");
        }
    }

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
