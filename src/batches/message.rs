//! The message a target receives: addressed to them, the whole letter the first time and the
//! asks with a link after that (threaded under the first), the running total and the new
//! signers (inline up to [`INLINE`], all of them in an attached CSV or, when that would be too
//! large, behind a signed link). Rendered when it is sent, from the rows it covers.

use super::link;
use super::signers::{self, Coverage, Signer};
use crate::campaigns::letter::{render_letter_greeting, RenderedLetter};
use crate::campaigns::{self, Campaign};
use crate::db::schema::{batch_targets, batches, targets};
use crate::domain::counting::{count, range, thousands};
use crate::domain::letter::Links;
use anyhow::Context as _;
use askama::Template;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// The largest CSV attached when `UNDERSIGN_ATTACHMENT_MAX` is not set.
pub use crate::config::DEFAULT_ATTACHMENT_MAX;
/// Signers listed in the message itself; the CSV has them all.
pub const INLINE: usize = 100;
/// Earlier messages named in `References` besides the first (a year of daily batches would
/// otherwise make a header of many kilobytes).
const REFERENCES: usize = 10;

/// What rendering needs beyond the database.
#[derive(Debug, Clone, Copy)]
pub struct BatchContext<'a> {
    pub base_url: &'a str,
    pub secret_key: &'a [u8],
    /// Largest CSV attached; a larger one is linked.
    pub attachment_max: usize,
    pub now: DateTime<Utc>,
}

/// Which message to render.
#[derive(Debug, Clone, Copy)]
pub enum Which {
    /// A queued batch message.
    Queued(Uuid),
    /// What the target's next message would be now (preview and test copies).
    Next { campaign_id: Uuid, target_id: Uuid },
}

/// A rendered batch message, before the outbox adds From and the Message-ID.
#[derive(Debug, Clone)]
pub struct BatchMessage {
    pub to: String,
    pub to_name: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// `(file name, bytes)` of the CSV, when it is attached.
    pub csv: Option<CsvFile>,
    pub reply_to: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
}

/// What a message covers, resolved from a queued row or from the campaign's state now.
struct Span {
    campaign_id: Uuid,
    target_id: Uuid,
    coverage: Coverage,
    first_number: i64,
    /// Signatures delivered to the target once this message arrives.
    total: i64,
    new: i64,
    csv_bytes: i64,
    /// The queued row, for the download link; `None` for a preview.
    batch_target_id: Option<Uuid>,
}

/// An attached CSV: its file name and bytes.
pub type CsvFile = (String, Vec<u8>);

/// How the CSV travels.
enum CsvNote {
    Attached(String),
    Linked {
        url: String,
        until: String,
    },
    /// A preview of a message whose CSV will be linked.
    LinkedWhenSent,
}

#[derive(Template)]
#[template(path = "email/petition_batch.txt")]
struct Text<'a> {
    v: &'a View<'a>,
}

#[derive(Template)]
#[template(path = "email/petition_batch.html")]
struct Html<'a> {
    v: &'a View<'a>,
}

/// Everything the two templates show, already in words.
struct View<'a> {
    test: bool,
    first: bool,
    greeting: String,
    title: &'a str,
    /// The whole letter, greeting this target: in the first message only.
    letter: Option<RenderedLetter>,
    /// The asks with their inline Markdown rendered, for the HTML part.
    asks_html: Vec<crate::domain::letter::SafeHtml>,
    /// The asks as plain text, for the text part.
    asks_text: Vec<String>,
    letter_link: String,
    total: String,
    /// "1 person has", "12,345 people have".
    signed_so_far: String,
    /// "1 more person has", "3 more people have".
    new_signed: String,
    /// "Signer 4", "Signers 4–6".
    range: String,
    /// Who gathered the signatures.
    organisation: Option<String>,
    signers: Vec<SignerLine>,
    more: Option<String>,
    csv: CsvNote,
}

struct SignerLine {
    name: String,
    place: String,
    comment: Option<String>,
}

