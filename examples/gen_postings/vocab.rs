//! The long tail of a posting's vocabulary: invented words and names, so that
//! a generated corpus has as many distinct words as real postings do.
//!
//! The phrase banks alone give about 1,500 distinct words per 500 postings and
//! stop there. Real postings (`../shared/datasets/ashby`) have about 13,600 per
//! 500, 23,000 per 2,000 and 38,000 per 8,000: company and product names,
//! places, tools, the jargon of each trade, and new ones in every posting. A
//! search engine's speed depends on that variety (a lazy DFA meets more states
//! in varied text), so a benchmark corpus needs it too.
//! `scripts/corpus_stats.py` compares the two.
//!
//! Words are invented by a letter-trigram model trained on the words of the
//! phrase banks, so they have English letter sequences without being copied
//! from any text. A `{w}` slot takes a word from one of two vocabularies:
//! - closed: [`WORDS`] words, rank r drawn with weight 1 / (r + 50), as word
//!   frequencies in real text roughly fall;
//! - open: unbounded ranks from a power law with exponent 1.45, so new words
//!   keep coming ever more slowly (Heaps' law).
//!
//! A word is a fixed function of its vocabulary and rank.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::banks::*;
use crate::SplitMix64;

/// Number of distinct words in the vocabulary.
pub(crate) const WORDS: usize = 15_000;

/// Zipf exponent of word frequencies.
const EXPONENT: f64 = 1.0;

/// Added to every rank before weighting, which flattens the head: the most
/// frequent words of real text are function words, which the banks supply.
const OFFSET: f64 = 50.0;

/// Every bank whose words train the letter model.
fn training_banks() -> Vec<&'static [&'static str]> {
    let mut banks: Vec<&'static [&'static str]> = vec![
        BLURB,
        CIO_SUMMARY,
        CTO_SUMMARY,
        BLENDED_SUMMARY,
        NONE_SUMMARY,
        GENERIC_DUTIES,
        GENERIC_REQUIREMENTS,
        CIO_DUTIES,
        CIO_REQUIREMENTS,
        CTO_DUTIES,
        CTO_REQUIREMENTS,
        BENEFITS,
        GENERIC_PROSE,
        CIO_PROSE,
        CTO_PROSE,
        CIO_TITLES,
        CTO_TITLES,
        BLENDED_TITLES,
    ];
    for family in NONE_FAMILIES {
        banks.extend([family.0, family.1, family.2]);
    }
    banks
}

/// Start and end of a word in the model's contexts.
const EDGE: u8 = b'^';

/// Next-letter counts after each two-letter context (`^` pads the start; `^`
/// as the next letter ends the word), in a fixed order.
struct Model {
    next: BTreeMap<[u8; 2], Vec<(u8, u32)>>,
}

impl Model {
    fn get() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(Model::train)
    }

    fn train() -> Model {
        let mut counts: BTreeMap<[u8; 2], BTreeMap<u8, u32>> = BTreeMap::new();
        for bank in training_banks() {
            for line in bank {
                for word in line.split(|c: char| !c.is_ascii_alphabetic()) {
                    if word.len() < 3 {
                        continue;
                    }
                    let mut context = [EDGE, EDGE];
                    for b in word.bytes().map(|b| b.to_ascii_lowercase()).chain([EDGE]) {
                        *counts.entry(context).or_default().entry(b).or_default() += 1;
                        context = [context[1], b];
                    }
                }
            }
        }
        let next = counts
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().collect()))
            .collect();
        Model { next }
    }

    /// One word of `min` to 14 letters, walking the model with `rng`.
    fn word(&self, rng: &mut SplitMix64, min: usize, out: &mut String) {
        loop {
            let start = out.len();
            let mut context = [EDGE, EDGE];
            loop {
                let choices = &self.next[&context];
                let total: u32 = choices.iter().map(|c| c.1).sum();
                let mut pick = rng.below(total as usize) as u32;
                let letter = choices
                    .iter()
                    .find(|c| {
                        if pick < c.1 {
                            true
                        } else {
                            pick -= c.1;
                            false
                        }
                    })
                    .map_or(EDGE, |c| c.0);
                if letter == EDGE || out.len() - start == 14 {
                    break;
                }
                out.push(char::from(letter));
                context = [context[1], letter];
            }
            if out.len() - start >= min {
                return;
            }
            out.truncate(start);
        }
    }
}

/// Draws vocabulary ranks with Zipf frequencies.
pub(crate) struct Zipf {
    /// Cumulative weights of ranks `0..WORDS`.
    cumulative: Vec<f64>,
}

impl Zipf {
    /// The one distribution every posting draws from.
    pub(crate) fn get() -> &'static Zipf {
        static ZIPF: OnceLock<Zipf> = OnceLock::new();
        ZIPF.get_or_init(Zipf::new)
    }

    fn new() -> Zipf {
        let mut total = 0.0;
        let cumulative = (1..=WORDS)
            .map(|r| {
                total += (r as f64 + OFFSET).powf(-EXPONENT);
                total
            })
            .collect();
        Zipf { cumulative }
    }

    /// A rank in `0..WORDS`; rank 0 is the most frequent.
    pub(crate) fn rank(&self, rng: &mut SplitMix64) -> usize {
        let total = self.cumulative[WORDS - 1];
        // 53 random bits as a fraction in [0, 1).
        let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        self.cumulative
            .partition_point(|&c| c <= u * total)
            .min(WORDS - 1)
    }
}

