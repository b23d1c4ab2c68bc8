//! Rebuilds the crate when a migration is added: `embed_migrations!` reads the folder at
//! compile time, and cargo does not otherwise know a new file there matters.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
