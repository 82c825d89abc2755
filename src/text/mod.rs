//! Pure text functions: HTML to text, sanitizing for display, normalizing for
//! matching and search, language detection. No IO.

pub mod bidi;
pub mod html;
pub mod normalize;
pub mod sanitize;
pub mod search;

pub use normalize::normalize;
pub use sanitize::sanitize;
