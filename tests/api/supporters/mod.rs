//! The supporter list: who may receive alerts, the do-not-mail list, and imports.

mod do_not_mail;
mod requests;
