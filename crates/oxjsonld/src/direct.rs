//! Satchel patch 10: a document given as a parsed value, converted to quads
//! in one recursive pass, for the shapes credentials have.
//!
//! The event path gives every JSON value to the expansion state machine as
//! events, which gives expanded events to the RDF state machine: each event
//! moves a state and dispatches twice, which was most of the JSON-LD time of
//! verifying a credential. Here the same decisions are made by walking the
//! value: every step calls the functions the event path calls (context
//! processing and its cache, key order, IRI expansion, type-scoped and
//! property-scoped contexts, value coercion, literal conversion), in the same
//! order, and the quads come out in the event path's order.
//!
//! Anything outside those shapes, and anything the event path would refuse
//! or drop (an error; a key that expands to nothing; a node, type or
//! predicate that is not a valid IRI; a literal with a language tag that is
//! not well-formed; a node no property links to that has neither type nor
//! property), returns `None` before the caller has seen a quad; the caller
//! then converts the document on the event path, which answers it (in safe
//! mode, with an error for what it would drop). Outside: lists of anything
//! but strings, numbers and booleans, the `@graph` keyword, value objects as
//! a `@graph` container's value, `@index`, `@id`, `@type` and `@language`
//! maps, `@json`, `@reverse`, `@nest`, `@included`, nested arrays, blank
//! node identifiers written in the document, keywords other than `@type`,
//! `@id`, `@value`, `@language` and `@direction`.

use super::{JsonLdToRdfConverter, ObjectEntries, TopLevel};
use crate::JsonLdSyntaxError;
use crate::context::JsonLdContext;
use crate::expansion::{
    Coercion, ExpandedKey, JsonLdExpansionConverter, JsonLdValue, expand_key,
    is_single_id_or_value, value_coercion,
};
use oxrdf::{BlankNode, GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term, vocab::rdf};
use serde_json::Value;
use std::sync::Arc;

/// The quads of `value`, or `None` when the event path must convert it.
pub(super) fn convert(
    expansion: &mut JsonLdExpansionConverter,
    to_rdf: &JsonLdToRdfConverter,
    value: &Value,
    top: TopLevel<'_>,
) -> Option<Vec<Quad>> {
    let root = expansion.direct_root_context()?;
    let Value::Object(map) = value else {
        return None;
    };
    if to_rdf.lenient {
        return None;
    }
    let mut direct = Direct {
        expansion,
        to_rdf,
        quads: Vec::new(),
        graph: GraphName::DefaultGraph,
        rdf_type: rdf::TYPE.into_owned(),
        errors: Vec::new(),
    };
    direct.object(map, &root, Reached::Top(top))?;
    Some(direct.quads)
}

/// The subject and predicate a value is the object of, and the term that
/// named the predicate.
#[derive(Clone, Copy)]
struct Parent<'p> {
    subject: &'p NamedOrBlankNode,
    predicate: &'p NamedNode,
    term: &'p str,
}

