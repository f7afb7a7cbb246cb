//! The consortium overview: each member's headline figures, the places reached across
//! the consortium, the most connected foreign partners, and where each standard was
//! adopted. A fixed number of statements, however many members or records.
use std::collections::HashMap;

use entity::enums::{CentreStatus, IndicatorCode, PartnershipStatus};
use entity::{
    adoption, agreement, agreement_party, country, curriculum_standard, organisation, partnership,
    training_centre,
};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement, UnionType};
use sea_orm::{ColumnTrait, Condition, JoinType, Statement};

use super::{BreakdownRow, Dimension, Figure, Frame, SUBJECT_TREE};
use crate::agreements::in_effect_on;
use crate::{Record, Result, Scope};

/// `WITH RECURSIVE subject_tree (root, org) AS (…)`: the frame's members and their units
/// at any depth, to go in front of a statement; its anchor the members' keys written
/// into the text (numbers, from the frame). `UNION` stops at a cycle.
fn members_tree(frame: &Frame) -> String {
    let members: Vec<String> = frame.members().iter().map(i64::to_string).collect();
    let anchor = if members.is_empty() {
        "SELECT \"id\", \"id\" FROM \"organisation\" WHERE 1 = 0".to_owned()
    } else {
        format!(
            "SELECT \"id\", \"id\" FROM \"organisation\" WHERE \"id\" IN ({})",
            members.join(", ")
        )
    };
    format!(
        "WITH RECURSIVE \"{t}\" (\"root\", \"org\") AS ({anchor} UNION \
         SELECT \"{t}\".\"root\", \"organisation\".\"id\" FROM \"organisation\" \
         INNER JOIN \"{t}\" ON \"organisation\".\"parent_id\" = \"{t}\".\"org\")",
        t = SUBJECT_TREE,
    )
}

/// The figures the overview shows for each member.
pub const HEADLINE: [IndicatorCode; 5] = [
    IndicatorCode::PartnerInstitutions,
    IndicatorCode::PartnerCountriesAndRegions,
    IndicatorCode::AgreementsInEffect,
    IndicatorCode::CurriculumStandardsDeveloped,
    IndicatorCode::TrainingCentresAbroad,
];

/// A member and its headline figures.
#[derive(Debug, Clone)]
pub struct MemberFigures {
    pub member: i64,
    pub figures: Vec<Figure>,
}

/// A foreign partner and how many members (and agreements in effect, and live
/// partnerships) it is linked by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectedPartner {
    pub organisation: i64,
    pub members: u64,
    pub agreements: u64,
    pub partnerships: u64,
}

/// How many adoptions (by the as-of day) a standard has in one country or region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardCountry {
    pub standard: i64,
    pub country: String,
    pub adoptions: u64,
}

/// The consortium overview.
#[derive(Debug, Clone)]
pub struct Overview {
    pub members: Vec<MemberFigures>,
    /// Partner institutions by country or region, each partner counted once however
    /// many members it works with.
    pub countries: Vec<BreakdownRow>,
    pub partners: Vec<ConnectedPartner>,
    pub adoptions: Vec<StandardCountry>,
}

impl Scope {
    /// The overview of `frame`'s subject: `partners` most connected foreign partners
    /// and the adoptions of the `standards` most widely adopted standards.
    pub async fn overview(&self, frame: &Frame, partners: u64, standards: u64) -> Result<Overview> {
        self.kept(
            || format!("overview|{}|{partners}|{standards}", frame.key()),
            self.count_overview(frame, partners, standards),
        )
        .await
    }

    async fn count_overview(
        &self,
        frame: &Frame,
        partners: u64,
        standards: u64,
    ) -> Result<Overview> {
        let members = self.member_figures(frame).await?;
        let countries = self
            .breakdown(
                frame,
                IndicatorCode::PartnerInstitutions,
                Dimension::Country,
            )
            .await?;
        let partners = self.connected_partners(frame, partners).await?;
        let adoptions = self.standard_countries(frame, standards).await?;
        Ok(Overview {
            members,
            countries,
            partners,
            adoptions,
        })
    }

