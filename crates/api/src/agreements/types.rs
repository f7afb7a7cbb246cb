//! The agreement object types.
use async_graphql::{Context, ID, Object};
use service::entity::enums::{AgreementKind, AgreementPersonRole, AgreementStatus, PartyRole};
use service::entity::{agreement, agreement_party, agreement_person, isced_field};
use service::rel;

use crate::connection::*;
use crate::countries::FieldOfEducation;
use crate::error::Result;
use crate::events::Event;
use crate::ids::{Kind, encode};
use crate::loader;
use crate::organisations::Organisation;
use crate::people::Person;
use crate::record::{
    Confirmation, OwnedFields, confirmations, event_opt, organisation, organisation_opt, person,
};
use crate::scalars::{Date, date};
use crate::translations::{LocalizedText, all_forms, localized};

pub struct Agreement(pub agreement::Model);

/// An agreement or joint programme: an MoU, a joint school, a double degree, the hosting
/// of a chair or committee, with its parties, signatories and witnesses.
#[Object]
impl Agreement {
    /// The agreement's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::Agreement, self.0.id)
    }
    /// What sort of agreement it is.
    async fn kind(&self) -> AgreementKind {
        self.0.kind
    }
    /// Lifecycle stage.
    async fn status(&self) -> AgreementStatus {
        self.0.status
    }
    /// Title, in the language `lang` or the request's `Accept-Language` (see `translations`).
    async fn title(&self, ctx: &Context<'_>, lang: Option<String>) -> Result<String> {
        let a = &self.0;
        let title =
            localized::<agreement::Entity>(ctx, a.id, "title", Some(&a.title), lang).await?;
        Ok(title.unwrap_or_else(|| a.title.clone()))
    }
    /// A short summary, in the language `lang` or the request's.
    async fn description(&self, ctx: &Context<'_>, lang: Option<String>) -> Result<Option<String>> {
        let english = self.0.description.as_deref();
        localized::<agreement::Entity>(ctx, self.0.id, "description", english, lang).await
    }
    /// Every language's text of the title and description (or of `field` only): English
    /// (`en`, the fields themselves) first, then the others.
    async fn translations(
        &self,
        ctx: &Context<'_>,
        field: Option<String>,
    ) -> Result<Vec<LocalizedText>> {
        let a = &self.0;
        let fields = [
            ("title", Some(a.title.as_str())),
            ("description", a.description.as_deref()),
        ];
        all_forms::<agreement::Entity>(ctx, a.id, &fields, field).await
    }
    /// Date of signature, where known.
    async fn signed_on(&self) -> Option<Date> {
        date(self.0.signed_on)
    }
    /// Start of validity.
    async fn valid_from(&self) -> Option<Date> {
        date(self.0.valid_from)
    }
    /// End of validity.
    async fn valid_to(&self) -> Option<Date> {
        date(self.0.valid_to)
    }
    /// The status on `asOf` (default: today in the consortium's time zone): EXPIRED for
    /// an IN_EFFECT agreement whose validity ended before then, otherwise the stored one.
    async fn effective_status(&self, ctx: &Context<'_>, as_of: Option<Date>) -> AgreementStatus {
        let day = as_of.map_or_else(|| crate::record::scope(ctx).today(), |d| d.0);
        service::agreements::effective_status(&self.0, day)
    }
    /// Whether it is stored as IN_EFFECT though its validity ended before today.
    async fn lapsed(&self, ctx: &Context<'_>) -> bool {
        service::agreements::lapsed(&self.0, crate::record::scope(ctx).today())
    }
    /// The organisations party to it, in their roles.
    async fn parties(&self, ctx: &Context<'_>) -> Result<Vec<Party>> {
        Ok(loader::all_joined::<rel::AgreementParties>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Party)
            .collect())
    }
    /// Who signed it, with the titles they held then.
    async fn signatories(&self, ctx: &Context<'_>) -> Result<Vec<Signature>> {
        self.people(ctx, AgreementPersonRole::Signatory).await
    }
    /// Who witnessed the signing.
    async fn witnesses(&self, ctx: &Context<'_>) -> Result<Vec<Signature>> {
        self.people(ctx, AgreementPersonRole::Witness).await
    }
    /// The event it was signed at, if the caller may see that event.
    async fn signed_at(&self, ctx: &Context<'_>) -> Result<Option<Event>> {
        event_opt(ctx, self.0.signed_at_event_id).await
    }
    /// The earlier agreement this one renews, if the caller may see it.
    async fn renewal_of(&self, ctx: &Context<'_>) -> Result<Option<Agreement>> {
        match self.0.renewal_of_id {
            Some(id) => Ok(loader::one::<agreement::Entity>(ctx, id)
                .await?
                .map(Agreement)),
            None => Ok(None),
        }
    }
    /// Later agreements that renew this one.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn renewals(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<AgreementConnection> {
        nested::<rel::AgreementRenewals, _, _>(
            ctx,
            self.0.id,
            args(first, after, last, before),
            Agreement,
        )
        .await
    }
    /// Fields of education covered (ISCED-F 2013).
    async fn fields(&self, ctx: &Context<'_>) -> Result<Vec<FieldOfEducation>> {
        let codes = loader::all::<rel::AgreementFields>(ctx, self.0.id)
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
    /// Parties' sign-offs: which organisation confirmed which version. A sign-off of an
    /// older version is out of date (`current: false`): the record changed since.
    async fn confirmations(&self, ctx: &Context<'_>) -> Result<Vec<Confirmation>> {
        let rows = loader::all::<rel::AgreementConfirmations>(ctx, self.0.id).await?;
        Ok(confirmations(rows, self.0.version))
    }
    /// Owner, visibility, source, version and times, as every owned record has them.
    #[graphql(flatten)]
    async fn record(&self) -> OwnedFields {
        OwnedFields::of(&self.0)
    }
}

