//! The in-process SMTP server of the API integration tests.
//!
//! This file owns [`SmtpServer`], a small SMTP server that the tests start on
//! 127.0.0.1 so that every delivery test holds a real SMTP conversation with
//! the product's mailer, and [`ReceivedMessage`], a message the server
//! accepted, with helpers that decode it (headers, subject, bodies, links).
//!
//! The server uses only the standard library (one accept thread and one
//! thread per TCP conversation), so it works the same whichever async
//! runtime a test uses. It speaks plain SMTP (no TLS): 220 greeting, EHLO /
//! HELO, MAIL FROM (with parameters such as `BODY=8BITMIME SMTPUTF8`), RCPT TO
//! (several), DATA (dot-unstuffed), RSET, NOOP, QUIT and, when required,
//! AUTH PLAIN and AUTH LOGIN. Unknown commands get 502, commands out of order
//! 503. Connections stay open across several messages, as a pooling client
//! expects.
//!
//! Failure injection: a test can make RCPT TO fail for some recipients, make
//! the next DATA commands fail, require authentication, or delay every reply.
//! These settings are read at each command, so they apply to every
//! conversation from the moment they are set, including pooled connections
//! that are already open.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use mail_parser::{Message, MessageParser, MimeHeaders, PartType};

/// How long a conversation may stay silent before the server hangs up.
const IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// The size limit advertised in EHLO (not enforced).
const MAX_SIZE: usize = 25 * 1024 * 1024;

/// The name the server gives itself in its greeting and EHLO reply.
const SERVER_NAME: &str = "127.0.0.1";

/// What the tests asked the server to do differently from a plain accept.
#[derive(Default)]
struct Behaviour {
    /// `(lowercased needle, code)`; the last matching entry wins.
    failing_recipients: Vec<(String, u16)>,
    /// How many of the next DATA commands fail, and with which code.
    data_failures: usize,
    data_failure_code: u16,
    /// Required `(user, password)`, if any.
    auth: Option<(String, String)>,
    reply_delay: Duration,
    /// Extra time before answering a received message.
    accept_delay: Duration,
}

/// State shared by the handle, the accept thread and the connection threads.
struct Shared {
    behaviour: Mutex<Behaviour>,
    messages: Mutex<Vec<ReceivedMessage>>,
    connections: AtomicUsize,
    /// Message bodies read to their final dot, whatever the answer to them was.
    bodies: AtomicUsize,
    /// Open conversations, so that dropping the server can hang up on them.
    open: Mutex<HashMap<usize, TcpStream>>,
    stopping: AtomicBool,
    next_queue_id: AtomicU64,
}

/// Locks a mutex even if a panicking test thread poisoned it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A real SMTP server on 127.0.0.1 for the integration tests.
///
/// Dropping it stops the accept thread and hangs up on the open
/// conversations.
pub struct SmtpServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept_thread: Option<JoinHandle<()>>,
}

