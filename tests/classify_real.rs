//! The shipped watch on real news: items of saved public feeds labeled by hand
//! before the classifier ran on them (`tests/data/real-dev.jsonl`, sources in
//! `tests/data/REAL-SOURCES.md`), and the failures real feeds showed, each as
//! its own case: datelines, outlets, venues and continents are no parties;
//! weak words in unrelated news give no topic; the missing vocabulary; air
//! defence is not the missile file; short English headlines are English.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use marsad::classify::{Classifier, Doc, eval};
use marsad::config::Config;
use marsad::model::Classification;

fn classifier() -> &'static Classifier {
    static C: std::sync::OnceLock<Classifier> = std::sync::OnceLock::new();
    C.get_or_init(|| Classifier::new(&Config::builtin()).expect("shipped rules compile"))
}

fn run(title: &str, body: &str) -> Classification {
    classifier().classify(&Doc {
        title,
        body,
        lang_hint: None,
        feed: None,
    })
}

fn report(file: &str) -> eval::Report {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file);
    let items = eval::parse_jsonl(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let r = eval::evaluate(&Config::builtin(), classifier(), &items);
    println!("{file}: {} items\n{}", items.len(), r.render(false));
    r
}

/// The floors are what the rules reach today on the dev file, rounded down:
/// a change that loses ground on real news fails here.
#[test]
fn real_dev_items_hold_their_scores() {
    let r = report("real-dev.jsonl");
    assert!(
        r.topics.micro.f1() >= 0.93,
        "topics {}",
        r.topics.micro.f1()
    );
    assert!(
        r.parties.micro.f1() >= 0.98,
        "parties {}",
        r.parties.micro.f1()
    );
    assert_eq!(r.alerts.micro.f1(), 1.0, "alerts");
    assert!(
        r.fully_right_share() >= 0.85,
        "fully right {}",
        r.fully_right_share()
    );
    let r = report("real-dev2.jsonl");
    assert!(
        r.topics.micro.f1() >= 0.91,
        "dev2 topics {}",
        r.topics.micro.f1()
    );
    assert!(
        r.parties.micro.f1() >= 0.97,
        "dev2 parties {}",
        r.parties.micro.f1()
    );
    assert!(
        r.fully_right_share() >= 0.84,
        "dev2 fully right {}",
        r.fully_right_share()
    );
}

/// The blind files are only reported on, never tuned on; their floors are what
/// the rules reach today, rounded down, so that a change that loses ground on
/// items nobody fitted fails here.
#[test]
fn real_blind_items_hold_their_scores() {
    for (file, topics, parties, right) in [
        ("real-blind.jsonl", 0.81, 0.97, 0.81),
        ("real-blind2.jsonl", 0.90, 0.94, 0.73),
    ] {
        let r = report(file);
        assert!(
            r.topics.micro.f1() >= topics,
            "{file}: topics {}",
            r.topics.micro.f1()
        );
        assert!(
            r.parties.micro.f1() >= parties,
            "{file}: parties {}",
            r.parties.micro.f1()
        );
        assert_eq!(r.alerts.micro.f1(), 1.0, "{file}: alerts");
        assert!(
            r.fully_right_share() >= right,
            "{file}: fully right {}",
            r.fully_right_share()
        );
    }
}

fn parties(title: &str, body: &str) -> Vec<String> {
    run(title, body).party_ids()
}

fn topics(title: &str, body: &str) -> Vec<String> {
    run(title, body).topic_ids()
}

#[test]
fn datelines_and_agencies_name_no_party() {
    for body in [
        "TEHRAN, Aug. 12 (MNA) – A film festival opened on Tuesday with 40 films.",
        "TEHRAN – The future of work is changing fast.",
        "LONDON – Amid overlapping crises, a new novel is out.",
    ] {
        assert!(parties("Festival opens", body).is_empty(), "{body}");
    }
    assert!(
        parties(
            "افتتاح معرض للكتاب",
            "طهران - إرنا - افتتح المعرض أبوابه اليوم."
        )
        .is_empty()
    );
    assert!(parties("افتتاح معرض للكتاب", "افتتح المعرض أبوابه اليوم (إرنا).").is_empty());
    // The news after a dateline still counts.
    assert_eq!(
        parties(
            "Talks",
            "TEHRAN, Aug. 12 (MNA) – Iran's foreign minister said talks go on."
        ),
        ["iran"]
    );
}

