//! A replayed week of news for testing breaking detection: per topic, a daily
//! rhythm of items (quiet at night, busy by day), ordinary stories that bring a
//! few items from a few sources over an hour or two (news is clumpy, never a
//! clean Poisson stream), and optionally injected bursts: many items from many
//! sources in a short time. Deterministic for a seed.

/// One generated item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplayItem {
    /// Unix seconds.
    pub at: i64,
    pub topic: usize,
    pub source: u64,
}

/// An injected burst.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Burst {
    pub topic: usize,
    /// When its first item is published.
    pub at: i64,
    pub items: u32,
    /// Over how many minutes its items come.
    pub minutes: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReplaySpec {
    /// Unix seconds of the first day's midnight (UTC).
    pub start: i64,
    pub days: u32,
    /// Mean items per hour of each topic over a day.
    pub topics: Vec<f64>,
    pub sources: u64,
    /// Ordinary stories per topic per day, each of 2–5 items over 1–3 hours.
    pub stories_per_day: f64,
    pub bursts: Vec<Burst>,
    pub seed: u64,
}

impl Default for ReplaySpec {
    fn default() -> Self {
        ReplaySpec {
            start: 1_767_225_600, // 2026-01-01T00:00:00Z
            days: 14,
            topics: vec![0.5, 1.0, 2.0, 4.0],
            sources: 24,
            stories_per_day: 6.0,
            bursts: Vec::new(),
            seed: 7,
        }
    }
}

/// xorshift64*: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// A Poisson draw (Knuth's method; fine for the small means used here).
    fn poisson(&mut self, mean: f64) -> u32 {
        let l = (-mean).exp();
        let (mut k, mut p) = (0u32, 1.0);
        loop {
            p *= self.unit();
            if p <= l {
                return k;
            }
            k += 1;
        }
    }
}

/// The day's rhythm: relative rate at an hour of the day (UTC), mean 1.
fn rhythm(hour: i64) -> f64 {
    // Low at night (0.3), high around midday (1.7).
    let x = (hour as f64 - 13.0) / 24.0 * std::f64::consts::TAU;
    1.0 + 0.7 * x.cos()
}

/// The items of a replay, in publication order.
pub fn generate(spec: &ReplaySpec) -> Vec<ReplayItem> {
    let mut rng = Rng(spec.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut out = Vec::new();
    let hours = i64::from(spec.days) * 24;
    for (topic, &rate) in spec.topics.iter().enumerate() {
        for h in 0..hours {
            let base = spec.start + h * 3600;
            // Single items.
            for _ in 0..rng.poisson(rate * rhythm(h % 24)) {
                out.push(ReplayItem {
                    at: base + rng.below(3600) as i64,
                    topic,
                    source: rng.below(spec.sources),
                });
            }
            // Ordinary stories: a few items from a few sources, spread out.
            for _ in 0..rng.poisson(spec.stories_per_day / 24.0 * rhythm(h % 24)) {
                let n = 2 + rng.below(4);
                let spread = 3600 + rng.below(2 * 3600) as i64;
                let start = base + rng.below(3600) as i64;
                for _ in 0..n {
                    out.push(ReplayItem {
                        at: start + rng.below(spread as u64) as i64,
                        topic,
                        source: rng.below(spec.sources),
                    });
                }
            }
        }
    }
    for b in &spec.bursts {
        let span = i64::from(b.minutes.max(1)) * 60;
        for i in 0..b.items {
            // Front-loaded, as news breaks: the first items come fast.
            let u = f64::from(i) / f64::from(b.items.max(1));
            out.push(ReplayItem {
                at: b.at + (u * u * span as f64) as i64,
                topic: b.topic,
                source: rng.below(spec.sources),
            });
        }
    }
    out.sort_by_key(|x| (x.at, x.topic, x.source));
    out
}

/// Plays items through a breaking detector keyed by topic ("topic:N"),
/// moving its clock at every 10-minute boundary as a collector would; the
/// changes it reports, in order.
pub fn detect(
    items: &[ReplayItem],
    params: super::burst::BurstParams,
) -> Vec<super::burst::Change> {
    let bin = i64::from(params.bin_minutes.max(1)) * 60;
    let mut b = super::burst::Breaking::new(params);
    let mut out = Vec::new();
    let mut clock = items.first().map_or(0, |x| x.at.div_euclid(bin) * bin);
    for it in items {
        while clock + bin <= it.at {
            clock += bin;
            out.extend(b.tick(clock));
        }
        if let Some(c) = b.add(&format!("topic:{}", it.topic), it.at, it.source) {
            out.push(c);
        }
    }
    out.extend(b.tick(clock + bin));
    out
}