impl SmtpServer {
    /// Starts a server on 127.0.0.1 with a port chosen by the system.
    pub fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the test SMTP server");
        let addr = listener
            .local_addr()
            .expect("address of the test SMTP server");
        let shared = Arc::new(Shared {
            behaviour: Mutex::new(Behaviour::default()),
            messages: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            bodies: AtomicUsize::new(0),
            open: Mutex::new(HashMap::new()),
            stopping: AtomicBool::new(false),
            next_queue_id: AtomicU64::new(1),
        });
        let accept_shared = Arc::clone(&shared);
        let accept_thread = thread::Builder::new()
            .name(format!("smtp-accept-{}", addr.port()))
            .spawn(move || accept_loop(&listener, &accept_shared))
            .expect("spawn the test SMTP server's accept thread");
        SmtpServer {
            addr,
            shared,
            accept_thread: Some(accept_thread),
        }
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The server's URL for the mailer's configuration:
    /// `smtp://127.0.0.1:PORT`, plain SMTP without TLS.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port())
    }

    /// Forgets the messages accepted so far.
    pub fn clear(&self) {
        lock(&self.shared.messages).clear();
    }

    /// The messages accepted so far (DATA answered with 250), in order of
    /// acceptance.
    pub fn messages(&self) -> Vec<ReceivedMessage> {
        lock(&self.shared.messages).clone()
    }

    /// Waits, without blocking the test's runtime, until at least `n`
    /// messages were accepted or `timeout` passed, then returns the accepted
    /// messages (possibly fewer than `n`; the caller asserts).
    pub async fn wait_for_messages(&self, n: usize, timeout: Duration) -> Vec<ReceivedMessage> {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.messages();
            if messages.len() >= n || Instant::now() >= deadline {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Answers RCPT TO for addresses containing `needle` (case-insensitive)
    /// with `code` and a text: "4.7.1 ... try again later" for a 4xx code,
    /// "5.1.1 ... no such user" for a 5xx code. Code 421 also closes the
    /// connection. A code below 400 accepts such addresses again (undoing an
    /// earlier call). The latest matching call wins.
    pub fn fail_recipient(&self, needle: &str, code: u16) {
        lock(&self.shared.behaviour)
            .failing_recipients
            .push((needle.to_lowercase(), code));
    }

    /// Fails the next `n` DATA commands (after the message body was
    /// received) with `code`; such messages are not recorded. Replaces an
    /// earlier count; `n == 0` stops failing.
    pub fn fail_next_data(&self, n: usize, code: u16) {
        let mut behaviour = lock(&self.shared.behaviour);
        behaviour.data_failures = n;
        behaviour.data_failure_code = code;
    }

    /// Requires AUTH PLAIN or AUTH LOGIN with these credentials before MAIL
    /// FROM (530 otherwise) and advertises AUTH in EHLO; wrong credentials
    /// get 535.
    pub fn require_auth(&self, user: &str, password: &str) {
        lock(&self.shared.behaviour).auth = Some((user.to_owned(), password.to_owned()));
    }

    /// Delays every reply, the greeting included, by `d` (to test client
    /// timeouts). `Duration::ZERO` turns the delay off.
    pub fn set_reply_delay(&self, d: Duration) {
        lock(&self.shared.behaviour).reply_delay = d;
    }

    /// Takes `d` to accept each message after its body arrived, as a slow
    /// relay does before its `250` (the message counts as received once the
    /// wait is over). `Duration::ZERO` turns the delay off.
    pub fn set_accept_delay(&self, d: Duration) {
        lock(&self.shared.behaviour).accept_delay = d;
    }

    /// How many TCP conversations were accepted so far.
    /// How many message bodies arrived whole, before any answer to them.
    pub fn bodies_received(&self) -> usize {
        self.shared.bodies.load(Ordering::SeqCst)
    }

    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the accept thread, which is blocked in accept().
        let woke = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)).is_ok();
        if let Some(handle) = self.accept_thread.take() {
            if woke {
                let _ = handle.join();
            }
        }
        for (_, stream) in lock(&self.shared.open).drain() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

impl std::fmt::Debug for SmtpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpServer")
            .field("addr", &self.addr)
            .field("connections", &self.connections())
            .field("messages", &lock(&self.shared.messages).len())
            .finish()
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for incoming in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = incoming else { continue };
        let id = shared.connections.fetch_add(1, Ordering::SeqCst);
        if let Ok(clone) = stream.try_clone() {
            lock(&shared.open).insert(id, clone);
        }
        let conn_shared = Arc::clone(shared);
        let spawned = thread::Builder::new()
            .name(format!("smtp-conn-{id}"))
            .spawn(move || {
                let _ = stream.set_nodelay(true);
                let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
                let _ = converse(&conn_shared, &stream);
                let _ = stream.shutdown(Shutdown::Both);
                lock(&conn_shared.open).remove(&id);
            });
        if spawned.is_err() {
            if let Some(stream) = lock(&shared.open).remove(&id) {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
    }
}

/// The state of one SMTP conversation.
#[derive(Default)]
struct Session {
    greeted: bool,
    authenticated: bool,
    mail_from: Option<String>,
    rcpt_to: Vec<String>,
}

impl Session {
    fn reset_transaction(&mut self) {
        self.mail_from = None;
        self.rcpt_to.clear();
    }
}

