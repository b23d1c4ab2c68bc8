//! The campaign an admin screen is about: the `{slug}` of its path, loaded fresh from the
//! database (never from the public cache), or the admin's "campaign not found". Every screen
//! under `/admin/campaigns/{slug}` takes it as an extractor.

use crate::campaigns::{self, Campaign};
use crate::db;
use crate::domain::slug::Slug;
use crate::web::errors::PageError;
use crate::web::AppState;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

/// The campaign at the request's `{slug}`.
pub struct ManagedCampaign(pub Campaign);

const NOT_FOUND: PageError = PageError::NotFound {
    title: "Campaign not found",
    message: "There is no campaign at this address.",
};

/// Loads the campaign behind `slug` fresh from the database.
pub async fn load(state: &AppState, slug: Slug) -> Result<Campaign, PageError> {
    db::run(&state.pool, move |conn| {
        campaigns::find_by_slug(conn, slug.as_str())
    })
    .await?
    .ok_or(NOT_FOUND)
}

impl FromRequest for ManagedCampaign {
    type Error = PageError;
    type Future = LocalBoxFuture<'static, Result<ManagedCampaign, PageError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let slug = req
            .match_info()
            .get("slug")
            .and_then(|s| Slug::parse(s).ok());
        Box::pin(async move {
            let (Some(state), Some(slug)) = (state, slug) else {
                return Err(NOT_FOUND);
            };
            load(&state, slug).await.map(ManagedCampaign)
        })
    }
}
