//! Pure text functions: HTML to text, sanitizing for display, normalizing for
//! matching and search, language detection. No IO.

pub mod attrs;
pub mod bidi;
pub mod html;
pub mod lang;
pub mod normalize;
pub mod sanitize;
pub mod search;
pub mod whitespace;

pub use normalize::{Normalized, is_deleted, is_word_char, normalize};
pub use sanitize::{sanitize, sanitize_cow, sanitize_owned};