/// One side of a conversation: reads lines, writes (delayed) replies.
struct Conversation<'a> {
    shared: &'a Shared,
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conversation<'_> {
    /// Reads one line, without its line ending; `None` when the client hung
    /// up.
    fn read_line(&mut self) -> io::Result<Option<String>> {
        let mut line = Vec::new();
        if self.reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        Ok(Some(String::from_utf8_lossy(&line).into_owned()))
    }

    /// Sends a reply; `lines` are the texts after the code (several lines
    /// make a multi-line reply).
    fn reply(&mut self, code: u16, lines: &[&str]) -> io::Result<()> {
        let delay = lock(&self.shared.behaviour).reply_delay;
        if !delay.is_zero() {
            thread::sleep(delay);
        }
        let mut out = String::new();
        for (i, text) in lines.iter().enumerate() {
            let sep = if i + 1 == lines.len() { ' ' } else { '-' };
            out.push_str(&format!("{code}{sep}{text}\r\n"));
        }
        self.writer.write_all(out.as_bytes())?;
        self.writer.flush()
    }

    /// Reads the DATA body up to the terminating dot line, dot-unstuffed;
    /// `None` when the client hung up.
    fn read_data(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut body = Vec::new();
        let mut line = Vec::new();
        loop {
            line.clear();
            if self.reader.read_until(b'\n', &mut line)? == 0 {
                return Ok(None);
            }
            if line == b".\r\n" || line == b".\n" {
                return Ok(Some(body));
            }
            let content = if line.first() == Some(&b'.') {
                &line[1..]
            } else {
                &line[..]
            };
            body.extend_from_slice(content);
        }
    }
}

/// What the dispatcher wants after a reply.
enum Next {
    Continue,
    Close,
}

fn converse(shared: &Shared, stream: &TcpStream) -> io::Result<()> {
    let mut conv = Conversation {
        shared,
        reader: BufReader::new(stream.try_clone()?),
        writer: stream.try_clone()?,
    };
    let mut session = Session::default();
    conv.reply(
        220,
        &[&format!("{SERVER_NAME} ESMTP Undersign test server ready")],
    )?;
    while let Some(line) = conv.read_line()? {
        if let Next::Close = command(&mut conv, &mut session, &line)? {
            break;
        }
    }
    Ok(())
}

