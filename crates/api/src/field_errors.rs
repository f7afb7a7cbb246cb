//! Field errors as the GraphQL spec handles them ("Handling Execution Errors"): a field
//! that raised an error is `null` at its response position, and a `null` in a non-null
//! position moves up to the nearest nullable one (a list, a list item, an object, or
//! `data` itself), with each error listed once.
//!
//! async-graphql 7.2 instead leaves the errored field's key out of its object (and an
//! object whose every field errored becomes `null`, whatever its type), so a client
//! reads `undefined` where its generated types promise `T | null`. The executor's
//! answer is repaired here, from the errors' paths, the document's selections (to go
//! from a response key through aliases and fragments to a field) and the schema's types
//! (read once from its SDL: async-graphql keeps its registry to itself).
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet, Type,
    TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, PathSegment, Response, Value};

/// Each object and interface type's fields and their types, by name.
struct Shapes {
    fields: HashMap<String, HashMap<String, Type>>,
    query: String,
    mutation: String,
}

static SHAPES: LazyLock<Shapes> = LazyLock::new(|| Shapes::of(&crate::sdl()));

impl Shapes {
    fn of(sdl: &str) -> Shapes {
        let mut shapes = Shapes {
            fields: HashMap::new(),
            query: "Query".into(),
            mutation: "Mutation".into(),
        };
        let Ok(document) = async_graphql::parser::parse_schema(sdl) else {
            return shapes;
        };
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    if let Some(query) = &schema.node.query {
                        shapes.query = query.node.to_string();
                    }
                    if let Some(mutation) = &schema.node.mutation {
                        shapes.mutation = mutation.node.to_string();
                    }
                }
                TypeSystemDefinition::Type(ty) => {
                    let fields = match &ty.node.kind {
                        TypeKind::Object(o) => &o.fields,
                        TypeKind::Interface(i) => &i.fields,
                        _ => continue,
                    };
                    shapes.fields.insert(
                        ty.node.name.node.to_string(),
                        fields
                            .iter()
                            .map(|f| (f.node.name.node.to_string(), f.node.ty.node.clone()))
                            .collect(),
                    );
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        shapes
    }
}

/// Puts `response` in the spec's shape: `null` at every errored field, moved up past
/// non-null positions, one error per path. `document` and `operation` are what ran.
pub(crate) fn complete(
    response: &mut Response,
    document: &ExecutableDocument,
    operation: Option<&str>,
) {
    complete_with(&SHAPES, response, document, operation)
}

fn complete_with(
    shapes: &Shapes,
    response: &mut Response,
    document: &ExecutableDocument,
    operation: Option<&str>,
) {
    if response.errors.iter().all(|e| e.path.is_empty()) {
        return;
    }
    let Some((kind, root)) = operation_of(document, operation) else {
        return;
    };
    let root_type = match kind {
        OperationType::Query => &shapes.query,
        OperationType::Mutation => &shapes.mutation,
        OperationType::Subscription => return,
    };
    // One error per response position: the first one raised there.
    let mut seen = HashSet::new();
    response
        .errors
        .retain(|e| e.path.is_empty() || seen.insert(format!("{:?}", e.path)));

    // First every errored field's null, so no later step finds a key missing; then the
    // propagation, which may replace whole subtrees (and `data`) by null.
    for error in &response.errors {
        if !error.path.is_empty() {
            put_null(&mut response.data, &error.path);
        }
    }
    for error in &response.errors {
        if error.path.is_empty() {
            continue;
        }
        let nullable = nullability(shapes, document, root, root_type, &error.path);
        // The nearest position, from the errored field up, that may hold null; 0 is `data`.
        let mut at = error.path.len();
        while at > 0 && !nullable[at - 1] {
            at -= 1;
        }
        if at < error.path.len() {
            if at == 0 {
                response.data = Value::Null;
            } else if let Some(value) = value_at(&mut response.data, &error.path[..at]) {
                *value = Value::Null;
            }
        }
    }
}

