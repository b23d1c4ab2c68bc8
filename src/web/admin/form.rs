//! Reading admin form bodies, URL-encoded or `multipart/form-data` (the letter upload), into
//! named fields. The first value of a field wins for single fields; repeated fields (asks,
//! targets) keep their order. Undecodable bytes become U+FFFD.

use actix_web::http::header;
use actix_web::HttpRequest;

/// The fields of one submitted form, in order.
#[derive(Debug, Default, Clone)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// Parses `body` according to the request's `Content-Type`; anything else gives no fields.
    pub fn parse(content_type: Option<&str>, body: &[u8]) -> Fields {
        let content_type = content_type.unwrap_or("");
        let mime = content_type.split(';').next().unwrap_or("").trim();
        if mime.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return Fields(
                form_urlencoded::parse(body)
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect(),
            );
        }
        if mime.eq_ignore_ascii_case("multipart/form-data") {
            if let Some(boundary) = boundary(content_type) {
                return Fields(multipart(body, &boundary));
            }
        }
        Fields::default()
    }

    pub fn from_request(req: &HttpRequest, body: &[u8]) -> Fields {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        Fields::parse(content_type, body)
    }

    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Whether the form has a field `name` at all (an empty one counts).
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.trim().split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_string())
            .filter(|b| !b.is_empty() && b.len() <= 200)
    })
}

/// The parts of a multipart body as (name, value) pairs.
fn multipart(body: &[u8], boundary: &str) -> Vec<(String, String)> {
    let delimiter = format!("--{boundary}");
    let mut out = Vec::new();
    for part in split(body, delimiter.as_bytes()).into_iter().skip(1) {
        if part.starts_with(b"--") {
            break;
        }
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let Some(split_at) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let headers = String::from_utf8_lossy(&part[..split_at]);
        let value = &part[split_at + 4..];
        let value = value.strip_suffix(b"\r\n").unwrap_or(value);
        let Some(name) = headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))
            .and_then(disposition_name)
        else {
            continue;
        };
        out.push((name, String::from_utf8_lossy(value).into_owned()));
    }
    out
}

fn disposition_name(line: &str) -> Option<String> {
    line.split(';').find_map(|param| {
        let (key, value) = param.trim().split_once('=')?;
        (key.trim() == "name").then(|| value.trim().trim_matches('"').to_string())
    })
}

fn split<'a>(body: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = body;
    while let Some(i) = find(rest, delimiter) {
        parts.push(&rest[..i]);
        rest = &rest[i + delimiter.len()..];
    }
    parts.push(rest);
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urlencoded_fields_keep_their_order_and_repeats() {
        let f = Fields::parse(
            Some("application/x-www-form-urlencoded"),
            b"ask=One&ask=Two&title=T%26C&csrf_token=abc",
        );
        assert_eq!(f.all("ask"), vec!["One", "Two"]);
        assert_eq!(f.get("title"), "T&C");
        assert_eq!(f.get("missing"), "");
    }

    #[test]
    fn multipart_parts_are_read_with_their_names() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\ntok\r\n--XyZ\r\nContent-Disposition: form-data; name=\"letter_file\"; filename=\"l.txt\"\r\nContent-Type: text/plain\r\n\r\nDear Minister,\r\n\r\nPlease act.\r\n--XyZ--\r\n";
        let f = Fields::parse(Some("multipart/form-data; boundary=XyZ"), body);
        assert_eq!(f.get("csrf_token"), "tok");
        assert_eq!(f.get("letter_file"), "Dear Minister,\r\n\r\nPlease act.");
    }

    #[test]
    fn other_bodies_have_no_fields() {
        assert_eq!(
            Fields::parse(Some("application/json"), b"{}").get("csrf_token"),
            ""
        );
        assert_eq!(Fields::parse(None, b"csrf_token=x").get("csrf_token"), "");
    }
}
