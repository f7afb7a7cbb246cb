//! The training centre object type.
use async_graphql::{Context, ID, Object};
use service::entity::enums::CentreStatus;
use service::entity::{isced_field, training_centre};
use service::rel;

use crate::countries::{Country, FieldOfEducation, country_opt};
use crate::error::Result;
use crate::ids::{Kind, encode};
use crate::loader;
use crate::organisations::Organisation;
use crate::record::{OwnedFields, organisation, organisation_opt};
use crate::scalars::{Date, date};
use crate::translations::{LocalizedText, all_forms, localized};

pub struct TrainingCentre(pub training_centre::Model);

/// A vocational education and training centre abroad, run by a member with a local partner.
#[Object]
impl TrainingCentre {
    /// The centre's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::TrainingCentre, self.0.id)
    }
    /// Name, in the language `lang` or the request's `Accept-Language` (see `translations`).
    async fn name(&self, ctx: &Context<'_>, lang: Option<String>) -> Result<String> {
        let c = &self.0;
        let name =
            localized::<training_centre::Entity>(ctx, c.id, "name", Some(&c.name), lang).await?;
        Ok(name.unwrap_or_else(|| c.name.clone()))
    }
    /// Every language's text of the name: English (`en`, the field itself) first.
    async fn translations(
        &self,
        ctx: &Context<'_>,
        field: Option<String>,
    ) -> Result<Vec<LocalizedText>> {
        let fields = [("name", Some(self.0.name.as_str()))];
        all_forms::<training_centre::Entity>(ctx, self.0.id, &fields, field).await
    }
    /// The member that operates it.
    async fn operator(&self, ctx: &Context<'_>) -> Result<Organisation> {
        organisation(ctx, self.0.operator_id).await
    }
    /// The local partner institution.
    async fn partner(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        organisation_opt(ctx, self.0.partner_id).await
    }
    /// Country or region.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>> {
        country_opt(ctx, &Some(self.0.country_code.clone())).await
    }
    /// City.
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }
    /// When it opened.
    async fn opened_on(&self) -> Option<Date> {
        date(self.0.opened_on)
    }
    /// Whether it is operating.
    async fn status(&self) -> CentreStatus {
        self.0.status
    }
    /// Fields of education taught (ISCED-F 2013).
    async fn fields(&self, ctx: &Context<'_>) -> Result<Vec<FieldOfEducation>> {
        let codes = loader::all::<rel::CentreFields>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(|l| l.isced_code)
            .collect();
        Ok(loader::many::<isced_field::Entity>(ctx, codes)
            .await?
            .into_iter()
            .map(FieldOfEducation)
            .collect())
    }
    /// Owner, visibility, source, version and times, as every owned record has them.
    #[graphql(flatten)]
    async fn record(&self) -> OwnedFields {
        OwnedFields::of(&self.0)
    }
}
