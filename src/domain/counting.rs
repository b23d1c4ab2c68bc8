//! Counts and ranges in words, the one way every page, message and command says them:
//! `12,345` rather than `12345`, the singular for one ("1 more person has signed"), and a
//! range of one as the one ("Signer 4", never "Signers 4–4").

use std::borrow::Borrow;

/// `n` with a comma between each group of three digits: `1,234,567`. (Templates pass
/// references, hence `Borrow`.)
pub fn thousands(n: impl Borrow<i64>) -> String {
    let n = *n.borrow();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// `one` when `n` is 1, else `many`: `plural(n, "signature", "signatures")`.
pub fn plural<'a>(n: impl Borrow<i64>, one: &'a str, many: &'a str) -> &'a str {
    if *n.borrow() == 1 {
        one
    } else {
        many
    }
}

/// The count and its noun: `count(1, "person", "people")` is "1 person", 10000 gives
/// "10,000 people".
pub fn count(n: impl Borrow<i64>, one: &str, many: &str) -> String {
    let n = *n.borrow();
    format!("{} {}", thousands(n), plural(n, one, many))
}

/// A numbered range with its noun: "Signer 4" for one, "Signers 4–6" for more.
pub fn range(first: i64, last: i64, one: &str, many: &str) -> String {
    if first >= last {
        format!("{one} {}", thousands(first))
    } else {
        format!("{many} {}–{}", thousands(first), thousands(last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated_by_commas() {
        for (n, said) in [
            (0, "0"),
            (7, "7"),
            (999, "999"),
            (1000, "1,000"),
            (5000, "5,000"),
            (12345, "12,345"),
            (1234567, "1,234,567"),
            (-1000, "-1,000"),
        ] {
            assert_eq!(thousands(n), said);
        }
    }

    #[test]
    fn one_takes_the_singular() {
        assert_eq!(plural(1, "person", "people"), "person");
        assert_eq!(plural(0, "person", "people"), "people");
        assert_eq!(plural(2, "person", "people"), "people");
        assert_eq!(
            count(1, "more person has", "more people have"),
            "1 more person has"
        );
        assert_eq!(count(10000, "person", "people"), "10,000 people");
    }

    #[test]
    fn a_range_of_one_is_named_as_one() {
        assert_eq!(range(4, 4, "Signer", "Signers"), "Signer 4");
        assert_eq!(range(4, 6, "Signer", "Signers"), "Signers 4–6");
        assert_eq!(range(999, 1500, "Signer", "Signers"), "Signers 999–1,500");
    }
}
