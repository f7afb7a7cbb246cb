//! The agreements list.
use super::{Agreement, AgreementFilter, AgreementOrder};
use crate::connection::AgreementConnection;
use crate::input::{opt_key, root_list};
use async_graphql::{Context, ID, Object};

use crate::error::{Result, svc};
use crate::ids::Kind;

root_list!(
    /// Agreements and joint programmes the caller may read.
    AgreementQuery.agreements(AgreementFilter, AgreementOrder) -> AgreementConnection = service::agreements::select, Agreement
);

#[derive(Default)]
pub struct ExpiringQuery;

#[Object]
impl ExpiringQuery {
    /// Agreements in effect today (in the consortium's time zone) whose validity ends
    /// within `withinDays`, soonest first: the ones to renew, with their parties and
    /// signatories to contact.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn expiring_agreements(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many days ahead to look (0 to 36600); 0 means ending today.")]
        within_days: i32,
        #[graphql(desc = "Only agreements this organisation is a party to.")] organisation: Option<
            ID,
        >,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<AgreementConnection> {
        let organisation = opt_key("organisation", Kind::Organisation, &organisation)?;
        let scope = crate::record::scope(ctx);
        let list = svc(service::agreements::expiring(
            scope,
            within_days,
            organisation,
        ))?;
        let args = crate::connection::args(first, after, last, before);
        crate::connection::root(ctx, list, args, Agreement).await
    }
}
