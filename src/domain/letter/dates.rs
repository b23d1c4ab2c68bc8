//! Recognising a letter's date line in the usual European and American forms, optionally
//! after a place ("Berlin, 2. März 2027", "Paris, le 2 mars 2027").

use super::text::clean;
use super::words::{FILLERS, MONTHS};

/// The date as written when the whole line is a date, with any place before it removed:
/// "Berlin, den 2. März 2027" gives "2. März 2027".
pub(super) fn date_in_line(line: &str) -> Option<String> {
    let line = clean(line);
    if is_date(&line) {
        return Some(line);
    }
    let (place, rest) = line.split_once(", ")?;
    if place.chars().any(|c| c.is_ascii_digit()) || place.split_whitespace().count() > 4 {
        return None;
    }
    let rest = rest.trim();
    if !is_date(rest) {
        return None;
    }
    let mut words: Vec<&str> = rest.split_whitespace().collect();
    while words
        .first()
        .is_some_and(|w| FILLERS.contains(&w.to_lowercase().trim_end_matches([',', '.'])))
    {
        words.remove(0);
    }
    Some(words.join(" "))
}

/// Whether the text is exactly a date (day, month and year in any usual order or notation).
fn is_date(text: &str) -> bool {
    let compact = text.trim().trim_end_matches('.');
    if is_numeric_date(compact) {
        return true;
    }
    let mut day = None;
    let mut month = false;
    let mut year = false;
    let mut order = Vec::new();
    for raw in compact.split(|c: char| c.is_whitespace() || c == ',') {
        let word = raw
            .trim_matches(|c: char| c == '.' || c == ',')
            .to_lowercase();
        if word.is_empty() || FILLERS.contains(&word.as_str()) {
            continue;
        }
        if MONTHS.contains(&word.as_str()) && !month {
            month = true;
            order.push('m');
        } else if let Some(n) = day_number(&word).filter(|_| day.is_none() && !year) {
            day = Some(n);
            order.push('d');
        } else if is_year(&word) && !year {
            year = true;
            order.push('y');
        } else {
            return false;
        }
    }
    matches!(order.as_slice(), ['d', 'm', 'y'] | ['m', 'd', 'y'])
}

/// A four-digit year, allowing the Azerbaijani ordinal suffix ("2027-ci").
fn is_year(word: &str) -> bool {
    let digits = word.split_once('-').map_or(word, |(year, suffix)| {
        if matches!(suffix, "ci" | "cı" | "cu" | "cü") {
            year
        } else {
            ""
        }
    });
    digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit())
}

/// A day of the month, allowing "2nd", "1er", "2º", "2-го".
fn day_number(word: &str) -> Option<u32> {
    let digits: String = word.chars().take_while(|c| c.is_ascii_digit()).collect();
    let suffix = &word[digits.len()..];
    let suffix_ok = matches!(
        suffix,
        "" | "st" | "nd" | "rd" | "th" | "er" | "re" | "º" | "°" | "o" | "-го" | "-ի"
    );
    let n: u32 = digits.parse().ok()?;
    (digits.len() <= 2 && suffix_ok && (1..=31).contains(&n)).then_some(n)
}

/// ISO "2027-03-02", "2027/03/02", or day-first/month-first "02.03.2027", "3/2/2027".
fn is_numeric_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
    if parts.len() != 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        return false;
    }
    let n: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    if n.len() != 3 {
        return false;
    }
    let small = |v: u32| (1..=31).contains(&v);
    if parts[0].len() == 4 {
        (1..=12).contains(&n[1]) && small(n[2])
    } else {
        parts[2].len() == 4 && small(n[0]) && small(n[1]) && (n[0] <= 12 || n[1] <= 12)
    }
}

#[cfg(test)]
mod tests {
    use super::date_in_line;

    #[test]
    fn dates_in_the_usual_forms_are_recognised_and_places_removed() {
        let cases = [
            ("March 2, 2027", "March 2, 2027"),
            ("2 March 2027", "2 March 2027"),
            ("Tuesday, March 2nd, 2027", "Tuesday, March 2nd, 2027"),
            ("2027-03-02", "2027-03-02"),
            ("02.03.2027", "02.03.2027"),
            ("2. März 2027", "2. März 2027"),
            ("Berlin, 2. März 2027", "2. März 2027"),
            ("Berlin, den 2. März 2027", "2. März 2027"),
            ("Paris, le 2 mars 2027", "2 mars 2027"),
            ("1er mars 2027", "1er mars 2027"),
            ("Madrid, 2 de marzo de 2027", "2 de marzo de 2027"),
            ("Երևան, 2 մարտի 2027 թ.", "2 մարտի 2027 թ."),
            ("**March 2, 2027**", "March 2, 2027"),
        ];
        for (line, expected) in cases {
            assert_eq!(
                date_in_line(line).as_deref(),
                Some(expected),
                "line {line:?}"
            );
        }
    }

    #[test]
    fn prose_names_and_addresses_are_not_dates() {
        for line in [
            "March 10 licensing vote",
            "Riverton 10020",
            "2 Castle Square",
            "May we meet before the vote?",
            "Re: Licensing vote on the Varna Gorge hydropower project, March 10, 2027",
            "14,000 members",
            "2027",
        ] {
            assert_eq!(date_in_line(line), None, "line {line:?}");
        }
    }
}
