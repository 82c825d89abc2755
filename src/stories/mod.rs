//! Stories: items about one event, from every source and in both languages,
//! found as items arrive, and what is breaking now. Pure: items and counts in,
//! decisions out, state passed in; no IO, no tokio, no SQL.
//!
//! - `terms`: words, stop words, Arabic and English light stemming, hashing.
//! - `names`: consonant skeletons shared by an Arabic name and its
//!   transliteration; numbers.
//! - `glossary`: bilingual news vocabulary mapped to shared concepts.
//! - `minhash`: near-copy signatures and their band index.
//! - `features`: what the clustering reads off one item.
//! - `cluster`: the online clustering and its explanations.
//! - `score`: BCubed and cross-language pairwise quality against gold labels.
//! - `burst`: breaking detection on 10-minute counts.
//! - `replay`: a generated week of news with injected bursts, to test it.

pub mod burst;
pub mod cluster;
pub mod features;
pub mod glossary;
pub mod minhash;
pub mod names;
pub mod replay;
pub mod score;
pub mod terms;

pub use cluster::{Clusterer, Decision, Params, Via, Why};
pub use features::{Item, Rule, RuleKind};
