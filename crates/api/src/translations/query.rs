//! The labels of enum values, for frontends to show.
use async_graphql::{Context, Object};

use super::EnumLabel;
use super::labels::LABELS;
use super::lang::label_language;
use crate::error::{Result, ServiceError};

#[derive(Default)]
pub struct LabelQuery;

#[Object]
impl LabelQuery {
    /// The labels of every value of the enum named `enum` (e.g. `AgreementStatus`), in
    /// the schema's order, in English or Chinese: `lang` (`zh`, `zh-CN`, `en`), else the
    /// request's `Accept-Language`; Chinese for any `zh` tag, otherwise English.
    async fn enum_labels(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "enum")] name: String,
        lang: Option<String>,
    ) -> Result<Vec<EnumLabel>> {
        let chinese = label_language(ctx, lang.as_deref())?;
        let Some((_, values)) = LABELS.iter().find(|(e, _)| *e == name) else {
            return Err(ServiceError(service::Error::bad_input(
                "enum",
                format!("`{name}` is not an enum of this schema"),
            ))
            .into());
        };
        Ok(values
            .iter()
            .map(|(value, en, zh)| EnumLabel {
                value: (*value).to_owned(),
                label: (if chinese { *zh } else { *en }).to_owned(),
                lang: (if chinese { "zh" } else { "en" }).to_owned(),
            })
            .collect())
    }
}
