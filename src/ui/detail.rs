//! An item's detail: title and full text wrapped then reordered line by line,
//! link, feed and times, and "why is this here?": its topics, parties and alerts
//! with the matched words highlighted in the text.

use std::ops::Range;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders, Widget};

use super::text;
use crate::app::State;
use crate::app::items::clamp_range;
use crate::model::{Field, Label, StoredItem};
use crate::text::bidi;

/// A display line: a slice of the title or the text, or a plain note.
enum Row {
    Slice {
        field: Field,
        range: Range<usize>,
        style: Style,
    },
    Note(String, Style),
    Blank,
}

/// One "why" line: `topics: Nuclear (يورانيوم, enrichment); Military (…)`, each
/// name and matched word isolated, so Arabic words keep their list order in an
/// English line.
fn labels(kind: &str, list: &[Label], name: impl Fn(&str) -> String) -> Option<String> {
    if list.is_empty() {
        return None;
    }
    let parts: Vec<String> = list
        .iter()
        .map(|l| {
            // Each matched word once, in the order first seen.
            let mut terms: Vec<String> = Vec::new();
            for e in &l.evidence {
                let t = bidi::isolate(&e.text);
                if !terms.contains(&t) {
                    terms.push(t);
                }
            }
            format!("{} ({})", bidi::isolate(&name(&l.id)), terms.join(", "))
        })
        .collect();
    Some(format!("{kind}: {}", parts.join("; ")))
}

/// The text width of the detail's lines and the lines shown at once, for a
/// screen of `size`.
fn frame(size: (u16, u16)) -> (usize, usize) {
    let body = super::layout::body(Rect::new(0, 0, size.0, size.1));
    let inner = Block::new().borders(Borders::ALL).inner(body);
    (
        inner.width.saturating_sub(2) as usize,
        inner.height as usize,
    )
}

/// The furthest the detail scrolls: its last line at the bottom.
pub fn max_scroll(s: &State) -> u16 {
    let Some(item) = s.detail.as_ref().and_then(|d| d.item.as_deref()) else {
        return 0;
    };
    let (w, h) = frame(s.size);
    build(s, item, w).len().saturating_sub(h) as u16
}

pub fn draw(buf: &mut Buffer, area: Rect, s: &State) {
    let t = &s.theme;
    let mut block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border(true))
        .title(" item · why is this here? ");
    let Some(d) = &s.detail else {
        block.render(area, buf);
        return;
    };
    let Some(item) = d.item.as_deref() else {
        let inner = block.inner(area);
        block.render(area, buf);
        buf.set_stringn(inner.x, inner.y, " loading…", inner.width as usize, t.dim());
        return;
    };
    let inner = block.inner(area);
    let w = inner.width.saturating_sub(2) as usize;
    let rows = build(s, item, w);
    // Where the view is: the lines shown and how many there are.
    let top = (d.scroll as usize).min(rows.len().saturating_sub(inner.height as usize));
    let last = (top + inner.height as usize).min(rows.len());
    if rows.len() > inner.height as usize {
        let more = if last < rows.len() { " ↓" } else { "" };
        block = block.title_top(
            ratatui::text::Line::from(format!(" {}–{last} of {}{more} ", top + 1, rows.len()))
                .right_aligned(),
        );
    }
    block.render(area, buf);
    let spans = evidence(item);
    for (i, row) in rows
        .iter()
        .skip(top)
        .take(inner.height as usize)
        .enumerate()
    {
        let y = inner.y + i as u16;
        let x = inner.x + 1;
        match row {
            Row::Slice {
                field,
                range,
                style,
            } => {
                let src = match field {
                    Field::Title => &item.title,
                    Field::Body => &item.text,
                };
                let line = src.get(range.clone()).unwrap_or("");
                let hl: Vec<Range<usize>> = spans
                    .iter()
                    .filter(|(f, _, _)| f == field)
                    .filter_map(|(_, r, _)| {
                        let a = r.start.max(range.start);
                        let b = r.end.min(range.end);
                        (b > a).then(|| a - range.start..b - range.start)
                    })
                    .collect();
                let alert: Vec<Range<usize>> = spans
                    .iter()
                    .filter(|(f, _, is_alert)| f == field && *is_alert)
                    .filter_map(|(_, r, _)| {
                        let a = r.start.max(range.start);
                        let b = r.end.min(range.end);
                        (b > a).then(|| a - range.start..b - range.start)
                    })
                    .collect();
                let style = *style;
                let style_at = |i: usize| {
                    if alert.iter().any(|r| r.contains(&i)) {
                        style.patch(t.keyword())
                    } else if hl.iter().any(|r| r.contains(&i)) {
                        style.patch(t.evidence())
                    } else {
                        style
                    }
                };
                text::put(buf, (x, y, w as u16), line, style_at, s.display, true);
            }
            Row::Note(n, st) => {
                text::put(buf, (x, y, w as u16), n, |_| *st, s.display, false);
            }
            Row::Blank => {}
        }
    }
}

