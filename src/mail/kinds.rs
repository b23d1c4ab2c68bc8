//! The kinds of mail a drain sends, each registered with it from above (the composition root
//! of the crate, `mail_kinds.rs`): how a claimed row of the kind becomes a message, and what a
//! recorded outcome of it means beyond its outbox row. The mail layer itself knows no kind's
//! domain; a drain claims only the kinds registered with it, so a process that does not know
//! a kind (an older release beside a newer one) leaves its rows for one that does.

use super::outbox::{Attempt, Queued};
use super::outcome::Outcome;
use super::render::{RenderContext, RenderError};
use super::{Composed, ExtraHeaders, MailKind};
use diesel::PgConnection;
use std::collections::HashMap;
use std::sync::Arc;

/// One kind of mail, as the drain needs it.
pub trait MailHandler: Send + Sync {
    /// Renders a claimed row of this kind as it is sent now.
    fn render(
        &self,
        conn: &mut PgConnection,
        row: &Queued,
        ctx: &RenderContext,
    ) -> Result<Composed, RenderError>;

    /// Renders the claimed rows of this kind, in the claim's order: one answer per row. A
    /// kind that sends many messages at once reads what they share once here; by default
    /// each row is rendered on its own.
    fn render_all(
        &self,
        conn: &mut PgConnection,
        rows: &[Queued],
        ctx: &RenderContext,
    ) -> Vec<Result<Composed, RenderError>> {
        rows.iter().map(|row| self.render(conn, row, ctx)).collect()
    }

    /// Applies what recorded outcomes of this kind mean beyond their outbox rows, inside the
    /// recording transaction (an error undoes the whole record). Nothing, by default.
    fn recorded(
        &self,
        _conn: &mut PgConnection,
        _done: &[(&Attempt, &Outcome<'_>)],
    ) -> anyhow::Result<()> {
        Ok(())
    }
}

/// A kind rendered when it was queued: its parts are in the outbox row.
pub struct Stored;

impl MailHandler for Stored {
    fn render(
        &self,
        _conn: &mut PgConnection,
        row: &Queued,
        _ctx: &RenderContext,
    ) -> Result<Composed, RenderError> {
        let (Some(subject), Some(text)) = (&row.subject, &row.body_text) else {
            return Err(RenderError::Impossible {
                kind: row.kind,
                reason: "the stored message has no subject or text".into(),
            });
        };
        Ok(Composed {
            to: row.recipient.clone(),
            to_name: row.recipient_name.clone(),
            subject: subject.clone(),
            text: text.clone(),
            html: row.body_html.clone(),
            attachments: Vec::new(),
            headers: ExtraHeaders {
                auto_submitted: row.kind.auto_generated(),
                ..ExtraHeaders::default()
            },
        })
    }
}

/// The kinds a drain sends; cheap to clone.
#[derive(Clone, Default)]
pub struct MailKinds {
    handlers: HashMap<MailKind, Arc<dyn MailHandler>>,
}

impl MailKinds {
    /// No kinds: a drain over it claims nothing.
    pub fn new() -> MailKinds {
        MailKinds::default()
    }

    /// Sends `kind` with `handler` (replacing an earlier registration of it).
    pub fn register(mut self, kind: MailKind, handler: impl MailHandler + 'static) -> MailKinds {
        self.handlers.insert(kind, Arc::new(handler));
        self
    }

    /// The kinds registered, as `outbox.kind` names them, for the claim.
    pub fn names(&self) -> Vec<&'static str> {
        let mut names: Vec<_> = self.handlers.keys().map(|kind| kind.as_str()).collect();
        names.sort_unstable();
        names
    }

    /// Renders claimed `rows`, each with its kind's handler (one call per kind), keeping
    /// their order.
    pub fn render_all(
        &self,
        conn: &mut PgConnection,
        rows: Vec<Queued>,
        ctx: &RenderContext,
    ) -> Vec<(Queued, Result<Composed, RenderError>)> {
        let mut rendered: Vec<Option<Result<Composed, RenderError>>> =
            rows.iter().map(|_| None).collect();
        let mut kinds: Vec<MailKind> = rows.iter().map(|row| row.kind).collect();
        kinds.sort_unstable_by_key(|kind| kind.as_str());
        kinds.dedup();
        for kind in kinds {
            let (at, mine): (Vec<usize>, Vec<Queued>) = rows
                .iter()
                .enumerate()
                .filter(|(_, row)| row.kind == kind)
                .map(|(i, row)| (i, row.clone()))
                .unzip();
            let results = match self.handlers.get(&kind) {
                Some(handler) => handler.render_all(conn, &mine, ctx),
                None => mine
                    .iter()
                    .map(|row| {
                        Err(RenderError::Impossible {
                            kind: row.kind,
                            reason: "this drain has no renderer for it".into(),
                        })
                    })
                    .collect(),
            };
            for (i, result) in at.into_iter().zip(results) {
                rendered[i] = Some(result);
            }
        }
        rows.into_iter()
            .zip(rendered)
            .map(|(row, result)| {
                let result = result.unwrap_or_else(|| {
                    Err(RenderError::Failed(anyhow::anyhow!(
                        "the renderer of {} answered for fewer rows than it was given",
                        row.kind.as_str()
                    )))
                });
                (row, result)
            })
            .collect()
    }

    /// Hands each kind's recorded outcomes to its handler, in one call per kind.
    pub fn recorded(
        &self,
        conn: &mut PgConnection,
        done: &[(&Attempt, &Outcome<'_>)],
    ) -> anyhow::Result<()> {
        for (kind, handler) in &self.handlers {
            let mine: Vec<_> = done
                .iter()
                .filter(|(attempt, _)| attempt.kind == *kind)
                .copied()
                .collect();
            if !mine.is_empty() {
                handler.recorded(conn, &mine)?;
            }
        }
        Ok(())
    }
}
