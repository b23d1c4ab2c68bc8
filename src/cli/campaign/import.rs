//! `undersign campaign import FILE [--launch]`: a campaign from a letter file, and what it
//! became (its slug, public address and, for a draft, a preview link).

use crate::campaigns::import;
use crate::config::Settings;
use crate::db;
use crate::domain::letter_file;
use crate::organizers::audit::Actor;
use crate::startup::open_database;
use anyhow::Context;
use std::path::Path;

pub async fn run(settings: &Settings, file: &Path, launch: bool) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let parsed = letter_file::parse_letter_file(&text)
        .with_context(|| format!("{} is not a letter file Undersign can read", file.display()))?;
    let pool = open_database(settings).await?;
    let imported = db::run(&pool, move |conn| {
        anyhow::Ok(import::import(
            conn,
            &parsed,
            &text,
            launch,
            Actor::CommandLine,
        )?)
    })
    .await?;
    println!("id      {}", imported.id);
    println!("slug    {}", imported.slug);
    println!("title   {}", imported.title);
    println!(
        "status  {}",
        if imported.launched { "live" } else { "draft" }
    );
    println!("asks    {}", imported.asks);
    println!("targets {}", imported.targets);
    println!("url     {}/c/{}", settings.base_url, imported.slug);
    if !imported.launched {
        let token = crate::tokens::preview_token(settings.secret_key.bytes(), imported.id);
        println!(
            "preview {}/c/{}?preview={token}",
            settings.base_url, imported.slug
        );
    }
    if imported.targets == 0 {
        eprintln!("note: no targets with e-mail addresses; add [[targets]] to the front matter so the petition can be delivered");
    }
    Ok(())
}