impl Agreement {
    async fn people(&self, ctx: &Context<'_>, role: AgreementPersonRole) -> Result<Vec<Signature>> {
        Ok(loader::all_joined::<rel::AgreementPeople>(ctx, self.0.id)
            .await?
            .into_iter()
            .filter(|p| p.role == role)
            .map(Signature)
            .collect())
    }
}

pub struct Party(pub agreement_party::Model);

/// An organisation party to an agreement.
#[Object]
impl Party {
    /// The organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        organisation(ctx, self.0.organisation_id).await
    }
    /// Its role.
    async fn role(&self) -> PartyRole {
        self.0.role
    }
}

pub struct Signature(pub agreement_person::Model);

/// A person's signature or witness of an agreement, with the title held then.
#[Object]
impl Signature {
    /// The agreement.
    async fn agreement(&self, ctx: &Context<'_>) -> Result<Agreement> {
        Ok(Agreement(
            loader::required::<agreement::Entity>(ctx, self.0.agreement_id).await?,
        ))
    }
    /// The person.
    async fn person(&self, ctx: &Context<'_>) -> Result<Person> {
        person(ctx, self.0.person_id).await
    }
    /// Signatory or witness.
    async fn role(&self) -> AgreementPersonRole {
        self.0.role
    }
    /// The title they held when signing, in the language `lang` or the request's
    /// `Accept-Language`.
    async fn title(&self, ctx: &Context<'_>, lang: Option<String>) -> Result<Option<String>> {
        let english = self.0.title.as_deref();
        localized::<agreement_person::Entity>(ctx, self.0.id, "title", english, lang).await
    }
    /// Every language's title: English (`en`, the field itself) first, then the others.
    async fn translations(
        &self,
        ctx: &Context<'_>,
        field: Option<String>,
    ) -> Result<Vec<LocalizedText>> {
        let fields = [("title", self.0.title.as_deref())];
        all_forms::<agreement_person::Entity>(ctx, self.0.id, &fields, field).await
    }
    /// The organisation they signed for.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        organisation_opt(ctx, self.0.organisation_id).await
    }
}
