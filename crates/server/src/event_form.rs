//! The dashboard's event form, described from the events' OpenAPI schema
//! (`drawdown_ops::EventKind`'s utoipa derive), so the page spells no kind
//! and no field of its own: a new kind or field in the ops crate appears on
//! the form, on the command line and in the API document together.

use drawdown_ops::EventKind;
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::schema::{Schema, SchemaType, Type};
use utoipa::openapi::{RefOr, schema::Object};

/// One kind of event and the fields its form asks for.
#[derive(Debug, Clone, Serialize)]
pub struct KindForm {
    /// The `kind` tag, e.g. `convoy_departed`.
    pub kind: String,
    /// What it records (the kind's doc comment).
    pub description: String,
    pub fields: Vec<FieldForm>,
}

/// One field of a kind, as the form shows it.
#[derive(Debug, Clone, Serialize)]
pub struct FieldForm {
    /// The field's name in the event's JSON.
    pub name: String,
    pub label: String,
    /// `text`, `number` or `choice` (one of `choices`).
    pub input: &'static str,
    pub required: bool,
    /// For a site: which sites it takes (`base`, `any`, `airfield`, `airfield_or_exit`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sites: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<Value>>,
    /// What to fill in to start with (the schema's default or example).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial: Option<Value>,
}

/// Every kind of event, in the order the ops crate declares them.
pub fn kinds() -> Vec<KindForm> {
    let schema = <EventKind as utoipa::PartialSchema>::schema();
    let RefOr::T(Schema::OneOf(one_of)) = schema else {
        unreachable!("the event kinds are a tagged enum, so their schema is one of several objects")
    };
    one_of
        .items
        .iter()
        .filter_map(|item| match item {
            RefOr::T(Schema::Object(o)) => Some(kind_form(o)),
            _ => None,
        })
        .collect()
}

fn tag(p: &RefOr<Schema>) -> Option<&str> {
    match p {
        RefOr::T(Schema::Object(k)) => k.enum_values.as_ref().and_then(|v| v.first()).and_then(Value::as_str),
        _ => None,
    }
}

fn kind_form(o: &Object) -> KindForm {
    let kind = o.properties.get("kind").and_then(tag).unwrap_or_default().to_string();
    let fields = o
        .properties
        .iter()
        .filter(|(name, _)| name.as_str() != "kind")
        .map(|(name, p)| field_form(name, p, o.required.contains(name)))
        .collect();
    KindForm { kind, description: o.description.clone().unwrap_or_default(), fields }
}

fn field_form(name: &str, p: &RefOr<Schema>, required: bool) -> FieldForm {
    // Read the property as JSON: its type, description, extensions, enum
    // values and default read the same whichever way utoipa nests them.
    let v = serde_json::to_value(p).unwrap_or_default();
    let is_integer = match p {
        RefOr::T(Schema::Object(o)) => match &o.schema_type {
            SchemaType::Type(t) => *t == Type::Integer,
            SchemaType::Array(ts) => ts.contains(&Type::Integer),
            SchemaType::AnyValue => false,
        },
        _ => false,
    };
    let choices = v["enum"].as_array().cloned();
    let input = if choices.is_some() {
        "choice"
    } else if is_integer {
        "number"
    } else {
        "text"
    };
    FieldForm {
        name: name.to_string(),
        label: v["description"].as_str().unwrap_or(name).trim().to_string(),
        input,
        required,
        sites: v["x-sites"].as_str().map(str::to_string),
        choices,
        initial: v.get("default").or_else(|| v.get("example")).filter(|x| !x.is_null()).cloned(),
    }
}
