//! The header: watch name, clock, feed health, open alerts and active filters.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::app::State;
use crate::text::bidi;

pub fn draw(buf: &mut Buffer, area: Rect, s: &State) {
    let t = &s.theme;
    let narrow = area.width < 120;
    let mut parts: Vec<(String, Style)> = Vec::new();
    let sep = || (" │ ".to_string(), t.dim());
    let watch = bidi::truncate(&s.watch, if narrow { 22 } else { 60 });
    parts.push((
        format!(" {}", bidi::visual_string(&watch, s.display)),
        t.header(),
    ));
    parts.push(sep());
    parts.push((crate::zone::clock(s.now, s.zone), t.time()));
    parts.push(sep());
    if !s.polling {
        parts.push(("feeds not polled".into(), t.bad()));
    } else {
        let failing = s.failing_feeds();
        let waiting = s
            .feeds
            .iter()
            .filter(|f| f.error.is_none() && f.last_success.is_none())
            .count();
        let ok = s.feeds.len() - failing - waiting;
        parts.push((format!("feeds ✓{ok}"), t.ok()));
        if failing > 0 {
            parts.push((format!(" ✗{failing}"), t.bad()));
        }
        if waiting > 0 {
            parts.push((format!(" …{waiting}"), t.dim()));
        }
    }
    parts.push(sep());
    let open = s.open_alerts();
    parts.push(if open > 0 {
        (format!("⚑ {open} open"), t.alert_mark())
    } else {
        ("no alerts".into(), t.dim())
    });
    if s.searching {
        parts.push(sep());
        parts.push(("searching…".into(), t.dim()));
    }
    let f = &s.filter;
    let mut filters = Vec::new();
    let hidden = (0..s.topics.len())
        .filter(|i| f.hidden_topics & (1 << (*i).min(63)) != 0)
        .count();
    if hidden > 0 {
        filters.push(format!(
            "topics {}/{}",
            s.topics.len() - hidden,
            s.topics.len()
        ));
    }
    if let Some(p) = f.party.and_then(|p| s.parties.get(p)) {
        filters.push(format!("party {}", p.badge));
    }
    if let Some(feed) = &f.feed {
        filters.push(format!("feed {}", bidi::visual_string(feed, s.display)));
    }
    if f.unread_only {
        filters.push("unread".into());
    }
    if !f.text.is_empty() || s.typing {
        let text = bidi::visual_string(&f.text, s.display);
        filters.push(format!("/{text}{}", if s.typing { "▏" } else { "" }));
    }
    if !filters.is_empty() {
        parts.push(sep());
        parts.push((format!("filter: {}", filters.join(" · ")), t.filter()));
    }
    // Written cell by cell: ratatui's line widths use the lam-alef ligature rule.
    let end = area.right();
    let mut x = area.x;
    for (text, style) in parts {
        if x >= end {
            break;
        }
        x = buf
            .set_stringn(x, area.y, &text, (end - x) as usize, style)
            .0;
    }
}