/// Where an object sits.
#[derive(Clone, Copy)]
enum Reached<'p> {
    /// A top-level node object.
    Top(TopLevel<'p>),
    /// The value of a property.
    Value(Parent<'p>),
    /// The value of a property (the term) with a `@graph` container: a node
    /// of the graph the property links to, not linked itself.
    GraphMember(&'p str),
}

struct Direct<'a> {
    expansion: &'a mut JsonLdExpansionConverter,
    to_rdf: &'a JsonLdToRdfConverter,
    quads: Vec<Quad>,
    /// The graph quads go to now: the default graph, or a `@graph`
    /// container's.
    graph: GraphName,
    rdf_type: NamedNode,
    /// Errors of the shared steps; any one hands the document back.
    errors: Vec<JsonLdSyntaxError>,
}

impl Direct<'_> {
    fn no_errors(&self) -> Option<()> {
        self.errors.is_empty().then_some(())
    }

    fn push(&mut self, subject: &NamedOrBlankNode, predicate: &NamedNode, object: Term) {
        self.quads.push(Quad::new(
            subject.clone(),
            predicate.clone(),
            object,
            self.graph.clone(),
        ));
    }

    /// An IRI or blank node as the RDF step converts it; `None` for a blank
    /// node identifier (left to the event path) or an invalid IRI (dropped
    /// there, an error in safe mode).
    fn node_name(&self, id: String) -> Option<NamedOrBlankNode> {
        if id.starts_with("_:") {
            return None;
        }
        Some(self.to_rdf.convert_named_node(id)?.into())
    }

    /// An object: a node object or a value object. `active_context`: the
    /// enclosing element's.
    fn object(
        &mut self,
        map: &serde_json::Map<String, Value>,
        active_context: &Arc<JsonLdContext>,
        reached: Reached<'_>,
    ) -> Option<()> {
        let (term, parent, top) = match reached {
            Reached::Top(top) => (None, None, top),
            Reached::Value(parent) => (Some(parent.term), Some(parent), TopLevel::default()),
            Reached::GraphMember(term) => (Some(term), None, TopLevel::default()),
        };
        let entries = ObjectEntries::new(map, top);
        // Expansion steps 7 and 8, as `push_object_start`.
        let single = active_context.previous_context.is_some()
            && is_single_id_or_value(active_context, &entries.keys);
        let mut context = self.expansion.object_context(
            single,
            term,
            Arc::clone(active_context),
            &mut self.errors,
        );
        self.no_errors()?;
        // The object's own `@context` and the key order, as `start_object_given_whole`.
        let order = self.expansion.order_keys_given_whole(
            &mut context,
            &entries.keys,
            || entries.context_events(),
            &mut self.errors,
        );
        self.no_errors()?;
        let (keys, values) = (&entries.keys, &entries.values);

        let mut types = Vec::new();
        let mut id: Option<&str> = None;
        let mut order = order.into_iter().peekable();
        // The `@type` and `@id` keys come first; the first other key decides
        // between a value object and a node object.
        while let Some(&idx) = order.peek() {
            let value = values[idx]?;
            // Told apart as `expand_iri` would, without building the IRI.
            let keyword = match expand_key(&context, keys[idx]) {
                // Dropped with its value, an error in safe mode.
                ExpandedKey::Dropped => return None,
                ExpandedKey::Keyword(keyword) => keyword,
                ExpandedKey::Iri => break,
            };
            match keyword {
                "@type" if id.is_none() => {
                    let new_types = match value {
                        Value::String(t) => vec![t.clone()],
                        Value::Array(items) => items
                            .iter()
                            .map(|t| t.as_str().map(str::to_owned))
                            .collect::<Option<_>>()?,
                        _ => return None,
                    };
                    let mapped;
                    (context, mapped) =
                        self.expansion
                            .map_types(context, new_types, &mut self.errors);
                    self.no_errors()?;
                    types.extend(mapped);
                }
                "@id" if id.is_none() => id = Some(value.as_str()?),
                "@value" | "@language" | "@direction" => {
                    let remaining: Vec<(&str, &Value)> = order
                        .map(|idx| Some((keys[idx], values[idx]?)))
                        .collect::<Option<_>>()?;
                    return self.value_object(&context, types, id, &remaining, parent?);
                }
                _ => break,
            }
            order.next();
        }

        // A node object no property links to, with no type and no property,
        // converts to nothing: an error in safe mode.
        if parent.is_none() && types.is_empty() && order.peek().is_none() {
            return None;
        }
        // A node object: its name, the quad that links it, its types.
        let subject = match id {
            Some(id) => {
                let id = self
                    .expansion
                    .expand_iri(&context, id.into(), true, false)?;
                self.node_name(id.into_owned())?
            }
            None => BlankNode::default().into(),
        };
        if let Some(parent) = parent {
            self.push(parent.subject, parent.predicate, subject.clone().into());
        }
        for t in types {
            let t = self.node_name(t)?;
            let quad = Quad::new(
                subject.clone(),
                self.rdf_type.clone(),
                t,
                self.graph.clone(),
            );
            self.quads.push(quad);
        }
        // Its properties.
        for idx in order {
            let value = values[idx]?;
            let term = keys[idx];
            // `None`: dropped with its value, an error in safe mode.
            let iri = self
                .expansion
                .expand_iri(&context, term.into(), false, true)?;
            if iri.starts_with('@') {
                return None;
            }
            let (container, reverse, is_json) = context.term_definitions.get(term).map_or(
                ([].as_slice(), false, false),
                |definition| {
                    (
                        definition.container_mapping,
                        definition.reverse_property,
                        definition.type_mapping.as_deref() == Some("@json"),
                    )
                },
            );
            let list = container == ["@list"];
            let graph = container == ["@graph"] || container == ["@graph", "@set"];
            if reverse
                || is_json
                || !(container.is_empty() || container == ["@set"] || list || graph)
            {
                return None;
            }
            let predicate = self.to_rdf.convert_named_node(iri.into_owned())?;
            let parent = Parent {
                subject: &subject,
                predicate: &predicate,
                term,
            };
            match value {
                Value::Array(items) if list => self.list(items, &context, parent)?,
                Value::Null => (),
                _ if list => self.list(std::slice::from_ref(value), &context, parent)?,
                _ => self.element(value, &context, parent, false, graph)?,
            }
        }
        Some(())
    }

    /// The value of a property (`parent`), in the node's `active_context`;
    /// `graph`: the property has a `@graph` container.
    fn element(
        &mut self,
        value: &Value,
        active_context: &Arc<JsonLdContext>,
        parent: Parent<'_>,
        in_array: bool,
        graph: bool,
    ) -> Option<()> {
        match value {
            Value::Null => Some(()),
            Value::Array(items) => {
                if in_array {
                    return None;
                }
                for item in items {
                    self.element(item, active_context, parent, true, graph)?;
                }
                Some(())
            }
            Value::Object(map) if graph => {
                // Each object becomes a graph of its own, named by a blank
                // node that the property links to, as the event path's
                // `EndOfGraphContainer` has it.
                let name = BlankNode::default();
                self.push(parent.subject, parent.predicate, name.clone().into());
                let enclosing = std::mem::replace(&mut self.graph, name.into());
                let member = self.object(map, active_context, Reached::GraphMember(parent.term));
                self.graph = enclosing;
                member
            }
            Value::Object(map) => self.object(map, active_context, Reached::Value(parent)),
            Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                self.literal(value, active_context, parent)
            }
        }
    }

    /// The items of a property with an `@list` container, as an RDF list:
    /// a blank node per item that gives something, linked by `rdf:rest`,
    /// ended by `rdf:nil`. Only strings, numbers and booleans: an object
    /// item may give nothing (a value object with a null value), which the
    /// RDF step decides only once it has seen it.
    fn list(
        &mut self,
        items: &[Value],
        active_context: &Arc<JsonLdContext>,
        parent: Parent<'_>,
    ) -> Option<()> {
        let first = rdf::FIRST.into_owned();
        let rest = rdf::REST.into_owned();
        let mut previous: Option<NamedOrBlankNode> = None;
        for item in items {
            match item {
                Value::Null => continue,
                Value::Array(_) | Value::Object(_) => return None,
                Value::String(_) | Value::Number(_) | Value::Bool(_) => (),
            }
            let node: NamedOrBlankNode = BlankNode::default().into();
            match &previous {
                Some(previous) => self.push(previous, &rest, node.clone().into()),
                None => self.push(parent.subject, parent.predicate, node.clone().into()),
            }
            let item_parent = Parent {
                subject: &node,
                predicate: &first,
                term: parent.term,
            };
            self.literal(item, active_context, item_parent)?;
            previous = Some(node);
        }
        let nil = rdf::NIL.into_owned().into();
        match &previous {
            Some(previous) => self.push(previous, &rest, nil),
            None => self.push(parent.subject, parent.predicate, nil),
        }
        Some(())
    }

    /// A string, number or boolean, as `on_literal_value` and `expand_value`.
    fn literal(
        &mut self,
        value: &Value,
        active_context: &Arc<JsonLdContext>,
        parent: Parent<'_>,
    ) -> Option<()> {
        let scoped = self.expansion.new_scoped_context(
            active_context,
            parent.term,
            false,
            true,
            &mut self.errors,
        );
        self.no_errors()?;
        let context = scoped.as_ref().unwrap_or(active_context);
        match value_coercion(context, parent.term, value.is_string()) {
            Coercion::Id => {
                let id = value.as_str()?;
                let id = self.expansion.expand_iri(context, id.into(), true, false)?;
                let node = self.node_name(id.into_owned())?;
                self.push(parent.subject, parent.predicate, node.into());
            }
            Coercion::Vocab => {
                let id = value.as_str()?;
                let id = self.expansion.expand_iri(context, id.into(), true, true)?;
                let node_context = context.previous_context.as_ref().unwrap_or(context);
                let id = self.expansion.expand_iri(node_context, id, true, false)?;
                let node = self.node_name(id.into_owned())?;
                self.push(parent.subject, parent.predicate, node.into());
            }
            Coercion::Literal {
                r#type,
                language,
                direction,
            } => {
                let literal = self.literal_value(value, r#type, language, direction)?;
                self.push(parent.subject, parent.predicate, literal.into());
            }
        }
        Some(())
    }

    /// A value object: `remaining` are its keys from the first `@value`,
    /// `@language` or `@direction` on, in order.
    fn value_object(
        &mut self,
        context: &JsonLdContext,
        types: Vec<String>,
        id: Option<&str>,
        remaining: &[(&str, &Value)],
        parent: Parent<'_>,
    ) -> Option<()> {
        if types.len() > 1 || id.is_some() {
            return None;
        }
        let r#type = types.into_iter().next();
        let mut value = None;
        let mut language = None;
        let mut direction = None;
        for (key, v) in remaining {
            let keyword = match expand_key(context, key) {
                ExpandedKey::Dropped => return None,
                ExpandedKey::Keyword(keyword) => keyword,
                ExpandedKey::Iri => return None,
            };
            match keyword {
                "@value" if value.is_none() => value = Some(*v),
                "@language" if language.is_none() => language = Some(v.as_str()?.to_owned()),
                "@direction" if direction.is_none() => {
                    direction = Some(match v.as_str()? {
                        "ltr" => "ltr",
                        "rtl" => "rtl",
                        _ => return None,
                    })
                }
                _ => return None,
            }
        }
        // The event path's checks, in its order.
        let Some(value) = value else {
            // No `@value`: nothing to convert.
            return Some(());
        };
        if language.is_some() && (r#type.is_some() || !value.is_string()) {
            return None;
        }
        if !convertible_datatype(r#type.as_deref()) {
            return None;
        }
        if value.is_null() {
            return Some(());
        }
        let literal = self.literal_value(value, r#type, language, direction)?;
        self.push(parent.subject, parent.predicate, literal.into());
        Some(())
    }

    /// A literal as the RDF step converts it; `None` for what the event
    /// path answers: `@json`, an invalid datatype, objects and arrays, and a
    /// literal the RDF step drops (a language tag that is not well-formed,
    /// an error in safe mode).
    fn literal_value(
        &self,
        value: &Value,
        r#type: Option<String>,
        language: Option<String>,
        direction: Option<&'static str>,
    ) -> Option<Literal> {
        // `convert_literal` refuses a `@json`, blank node or invalid datatype
        // (not an IRI), which the event path answers.
        let value = match value {
            Value::String(s) => JsonLdValue::String(s.clone()),
            // Display writes a number as the event path is given it.
            Value::Number(n) => JsonLdValue::Number(n.to_string()),
            Value::Bool(b) => JsonLdValue::Boolean(*b),
            Value::Null | Value::Array(_) | Value::Object(_) => return None,
        };
        self.to_rdf
            .convert_literal(value, language, direction, r#type)
    }
}

/// Whether a value's datatype converts as a literal: not `@json` (a JSON
/// literal), a blank node or an invalid IRI (errors on the event path).
fn convertible_datatype(r#type: Option<&str>) -> bool {
    r#type.is_none_or(|t| t != "@json" && !t.starts_with("_:") && crate::iri::is_valid(t))
}