/// Highlighted ranges: (field, bytes, is an alert's).
fn evidence(item: &StoredItem) -> Vec<(Field, Range<usize>, bool)> {
    let l = &item.labels;
    let mut out = Vec::new();
    for (list, alert) in [(&l.topics, false), (&l.parties, false), (&l.alerts, true)] {
        for e in list.iter().flat_map(|x| &x.evidence) {
            let src = match e.field {
                Field::Title => &item.title,
                Field::Body => &item.text,
            };
            if let Some(r) = clamp_range(src, e.start..e.end) {
                out.push((e.field, r, alert));
            }
        }
    }
    out
}

/// A note wrapped to `w` cells, one row per line.
fn notes(rows: &mut Vec<Row>, text: &str, style: Style, w: usize) {
    for r in bidi::wrap(text, w) {
        rows.push(Row::Note(text[r].to_string(), style));
    }
}

fn build(s: &State, item: &StoredItem, w: usize) -> Vec<Row> {
    let t = &s.theme;
    let mut rows = Vec::new();
    for r in bidi::wrap(&item.title, w) {
        rows.push(Row::Slice {
            field: Field::Title,
            range: r,
            style: t.header(),
        });
    }
    rows.push(Row::Blank);
    let when = item.when();
    // Date, time and zone are joined by no-break spaces: never two lines.
    let meta = format!(
        "from {} · feed {} · {}\u{a0}{}",
        bidi::isolate(&item.source),
        bidi::isolate(&item.feed),
        crate::zone::full(when, s.zone).replace(' ', "\u{a0}"),
        s.zone.label(when)
    );
    notes(&mut rows, &meta, t.source(), w);
    if let Some(link) = &item.link {
        notes(&mut rows, link, t.dim(), w);
    }
    let l = &item.labels;
    let topic = |id: &str| {
        s.taxonomy
            .topics
            .iter()
            .position(|x| x == id)
            .and_then(|i| s.topics.get(i))
            .map_or_else(|| id.to_string(), |t| t.name.clone())
    };
    let party = |id: &str| {
        s.taxonomy
            .parties
            .iter()
            .position(|x| x == id)
            .and_then(|i| s.parties.get(i))
            .map_or_else(|| id.to_string(), |p| p.badge.clone())
    };
    let alert = |id: &str| s.alert_name(id);
    let why = [
        labels("topics", &l.topics, topic),
        labels("parties", &l.parties, party),
        labels("alerts", &l.alerts, alert),
    ];
    let any = why.iter().any(Option::is_some);
    for line in why.into_iter().flatten() {
        notes(&mut rows, &line, t.evidence(), w);
    }
    if !any {
        notes(&mut rows, "no topic, party or alert matched", t.dim(), w);
    }
    rows.push(Row::Blank);
    for r in bidi::wrap(item.text.trim_end(), w) {
        rows.push(Row::Slice {
            field: Field::Body,
            range: r,
            style: t.base(),
        });
    }
    rows
}
