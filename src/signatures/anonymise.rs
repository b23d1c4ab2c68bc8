//! Anonymising signatures, the one way it is done: the signer's name, postcode, comment and IP
//! hash go, the signature stays, counted as before, in every tally, batch and CSV (as
//! anonymous). A supporter's erasure and a closed campaign's retention both come here.

use diesel::prelude::*;
use diesel::sql_types::Uuid as SqlUuid;
use uuid::Uuid;

/// Whose signatures.
#[derive(Debug, Clone, Copy)]
pub enum Whose {
    Supporter(Uuid),
    Campaign(Uuid),
}

/// The signatures that still name someone.
const NAMING: &str =
    "(name <> '' OR postcode IS NOT NULL OR comment IS NOT NULL OR ip_hash IS NOT NULL)";

impl Whose {
    /// The column that picks the signatures, and its value.
    fn column(self) -> (&'static str, Uuid) {
        match self {
            Whose::Supporter(id) => ("supporter_id", id),
            Whose::Campaign(id) => ("campaign_id", id),
        }
    }
}

/// Anonymises the signatures of `whose` that still name someone; returns how many changed.
pub fn anonymise(conn: &mut PgConnection, whose: Whose) -> QueryResult<usize> {
    let (column, id) = whose.column();
    diesel::sql_query(format!(
        "UPDATE signatures SET name = '', postcode = NULL, comment = NULL, ip_hash = NULL \
         WHERE {column} = $1 AND {NAMING}"
    ))
    .bind::<SqlUuid, _>(id)
    .execute(conn)
}

/// How many signatures of `whose` still name someone.
pub fn naming(conn: &mut PgConnection, whose: Whose) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let (column, id) = whose.column();
    diesel::sql_query(format!(
        "SELECT count(*) AS n FROM signatures WHERE {column} = $1 AND {NAMING}"
    ))
    .bind::<SqlUuid, _>(id)
    .get_result::<N>(conn)
    .map(|n| n.n)
}