fn command(conv: &mut Conversation<'_>, session: &mut Session, line: &str) -> io::Result<Next> {
    let (verb, arg) = match line.split_once(' ') {
        Some((verb, arg)) => (verb, arg.trim()),
        None => (line.trim(), ""),
    };
    let verb = verb.to_ascii_uppercase();
    match verb.as_str() {
        "EHLO" | "HELO" => {
            if arg.is_empty() {
                conv.reply(501, &["5.5.4 a domain or address is required"])?;
                return Ok(Next::Continue);
            }
            session.greeted = true;
            session.reset_transaction();
            let greeting = format!("{SERVER_NAME} greets {arg}");
            if verb == "HELO" {
                conv.reply(250, &[&greeting])?;
            } else {
                let size = format!("SIZE {MAX_SIZE}");
                let mut lines = vec![greeting.as_str(), "8BITMIME", "SMTPUTF8", &size];
                let auth_required = lock(&conv.shared.behaviour).auth.is_some();
                if auth_required {
                    lines.push("AUTH PLAIN LOGIN");
                }
                lines.push("ENHANCEDSTATUSCODES");
                conv.reply(250, &lines)?;
            }
        }
        "MAIL" => {
            let auth_required = lock(&conv.shared.behaviour).auth.is_some();
            if !session.greeted {
                conv.reply(503, &["5.5.1 send EHLO or HELO first"])?;
            } else if auth_required && !session.authenticated {
                conv.reply(530, &["5.7.0 authentication required"])?;
            } else if session.mail_from.is_some() {
                conv.reply(503, &["5.5.1 nested MAIL command"])?;
            } else {
                match strip_prefix_ignore_case(arg, "FROM:").and_then(parse_path) {
                    Some(from) => {
                        session.mail_from = Some(from);
                        conv.reply(250, &["2.1.0 sender ok"])?;
                    }
                    None => conv.reply(501, &["5.5.4 syntax: MAIL FROM:<address>"])?,
                }
            }
        }
        "RCPT" => {
            if session.mail_from.is_none() {
                conv.reply(503, &["5.5.1 need MAIL command first"])?;
                return Ok(Next::Continue);
            }
            let Some(to) = strip_prefix_ignore_case(arg, "TO:")
                .and_then(parse_path)
                .filter(|to| !to.is_empty())
            else {
                conv.reply(501, &["5.5.4 syntax: RCPT TO:<address>"])?;
                return Ok(Next::Continue);
            };
            let lowered = to.to_lowercase();
            let failure = lock(&conv.shared.behaviour)
                .failing_recipients
                .iter()
                .rev()
                .find(|(needle, _)| lowered.contains(needle.as_str()))
                .map(|&(_, code)| code)
                .filter(|&code| code >= 400);
            match failure {
                Some(code) => {
                    // What real servers say: 421 and 450 for rate limits (4.7.x), 452 for a
                    // full mailbox, 451 for a local problem.
                    let text = if code == 421 || code == 450 {
                        format!("4.7.0 <{to}>: rate limited, try again later")
                    } else if code == 452 {
                        format!("4.2.2 <{to}>: mailbox full")
                    } else if code < 500 {
                        format!("4.3.0 <{to}>: try again later")
                    } else {
                        format!("5.1.1 <{to}>: no such user")
                    };
                    conv.reply(code, &[&text])?;
                    if code == 421 {
                        return Ok(Next::Close);
                    }
                }
                None => {
                    session.rcpt_to.push(to);
                    conv.reply(250, &["2.1.5 recipient ok"])?;
                }
            }
        }
        "DATA" => {
            let Some(mail_from) = session.mail_from.clone() else {
                conv.reply(503, &["5.5.1 need MAIL command first"])?;
                return Ok(Next::Continue);
            };
            if session.rcpt_to.is_empty() {
                conv.reply(554, &["5.5.1 no valid recipients"])?;
                return Ok(Next::Continue);
            }
            conv.reply(354, &["end data with <CR><LF>.<CR><LF>"])?;
            let Some(body) = conv.read_data()? else {
                return Ok(Next::Close);
            };
            conv.shared.bodies.fetch_add(1, Ordering::SeqCst);
            let rcpt_to = std::mem::take(&mut session.rcpt_to);
            session.reset_transaction();
            let accept_delay = lock(&conv.shared.behaviour).accept_delay;
            thread::sleep(accept_delay);
            let failure = {
                let mut behaviour = lock(&conv.shared.behaviour);
                if behaviour.data_failures > 0 {
                    behaviour.data_failures -= 1;
                    Some(behaviour.data_failure_code)
                } else {
                    None
                }
            };
            match failure {
                Some(code) => {
                    let text = if code < 500 {
                        "4.3.0 temporary failure, try again later"
                    } else {
                        "5.6.0 message rejected"
                    };
                    conv.reply(code, &[text])?;
                    if code == 421 {
                        return Ok(Next::Close);
                    }
                }
                None => {
                    let id = conv.shared.next_queue_id.fetch_add(1, Ordering::SeqCst);
                    // Recorded before the reply, so a client that got 250 finds it.
                    lock(&conv.shared.messages).push(ReceivedMessage {
                        mail_from,
                        rcpt_to,
                        raw: String::from_utf8_lossy(&body).into_owned(),
                        received_at: Instant::now(),
                    });
                    conv.reply(250, &[&format!("2.0.0 ok: queued as UT{id:06}")])?;
                }
            }
        }
        "RSET" => {
            session.reset_transaction();
            conv.reply(250, &["2.0.0 ok"])?;
        }
        "NOOP" => conv.reply(250, &["2.0.0 ok"])?,
        "QUIT" => {
            conv.reply(221, &["2.0.0 bye"])?;
            return Ok(Next::Close);
        }
        "AUTH" => return auth(conv, session, arg),
        "" => conv.reply(500, &["5.5.2 empty command"])?,
        _ => conv.reply(502, &["5.5.2 command not recognised"])?,
    }
    Ok(Next::Continue)
}

