//! Every colour and emphasis of the dashboard. Only the 16 ANSI colours are used,
//! so it reads on any terminal; with `NO_COLOR` set, emphasis alone (bold,
//! reverse, underline) carries the meaning.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Theme { color: true }
    }
}

const PARTY: [Color; 6] = [
    Color::Blue,
    Color::Green,
    Color::Magenta,
    Color::Cyan,
    Color::Yellow,
    Color::LightRed,
];

impl Theme {
    /// Colour unless `NO_COLOR` is set to anything non-empty.
    pub fn from_env(no_color: Option<String>) -> Theme {
        Theme {
            color: no_color.is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn base(&self) -> Style {
        Style::new()
    }
    pub fn header(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }
    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn bad(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            self.dim()
        }
    }
    pub fn title(&self, focused: bool) -> Style {
        let s = Style::new().add_modifier(Modifier::BOLD);
        if focused {
            s.patch(self.fg(Color::Cyan))
        } else {
            s
        }
    }
    pub fn unread(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    /// A read item: plain, where an unread one is bold.
    pub fn read(&self) -> Style {
        Style::new()
    }
    /// An item shown in full in another pane of the grid: still readable,
    /// but the eye passes over it.
    pub fn echo(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::DarkGray)
                .remove_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }
    pub fn time(&self) -> Style {
        self.fg(Color::Yellow)
    }
    pub fn source(&self) -> Style {
        self.fg(Color::Cyan)
    }
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn alert_mark(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    /// An alert's keyword inside a title.
    pub fn keyword(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED | Modifier::BOLD)
        }
    }
    /// Evidence of a topic or party in the detail view.
    pub fn evidence(&self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::UNDERLINED)
    }
    /// A new alert, in the flashing half of its cycle.
    pub fn flash(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }
    pub fn party(&self, i: usize) -> Style {
        self.fg(PARTY[i % PARTY.len()]).add_modifier(Modifier::BOLD)
    }
    /// A topic's code on a row of the river.
    pub fn topic(&self) -> Style {
        self.fg(Color::Magenta)
    }
    pub fn spark(&self) -> Style {
        self.fg(Color::Blue)
    }
    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn filter(&self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::BOLD)
    }
}
