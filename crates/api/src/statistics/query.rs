//! The statistics roots.
use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use service::statistics::Subject;

use super::{ConsortiumOverview, IndicatorDefinition, Statistics};
use crate::error::{Result, bad_input, svc};
use crate::ids::{Kind, decode};
use crate::input::{DateRangeInput, range};
use crate::record::scope;
use crate::scalars::Date;

/// The subject an id names: a consortium or an organisation (a member or a unit).
pub(crate) fn subject(field: &str, id: &Option<ID>) -> Result<Subject> {
    let Some(id) = id else {
        return Ok(Subject::Default);
    };
    let (kind, key) = decode(field, id)?;
    let key: i64 = key.parse().map_err(|_| {
        bad_input(
            field,
            format!("`{}` is not an id this API issued", id.as_str()),
        )
    })?;
    match kind {
        Kind::Consortium => Ok(Subject::Consortium(key)),
        Kind::Organisation => Ok(Subject::Organisation(key)),
        other => Err(bad_input(
            field,
            format!(
                "figures are for a consortium or an organisation, not a {}",
                other.name()
            ),
        )),
    }
}

fn limit(field: &str, n: i32) -> Result<u64> {
    if (0..=100).contains(&n) {
        Ok(n as u64)
    } else {
        Err(bad_input(
            field,
            format!("`{field}` must be between 0 and 100"),
        ))
    }
}

#[derive(Default)]
pub struct StatisticsQuery;

#[Object]
impl StatisticsQuery {
    /// The indicators Concord computes: stable codes, names in English and Chinese, the
    /// unit and what each counts.
    async fn indicator_definitions(&self, ctx: &Context<'_>) -> Result<Vec<IndicatorDefinition>> {
        Ok(svc(scope(ctx).indicator_definitions().await)?
            .into_iter()
            .map(IndicatorDefinition)
            .collect())
    }

    /// Every defined indicator computed from the records the caller may read, for
    /// `subject` (a consortium, a member or a unit; units roll up into the organisation
    /// they belong to; by default every consortium the caller is a member of, or all of
    /// them). Stocks (partners, agreements, standards, centres) are counted on `asOf`
    /// (default: the end of `period`, or today); flows (events, participants) within
    /// `period`. An id the caller cannot use is NOT_FOUND.
    async fn statistics(
        &self,
        ctx: &Context<'_>,
        subject: Option<ID>,
        period: Option<DateRangeInput>,
        as_of: Option<Date>,
    ) -> Result<Statistics> {
        let subject = self::subject("subject", &subject)?;
        let period = range("period", &period)?;
        let frame = svc(scope(ctx)
            .statistics_frame(subject, period, as_of.map(|d| d.0))
            .await)?;
        Ok(Statistics(Arc::new(frame)))
    }

    /// A consortium at a glance (by default every consortium the caller is a member of,
    /// or all of them): each member's headline figures, the countries and regions its
    /// partners are in (a partner shared by members counted once), the `partners` most
    /// connected foreign partners and where the `standards` most widely adopted
    /// standards were adopted. Its statements do not grow with members or records.
    async fn consortium_overview(
        &self,
        ctx: &Context<'_>,
        consortium: Option<ID>,
        as_of: Option<Date>,
        #[graphql(default = 10)] partners: i32,
        #[graphql(default = 10)] standards: i32,
    ) -> Result<ConsortiumOverview> {
        let subject = match subject("consortium", &consortium)? {
            Subject::Organisation(_) => {
                return Err(bad_input("consortium", "expected an id of a Consortium"));
            }
            s => s,
        };
        let (partners, standards) = (limit("partners", partners)?, limit("standards", standards)?);
        let scope = scope(ctx);
        let frame = svc(scope
            .statistics_frame(subject, Default::default(), as_of.map(|d| d.0))
            .await)?;
        let overview = svc(scope.overview(&frame, partners, standards).await)?;
        Ok(ConsortiumOverview {
            frame: Arc::new(frame),
            overview,
        })
    }
}