/// Renders the message `which` names; `test` marks it as a test copy.
pub fn render(
    conn: &mut PgConnection,
    which: Which,
    ctx: &BatchContext<'_>,
    test: bool,
) -> anyhow::Result<BatchMessage> {
    let span = resolve(conn, which)?;
    let slug: String = crate::db::schema::campaigns::table
        .find(span.campaign_id)
        .select(crate::db::schema::campaigns::slug)
        .first(conn)?;
    let campaign = campaigns::find_by_slug(conn, &slug)?.context("the campaign is gone")?;
    let (name, title, email): (String, Option<String>, String) = targets::table
        .find(span.target_id)
        .select((targets::name, targets::title, targets::email))
        .first(conn)
        .context("the target is gone")?;
    let earlier: Vec<String> = {
        let mut query = batch_targets::table
            .filter(batch_targets::target_id.eq(span.target_id))
            .filter(batch_targets::state.ne(super::state::DeliveryState::Failed))
            .order(batch_targets::id)
            .select(batch_targets::message_id)
            .into_boxed();
        if let Some(id) = span.batch_target_id {
            query = query.filter(batch_targets::id.lt(id));
        }
        query.load(conn)?
    };
    let postcode = campaign.row.include_postcode;
    let inline = signers::first(conn, &span.coverage, INLINE)?;
    let (csv, note) = csv(conn, &span, &campaign, ctx, postcode)?;
    let view = view(
        &campaign, &name, &span, &earlier, inline, note, ctx, test, postcode,
    )?;
    let subject = subject(&view, &span, test);
    Ok(BatchMessage {
        to: email,
        to_name: match &title {
            Some(title) => format!("{name}, {title}"),
            None => name.clone(),
        },
        text: Text { v: &view }.render()?,
        html: Html { v: &view }.render()?,
        subject,
        csv,
        reply_to: campaign.row.reply_to.clone(),
        in_reply_to: earlier.first().cloned(),
        references: (!earlier.is_empty()).then(|| {
            let tail = earlier.len().saturating_sub(REFERENCES).max(1);
            std::iter::once(&earlier[0])
                .chain(&earlier[tail..])
                .cloned()
                .collect::<Vec<_>>()
                .join(" ")
        }),
    })
}

fn resolve(conn: &mut PgConnection, which: Which) -> anyhow::Result<Span> {
    match which {
        Which::Queued(id) => {
            let (campaign_id, target_id, from_seq, to_seq, first, last, count, bytes): (
                Uuid,
                Uuid,
                i32,
                i32,
                i64,
                i64,
                i64,
                i64,
            ) = batch_targets::table
                .find(id)
                .select((
                    batch_targets::campaign_id,
                    batch_targets::target_id,
                    batch_targets::from_seq,
                    batch_targets::to_seq,
                    batch_targets::first_number,
                    batch_targets::last_number,
                    batch_targets::signature_count,
                    batch_targets::csv_bytes,
                ))
                .first(conn)
                .context("the batch message is gone")?;
            Ok(Span {
                campaign_id,
                target_id,
                coverage: Coverage {
                    campaign_id,
                    from_seq,
                    to_seq,
                    pending: false,
                },
                first_number: first,
                total: last,
                new: count,
                csv_bytes: bytes,
                batch_target_id: Some(id),
            })
        }
        Which::Next {
            campaign_id,
            target_id,
        } => {
            let covered: i32 = batch_targets::table
                .filter(batch_targets::target_id.eq(target_id))
                .filter(batch_targets::state.ne(super::state::DeliveryState::Failed))
                .select(diesel::dsl::max(batch_targets::to_seq))
                .first::<Option<i32>>(conn)?
                .unwrap_or(0);
            let cut: Vec<(i32, i64, i64)> = batches::table
                .filter(batches::campaign_id.eq(campaign_id))
                .order(batches::seq)
                .select((batches::seq, batches::total_through, batches::csv_bytes))
                .load(conn)?;
            let before = cut.iter().find(|b| b.0 == covered).map_or(0, |b| b.1);
            let (last_seq, through) = cut.last().map_or((0, 0), |b| (b.0, b.1));
            #[derive(QueryableByName)]
            struct Pending {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                n: i64,
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                bytes: i64,
            }
            let pending: Pending = diesel::sql_query(
                "SELECT count(*) AS n, coalesce(sum(csv_bytes), 0)::bigint AS bytes \
                 FROM batch_pending WHERE campaign_id = $1",
            )
            .bind::<diesel::sql_types::Uuid, _>(campaign_id)
            .get_result(conn)?;
            let total = through + pending.n;
            Ok(Span {
                campaign_id,
                target_id,
                coverage: Coverage {
                    campaign_id,
                    from_seq: covered,
                    to_seq: last_seq,
                    pending: true,
                },
                first_number: before + 1,
                total,
                new: total - before,
                csv_bytes: cut
                    .iter()
                    .filter(|b| b.0 > covered)
                    .map(|b| b.2)
                    .sum::<i64>()
                    + pending.bytes,
                batch_target_id: None,
            })
        }
    }
}

