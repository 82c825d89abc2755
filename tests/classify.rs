//! The shipped watch's classifier on the labeled items (dev set from
//! `MARSAD_EVAL_DIR` or `../shared/eval`, and the holdout in `tests/data`), and
//! the traps of the labeling rules, each as its own case.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use marsad::classify::{Classifier, Doc, eval};
use marsad::config::Config;
use marsad::model::Classification;

fn classifier() -> (Config, Classifier) {
    let config = Config::builtin();
    let c = Classifier::new(&config).expect("shipped rules compile");
    (config, c)
}

fn run(title: &str, body: &str) -> Classification {
    static SHARED: std::sync::OnceLock<Classifier> = std::sync::OnceLock::new();
    let c = SHARED.get_or_init(|| classifier().1);
    c.classify(&Doc {
        title,
        body,
        lang_hint: None,
        feed: None,
    })
}

fn has(labels: &[String], id: &str) -> bool {
    labels.iter().any(|l| l == id)
}

fn dev_path() -> Option<PathBuf> {
    let dir = std::env::var_os("MARSAD_EVAL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/eval"));
    let p = dir.join("dev.jsonl");
    p.is_file().then_some(p)
}

#[test]
fn dev_set_meets_the_targets() {
    let Some(path) = dev_path() else {
        println!("SKIPPED: no dev.jsonl (set MARSAD_EVAL_DIR or put shared/eval beside the crate)");
        return;
    };
    let items = eval::parse_jsonl(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let (config, c) = classifier();
    let r = eval::evaluate(&config, &c, &items);
    println!("{}", r.render(false));
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
    assert!(r.alerts.micro.f1() >= 1.0, "alerts {}", r.alerts.micro.f1());
    assert!(
        r.fully_right_share() >= 0.70,
        "fully right {}",
        r.fully_right_share()
    );
}

#[test]
fn holdout_set_alerts_exact_and_labels_close() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/holdout.jsonl");
    let items = eval::parse_jsonl(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert!(items.len() >= 20);
    let (config, c) = classifier();
    let r = eval::evaluate(&config, &c, &items);
    println!("{}", r.render(false));
    assert_eq!(r.alerts.micro.f1(), 1.0);
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
    assert!(r.fully_right_share() >= 0.70);
}

#[test]
fn enrichment_alert_fires_on_every_form() {
    for w in [
        "التخصيب",
        "بالتخصيب",
        "وتخصيب",
        "للتخصيب",
        "تخصيبه",
        "تخصيبها",
        "التَّخْصِيب",
        "تخـصيب",
    ] {
        let c = run("خبر", &format!("تحدث المسؤول عن {w} أمس"));
        assert!(has(&c.alert_ids(), "enrichment"), "{w}");
    }
}

#[test]
fn enrichment_alert_ignores_look_alikes() {
    for w in ["تخصيص", "خصوبة", "المخصّب", "تخصّب", "enrichment", "متخصصة"]
    {
        let c = run("خبر", &format!("تحدث المسؤول عن {w} أمس"));
        assert!(!has(&c.alert_ids(), "enrichment"), "{w}");
    }
}

#[test]
fn muscat_alert_forms() {
    for w in [
        "Muscat",
        "MUSCAT",
        "Muscat's",
        "مسقط",
        "ومسقط",
        "بمسقط",
        "لمسقط",
        "مسقط رأسه",
    ] {
        let c = run(&format!("News from {w} today"), "");
        assert!(has(&c.alert_ids(), "muscat"), "{w}");
    }
    for w in ["Muscatine", "muscatel"] {
        let c = run(&format!("News from {w} today"), "");
        assert!(!has(&c.alert_ids(), "muscat"), "{w}");
    }
}

#[test]
fn oman_and_amman() {
    assert!(has(&run("سلطنة عمان تستضيف", "").party_ids(), "oman"));
    assert!(has(&run("وزير الخارجية العُماني", "").party_ids(), "oman"));
    assert!(has(&run("فوز على عمان", "").party_ids(), "oman"));
    assert!(!has(&run("مستشفى في عمّان", "").party_ids(), "oman"));
    assert!(!has(
        &run("مؤتمر", "عقد في العاصمة الأردنية عمان أمس").party_ids(),
        "oman"
    ));
    assert!(!has(&run("مسقط رأسه في شيراز", "").party_ids(), "oman"));
    assert!(has(&run("Talks held in Muscat", "").party_ids(), "oman"));
}

#[test]
fn geography_outlets_and_addresses_are_not_parties() {
    let c = run("Tanker seized in the Gulf of Oman", "");
    assert!(!has(&c.party_ids(), "oman"));
    let c = run("A Washington think tank says", "");
    assert!(!has(&c.party_ids(), "us"));
    let c = run(
        "The New York Times and Haaretz reported, Al Jazeera said",
        "",
    );
    assert!(c.party_ids().is_empty(), "{:?}", c.party_ids());
    let c = run("Kataib Hezbollah threatens", "");
    assert!(has(&c.party_ids(), "iraq"));
    assert!(!has(&c.party_ids(), "hezbollah"));
    let c = run("كتائب حزب الله تهدد", "");
    assert!(has(&c.party_ids(), "iraq"));
    assert!(!has(&c.party_ids(), "hezbollah"));
    let c = run("Hezbollah and Kataib Hezbollah", "");
    assert!(has(&c.party_ids(), "hezbollah"));
}

#[test]
fn football_missile_is_not_a_missile() {
    let c = run("Striker's 30-yard missile rescues late draw", "");
    assert!(c.topic_ids().is_empty(), "{:?}", c.topic_ids());
    let c = run("Iran fires a ballistic missile", "");
    assert!(has(&c.topic_ids(), "missiles"));
}

#[test]
fn evidence_points_into_the_original() {
    let title = "وفد إيراني يصل إلى مسقط";
    let body = "بشأن برنامج التَّخْصِيبِ الإيراني";
    let c = run(title, body);
    let muscat = c.alerts.iter().find(|l| l.id == "muscat").unwrap();
    let e = &muscat.evidence[0];
    assert_eq!(&title[e.start..e.end], "مسقط");
    assert_eq!(e.text, "مسقط");
    let enr = c.alerts.iter().find(|l| l.id == "enrichment").unwrap();
    let e = &enr.evidence[0];
    assert_eq!(&body[e.start..e.end], "التَّخْصِيبِ");
    assert_eq!(c.lang, "ar");
    // Labels come in config order.
    let (config, _) = classifier();
    let order: Vec<&str> = config.parties.iter().map(|p| p.id.as_str()).collect();
    let got = c.party_ids();
    let mut sorted = got.clone();
    sorted.sort_by_key(|id| order.iter().position(|o| o == id));
    assert_eq!(got, sorted);
}

#[test]
fn classify_command_round_trip() {
    let exe = env!("CARGO_BIN_EXE_marsad");
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(exe)
        .args(["classify", "--explain"])
        .env("MARSAD_STORE", dir.path().join("m.db"))
        .env(
            "MARSAD_CONFIG",
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("feeds.toml"),
        )
        .env("HOME", dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(
            stdin,
            r#"{{"id": "a", "title": "محادثات بمسقط", "body": "", "x": 1}}"#
        )
        .unwrap();
        writeln!(
            stdin,
            r#"{{"id": 2, "title": "Weather", "body": "The weather is sunny in the north"}}"#
        )
        .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "a");
    assert_eq!(lines[0]["alerts"], serde_json::json!(["muscat"]));
    assert_eq!(lines[0]["topics"], serde_json::json!(["diplomacy"]));
    assert_eq!(lines[0]["evidence"]["alerts"]["muscat"][0]["text"], "بمسقط");
    assert_eq!(lines[1]["id"], 2);
    assert_eq!(lines[1]["lang"], "en");
}

#[test]
fn classify_normalized_gives_what_classify_gives() {
    use marsad::text::Normalized;
    let (_, c) = classifier();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/holdout.jsonl");
    let items = eval::parse_jsonl(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let other = Normalized::new("something else entirely");
    for item in &items {
        let doc = Doc {
            title: &item.title,
            body: &item.body,
            lang_hint: None,
            feed: None,
        };
        let want = c.classify(&doc);
        let (t, b) = (Normalized::new(&item.title), Normalized::new(&item.body));
        assert_eq!(c.classify_normalized(&doc, &t, &b), want, "{}", item.title);
        // Keys of other texts are not used.
        assert_eq!(
            c.classify_normalized(&doc, &other, &b),
            want,
            "{}",
            item.title
        );
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[a-zA-Z' .,-]{0,8}",
            "[\\u{0621}-\\u{064A}\\u{064B}-\\u{0655}\\u{0640} ]{0,8}",
            Just("مسقط".to_string()),
            Just("تخصيب".to_string()),
            Just("عمّان".to_string()),
            Just("Muscat's".to_string()),
            Just("US".to_string()),
            "[\\u{0300}-\\u{036F}\\u{FB50}-\\u{FEFC}\\u{200B}-\\u{200F}\\u{0660}-\\u{0669}]",
            any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..20).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Any input classifies without panicking, and every piece of evidence
        /// is a valid slice of the original field holding the text it claims.
        #[test]
        fn evidence_is_always_a_valid_slice(title in text(), body in text()) {
            let c = run(&title, &body);
            for l in c.topics.iter().chain(&c.parties).chain(&c.alerts) {
                for e in &l.evidence {
                    let field = match e.field {
                        marsad::model::Field::Title => &title,
                        marsad::model::Field::Body => &body,
                    };
                    prop_assert!(e.start <= e.end && e.end <= field.len());
                    prop_assert!(field.is_char_boundary(e.start) && field.is_char_boundary(e.end));
                    prop_assert_eq!(&field[e.start..e.end], e.text.as_ref());
                }
            }
        }
    }
}
