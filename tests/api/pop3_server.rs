//! A POP3 server (RFC 1939) the tests control, on a real socket: it serves the messages a
//! test puts in its mailbox, and deletes the ones marked with `DELE` only at `QUIT`, as a real
//! server does, so a session cut short deletes nothing.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

pub struct Pop3Server {
    port: u16,
    mailbox: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Pop3Server {
    /// Serves the account `user` with `password`.
    pub fn start(user: &str, password: &str) -> Pop3Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
        let port = listener.local_addr().unwrap().port();
        let mailbox: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
        let (shared, user, password) = (mailbox.clone(), user.to_string(), password.to_string());
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (shared, user, password) = (shared.clone(), user.clone(), password.clone());
                thread::spawn(move || {
                    let _ = session(stream, &shared, &user, &password);
                });
            }
        });
        Pop3Server { port, mailbox }
    }

    /// `pop3://user:password@127.0.0.1:port`.
    pub fn url(&self, user: &str, password: &str) -> String {
        format!("pop3://{user}:{password}@127.0.0.1:{}", self.port)
    }

    pub fn deliver(&self, message: &str) {
        self.mailbox
            .lock()
            .unwrap()
            .push(message.as_bytes().to_vec());
    }

    pub fn waiting(&self) -> usize {
        self.mailbox.lock().unwrap().len()
    }
}

fn session(
    stream: TcpStream,
    mailbox: &Mutex<Vec<Vec<u8>>>,
    user: &str,
    password: &str,
) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    writeln!(out, "+OK POP3 test server ready\r")?;
    let (mut given_user, mut signed_in) = (String::new(), false);
    let mut marked: Vec<usize> = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(()); // dropped without QUIT: nothing is deleted
        }
        let command = line.trim_end();
        let (verb, arg) = command.split_once(' ').unwrap_or((command, ""));
        let n = arg.trim().parse::<usize>().ok();
        let snapshot = mailbox.lock().unwrap().clone();
        match (verb.to_ascii_uppercase().as_str(), signed_in) {
            ("USER", false) => {
                given_user = arg.to_string();
                write!(out, "+OK\r\n")?;
            }
            ("PASS", false) if given_user == user && arg == password => {
                signed_in = true;
                write!(out, "+OK signed in\r\n")?;
            }
            ("PASS", false) => write!(out, "-ERR authentication failed\r\n")?,
            ("STAT", true) => {
                let size: usize = snapshot.iter().map(Vec::len).sum();
                write!(out, "+OK {} {size}\r\n", snapshot.len())?;
            }
            ("RETR", true) => match n.and_then(|n| snapshot.get(n.wrapping_sub(1))) {
                Some(message) => {
                    write!(out, "+OK {} octets\r\n", message.len())?;
                    for l in String::from_utf8_lossy(message).lines() {
                        if l.starts_with('.') {
                            out.write_all(b".")?;
                        }
                        write!(out, "{l}\r\n")?;
                    }
                    write!(out, ".\r\n")?;
                }
                None => write!(out, "-ERR no such message\r\n")?,
            },
            ("DELE", true) => match n.filter(|&n| n >= 1 && n <= snapshot.len()) {
                Some(n) => {
                    marked.push(n);
                    write!(out, "+OK marked\r\n")?;
                }
                None => write!(out, "-ERR no such message\r\n")?,
            },
            ("QUIT", _) => {
                let mut messages = mailbox.lock().unwrap();
                marked.sort_unstable();
                marked.dedup();
                for n in marked.iter().rev() {
                    messages.remove(n - 1);
                }
                write!(out, "+OK bye\r\n")?;
                return Ok(());
            }
            _ => write!(out, "-ERR not now\r\n")?,
        }
    }
}
