//! Clustering quality against gold story labels: BCubed precision, recall and
//! F1 (Bagga and Baldwin; Amigó et al. 2009), which weigh every item alike
//! whatever the size of its story, and pairwise precision and recall over the
//! pairs of items in different languages (did an Arabic and an English report
//! of one event end up together?).

use std::collections::HashMap;

/// One item's labels: gold story, predicted story, language.
#[derive(Debug, Clone)]
pub struct Labeled {
    pub gold: String,
    pub predicted: String,
    pub lang: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Quality {
    pub items: usize,
    pub bcubed_precision: f64,
    pub bcubed_recall: f64,
    pub bcubed_f1: f64,
    /// Cross-language pairs put together that belong together, of those put
    /// together (1 when none were).
    pub cross_precision: f64,
    /// Cross-language pairs put together, of those that belong together (1
    /// when there are none).
    pub cross_recall: f64,
    pub cross_gold_pairs: u64,
    pub cross_predicted_pairs: u64,
    pub gold_stories: usize,
    pub predicted_stories: usize,
}

pub fn quality(items: &[Labeled]) -> Quality {
    let n = items.len();
    if n == 0 {
        return Quality::default();
    }
    let mut gold: HashMap<&str, usize> = HashMap::new();
    let mut pred: HashMap<&str, usize> = HashMap::new();
    let mut both: HashMap<(&str, &str), usize> = HashMap::new();
    // Per language, for the cross-language pairs.
    let mut gold_l: HashMap<(&str, &str), u64> = HashMap::new();
    let mut pred_l: HashMap<(&str, &str), u64> = HashMap::new();
    let mut both_l: HashMap<(&str, &str, &str), u64> = HashMap::new();
    for it in items {
        *gold.entry(&it.gold).or_default() += 1;
        *pred.entry(&it.predicted).or_default() += 1;
        *both.entry((&it.gold, &it.predicted)).or_default() += 1;
        *gold_l.entry((&it.gold, &it.lang)).or_default() += 1;
        *pred_l.entry((&it.predicted, &it.lang)).or_default() += 1;
        *both_l
            .entry((&it.gold, &it.predicted, &it.lang))
            .or_default() += 1;
    }
    let (mut p, mut r) = (0.0, 0.0);
    for it in items {
        let common = both[&(it.gold.as_str(), it.predicted.as_str())] as f64;
        p += common / pred[it.predicted.as_str()] as f64;
        r += common / gold[it.gold.as_str()] as f64;
    }
    let (p, r) = (p / n as f64, r / n as f64);
    let f1 = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };

    // Pairs in different languages within each group: (sum over languages)^2
    // minus the sum of squares, halved.
    fn cross<K: std::hash::Hash + Eq + Copy>(m: &HashMap<(K, &str), u64>) -> u64 {
        let mut by: HashMap<K, (u64, u64)> = HashMap::new();
        for (&(k, _), &c) in m {
            let e = by.entry(k).or_default();
            e.0 += c;
            e.1 += c * c;
        }
        by.values().map(|(s, sq)| (s * s - sq) / 2).sum()
    }
    let gold_pairs = cross(&gold_l);
    let pred_pairs = cross(&pred_l);
    let mut both_pairs_map: HashMap<((&str, &str), &str), u64> = HashMap::new();
    for (&(g, pr, l), &c) in &both_l {
        both_pairs_map.insert(((g, pr), l), c);
    }
    let both_pairs = cross(&both_pairs_map);
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    Quality {
        items: n,
        bcubed_precision: p,
        bcubed_recall: r,
        bcubed_f1: f1,
        cross_precision: ratio(both_pairs, pred_pairs),
        cross_recall: ratio(both_pairs, gold_pairs),
        cross_gold_pairs: gold_pairs,
        cross_predicted_pairs: pred_pairs,
        gold_stories: gold.len(),
        predicted_stories: pred.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(g: &str, p: &str, lang: &str) -> Labeled {
        Labeled {
            gold: g.into(),
            predicted: p.into(),
            lang: lang.into(),
        }
    }

    #[test]
    fn perfect_and_merged() {
        let perfect = [l("a", "1", "ar"), l("a", "1", "en"), l("b", "2", "en")];
        let q = quality(&perfect);
        assert_eq!(
            (q.bcubed_precision, q.bcubed_recall, q.bcubed_f1),
            (1.0, 1.0, 1.0)
        );
        assert_eq!(
            (q.cross_gold_pairs, q.cross_precision, q.cross_recall),
            (1, 1.0, 1.0)
        );

        let merged = [l("a", "1", "ar"), l("a", "1", "en"), l("b", "1", "en")];
        let q = quality(&merged);
        // Precision: a-items see 2 of 3 right, b sees 1 of 3.
        assert!((q.bcubed_precision - (2.0 / 3.0 + 2.0 / 3.0 + 1.0 / 3.0) / 3.0).abs() < 1e-9);
        assert_eq!(q.bcubed_recall, 1.0);
        // Cross pairs predicted: ar-en twice (a-en, b-en), one right.
        assert_eq!(q.cross_predicted_pairs, 2);
        assert_eq!(q.cross_precision, 0.5);
        assert_eq!(q.cross_recall, 1.0);
    }

    #[test]
    fn split_lowers_recall() {
        let split = [l("a", "1", "ar"), l("a", "2", "en")];
        let q = quality(&split);
        assert_eq!(q.bcubed_precision, 1.0);
        assert_eq!(q.bcubed_recall, 0.5);
        assert_eq!(q.cross_recall, 0.0);
    }
}