#[test]
fn outlets_and_institutions_are_no_parties() {
    assert!(
        parties(
            "انطلاق بطولة للشطرنج",
            "ذكرت وكالة تسنيم الإيرانية أن البطولة تنطلق غدا."
        )
        .is_empty()
    );
    assert!(parties("Iran's Tasnim news agency says the match is on", "").is_empty());
    assert!(
        parties(
            "مهرجان للأفلام",
            "انطلق المهرجان الذي تنظمه مؤسسة الدوحة للأفلام."
        )
        .is_empty()
    );
    assert!(
        parties(
            "Gold falls after strong jobs data - السعودية Investing.com",
            ""
        )
        .is_empty()
    );
    assert!(parties("سعر الذهب اليوم في ارتفاع جديد - المصري اليوم", "").is_empty());
    assert!(parties("الدولار اليوم", "ارتفع سعره في مصرف أبوظبي الإسلامي").is_empty());
    // The state itself still counts.
    assert_eq!(
        parties("Iran's foreign ministry says talks continue", ""),
        ["iran"]
    );
}

#[test]
fn venues_continents_and_seas_are_no_parties() {
    assert!(parties("A film by an Iranian-born director", "").contains(&"iran".to_string()));
    assert!(parties("Water conference opens in Doha", "").is_empty());
    assert!(parties("Book fair opens in Tehran", "").is_empty());
    assert!(parties("معرض الكتاب ينطلق بالدوحة", "").is_empty());
    assert!(parties("Heatwave grips Europe", "").is_empty());
    assert!(parties("Tanker seized in the Oman Gulf", "").is_empty());
    // A capital that acts is its government.
    assert_eq!(
        parties("Tehran rejects Washington's offer", ""),
        ["us", "iran"]
    );
    assert_eq!(parties("Doha hosts talks", ""), ["qatar"]);
    assert_eq!(parties("Europe and Britain", ""), ["e3"]);
}

#[test]
fn short_arabic_terms_take_proclitics() {
    assert!(topics("ترامب يلوح بالعودة لحرب إيران", "").contains(&"military".to_string()));
    assert!(topics("استعدادات لحرب طويلة", "").contains(&"military".to_string()));
}

#[test]
fn the_missing_vocabulary() {
    let has = |t: &str, b: &str, topic: &str| topics(t, b).contains(&topic.to_string());
    assert!(has("Israel, Iran in shaky ceasefire", "", "military"));
    assert!(has("Truce holds in Gaza", "", "military"));
    assert!(has("هدنة في غزة", "", "military"));
    assert!(has("إعلان وقف إطلاق النار", "", "military"));
    assert!(has(
        "US unveils 15-point plan to end the war",
        "",
        "diplomacy"
    ));
    assert!(has("Qatar PM called for peace", "", "diplomacy"));
    assert!(has("Iran condemns Israeli aggression", "", "military"));
    assert!(has("Court sentences two men to death", "", "rights"));
    assert!(has("Interceptors fired over the city", "", "military"));
    assert!(has(
        "Iran cites unilateral coercive measures",
        "",
        "sanctions"
    ));
}

#[test]
fn weak_words_in_unrelated_news_give_no_topic() {
    for (t, b) in [
        (
            "Best phone deals this week",
            "Save $200 on a Galaxy with this deal.",
        ),
        (
            "Wild boar attacks hikers",
            "Two walkers were attacked near a village.",
        ),
        (
            "Pit bull attack leaves boy injured",
            "The dog attacked the child.",
        ),
        (
            "Food inspectors raid restaurants",
            "Health inspectors closed three eateries.",
        ),
        ("Doctor struck off after misconduct hearing", ""),
        (
            "Air Force One returns to cinemas",
            "The 1997 thriller is back.",
        ),
        (
            "Seven appear in court over acid attack",
            "The victim was attacked at home.",
        ),
        // One weak word alone (two different ones would count together).
        ("Man arrested after Delhi murder", ""),
        ("Sudan's army and RSF militias clash", ""),
        ("صفقة الأهلي الهجومية القادمة", "اقترب النادي من صفقة جديدة"),
        ("تزداد حدة الاشتباكات بين ماسك وأبل", ""),
    ] {
        let got = topics(t, b);
        assert!(
            got.is_empty() || got == ["military"] && t.contains("Sudan"),
            "{t}: {got:?}"
        );
    }
    // With a party of the watch they count.
    assert_eq!(topics("Israel attacks Iran", ""), ["military"]);
    assert_eq!(topics("Iran and US reach a deal", ""), ["diplomacy"]);
    assert_eq!(topics("Iran arrests protesters' lawyers", ""), ["rights"]);
}

