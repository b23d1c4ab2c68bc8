//! Matching a person named elsewhere (a front-matter target) with one of the letter's
//! recipient blocks, whatever the accents, case, honorifics and titles around the name.

use super::words::{HONORIFICS, TITLE_WORDS};
use super::Recipient;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The words of a name that identify the person: accents and case folded, honorifics,
/// titles and initials left out. "Hon. Marta Kovač" gives ["marta", "kovac"].
fn name_words(name: &str) -> Vec<String> {
    let folded: String = name
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase();
    folded
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| w.chars().count() > 1)
        .filter(|w| !HONORIFICS.contains(w) && !TITLE_WORDS.contains(w))
        .map(str::to_string)
        .collect()
}

/// Whether two names are the same person's: the same words, or all the words of the shorter
/// one (at least two) in the longer ("Marta Kovac" and "Hon. Marta Elena Kovač").
pub fn same_person(a: &str, b: &str) -> bool {
    let (a, b) = (name_words(a), name_words(b));
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    !short.is_empty()
        && (short.len() == long.len() || short.len() >= 2)
        && short.iter().all(|w| long.contains(w))
}

/// The recipient block of the person called `name`, if the letter has one.
pub fn recipient_named<'a>(recipients: &'a [Recipient], name: &str) -> Option<&'a Recipient> {
    recipients
        .iter()
        .find(|r| r.name.as_deref().is_some_and(|n| same_person(n, name)))
}

impl Recipient {
    /// The recipient's title and organisation, as one line: "Minister of Energy, Ministry of
    /// Energy and Mines".
    pub fn office(&self) -> Option<String> {
        let parts: Vec<&str> = [&self.title, &self.organisation]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_without_accents_case_honorifics_or_titles() {
        for (a, b) in [
            ("Hon. Marta Kovač", "Marta Kovac"),
            ("Mr. Ilir Deda", "ILIR DEDA"),
            ("Mayor Tomás Herrera", "Tomas Herrera"),
            ("Councillor Priya Raman", "Priya Raman"),
            ("Frau Bundesministerin Dr. Katrin Weber", "Katrin Weber"),
            ("Hon. Marta Elena Kovač", "Marta Kovač"),
            ("cənab Muxtar Babayev", "Muxtar Babayev"),
        ] {
            assert!(same_person(a, b), "{a:?} is {b:?}");
        }
    }

    #[test]
    fn different_people_or_a_bare_surname_do_not_match() {
        for (a, b) in [
            ("Hon. Marta Kovač", "Ana Kovač"),
            ("Mr. Ilir Deda", "Deda"),
            ("Minister", "Minister"),
            ("Jane Roe", "John Roe"),
        ] {
            assert!(!same_person(a, b), "{a:?} is not {b:?}");
        }
    }

    #[test]
    fn the_office_joins_title_and_organisation() {
        let recipient = Recipient {
            name: Some("Hon. Marta Kovač".into()),
            title: Some("Minister of Energy".into()),
            organisation: Some("Ministry of Energy and Mines".into()),
            address: vec!["14 Sava Embankment".into()],
        };

        assert_eq!(
            recipient.office().as_deref(),
            Some("Minister of Energy, Ministry of Energy and Mines")
        );
        assert_eq!(Recipient::default().office(), None);
    }
}