fn auth(conv: &mut Conversation<'_>, session: &mut Session, arg: &str) -> io::Result<Next> {
    let required = lock(&conv.shared.behaviour).auth.clone();
    let Some((user, password)) = required else {
        conv.reply(503, &["5.5.1 AUTH not available"])?;
        return Ok(Next::Continue);
    };
    if !session.greeted {
        conv.reply(503, &["5.5.1 send EHLO first"])?;
        return Ok(Next::Continue);
    }
    if session.authenticated {
        conv.reply(503, &["5.5.1 already authenticated"])?;
        return Ok(Next::Continue);
    }
    if session.mail_from.is_some() {
        conv.reply(503, &["5.5.1 AUTH not allowed during a mail transaction"])?;
        return Ok(Next::Continue);
    }
    let (mechanism, initial) = match arg.split_once(' ') {
        Some((mechanism, initial)) => (mechanism, Some(initial.trim())),
        None => (arg, None),
    };
    let given = match mechanism.to_ascii_uppercase().as_str() {
        "PLAIN" => {
            let Some(response) = auth_response(conv, initial, "")? else {
                return Ok(Next::Continue);
            };
            // authorization identity NUL authentication identity NUL password
            let mut fields = response.split(|&b| b == 0);
            let _authzid = fields.next();
            match (fields.next(), fields.next(), fields.next()) {
                (Some(u), Some(p), None) => Some((u.to_vec(), p.to_vec())),
                _ => None,
            }
        }
        "LOGIN" => {
            // Prompts are base64 for "Username:" and "Password:".
            let Some(u) = auth_response(conv, initial, "VXNlcm5hbWU6")? else {
                return Ok(Next::Continue);
            };
            let Some(p) = auth_response(conv, None, "UGFzc3dvcmQ6")? else {
                return Ok(Next::Continue);
            };
            Some((u, p))
        }
        "" => {
            conv.reply(501, &["5.5.4 syntax: AUTH mechanism"])?;
            return Ok(Next::Continue);
        }
        _ => {
            conv.reply(504, &["5.5.4 unrecognised authentication mechanism"])?;
            return Ok(Next::Continue);
        }
    };
    if given == Some((user.into_bytes(), password.into_bytes())) {
        session.authenticated = true;
        conv.reply(235, &["2.7.0 authentication successful"])?;
    } else {
        conv.reply(535, &["5.7.8 authentication credentials invalid"])?;
    }
    Ok(Next::Continue)
}

/// Gets one base64 SASL response: the initial response given with the
/// command, or the next line after a 334 `prompt`. Replies 501 itself and
/// gives `None` when the client cancels or sends invalid base64.
fn auth_response(
    conv: &mut Conversation<'_>,
    initial: Option<&str>,
    prompt: &str,
) -> io::Result<Option<Vec<u8>>> {
    let line = match initial {
        Some(initial) => initial.to_owned(),
        None => {
            conv.reply(334, &[prompt])?;
            match conv.read_line()? {
                Some(line) => line.trim().to_owned(),
                None => return Err(io::ErrorKind::UnexpectedEof.into()),
            }
        }
    };
    if line == "*" {
        conv.reply(501, &["5.0.0 authentication cancelled"])?;
        return Ok(None);
    }
    if line == "=" {
        return Ok(Some(Vec::new()));
    }
    match base64_decode(&line) {
        Some(bytes) => Ok(Some(bytes)),
        None => {
            conv.reply(501, &["5.5.2 invalid base64"])?;
            Ok(None)
        }
    }
}

/// Decodes standard base64 (padding optional); `None` if invalid.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::engine::{general_purpose, DecodePaddingMode, GeneralPurpose};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        general_purpose::PAD.with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    base64::Engine::decode(&LENIENT, text).ok()
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text[prefix.len()..].trim_start())
}

/// The address of a `<path>` followed by optional parameters
/// (`<a@b.c> BODY=8BITMIME SMTPUTF8`); `<>` gives an empty address.
fn parse_path(arg: &str) -> Option<String> {
    let arg = arg.trim_start();
    if let Some(rest) = arg.strip_prefix('<') {
        let end = rest.find('>')?;
        Some(rest[..end].to_owned())
    } else {
        // Tolerate a bare address without angle brackets.
        let address = arg.split_whitespace().next()?;
        Some(address.to_owned())
    }
}

