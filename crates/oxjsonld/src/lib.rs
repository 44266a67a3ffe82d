#![cfg_attr(doc, doc = include_str!("../README.md"))]
#![doc(test(attr(deny(warnings))))]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc(html_favicon_url = "https://raw.githubusercontent.com/oxigraph/oxigraph/main/logo.svg")]
#![doc(html_logo_url = "https://raw.githubusercontent.com/oxigraph/oxigraph/main/logo.svg")]
// Upstream configures these lints off in its workspace; kept as upstream wrote it.
#![allow(clippy::type_complexity, clippy::too_many_arguments)]

mod context;
mod error;
mod expansion;
mod from_rdf;
mod iri;
mod profile;
mod to_rdf;

pub use context::{JsonLdContextCache, JsonLdLoadDocumentOptions, JsonLdRemoteDocument};
pub use error::{JsonLdErrorCode, JsonLdParseError, JsonLdSyntaxError, TextPosition};
#[cfg(feature = "async-tokio")]
pub use from_rdf::TokioAsyncWriterJsonLdSerializer;
pub use from_rdf::{JsonLdSerializer, WriterJsonLdSerializer};
pub use profile::{JsonLdProcessingMode, JsonLdProfile, JsonLdProfileSet};
#[cfg(feature = "async-tokio")]
pub use to_rdf::TokioAsyncReaderJsonLdParser;
pub use to_rdf::{
    JsonLdParser, JsonLdPrefixesIter, ReaderJsonLdParser, SliceJsonLdParser, ValueJsonLdParser,
};

const MAX_CONTEXT_RECURSION: usize = 8;