    /// Every member's headline figures in one statement: each figure one `GROUP BY
    /// root` over the members' trees (a recursive query), so the statement does not grow
    /// with the members. Each counts what `statistics_records` counts for the member's
    /// own organisations (its partners are those outside its own tree), under the same
    /// read rules; `tests/api/figures.rs` holds the two to the same answers.
    async fn member_figures(&self, frame: &Frame) -> Result<Vec<MemberFigures>> {
        let members = frame.members();
        let mut values: HashMap<(i64, i64), u64> = HashMap::new();
        if !members.is_empty() {
            for row in self.rows_of(self.member_figures_statement(frame)).await? {
                let member: i64 = row.try_get("", "member")?;
                let figure: i64 = row.try_get("", "figure")?;
                values.insert((member, figure), row.try_get::<i64>("", "value")? as u64);
            }
        }
        Ok(members
            .into_iter()
            .map(|member| MemberFigures {
                member,
                figures: HEADLINE
                    .iter()
                    .enumerate()
                    .map(|(i, code)| Figure {
                        code: *code,
                        value: values.get(&(member, i as i64)).copied().unwrap_or(0),
                    })
                    .collect(),
            })
            .collect())
    }

    /// The statement behind [`Scope::member_figures`]: the members' trees and their
    /// partner links as common table expressions, then one grouped arm per figure (in
    /// [`HEADLINE`]'s order).
    fn member_figures_statement(&self, frame: &Frame) -> Statement {
        let p = self.principal();
        let day = frame.as_of;
        let (tree, tree2, own, party, links) = (
            Alias::new(SUBJECT_TREE),
            Alias::new("tree2"),
            Alias::new("own"),
            Alias::new("party"),
            Alias::new("links"),
        );
        let root = || Expr::col((tree.clone(), Alias::new("root")));
        // Outside the member's own tree: a member's partners are the organisations it
        // works with that are not its own (as `partners` says for its organisations).
        let outside = |partner: Expr| {
            Expr::exists(
                Query::select()
                    .expr(Expr::val(1))
                    .from_as(tree.clone(), tree2.clone())
                    .and_where(Expr::col((tree2.clone(), Alias::new("root"))).eq(root()))
                    .and_where(Expr::col((tree2.clone(), Alias::new("org"))).eq(partner))
                    .to_owned(),
            )
            .not()
        };
        // The member's agreements in effect: a party of its tree, the agreement's rule.
        let agreements = || {
            Query::select()
                .from(tree.clone())
                .join_as(
                    JoinType::InnerJoin,
                    agreement_party::Entity,
                    own.clone(),
                    Expr::col((own.clone(), agreement_party::Column::OrganisationId))
                        .equals((tree.clone(), Alias::new("org"))),
                )
                .join(
                    JoinType::InnerJoin,
                    agreement::Entity,
                    Expr::col((agreement::Entity, agreement::Column::Id))
                        .equals((own.clone(), agreement_party::Column::AgreementId)),
                )
                .cond_where(agreement::Entity::readable_by(p))
                .cond_where(agreement::Entity::live())
                .cond_where(in_effect_on(day))
                .to_owned()
        };
        let by_agreement = agreements()
            .expr_as(root(), "root")
            .expr_as(
                Expr::col((party.clone(), agreement_party::Column::OrganisationId)),
                "partner",
            )
            .join_as(
                JoinType::InnerJoin,
                agreement_party::Entity,
                party.clone(),
                Expr::col((party.clone(), agreement_party::Column::AgreementId))
                    .equals((agreement::Entity, agreement::Column::Id)),
            )
            .and_where(outside(Expr::col((
                party.clone(),
                agreement_party::Column::OrganisationId,
            ))))
            .to_owned();
        let by_partnership = Query::select()
            .expr_as(root(), "root")
            .expr_as(
                Expr::col((partnership::Entity, partnership::Column::PartnerId)),
                "partner",
            )
            .from(tree.clone())
            .join(
                JoinType::InnerJoin,
                partnership::Entity,
                Expr::col((partnership::Entity, partnership::Column::MemberId))
                    .equals((tree.clone(), Alias::new("org"))),
            )
            .cond_where(partnership::Entity::readable_by(p))
            .cond_where(partnership::Entity::live())
            .and_where(partnership::Column::Status.eq(PartnershipStatus::Active))
            .cond_where(
                Condition::any()
                    .add(partnership::Column::Since.is_null())
                    .add(partnership::Column::Since.lte(day)),
            )
            .cond_where(
                Condition::any()
                    .add(partnership::Column::Until.is_null())
                    .add(partnership::Column::Until.gte(day)),
            )
            .and_where(outside(Expr::col((
                partnership::Entity,
                partnership::Column::PartnerId,
            ))))
            .to_owned();
        // Distinct (member, partner) pairs.
        let mut pairs = by_agreement;
        pairs.union(UnionType::Distinct, by_partnership);

        let links_root = || Expr::col((links.clone(), Alias::new("root")));
        let arm = |mut q: SelectStatement, root: Expr, figure: i64, value: &'static str| {
            q.expr_as(root.clone(), "member")
                .expr_as(Expr::val(figure), "figure")
                .expr_as(Expr::cust(value), "value")
                .add_group_by([root]);
            q
        };
        let partners = || {
            Query::select()
                .from(links.clone())
                .join(
                    JoinType::InnerJoin,
                    organisation::Entity,
                    Expr::col((organisation::Entity, organisation::Column::Id))
                        .equals((links.clone(), Alias::new("partner"))),
                )
                .to_owned()
        };
        // PARTNER_INSTITUTIONS: the partners the caller may read, live.
        let institutions = arm(
            partners()
                .cond_where(organisation::Entity::readable_by(p))
                .cond_where(organisation::Entity::live())
                .to_owned(),
            links_root(),
            0,
            "COUNT(*)",
        );
        // PARTNER_COUNTRIES_AND_REGIONS: the countries of the live partners.
        let countries = arm(
            partners()
                .join(
                    JoinType::InnerJoin,
                    country::Entity,
                    Expr::col((country::Entity, country::Column::Code))
                        .equals((organisation::Entity, organisation::Column::CountryCode)),
                )
                .cond_where(organisation::Entity::live())
                .cond_where(country::Entity::readable_by(p))
                .cond_where(country::Entity::live())
                .to_owned(),
            links_root(),
            1,
            "COUNT(DISTINCT \"country\".\"code\")",
        );
        // AGREEMENTS_IN_EFFECT: an agreement with several parties in the tree once.
        let in_effect = arm(
            agreements(),
            root(),
            2,
            "COUNT(DISTINCT \"agreement\".\"id\")",
        );
        // CURRICULUM_STANDARDS_DEVELOPED: one developer each, so no standard twice.
        let standards = arm(
            Query::select()
                .from(tree.clone())
                .join(
                    JoinType::InnerJoin,
                    curriculum_standard::Entity,
                    Expr::col((
                        curriculum_standard::Entity,
                        curriculum_standard::Column::DeveloperId,
                    ))
                    .equals((tree.clone(), Alias::new("org"))),
                )
                .cond_where(curriculum_standard::Entity::readable_by(p))
                .cond_where(curriculum_standard::Entity::live())
                .cond_where(
                    Condition::any()
                        .add(curriculum_standard::Column::IssuedOn.is_null())
                        .add(curriculum_standard::Column::IssuedOn.lte(day)),
                )
                .to_owned(),
            root(),
            3,
            "COUNT(*)",
        );
        // TRAINING_CENTRES_ABROAD: operating by the day, in another country than its
        // operator's (one operator each).
        let centres = arm(
            Query::select()
                .from(tree.clone())
                .join(
                    JoinType::InnerJoin,
                    training_centre::Entity,
                    Expr::col((training_centre::Entity, training_centre::Column::OperatorId))
                        .equals((tree.clone(), Alias::new("org"))),
                )
                .join(
                    JoinType::InnerJoin,
                    organisation::Entity,
                    Expr::col((organisation::Entity, organisation::Column::Id))
                        .equals((training_centre::Entity, training_centre::Column::OperatorId)),
                )
                .cond_where(training_centre::Entity::readable_by(p))
                .cond_where(training_centre::Entity::live())
                .and_where(training_centre::Column::Status.eq(CentreStatus::Operating))
                .cond_where(
                    Condition::any()
                        .add(training_centre::Column::OpenedOn.is_null())
                        .add(training_centre::Column::OpenedOn.lte(day)),
                )
                .and_where(
                    Expr::col((
                        training_centre::Entity,
                        training_centre::Column::CountryCode,
                    ))
                    .ne(Expr::col((
                        organisation::Entity,
                        organisation::Column::CountryCode,
                    ))),
                )
                .to_owned(),
            root(),
            4,
            "COUNT(*)",
        );
        let mut query = institutions;
        for arm in [countries, in_effect, standards, centres] {
            query.union(UnionType::All, arm);
        }
        // The trees and the links go in front as text (the members' keys are numbers
        // from the frame; the links' values are written in by the builder), the arms
        // keep their bound values.
        let backend = self.db().get_database_backend();
        let built = backend.build(&query);
        let sql = format!(
            "{}, \"{links}\" (\"root\", \"partner\") AS ({}) {}",
            members_tree(frame),
            self.inline(&pairs),
            built.sql,
            links = "links",
        );
        Statement {
            sql,
            values: built.values,
            db_backend: backend,
        }
    }

    /// Foreign partners (based in another country than the member they work with) by
    /// how many members work with them, through an agreement in effect or a live
    /// partnership (the partners `PARTNER_INSTITUTIONS` counts), then how many such
    /// agreements and partnerships; the members' units count as the member (the
    /// recursive query).
    async fn connected_partners(&self, frame: &Frame, limit: u64) -> Result<Vec<ConnectedPartner>> {
        let all = frame.organisations();
        let p = self.principal();
        let (partner, own, member, partner_org, links, tree) = (
            Alias::new("partner"),
            Alias::new("own"),
            Alias::new("member"),
            Alias::new("partner_org"),
            Alias::new("links"),
            Alias::new(SUBJECT_TREE),
        );
        let by_agreement = Query::select()
            .expr_as(Expr::col((tree.clone(), Alias::new("root"))), "root")
            .expr_as(
                Expr::col((partner.clone(), agreement_party::Column::OrganisationId)),
                "partner",
            )
            .expr_as(
                Expr::col((partner.clone(), agreement_party::Column::AgreementId)),
                "agreement",
            )
            .expr_as(Expr::cust("CAST(NULL AS BIGINT)"), "partnership")
            .from_as(agreement_party::Entity, partner.clone())
            .join_as(
                JoinType::InnerJoin,
                agreement_party::Entity,
                own.clone(),
                Expr::col((own.clone(), agreement_party::Column::AgreementId))
                    .equals((partner.clone(), agreement_party::Column::AgreementId)),
            )
            .join(
                JoinType::InnerJoin,
                tree.clone(),
                Expr::col((tree.clone(), Alias::new("org")))
                    .equals((own.clone(), agreement_party::Column::OrganisationId)),
            )
            .and_where(
                Expr::col((partner.clone(), agreement_party::Column::AgreementId))
                    .in_subquery(super::define::agreements_of(p, frame, &all)),
            )
            .and_where(
                Expr::col((partner.clone(), agreement_party::Column::OrganisationId))
                    .is_not_in(all.iter().copied()),
            )
            .to_owned();
        let by_partnership = super::define::live_partnerships(p, frame, &all)
            .expr_as(Expr::col((tree.clone(), Alias::new("root"))), "root")
            .expr_as(
                Expr::col((partnership::Entity, partnership::Column::PartnerId)),
                "partner",
            )
            .expr_as(Expr::cust("CAST(NULL AS BIGINT)"), "agreement")
            .expr_as(
                Expr::col((partnership::Entity, partnership::Column::Id)),
                "partnership",
            )
            .join(
                JoinType::InnerJoin,
                tree.clone(),
                Expr::col((tree.clone(), Alias::new("org")))
                    .equals((partnership::Entity, partnership::Column::MemberId)),
            )
            .to_owned();
        let mut both = by_agreement;
        both.union(UnionType::All, by_partnership);
        let query = Query::select()
            .expr_as(Expr::col((links.clone(), Alias::new("partner"))), "partner")
            .expr_as(Expr::cust("COUNT(DISTINCT \"links\".\"root\")"), "members")
            .expr_as(
                Expr::cust("COUNT(DISTINCT \"links\".\"agreement\")"),
                "agreements",
            )
            .expr_as(
                Expr::cust("COUNT(DISTINCT \"links\".\"partnership\")"),
                "partnerships",
            )
            .from_subquery(both, links.clone())
            .join_as(
                JoinType::InnerJoin,
                organisation::Entity,
                member.clone(),
                Expr::col((member.clone(), organisation::Column::Id))
                    .equals((links.clone(), Alias::new("root"))),
            )
            .join_as(
                JoinType::InnerJoin,
                organisation::Entity,
                partner_org.clone(),
                Expr::col((partner_org.clone(), organisation::Column::Id))
                    .equals((links.clone(), Alias::new("partner"))),
            )
            .and_where(Expr::col((partner_org.clone(), organisation::Column::ArchivedAt)).is_null())
            .and_where(
                Expr::col((partner_org.clone(), organisation::Column::CountryCode)).ne(Expr::col(
                    (member.clone(), organisation::Column::CountryCode),
                )),
            )
            .add_group_by([Expr::col((links.clone(), Alias::new("partner")))])
            .order_by("members", Order::Desc)
            .order_by("agreements", Order::Desc)
            .order_by("partnerships", Order::Desc)
            .order_by("partner", Order::Asc)
            .limit(limit)
            .to_owned();
        // The members' trees as a recursive query in front of the statement, its anchor
        // the members' keys written into the text (numbers, from the frame).
        let backend = self.db().get_database_backend();
        let built = backend.build(&query);
        let sql = format!("{} {}", members_tree(frame), built.sql);
        let statement = Statement {
            sql,
            values: built.values,
            db_backend: backend,
        };
        let mut out = Vec::new();
        for row in self.rows_of(statement).await? {
            out.push(ConnectedPartner {
                organisation: row.try_get("", "partner")?,
                members: row.try_get::<i64>("", "members")? as u64,
                agreements: row.try_get::<i64>("", "agreements")? as u64,
                partnerships: row.try_get::<i64>("", "partnerships")? as u64,
            });
        }
        Ok(out)
    }

    /// Adoptions by country of the `limit` standards the subject developed that were
    /// adopted in the most countries by the as-of day.
    async fn standard_countries(&self, frame: &Frame, limit: u64) -> Result<Vec<StandardCountry>> {
        let all = frame.organisations();
        let adoptions = || {
            Query::select()
                .from(adoption::Entity)
                .join(
                    JoinType::InnerJoin,
                    curriculum_standard::Entity,
                    Expr::col((curriculum_standard::Entity, curriculum_standard::Column::Id))
                        .equals((adoption::Entity, adoption::Column::StandardId)),
                )
                .cond_where(curriculum_standard::Entity::readable_by(self.principal()))
                .cond_where(curriculum_standard::Entity::live())
                .and_where(curriculum_standard::Column::DeveloperId.is_in(all.iter().copied()))
                .cond_where(
                    sea_orm::Condition::any()
                        .add(adoption::Column::AdoptedOn.is_null())
                        .add(adoption::Column::AdoptedOn.lte(frame.as_of)),
                )
                .to_owned()
        };
        let top = adoptions()
            .column((adoption::Entity, adoption::Column::StandardId))
            .add_group_by([Expr::col((adoption::Entity, adoption::Column::StandardId))])
            .order_by_expr(
                Expr::cust("COUNT(DISTINCT \"adoption\".\"country_code\")"),
                Order::Desc,
            )
            .order_by((adoption::Entity, adoption::Column::StandardId), Order::Asc)
            .limit(limit)
            .to_owned();
        // The ranked keys as a derived table: SQLite and PostgreSQL both take a LIMIT
        // there.
        let top = Query::select()
            .column(("top", adoption::Column::StandardId))
            .from_subquery(top, "top")
            .to_owned();
        let query = adoptions()
            .column((adoption::Entity, adoption::Column::StandardId))
            .column((adoption::Entity, adoption::Column::CountryCode))
            .expr_as(Expr::cust("COUNT(*)"), "adoptions")
            .and_where(Expr::col((adoption::Entity, adoption::Column::StandardId)).in_subquery(top))
            .add_group_by([
                Expr::col((adoption::Entity, adoption::Column::StandardId)),
                Expr::col((adoption::Entity, adoption::Column::CountryCode)),
            ])
            .order_by((adoption::Entity, adoption::Column::StandardId), Order::Asc)
            .order_by(
                (adoption::Entity, adoption::Column::CountryCode),
                Order::Asc,
            )
            .to_owned();
        let mut out = Vec::new();
        for row in self.rows(&query).await? {
            let country: String = row.try_get("", "country_code")?;
            out.push(StandardCountry {
                standard: row.try_get("", "standard_id")?,
                country: country.trim().to_owned(),
                adoptions: row.try_get::<i64>("", "adoptions")? as u64,
            });
        }
        Ok(out)
    }
}