/// The operation that ran, its type and its selections.
fn operation_of<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<(OperationType, &'a SelectionSet)> {
    let op = match (&document.operations, name) {
        (DocumentOperations::Single(op), _) => op,
        (DocumentOperations::Multiple(ops), Some(name)) => {
            ops.iter().find(|(n, _)| n.as_str() == name)?.1
        }
        (DocumentOperations::Multiple(ops), None) => ops.values().next()?,
    };
    Some((op.node.ty, &op.node.selection_set.node))
}

/// Sets the errored field at `path` to null where its key is missing. An object on the
/// way that async-graphql turned into null (every field it had errored) is an object
/// again: the errors under it say it resolved.
fn put_null(data: &mut Value, path: &[PathSegment]) {
    let mut value = data;
    for (i, segment) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        match segment {
            PathSegment::Field(key) => {
                if matches!(value, Value::Null) {
                    *value = Value::Object(Default::default());
                }
                let Value::Object(map) = value else { return };
                let name = Name::new(key);
                if last {
                    map.entry(name).or_insert(Value::Null);
                    return;
                }
                match map.get_mut(&name) {
                    Some(next) => value = next,
                    None => return,
                }
            }
            PathSegment::Index(index) => {
                let Value::List(items) = value else { return };
                match items.get_mut(*index) {
                    Some(next) => value = next,
                    None => return,
                }
            }
        }
    }
}

/// The value at `path`, if the response still has one there.
fn value_at<'a>(data: &'a mut Value, path: &[PathSegment]) -> Option<&'a mut Value> {
    let mut value = data;
    for segment in path {
        value = match (segment, value) {
            (PathSegment::Field(key), Value::Object(map)) => map.get_mut(key.as_str())?,
            (PathSegment::Index(index), Value::List(items)) => items.get_mut(*index)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Whether each position along `path` may be null (`[i]` is the position after
/// `path[i]`). A field the schema does not know (`__typename`, introspection) counts as
/// nullable, so nothing moves past it.
fn nullability(
    shapes: &Shapes,
    document: &ExecutableDocument,
    root: &SelectionSet,
    root_type: &str,
    path: &[PathSegment],
) -> Vec<bool> {
    let mut out = Vec::with_capacity(path.len());
    // The selections that apply at the current object position, with the type each
    // names its fields on (a fragment's condition, or the position's type).
    let mut selections: Vec<(&SelectionSet, String)> = vec![(root, root_type.to_owned())];
    let mut current: Option<Type> = None;
    for segment in path {
        match segment {
            PathSegment::Field(key) => {
                let mut fields = Vec::new();
                for (set, on) in &selections {
                    matching(document, set, on, key, &mut fields);
                }
                let ty = fields.iter().find_map(|(field, on)| {
                    shapes
                        .fields
                        .get(on)?
                        .get(field.node.name.node.as_str())
                        .cloned()
                });
                let Some(ty) = ty else {
                    out.resize(path.len(), true);
                    return out;
                };
                let named = named(&ty).to_owned();
                selections = fields
                    .into_iter()
                    .map(|(field, _)| (&field.node.selection_set.node, named.clone()))
                    .collect();
                out.push(ty.nullable);
                current = Some(ty);
            }
            PathSegment::Index(_) => {
                let item = match current.as_ref().map(|t| &t.base) {
                    Some(BaseType::List(item)) => (**item).clone(),
                    _ => {
                        out.resize(path.len(), true);
                        return out;
                    }
                };
                out.push(item.nullable);
                current = Some(item);
            }
        }
    }
    out
}

type FieldOn<'a> = (
    &'a async_graphql::Positioned<async_graphql::parser::types::Field>,
    String,
);

/// The fields of `set` (through fragments) whose response key is `key`, each with the
/// type it is selected on.
fn matching<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    on: &str,
    key: &str,
    out: &mut Vec<FieldOn<'a>>,
) {
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                if field.node.response_key().node.as_str() == key {
                    out.push((field, on.to_owned()));
                }
            }
            Selection::InlineFragment(fragment) => {
                let on = fragment
                    .node
                    .type_condition
                    .as_ref()
                    .map_or(on, |c| c.node.on.node.as_str());
                matching(document, &fragment.node.selection_set.node, on, key, out);
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    let on = fragment.node.type_condition.node.on.node.as_str();
                    matching(document, &fragment.node.selection_set.node, on, key, out);
                }
            }
        }
    }
}

