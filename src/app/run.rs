//! The loop: wait for an event, turn it into an action, update the state, run
//! the effects it queued, and draw, once per burst, only when something changed.
//! Generic over the ratatui backend so tests drive it with `TestBackend`.

use crossterm::event::{KeyEventKind, MouseButton, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;

use super::{Action, Effect, Event, State};

/// Carries out what the state asks for (store writes, opening links, the bell).
pub trait Effects {
    fn run(&mut self, effect: Effect);
}

/// Collects effects instead of running them (tests, benchmarks).
#[derive(Debug, Default)]
pub struct Recorded(pub Vec<Effect>);

impl Effects for Recorded {
    fn run(&mut self, effect: Effect) {
        self.0.push(effect);
    }
}

/// The action an event asks for, if any.
pub fn action_for(state: &State, event: Event) -> Option<Action> {
    match event {
        Event::Key(k) if k.kind != KeyEventKind::Release => state
            .keymap
            .action(&k, state.typing || state.prompt.is_some()),
        Event::Key(_) => None,
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown => Some(Action::Scroll(1)),
            MouseEventKind::ScrollUp => Some(Action::Scroll(-1)),
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click(m.column, m.row)),
            _ => None,
        },
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        Event::Tick(now) => Some(Action::Tick(now)),
        Event::Polled(o) => Some(Action::Polled(o)),
        Event::Loaded(i) => Some(Action::Loaded(i)),
        Event::Reply(r) => Some(Action::Reply(r)),
        Event::Changed(c) => Some(Action::Changed(c)),
        Event::Stored(r) => Some(Action::Stored(r)),
        Event::Notice(m) => Some(Action::Notice(m)),
        Event::Copy(l) => Some(Action::Copy(l)),
        Event::Bookmarked(id, on) => Some(Action::Bookmarked(id, on)),
        Event::Shutdown => Some(Action::Quit),
    }
}

/// Applies one event to the state and hands its effects over.
pub fn handle(state: &mut State, event: Event, effects: &mut impl Effects) {
    if let Some(action) = action_for(state, event) {
        // A quiet event (a tick with nothing to show) must not undo a pending redraw.
        let was_dirty = state.dirty;
        state.update(action);
        state.dirty |= was_dirty;
    }
    for e in state.effects.drain(..) {
        effects.run(e);
    }
}

/// Runs until the user quits or the event channel closes; returns the final state.
pub async fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    mut state: State,
    events: &mut mpsc::Receiver<Event>,
    effects: &mut impl Effects,
) -> anyhow::Result<State> {
    loop {
        if state.dirty {
            terminal
                .draw(|f| crate::ui::draw(f, &state))
                .map_err(|e| anyhow::anyhow!("cannot draw the screen: {e}"))?;
            state.dirty = false;
        }
        let Some(event) = events.recv().await else {
            break;
        };
        handle(&mut state, event, effects);
        // Coalesce a burst: apply everything already queued, then draw once.
        while !state.quit {
            match events.try_recv() {
                Ok(event) => handle(&mut state, event, effects),
                Err(_) => break,
            }
        }
        if state.quit {
            break;
        }
    }
    Ok(state)
}
