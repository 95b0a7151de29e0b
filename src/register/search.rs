//! Finding pupils by name: wherever a UPN is asked for, a name (or part of one) will do when it
//! matches exactly one pupil.

use crate::text::fold;

/// The names of a pupil to search, legal and preferred.
pub struct Named<'a> {
    pub forename: &'a str,
    pub surname: &'a str,
    pub preferred_forename: &'a str,
    pub preferred_surname: &'a str,
}

impl Named<'_> {
    fn words(&self) -> Vec<String> {
        [
            self.forename,
            self.surname,
            self.preferred_forename,
            self.preferred_surname,
        ]
        .iter()
        .flat_map(|n| {
            let f = fold(n);
            let mut w: Vec<String> = f
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect();
            // "O'Brien" is also "obrien", "Le Roux" also "leroux"
            if w.len() > 1 {
                w.push(f.replace(' ', ""));
            }
            w
        })
        .collect()
    }
}

/// How well a pupil's names match a query: every word of the query a whole word of the names
/// (`Whole`), or the start of one (`Part`); `None` when some word matches nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    Whole,
    Part,
}

pub fn matches(query: &str, names: &Named<'_>) -> Option<Match> {
    let q = fold(query);
    let qs: Vec<&str> = q.split(' ').filter(|w| !w.is_empty()).collect();
    if qs.is_empty() {
        return None;
    }
    let words = names.words();
    // "o brien" is one surname in two words: the query's words must appear in order somewhere
    if qs.iter().all(|w| words.iter().any(|x| x == w)) {
        return Some(Match::Whole);
    }
    qs.iter()
        .all(|w| words.iter().any(|x| x.starts_with(w)))
        .then_some(Match::Part)
}

/// The pupils (by position in `all`) a query names: those matching every word whole, if any,
/// else those matching every word as the start of a name.
pub fn find<'a>(query: &str, all: impl Iterator<Item = Named<'a>>) -> Vec<usize> {
    let hits: Vec<(usize, Match)> = all
        .enumerate()
        .filter_map(|(i, n)| matches(query, &n).map(|m| (i, m)))
        .collect();
    let whole: Vec<usize> = hits
        .iter()
        .filter(|(_, m)| *m == Match::Whole)
        .map(|(i, _)| *i)
        .collect();
    if whole.is_empty() {
        hits.into_iter().map(|(i, _)| i).collect()
    } else {
        whole
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n<'a>(f: &'a str, s: &'a str) -> Named<'a> {
        Named {
            forename: f,
            surname: s,
            preferred_forename: "",
            preferred_surname: "",
        }
    }

    #[test]
    fn whole_words_win_over_parts() {
        let pupils = [
            ("Mason", "Lee"),
            ("Mason", "Leeming"),
            ("Zoë", "O'Brien"),
            ("Elsie", "Wilson"),
            ("Elsie", "Wilson"),
        ];
        let f = |q: &str| find(q, pupils.iter().map(|(a, b)| n(a, b)));
        assert_eq!(f("Mason Lee"), [0]);
        assert_eq!(f("lee mason"), [0]);
        assert_eq!(f("Leem"), [1]);
        assert_eq!(f("Mason"), [0, 1]);
        assert_eq!(f("zoe obrien"), [2]);
        assert_eq!(f("Zoe O'Brien"), [2]);
        assert_eq!(f("Elsie Wilson"), [3, 4]);
        assert_eq!(f("  "), Vec::<usize>::new());
    }
}
