//! Arabic search through the real store (a SQLite file in a temp dir), as
//! `marsad list --search` asks it: a word finds its forms with and without
//! proclitics, and a query is stripped only to words of the index.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Utc;
use marsad::model::{Classification, NewItem};
use marsad::store::{AlertPolicy, FeedRef, IngestBatch, ItemQuery, Store};

fn item(guid: &str, title: &str, text: &str) -> NewItem {
    NewItem {
        guid: Some(guid.into()),
        link: None,
        source: "test".into(),
        title: title.into(),
        text: text.into(),
        published: None,
        date_is_fetch_time: true,
        keys: None,
        fetched: Utc::now(),
        labels: Classification::default(),
    }
}

#[test]
fn arabic_words_find_their_forms_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("marsad.db")).unwrap();
    store
        .ingest(IngestBatch {
            feed: FeedRef {
                name: "a".into(),
                url: "https://a.example/rss".into(),
            },
            items: vec![
                item("1", "قصف على الضاحية", "دمار واسع في المدينة وبلدة مجاورة"),
                item("2", "الأسواق الخليجية", "تراجعت الأسهم وبورصة الكويت"),
                item("3", "معرض الرياض", "صدر له وكتاب آخر عن الرحلة"),
                item("4", "بيان", "قال المصدر التابع للوزارة"),
                item("5", "عودة", "عاد إلى بلدته بعد سنوات"),
                item("6", "Talks in Muscat", "Iran and the US met again"),
            ],
            fetch: None,
            alerts: AlertPolicy::Quiet,
            keep_items: true,
        })
        .wait()
        .unwrap();
    let reader = store.reader().unwrap();
    let find = |q: &str| -> Vec<String> {
        let mut ids: Vec<String> = reader
            .items(&ItemQuery {
                search: Some(q.into()),
                ..Default::default()
            })
            .unwrap()
            .into_iter()
            .filter_map(|i| i.guid)
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(find("بلدة"), ["1", "5"]);
    assert_eq!(find("وبلدة"), ["1", "5"]);
    assert_eq!(find("بورصة"), ["2"]);
    assert_eq!(find("البورصة"), ["2"]);
    assert_eq!(find("كتاب"), ["3"]);
    assert_eq!(find("بالكتاب"), ["3"]);
    assert_eq!(find("التابع"), ["4"]);
    assert_eq!(find("تابع"), ["4"]);
    assert_eq!(find("muscat iran"), ["6"]);
    assert!(find("بلدة الكويت").is_empty());
}
