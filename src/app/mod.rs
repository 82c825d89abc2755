//! The dashboard's application: events coming in, the actions keys map to, the
//! state they update, and the loop that draws it. The app alone owns the UI state;
//! IO happens in tasks that send owned events back.

pub mod action;
pub mod effects;
pub mod event;
pub mod items;
pub mod keymap;
pub mod load;
pub mod run;
pub mod state;

pub use action::{Action, Effect};
pub use event::Event;
pub use keymap::Keymap;
pub use state::State;