#[test]
fn air_defence_is_not_the_missile_file() {
    let t = topics(
        "صواريخ منظومة باتريوت تعترض أهدافا",
        "أطلقت الدفاعات الجوية صواريخ منظومة باتريوت فوق المدينة.",
    );
    assert_eq!(t, ["military"]);
    let t = topics("Patriot missiles intercept drones over Doha", "");
    assert!(!t.contains(&"missiles".to_string()), "{t:?}");
    assert!(
        topics("Iran fires ballistic missiles at Israel", "").contains(&"missiles".to_string())
    );
}

#[test]
fn short_english_items_are_english() {
    for (t, hint) in [
        ("Oil prices slip", None),
        ("Heatwave grips Europe", None),
        ("Iran condemns Israeli aggression", None),
        (
            "Rose Valley ponzi scam: 515cr returned to victims",
            Some("en-gb"),
        ),
    ] {
        let c = classifier().classify(&Doc {
            title: t,
            body: "",
            lang_hint: hint,
            feed: None,
        });
        assert_eq!(c.lang, "en", "{t}");
    }
}

#[test]
fn every_label_is_explained() {
    let c = run(
        "Israel attacks Iran as talks stall in Doha",
        "TEHRAN, Aug. 12 (MNA) – Strikes hit three cities.",
    );
    for l in c.topics.iter().chain(&c.parties) {
        assert!(!l.evidence.is_empty(), "{}", l.id);
    }
    // The weak word that counted is shown.
    let military = c.topics.iter().find(|l| l.id == "military").unwrap();
    assert!(military.evidence.iter().any(|e| e.text == "attacks"));
}

#[test]
fn context_gives_a_topic() {
    let has = |t: &str, b: &str, topic: &str| topics(t, b).contains(&topic.to_string());
    // A commander of a base or a unit is military; sanctions on commanders are not.
    assert!(has(
        "Commander of a space base relieved of duty",
        "",
        "military"
    ));
    assert!(has("Commander of the 3rd brigade replaced", "", "military"));
    assert!(has("تعيين قائد جديد للقوات", "", "military"));
    assert!(!has("Britain sanctions Iranian commanders", "", "military"));
    // Fighters killed in an operation; a war told by its toll.
    assert!(has("Three militants killed in a gunfight", "", "military"));
    assert!(has(
        "Security forces say four terrorists eliminated",
        "",
        "military"
    ));
    assert!(has("مقتل ثلاثة مسلحين في اشتباك", "", "military"));
    assert!(has(
        "Report counts the deaths of 2,000 civilians",
        "",
        "military"
    ));
    assert!(!has("Civilian flights resume after snow", "", "military"));
    // Marches and sit-ins are protests; a death sentence in headline form;
    // punished for speech.
    assert!(has(
        "Thousands turn out for a march on parliament",
        "",
        "rights"
    ));
    assert!(has("Marchers fill the capital", "", "rights"));
    assert!(has("اعتصام أمام مقر الحكومة", "", "rights"));
    assert!(!has("Prices fell in March", "", "rights"));
    assert!(has(
        "Man gets death for killing his neighbour",
        "",
        "rights"
    ));
    assert!(has(
        "Writer arrested for criticising the president",
        "",
        "rights"
    ));
    assert!(has("اعتقال صحفي لانتقاده الحكومة", "", "rights"));
    // Disciplinary sanctions are not the sanctions file.
    assert!(!has("Club faces disciplinary sanctions", "", "sanctions"));
}

#[test]
fn capitals_named_among_other_cities_are_places() {
    assert!(parties("Flights cancelled at hubs like Doha and Dubai", "").is_empty());
    assert_eq!(parties("Doha says talks resume", ""), ["qatar"]);
}

#[test]
fn strikes_told_by_their_weapons_and_targets_are_military() {
    let has = |t: &str, topic: &str| topics(t, "").contains(&topic.to_string());
    for t in [
        "ضربة صاروخية تهز المدينة",
        "رشقات صاروخية على الشمال",
        "استهداف مقر شركة بطائرة مسيرة",
        "سقوط صواريخ قرب الميناء",
        "Missiles slammed into the port overnight",
        "Rocket fire reported near the border",
        "Fires at the Fifth Fleet headquarters",
    ] {
        assert!(has(t, "military"), "{t}");
    }
    // Aims and tests are no strikes.
    assert!(!has("الحكومة تستهدف نموا بنسبة 5 في المئة", "military"));
    assert!(!has("Rocket launch delayed by weather", "military"));
    // A state visit is diplomacy; a league named after a country is no party.
    assert!(has("President invited to visit Malaysia", "diplomacy"));
    assert!(has("زيارة رسمية لرئيس الوزراء إلى ماليزيا", "diplomacy"));
    assert!(parties("Sepahan top the Iran Persian Gulf Pro League", "").is_empty());
}
