//! What `marsad` does at start, timed: the newest page of the store loaded, the
//! state built and one 200×60 frame drawn (the first frame); then every older
//! page loaded as the background loader does, and a frame drawn again. Run
//! under `/usr/bin/time -v` for the peak memory:
//! `cargo run --release --example first_frame -- target/bench-dashboard-100000.db`
//! (the benchmark `cargo bench --bench dashboard` creates that store).

use std::time::Instant;

use marsad::app::state::Init;
use marsad::app::{Action, Keymap, State};
use marsad::config::Config;
use marsad::store::Store;
use marsad::text::bidi::Display;
use marsad::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: first_frame STORE.db"))?;
    let started = Instant::now();
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1e3;
    let store = Store::open(std::path::Path::new(&path))?;
    let (rows, more, _skipped) = marsad::app::load::first_page(&store)?;
    let r = store.reader()?;
    let mut state = State::new(
        &Config::builtin(),
        Init {
            rows,
            alerts: r.alerts(false, 500)?,
            feeds: r.feeds()?,
            now: chrono::Utc::now(),
            display: Display::App,
            polling: true,
            loading: more.is_some(),
            keymap: Keymap::default(),
            theme: Theme::default(),
            size: (200, 60),
        },
    );
    let mut t = Terminal::new(TestBackend::new(200, 60))?;
    t.draw(|f| marsad::ui::draw(f, &state))?;
    println!(
        "first frame: {:.1} ms ({} items)",
        ms(started),
        state.items.len()
    );
    let mut below = more;
    while let Some(b) = below {
        let page = r.dashboard_page(Some(b), marsad::app::load::PAGE)?;
        let done = page.len() < marsad::app::load::PAGE;
        below = if done {
            None
        } else {
            page.last().map(|r| r.id)
        };
        let items = page
            .into_iter()
            .map(|row| state.taxonomy.item_from_row(row))
            .collect();
        state.update(Action::Backfill(items, done));
    }
    t.draw(|f| marsad::ui::draw(f, &state))?;
    println!(
        "all loaded and drawn: {:.1} ms ({} items)",
        ms(started),
        state.items.len()
    );
    Ok(())
}