/// The named type under any list wrappers.
fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(item) => named(item),
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Result, Schema};
    use serde_json::{Value as Json, json};

    use super::*;

    /// A schema with every shape the spec's rules tell apart. Child 1 fails; the rest
    /// resolve.
    struct Root;

    #[Object]
    impl Root {
        async fn ok(&self) -> i32 {
            1
        }
        async fn nullable_fails(&self) -> Result<Option<i32>> {
            Err("nullable".into())
        }
        async fn non_null_fails(&self) -> Result<i32> {
            Err("non-null".into())
        }
        async fn child(&self) -> Option<Child> {
            Some(Child(1))
        }
        async fn sure_child(&self) -> Child {
            Child(1)
        }
        /// `[Child!]!`
        async fn items(&self) -> Vec<Child> {
            (0..3).map(Child).collect()
        }
        /// `[Child!]`
        async fn maybe_items(&self) -> Option<Vec<Child>> {
            Some((0..3).map(Child).collect())
        }
        /// `[Child]!`
        async fn nullable_items(&self) -> Vec<Option<Child>> {
            (0..3).map(|i| Some(Child(i))).collect()
        }
        /// `[[Child]!]`
        async fn grid(&self) -> Option<Vec<Vec<Option<Child>>>> {
            Some(vec![
                vec![Some(Child(0))],
                vec![Some(Child(2)), Some(Child(1))],
            ])
        }
    }

    struct Child(i32);

    #[Object]
    impl Child {
        async fn n(&self) -> i32 {
            self.0
        }
        /// Non-null, fails on child 1.
        async fn fails(&self) -> Result<i32> {
            if self.0 == 1 {
                Err("child fails".into())
            } else {
                Ok(self.0)
            }
        }
        /// Nullable, fails on child 1.
        async fn soft(&self) -> Result<Option<i32>> {
            if self.0 == 1 {
                Err("child soft".into())
            } else {
                Ok(Some(self.0))
            }
        }
    }

    /// `query` run on the test schema, its answer completed: `data` and the errors' paths.
    async fn run(query: &str) -> (Json, Vec<Json>) {
        let schema = Schema::new(Root, EmptyMutation, EmptySubscription);
        let shapes = Shapes::of(&schema.sdl());
        let mut response = schema.execute(query).await;
        let document = async_graphql::parser::parse_query(query).unwrap();
        complete_with(&shapes, &mut response, &document, None);
        let paths = response
            .errors
            .iter()
            .map(|e| serde_json::to_value(&e.path).unwrap())
            .collect();
        (response.data.into_json().unwrap(), paths)
    }

    #[tokio::test]
    async fn a_nullable_field_that_fails_is_null() {
        let (data, paths) = run("{ ok nullableFails }").await;
        assert_eq!(data, json!({ "ok": 1, "nullableFails": null }));
        assert_eq!(paths, [json!(["nullableFails"])]);
        // Alone: async-graphql answered `data: null` for an object with no field left.
        let (data, _) = run("{ nullableFails }").await;
        assert_eq!(data, json!({ "nullableFails": null }));
    }

    #[tokio::test]
    async fn a_non_null_root_field_that_fails_nulls_data() {
        let (data, paths) = run("{ ok nonNullFails }").await;
        assert_eq!(data, json!(null));
        assert_eq!(paths, [json!(["nonNullFails"])]);
    }

    #[tokio::test]
    async fn a_non_null_field_nulls_its_nearest_nullable_parent() {
        let (data, paths) = run("{ ok child { n fails } }").await;
        assert_eq!(data, json!({ "ok": 1, "child": null }));
        assert_eq!(paths, [json!(["child", "fails"])]);
        // Through a non-null object up to data.
        let (data, _) = run("{ ok sureChild { n fails } }").await;
        assert_eq!(data, json!(null));
    }

    #[tokio::test]
    async fn a_nullable_field_in_a_list_item_is_null_there() {
        let (data, paths) = run("{ items { n soft } }").await;
        assert_eq!(
            data,
            json!({ "items": [{ "n": 0, "soft": 0 }, { "n": 1, "soft": null }, { "n": 2, "soft": 2 }] })
        );
        assert_eq!(paths, [json!(["items", 1, "soft"])]);
        // The item had no other field: async-graphql made it null, though it resolved.
        let (data, _) = run("{ items { soft } }").await;
        assert_eq!(
            data,
            json!({ "items": [{ "soft": 0 }, { "soft": null }, { "soft": 2 }] })
        );
    }

    #[tokio::test]
    async fn a_non_null_item_nulls_its_list() {
        let (data, _) = run("{ ok maybeItems { n fails } }").await;
        assert_eq!(data, json!({ "ok": 1, "maybeItems": null }));
        // `[Child!]!` passes the null on to data.
        let (data, _) = run("{ ok items { n fails } }").await;
        assert_eq!(data, json!(null));
    }

    #[tokio::test]
    async fn a_nullable_item_is_null_alone() {
        let (data, paths) = run("{ nullableItems { n fails } }").await;
        assert_eq!(
            data,
            json!({ "nullableItems": [{ "n": 0, "fails": 0 }, null, { "n": 2, "fails": 2 }] })
        );
        assert_eq!(paths, [json!(["nullableItems", 1, "fails"])]);
    }

    #[tokio::test]
    async fn nested_lists_null_the_innermost_nullable_position() {
        let (data, paths) = run("{ grid { n fails } }").await;
        assert_eq!(
            data,
            json!({ "grid": [[{ "n": 0, "fails": 0 }], [{ "n": 2, "fails": 2 }, null]] })
        );
        assert_eq!(paths, [json!(["grid", 1, 1, "fails"])]);
    }

    #[tokio::test]
    async fn aliases_fragments_and_directives_are_followed() {
        let (data, paths) = run(
            "{ a: child { x: fails } b: child @include(if: true) { n } ...F }
             fragment F on Root { c: child { ... on Child { y: soft n } } d: nullableFails @skip(if: false) }",
        )
        .await;
        assert_eq!(
            data,
            json!({ "a": null, "b": { "n": 1 }, "c": { "y": null, "n": 1 }, "d": null })
        );
        let mut paths: Vec<String> = paths.iter().map(Json::to_string).collect();
        paths.sort();
        assert_eq!(paths, [r#"["a","x"]"#, r#"["c","y"]"#, r#"["d"]"#]);
    }

    #[tokio::test]
    async fn each_position_has_one_error() {
        let schema = Schema::new(Root, EmptyMutation, EmptySubscription);
        let shapes = Shapes::of(&schema.sdl());
        let query = "{ ok nullableFails }";
        let mut response = schema.execute(query).await;
        let again = response.errors[0].clone();
        response.errors.push(again);
        let document = async_graphql::parser::parse_query(query).unwrap();
        complete_with(&shapes, &mut response, &document, None);
        assert_eq!(response.errors.len(), 1);
    }

    /// The real schema's types are read: `node` may be null, `maxPageSize` may not.
    #[test]
    fn the_schema_shapes_are_known() {
        let query = &SHAPES.fields[&SHAPES.query];
        assert!(query["node"].nullable);
        assert!(!query["maxPageSize"].nullable);
    }
}
