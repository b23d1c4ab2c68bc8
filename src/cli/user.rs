//! `undersign user add EMAIL --role owner|editor|viewer`: the password comes from stdin, or
//! is generated and printed once.

use crate::config::Settings;
use crate::db;
use crate::organizers::audit::Actor;
use crate::organizers::{self, password, Role};
use crate::startup::open_database;
use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use std::io::{IsTerminal, Read};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an organizer account. Reads the password from stdin when it is not a terminal;
    /// otherwise generates one and prints it once.
    Add {
        email: String,
        #[arg(long, value_enum, default_value_t = RoleArg::Editor)]
        role: RoleArg,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Owner,
    Editor,
    Viewer,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Owner => Role::Owner,
            RoleArg::Editor => Role::Editor,
            RoleArg::Viewer => Role::Viewer,
        }
    }
}

pub async fn run(settings: &Settings, command: UserCommand) -> anyhow::Result<()> {
    let pool = &open_database(settings).await?;
    match command {
        UserCommand::Add { email, role } => {
            let stdin = std::io::stdin();
            let (password_given, generated) = if stdin.is_terminal() {
                (password::generate(), true)
            } else {
                let mut input = String::new();
                stdin
                    .lock()
                    .read_to_string(&mut input)
                    .context("cannot read the password from stdin")?;
                let typed = input.trim_end_matches(['\r', '\n']).to_string();
                if typed.is_empty() {
                    (password::generate(), true)
                } else {
                    (typed, false)
                }
            };
            let email = organizers::check_new(&email, &password_given)?;
            let hash = {
                let p = password_given.clone();
                tokio::task::spawn_blocking(move || password::hash(&p)).await??
            };
            let role = Role::from(role);
            let shown = email.as_typed().to_string();
            db::run(pool, move |conn| {
                organizers::add(conn, &email, &hash, role, Actor::CommandLine)?;
                anyhow::Ok(())
            })
            .await?;
            println!("created {} organizer {shown}", role.as_str());
            if generated {
                println!("password {password_given}");
                println!("(shown once: store it now)");
            }
            Ok(())
        }
    }
}
