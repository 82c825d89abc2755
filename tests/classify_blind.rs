//! A blind check of the classifier: 27 items written by someone who had not seen
//! the rules, labeled strictly by the eval README, and never used to tune them
//! (`tests/data/blind-lead.jsonl`). It guards against rules fitted to the dev set.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use marsad::classify::{Classifier, eval};
use marsad::config::{Config, ConfigSource};

#[test]
fn blind_items_meet_the_quality_targets() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = Config::from_file(&root.join("feeds.toml")).unwrap();
    assert_eq!(config.source, ConfigSource::File(root.join("feeds.toml")));
    let classifier = Classifier::new(&config).unwrap();
    let text = std::fs::read_to_string(root.join("tests/data/blind-lead.jsonl")).unwrap();
    let items = eval::parse_jsonl(&text).unwrap();
    assert_eq!(items.len(), 27);
    let r = eval::evaluate(&config, &classifier, &items);
    println!("{}", r.render(false));
    assert_eq!(r.alerts.micro.f1(), 1.0, "alerts");
    assert!(
        r.topics.micro.f1() >= 0.92,
        "topics {}",
        r.topics.micro.f1()
    );
    assert!(
        r.parties.micro.f1() >= 0.97,
        "parties {}",
        r.parties.micro.f1()
    );
    assert!(
        r.fully_right_share() >= 0.70,
        "fully right {}",
        r.fully_right_share()
    );
}
