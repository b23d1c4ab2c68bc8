//! `src/db/schema.rs` must describe exactly the tables and columns the migrations create.

use crate::helpers::TestDatabase;
use diesel::prelude::*;
use std::collections::BTreeSet;

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = diesel::sql_types::Text)]
    table_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    column_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    udt_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    is_nullable: String,
}

/// `(table, column, diesel type)` as written in schema.rs.
fn declared() -> BTreeSet<(String, String, String)> {
    let source = include_str!("../../src/db/schema.rs");
    let mut out = BTreeSet::new();
    let mut table = None;
    for line in source.lines().map(str::trim) {
        if let Some(head) = line.strip_suffix('{') {
            table = head.split_whitespace().next().map(str::to_string);
        } else if line == "}" {
            table = None;
        } else if let (Some(t), Some((col, ty))) = (&table, line.split_once(" -> ")) {
            out.insert((
                t.clone(),
                col.to_string(),
                ty.trim_end_matches(',').to_string(),
            ));
        }
    }
    out
}

fn diesel_type(udt: &str, nullable: bool) -> String {
    let base = match udt {
        "uuid" => "Uuid",
        "text" => "Text",
        "int2" => "Int2",
        "int4" => "Int4",
        "int8" => "Int8",
        "bool" => "Bool",
        "timestamptz" => "Timestamptz",
        "jsonb" => "Jsonb",
        "float8" => "Float8",
        "bytea" => "Bytea",
        other => other,
    };
    if nullable {
        format!("Nullable<{base}>")
    } else {
        base.to_string()
    }
}

#[test]
fn schema_rs_matches_the_tables_the_migrations_create() {
    let db = TestDatabase::create();
    let columns: Vec<Column> = diesel::sql_query(
        "SELECT table_name::text, column_name::text, udt_name::text, is_nullable::text \
         FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
    )
    .load(&mut db.connect())
    .unwrap();
    let actual: BTreeSet<_> = columns
        .into_iter()
        .map(|c| {
            (
                c.table_name,
                c.column_name,
                diesel_type(&c.udt_name, c.is_nullable == "YES"),
            )
        })
        .collect();
    let declared = declared();
    assert_eq!(
        actual.difference(&declared).collect::<Vec<_>>(),
        Vec::<&(String, String, String)>::new(),
        "in the database but not in schema.rs (run `diesel print-schema`)"
    );
    assert_eq!(
        declared.difference(&actual).collect::<Vec<_>>(),
        Vec::<&(String, String, String)>::new(),
        "in schema.rs but not in the database"
    );
}
