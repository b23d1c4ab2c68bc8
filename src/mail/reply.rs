//! What SMTP servers answer, made fit for logs and for the delivery log organizers read:
//! servers quote the recipient's address (`550 5.1.1 <ana@example.org>: no such user`), and
//! no address may reach a log.

/// Replaces every e-mail address in `reply` with `[address]`.
pub fn redact_addresses(reply: &str) -> String {
    let chars: Vec<char> = reply.chars().collect();
    let mut out = String::with_capacity(reply.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '@' {
            let start = (0..i)
                .rev()
                .take_while(|&j| in_local_part(chars[j]))
                .last()
                .unwrap_or(i);
            let end = (i + 1..chars.len())
                .take_while(|&j| in_domain(chars[j]))
                .last()
                .map_or(i + 1, |j| j + 1);
            if start < i && end > i + 1 {
                // The local part was already copied: take it back out.
                let copied: usize = chars[start..i].iter().map(|c| c.len_utf8()).sum();
                out.truncate(out.len() - copied);
                out.push_str("[address]");
                i = end;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn in_local_part(c: char) -> bool {
    !(c.is_whitespace() || c.is_control() || "<>()[],;:\"@".contains(c))
}

fn in_domain(c: char) -> bool {
    c.is_alphanumeric() || c == '.' || c == '-' || c == '_'
}

#[cfg(test)]
mod tests {
    use super::redact_addresses;

    #[test]
    fn addresses_in_server_replies_are_replaced() {
        let cases = [
            (
                "SMTP 550: 5.1.1 <ana.b+x@gone.example>: no such user",
                "SMTP 550: 5.1.1 <[address]>: no such user",
            ),
            (
                "452 4.2.2 mailbox of Марта@пошта.укр full; also bob@x.example",
                "452 4.2.2 mailbox of [address] full; also [address]",
            ),
            ("421 4.7.0 try again later", "421 4.7.0 try again later"),
            ("a lone @ sign and trailing@", "a lone @ sign and trailing@"),
        ];
        for (reply, expected) in cases {
            assert_eq!(redact_addresses(reply), expected, "{reply}");
        }
    }
}
