//! Numbers as the pages say them: `12,345` rather than `12345`, and the singular for one.

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
    }
}
