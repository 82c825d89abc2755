//! The dashboard's speed with a store of 100,000 items: first frame (newest page
//! loaded, state built, first draw), a full redraw of the grid at 200×60, and a
//! keystroke of the text filter over all items. Figures in
//! benches/REPORT-dashboard.md.

#![allow(clippy::unwrap_used)]

#[path = "support/mod.rs"]
mod support;

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use marsad::app::state::Init;
use marsad::app::{Action, Keymap, State};
use marsad::config::Config;
use marsad::store::{DashRow, Store};
use marsad::text::bidi::Display;
use marsad::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const N: usize = 100_000;

fn state(store: &Store, config: &Config, rows: Vec<DashRow>) -> State {
    let r = store.reader().unwrap();
    State::new(
        config,
        Init {
            rows,
            alerts: r.alerts(false, 500).unwrap(),
            feeds: r.feeds().unwrap(),
            now: chrono::Utc::now(),
            display: Display::App,
            polling: true,
            loading: false,
            keymap: Keymap::default(),
            theme: Theme::default(),
            size: (200, 60),
        },
    )
}

fn benches(c: &mut Criterion) {
    let path = support::store(N);
    let store = Store::open(&path).unwrap();
    let config = Config::builtin();

    let mut g = c.benchmark_group("dashboard_100k");
    g.sample_size(20);
    g.bench_function("first_frame", |b| {
        b.iter(|| {
            let (rows, _more, _skipped) = marsad::app::load::first_page(&store).unwrap();
            let s = state(&store, &config, rows);
            let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
            t.draw(|f| marsad::ui::draw(f, &s)).unwrap();
            black_box(s.panes.len())
        })
    });
    let all = state(
        &store,
        &config,
        store.reader().unwrap().dashboard_items().unwrap(),
    );
    assert_eq!(all.items.len(), N);
    g.sample_size(100);
    g.bench_function("grid_render_200x60", |b| {
        let area = Rect::new(0, 0, 200, 60);
        let mut buf = Buffer::empty(area);
        b.iter(|| {
            buf.reset();
            marsad::ui::render(area, &mut buf, &all);
        })
    });
    g.bench_function("grid_full_redraw_testbackend_200x60", |b| {
        let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
        b.iter(|| {
            // Forget the previous frame so every cell is diffed and sent.
            t.clear().unwrap();
            t.draw(|f| marsad::ui::draw(f, &all)).unwrap();
        })
    });
    g.sample_size(20);
    for (name, first, second) in [
        ("filter_keystroke_arabic", 'ه', 'ج'),
        ("filter_keystroke_latin", 'm', 'u'),
    ] {
        g.bench_function(name, |b| {
            b.iter_batched_ref(
                || {
                    let mut s = all.clone();
                    s.update(Action::Search);
                    s.update(Action::Type(first));
                    s
                },
                |s| s.update(Action::Type(second)),
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group!(dashboard, benches);
criterion_main!(dashboard);