/// The CSV attached, or the note that says where it is instead.
fn csv(
    conn: &mut PgConnection,
    span: &Span,
    campaign: &Campaign,
    ctx: &BatchContext<'_>,
    postcode: bool,
) -> anyhow::Result<(Option<CsvFile>, CsvNote)> {
    let filename = format!(
        "{}-signatures-{}-{}.csv",
        campaign.slug(),
        span.first_number,
        span.total
    );
    // The estimate from the cut spares reading a million rows only to find them too many.
    let attached = if span.csv_bytes as usize <= ctx.attachment_max {
        signers::csv_at_most(
            conn,
            &span.coverage,
            span.first_number,
            postcode,
            ctx.attachment_max,
        )?
    } else {
        None
    };
    if let Some(bytes) = attached {
        return Ok((Some((filename.clone(), bytes)), CsvNote::Attached(filename)));
    }
    let Some(id) = span.batch_target_id else {
        return Ok((None, CsvNote::LinkedWhenSent));
    };
    let expires = ctx.now + link::VALID_FOR;
    let token = link::token(ctx.secret_key, id, expires);
    Ok((
        None,
        CsvNote::Linked {
            url: crate::urls::absolute(ctx.base_url, &crate::urls::download(&token)),
            until: expires.format("%-d %B %Y").to_string(),
        },
    ))
}

#[allow(clippy::too_many_arguments)]
fn view<'a>(
    campaign: &'a Campaign,
    target_name: &str,
    span: &Span,
    earlier: &[String],
    inline: Vec<Signer>,
    csv: CsvNote,
    ctx: &BatchContext<'_>,
    test: bool,
    postcode: bool,
) -> anyhow::Result<View<'a>> {
    let row = &campaign.row;
    let shown = inline.len() as i64;
    let first = earlier.is_empty();
    let greeting = greeting(row.salutation.as_deref(), target_name);
    let letter_link = format!("{}/c/{}", ctx.base_url, row.slug);
    let links = Links::Absolute {
        base_url: ctx.base_url,
        page_url: &letter_link,
    };
    let letter = first
        .then(|| render_letter_greeting(campaign, Some(&greeting), links))
        .transpose()?;
    Ok(View {
        test,
        first,
        greeting,
        title: &row.title,
        letter,
        asks_html: campaign.asks_html(links),
        asks_text: campaign.asks_text(links),
        total: thousands(span.total),
        signed_so_far: count(span.total, "person has", "people have"),
        new_signed: count(span.new, "more person has", "more people have"),
        range: range(span.first_number, span.total, "Signer", "Signers"),
        organisation: campaign.organisation().map(str::to_string),
        letter_link,
        signers: inline
            .into_iter()
            .map(|s| SignerLine {
                place: match (&s.postcode, postcode) {
                    (Some(p), true) => format!("{}, {p}", s.country),
                    _ => s.country,
                },
                name: s.name,
                comment: s.comment,
            })
            .collect(),
        more: (span.new > shown).then(|| thousands(span.new - shown)),
        csv,
    })
}

/// The letter's own salutation when it greets this target by name, else "Dear NAME,".
fn greeting(salutation: Option<&str>, target_name: &str) -> String {
    let surname = target_name.split_whitespace().last().unwrap_or(target_name);
    match salutation {
        Some(s) if !surname.is_empty() && s.to_lowercase().contains(&surname.to_lowercase()) => {
            s.to_string()
        }
        _ => format!("Dear {target_name},"),
    }
}

fn subject(v: &View<'_>, span: &Span, test: bool) -> String {
    let words = if v.first {
        format!(
            "{} — {}",
            v.title,
            count(span.total, "signature", "signatures")
        )
    } else {
        format!(
            "{} — {}, {} in all",
            v.title,
            count(span.new, "new signature", "new signatures"),
            v.total
        )
    };
    if test {
        format!("[TEST] {words}")
    } else {
        words
    }
}

#[cfg(test)]
mod tests {
    use super::greeting;

    #[test]
    fn the_letter_greets_its_target_with_its_own_salutation_when_it_names_them() {
        assert_eq!(
            greeting(Some("Dear Minister Kovač:"), "Marta Kovač"),
            "Dear Minister Kovač:"
        );
        assert_eq!(
            greeting(Some("Dear Minister Kovač:"), "Ivo Horvat"),
            "Dear Ivo Horvat,"
        );
        assert_eq!(greeting(None, "Ivo Horvat"), "Dear Ivo Horvat,");
    }
}

/// The parameters of a test copy's outbox row.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct TestCopy {
    pub campaign_id: Uuid,
    pub target_id: Uuid,
}