/// A message the server accepted (its DATA got 250).
#[derive(Debug, Clone)]
pub struct ReceivedMessage {
    /// The MAIL FROM address, without angle brackets ("" for `<>`).
    pub mail_from: String,
    /// The accepted RCPT TO addresses, without angle brackets, in order.
    pub rcpt_to: Vec<String>,
    /// The message as received in DATA, dot-unstuffed, CRLF line endings.
    pub raw: String,
    /// When its DATA was taken.
    pub received_at: Instant,
}

impl ReceivedMessage {
    fn parsed(&self) -> Option<Message<'_>> {
        MessageParser::default().parse(self.raw.as_bytes())
    }

    /// The first header called `name` (case-insensitive), unfolded and with
    /// RFC 2047 encoded words decoded, e.g. `"Jörg <j@example.org>"` for a
    /// From header; `None` if the message has no such header.
    pub fn header(&self, name: &str) -> Option<String> {
        let message = self.parsed()?;
        let (_, raw) = message
            .headers_raw()
            .find(|(header_name, _)| header_name.eq_ignore_ascii_case(name))?;
        Some(decode_unstructured(raw))
    }

    /// The decoded Subject, or "" without one.
    pub fn subject(&self) -> String {
        self.parsed()
            .and_then(|m| m.subject().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The first text/plain body part, transfer-decoded
    /// (quoted-printable or base64) and charset-decoded; "" without one.
    pub fn text_body(&self) -> String {
        let Some(message) = self.parsed() else {
            return String::new();
        };
        let text = message.text_bodies().find_map(|part| match &part.body {
            PartType::Text(text) => Some(text.to_string()),
            _ => None,
        });
        text.unwrap_or_default()
    }

    /// The first text/html body part, decoded; `None` without one.
    pub fn html_body(&self) -> Option<String> {
        let message = self.parsed()?;
        let html = message.html_bodies().find_map(|part| match &part.body {
            PartType::Html(html) => Some(html.to_string()),
            _ => None,
        });
        html
    }

    /// The attachments as `(file name, content)`, transfer-decoded.
    pub fn attachments(&self) -> Vec<(String, Vec<u8>)> {
        let Some(message) = self.parsed() else {
            return Vec::new();
        };
        message
            .attachments()
            .map(|part| {
                let name = part.attachment_name().unwrap_or_default().to_owned();
                (name, part.contents().to_vec())
            })
            .collect()
    }

    /// The Message-ID without its angle brackets (as in
    /// `uuid@host`); `header("Message-ID")` gives it as written.
    pub fn message_id(&self) -> Option<String> {
        self.parsed()?.message_id().map(str::to_owned)
    }

    /// The first link in the text body that starts with `prefix` (e.g.
    /// "http://127.0.0.1:1234/confirm/"), the whole token included. The
    /// token ends at white space, a quote, `<`, `>`, `(`, `)`, `[` or `]`;
    /// sentence punctuation at its end is left out. Falls back to the HTML
    /// body when the text body has no such link.
    pub fn link_starting_with(&self, prefix: &str) -> Option<String> {
        find_link(&self.text_body(), prefix).or_else(|| find_link(&self.html_body()?, prefix))
    }
}

fn find_link(text: &str, prefix: &str) -> Option<String> {
    if prefix.is_empty() {
        return None;
    }
    let start = text.find(prefix)?;
    let rest = &text[start..];
    let end = rest
        .char_indices()
        .skip(prefix.chars().count())
        .find(|&(_, c)| c.is_whitespace() || "\"'<>()[]".contains(c))
        .map_or(rest.len(), |(i, _)| i);
    let token = rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
    Some(if token.len() < prefix.len() {
        prefix.to_owned()
    } else {
        token.to_owned()
    })
}

/// Unfolds a raw header value and decodes its RFC 2047 encoded words.
fn decode_unstructured(raw: &str) -> String {
    // Subject is parsed as unstructured text, whatever the header was.
    let probe = format!("Subject:{}\r\n\r\n", raw.trim_end());
    MessageParser::default()
        .parse(probe.as_bytes())
        .and_then(|m| m.subject().map(str::to_owned))
        .unwrap_or_else(|| raw.trim().to_owned())
}
