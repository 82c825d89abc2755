//! The rule syntax on small watches of its own: `weak` terms and their support,
//! `places` and venues, veto windows before and after a mention, and the
//! credits (datelines, a title's source, an agency in parentheses) that never
//! tag a party. Each case says what a user writing rules can rely on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use marsad::classify::{Classifier, Doc};
use marsad::config::{Config, ConfigSource};
use marsad::model::Classification;

const WATCH: &str = r#"
[[topic]]
id = "military"
terms = ["army"]
weak = ["attack*", "raid"]

[[topic]]
id = "diplomacy"
terms = ["talks"]
weak = ["deal", "اتفاق"]

[[party]]
id = "iran"
terms = ["Iran", "Iranian", "IRNA", "إيران", "إيراني", "إرنا"]
places = ["Tehran", "طهران"]

[[party]]
id = "qatar"
terms = ["Qatar", "Qatari"]
places = ["Doha", "الدوحة"]
veto = [
  { terms = ["bank"], before = 1 },
  { terms = ["film"], after = 1 },
]

[[party]]
id = "e3"
terms = ["EU"]
weak = ["Europe"]
"#;

fn classify(title: &str, body: &str) -> Classification {
    static C: std::sync::OnceLock<Classifier> = std::sync::OnceLock::new();
    let c = C.get_or_init(|| {
        let config = Config::parse(WATCH, ConfigSource::File("watch.toml".into()))
            .unwrap_or_else(|e| panic!("{e}"));
        Classifier::new(&config).unwrap()
    });
    c.classify(&Doc {
        title,
        body,
        lang_hint: None,
        feed: None,
    })
}

fn topics(title: &str, body: &str) -> Vec<String> {
    classify(title, body).topic_ids()
}

fn parties(title: &str, body: &str) -> Vec<String> {
    classify(title, body).party_ids()
}

#[test]
fn a_weak_term_alone_gives_nothing() {
    assert!(topics("Wild boar attacks hikers", "").is_empty());
    assert!(topics("Police raid a warehouse", "").is_empty());
    assert!(topics("Best phone deal of the week", "").is_empty());
}

#[test]
fn a_weak_term_counts_with_a_strong_one_a_second_weak_one_or_a_party() {
    assert_eq!(topics("Army attacks a village", ""), ["military"]);
    assert_eq!(topics("Night raid ends in attack", ""), ["military"]);
    assert_eq!(topics("Iran attacks a village", ""), ["military"]);
    assert_eq!(topics("اتفاق بين إيران وقطر", ""), ["diplomacy"]);
    // The same weak term twice is still one weak term.
    assert!(topics("Acid attack on a man", "He was attacked at home").is_empty());
}

#[test]
fn weak_evidence_is_shown_when_it_counts() {
    let c = classify("Iran attacks a village", "");
    let ev = &c.topics[0].evidence;
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].term, "attack*");
    assert_eq!(ev[0].text, "attacks");
}

#[test]
fn a_weak_party_term_needs_another_mention_of_the_party() {
    assert!(parties("Heatwave grips Europe", "").is_empty());
    assert_eq!(parties("Europe and the EU agree", ""), ["e3"]);
    // A topic's support does not reach parties: Iran does not back Europe.
    assert_eq!(parties("Iran and Europe", ""), ["iran"]);
}

#[test]
fn a_place_counts_unless_it_is_the_venue() {
    assert_eq!(parties("Tehran rejects the offer", ""), ["iran"]);
    assert_eq!(parties("Doha says talks will resume", ""), ["qatar"]);
    for (t, b) in [
        ("A film festival opens in Tehran", ""),
        (
            "Conference on water",
            "Experts meet at Doha's convention centre in Doha",
        ),
        ("معرض للكتاب في طهران", ""),
        ("معرض للكتاب", "افتتح المعرض بطهران اليوم"),
        ("مهرجان", "يقام المهرجان بالدوحة الشهر المقبل"),
    ] {
        assert!(parties(t, b).is_empty(), "{t} / {b}");
    }
    // A venue does not hide another mention.
    assert_eq!(parties("Iranian minister arrives in Doha", ""), ["iran"]);
}

#[test]
fn veto_windows_before_and_after() {
    assert!(parties("Bank Qatar raises rates", "").is_empty());
    assert_eq!(parties("Qatar bank raises rates", ""), ["qatar"]);
    assert!(parties("Qatar Film festival", "").is_empty());
    assert_eq!(parties("Film about Qatar", ""), ["qatar"]);
}

#[test]
fn datelines_name_no_party() {
    for body in [
        "TEHRAN, Aug. 12 (MNA) – A film festival opened on Tuesday.",
        "TEHRAN – A film festival opened on Tuesday.",
        "Tehran – A film festival opened on Tuesday.",
        "طهران - إرنا - افتتح معرض الكتاب الدولي أبوابه اليوم.",
        "طهران (رويترز) - افتتح معرض الكتاب الدولي أبوابه اليوم.",
    ] {
        assert!(parties("Festival opens", body).is_empty(), "{body}");
    }
    // The news after the dateline still counts.
    assert_eq!(
        parties("Festival opens", "TEHRAN – Iranian films lead the line-up."),
        ["iran"]
    );
}

#[test]
fn a_source_credit_or_an_agency_in_parentheses_names_no_party() {
    assert!(
        parties(
            "Gold slips after strong jobs data - Qatar Business Daily",
            ""
        )
        .is_empty()
    );
    assert!(parties("افتتاح معرض للكتاب", "افتتح المعرض أبوابه اليوم (إرنا).").is_empty());
    assert_eq!(
        parties("Gold slips after strong jobs data - Qatar", ""),
        Vec::<String>::new()
    );
    // A short title is no title with a credit.
    assert_eq!(parties("Iran - Qatar", ""), ["iran", "qatar"]);
}

#[test]
fn the_validator_checks_the_new_keys() {
    let bad = r#"
[[party]]
id = "x"
terms = ["X"]
veto = [{ terms = ["y"], within = 2, before = 1 }]
"#;
    let e = Config::parse(bad, ConfigSource::File("w.toml".into()))
        .expect_err("two windows are refused")
        .to_string();
    assert!(e.contains("one of `within`, `before` and `after`"), "{e}");
    let bad = r#"
[[party]]
id = "x"
terms = ["X"]
veto = [{ terms = ["y"], after = 0 }]
"#;
    let e = Config::parse(bad, ConfigSource::File("w.toml".into()))
        .expect_err("an empty window is refused")
        .to_string();
    assert!(e.contains("at least 1 word"), "{e}");
    let bad = r#"
[[topic]]
id = "x"
weak = ["=*"]
"#;
    assert!(Config::parse(bad, ConfigSource::File("w.toml".into())).is_err());
    // A rule of weak terms or places only is a rule.
    let ok = r#"
[[topic]]
id = "x"
weak = ["deal"]

[[party]]
id = "y"
places = ["Doha"]
"#;
    Config::parse(ok, ConfigSource::File("w.toml".into())).unwrap_or_else(|e| panic!("{e}"));
}