/// Percentage of `{w}` slots filled from the closed vocabulary; the rest
/// come from the open one.
const COMMON_SHARE: usize = 50;

/// Zipf exponent of the open vocabulary: above 1, so new words keep coming
/// but ever more slowly, as in real text (Heaps' law).
const RARE_EXPONENT: f64 = 1.45;

/// Fewest letters in an open-vocabulary word: rare words are long ones, and
/// the letter model's short walks ("the", "ing") would make many ranks one word.
const RARE_MIN: usize = 6;

/// Rank offset of the open vocabulary.
const RARE_OFFSET: f64 = 10.0;

/// A word for a `{w}` slot: mostly the closed vocabulary's, otherwise the open one's.
pub(crate) fn any(rng: &mut SplitMix64, out: &mut String) {
    if rng.chance(COMMON_SHARE) {
        common(Zipf::get().rank(rng), out);
    } else {
        walk(0x0BE4_u64, rare_rank(rng), RARE_MIN, out);
    }
}

/// Closed-vocabulary word `rank` (`0..WORDS`).
pub(crate) fn common(rank: usize, out: &mut String) {
    walk(0x005E_ED0F_0C4B_u64, rank as u64, 4, out);
}

/// An invented name from the open vocabulary, capitalised.
pub(crate) fn name(rng: &mut SplitMix64, out: &mut String) {
    let start = out.len();
    walk(0x4E41_4D45_u64, rare_rank(rng), RARE_MIN, out);
    out[start..start + 1].make_ascii_uppercase();
}

/// Word `rank` of the vocabulary `salt`: the letter model's walk from a seed
/// fixed by both.
fn walk(salt: u64, rank: u64, min: usize, out: &mut String) {
    let mut rng = SplitMix64(salt ^ rank.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    Model::get().word(&mut rng, min, out);
}

/// A rank of the open vocabulary, unbounded: the continuous power law with
/// density proportional to `(x + RARE_OFFSET) ^ -RARE_EXPONENT`, inverted.
fn rare_rank(rng: &mut SplitMix64) -> u64 {
    // 53 random bits as a fraction in (0, 1].
    let u = ((rng.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64;
    let x = (1.0 + RARE_OFFSET) * u.powf(-1.0 / (RARE_EXPONENT - 1.0)) - RARE_OFFSET;
    // `as` saturates: a draw past u64::MAX (which cannot happen for 53 bits
    // and these constants) would still be a valid rank.
    x as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_fixed_by_rank_and_lower_case() {
        let mut a = String::new();
        let mut b = String::new();
        common(17, &mut a);
        common(17, &mut b);
        assert_eq!(a, b);
        assert!(!a.is_empty() && a.bytes().all(|c| c.is_ascii_lowercase()));
    }

    #[test]
    fn zipf_ranks_follow_their_weights() {
        let zipf = Zipf::new();
        let mut rng = SplitMix64(9);
        let n = 20_000;
        let ranks: Vec<usize> = (0..n).map(|_| zipf.rank(&mut rng)).collect();
        assert!(ranks.iter().all(|&r| r < WORDS));
        let weight = |r: usize| (r as f64 + 1.0 + OFFSET).powf(-EXPONENT);
        let total: f64 = (0..WORDS).map(weight).sum();
        for range in [0..10, 10..100, 100..1000, WORDS / 2..WORDS] {
            let expected = range.clone().map(weight).sum::<f64>() / total * n as f64;
            let got = ranks.iter().filter(|r| range.contains(r)).count() as f64;
            let slack = 4.0 * expected.sqrt();
            assert!(
                (got - expected).abs() < slack,
                "ranks {range:?}: {got} drawn, {expected:.0} expected"
            );
        }
    }

    #[test]
    fn the_open_vocabulary_keeps_growing_ever_more_slowly() {
        let mut rng = SplitMix64(5);
        let mut seen = std::collections::HashSet::new();
        let mut sizes = Vec::new();
        for n in 1..=64_000 {
            let mut w = String::new();
            any(&mut rng, &mut w);
            assert!(w.len() >= 4, "{w:?}");
            seen.insert(w);
            if [4_000, 16_000, 64_000].contains(&n) {
                sizes.push(seen.len() as f64);
            }
        }
        // Heaps' law, types ~ tokens^beta: real postings give beta of about
        // 0.4-0.5 over this range; a closed vocabulary would give ~0.
        for pair in sizes.windows(2) {
            let beta = (pair[1] / pair[0]).ln() / 4f64.ln();
            assert!((0.3..0.8).contains(&beta), "beta {beta:.2} from {sizes:?}");
        }
    }
}
