//! The search of [`super::Build::QuickStart`], for tagging a few postings
//! (`roletag tag`, `explain`, a scan of small named files), where building an automaton of every pattern
//! would cost more than the search itself: each pattern is looked for on its
//! own with `memchr`'s substring search until the texts searched add up to
//! [`NFA_AFTER`] bytes, then a contiguous NFA of them all is built once and
//! used from then on. Both report every occurrence of every pattern,
//! overlapping ones included, so the hits are the same either way.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use memchr::memmem::Finder;

/// Bytes of text searched pattern by pattern before the NFA is built: building
/// it costs about as much as searching this much text for each pattern alone
/// (callgrind of `roletag tag` with the default lexicon's 1,900 patterns: about
/// 1 M instructions a KiB searched, 16 M to build the NFA: searched pattern by
/// pattern, a 12 KiB posting costs 8% less than with the NFA, a 20 KiB one
/// would cost 7% more).
const NFA_AFTER: usize = 16 << 10;

/// Every pattern's own substring search, and the NFA once texts add up; each
/// built when first needed.
#[derive(Debug)]
pub(super) struct Quick {
    patterns: Vec<Vec<u8>>,
    finders: OnceLock<Vec<Finder<'static>>>,
    max_len: usize,
    /// Bytes searched so far, pattern by pattern.
    searched: AtomicUsize,
    /// The NFA, once built; `None` inside if it could not be (then every text
    /// is searched pattern by pattern).
    nfa: OnceLock<Option<AhoCorasick>>,
}

impl Clone for Quick {
    fn clone(&self) -> Quick {
        Quick {
            patterns: self.patterns.clone(),
            finders: self.finders.clone(),
            max_len: self.max_len,
            searched: AtomicUsize::new(self.searched.load(Ordering::Relaxed)),
            nfa: self.nfa.clone(),
        }
    }
}

impl Quick {
    /// The search of `patterns` (each non-empty), in this order.
    pub(super) fn new(patterns: Vec<Vec<u8>>) -> Quick {
        Quick {
            max_len: patterns.iter().map(Vec::len).max().unwrap_or(0),
            patterns,
            finders: OnceLock::new(),
            searched: AtomicUsize::new(0),
            nfa: OnceLock::new(),
        }
    }

    /// The longest pattern, in bytes.
    pub(super) fn max_pattern_len(&self) -> usize {
        self.max_len
    }

    /// Calls `found(pattern, start, end)` for every occurrence of every pattern
    /// in `hay`, overlapping ones included.
    pub(super) fn walk(&self, hay: &[u8], mut found: impl FnMut(usize, usize, usize)) {
        if let Some(nfa) = self.nfa_after(hay.len()) {
            for m in nfa.find_overlapping_iter(hay) {
                found(m.pattern().as_usize(), m.start(), m.end());
            }
            return;
        }
        let finders = self.finders.get_or_init(|| {
            self.patterns
                .iter()
                .map(|p| Finder::new(p).into_owned())
                .collect()
        });
        for (p, finder) in finders.iter().enumerate() {
            let len = finder.needle().len();
            let mut at = 0;
            while let Some(i) = finder.find(&hay[at..]) {
                found(p, at + i, at + i + len);
                at += i + 1;
            }
        }
    }

    /// The NFA, built if the texts searched, `len` more bytes included, add up
    /// to more than [`NFA_AFTER`].
    fn nfa_after(&self, len: usize) -> Option<&AhoCorasick> {
        if let Some(nfa) = self.nfa.get() {
            return nfa.as_ref();
        }
        if self.searched.fetch_add(len, Ordering::Relaxed) + len <= NFA_AFTER {
            return None;
        }
        self.nfa
            .get_or_init(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(&self.patterns)
                    .ok()
            })
            .as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (pattern, start, end) an NFA of `patterns` finds in `hay`, sorted.
    fn by_nfa(patterns: &[Vec<u8>], hay: &[u8]) -> Vec<(usize, usize, usize)> {
        let nfa = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(patterns)
            .unwrap();
        let mut all: Vec<_> = nfa
            .find_overlapping_iter(hay)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect();
        all.sort_unstable();
        all
    }

    /// What `quick` finds in `hay`, sorted.
    fn by_quick(quick: &Quick, hay: &[u8]) -> Vec<(usize, usize, usize)> {
        let mut all = Vec::new();
        quick.walk(hay, |p, s, e| all.push((p, s, e)));
        all.sort_unstable();
        all
    }

    #[test]
    fn overlapping_and_repeated_patterns_are_all_found() {
        let patterns: Vec<Vec<u8>> = ["aa", "a", "aa", "aba", "b a"]
            .iter()
            .map(|p| p.as_bytes().to_vec())
            .collect();
        let quick = Quick::new(patterns.clone());
        let hay = b"aaaba b aa";
        let found = by_quick(&quick, hay);
        assert_eq!(found, by_nfa(&patterns, hay));
        // "aa" at 0 and 1 (overlapping), twice as patterns 0 and 2.
        assert!(found.contains(&(0, 1, 3)) && found.contains(&(2, 1, 3)));
        assert!(quick.nfa.get().is_none(), "short texts build no NFA");
    }

    proptest::proptest! {
        /// Pattern by pattern, and then by the NFA built once the texts add up
        /// to [`NFA_AFTER`], every occurrence is found, as an NFA finds them.
        #[test]
        fn finds_what_an_nfa_finds(
            patterns in proptest::collection::vec("[ab -]{1,4}", 1..12),
            texts in proptest::collection::vec("[ab -]{0,64}", 1..6),
        ) {
            let patterns: Vec<Vec<u8>> = patterns.into_iter().map(String::into_bytes).collect();
            let quick = Quick::new(patterns.clone());
            for text in &texts {
                proptest::prop_assert_eq!(by_quick(&quick, text.as_bytes()), by_nfa(&patterns, text.as_bytes()));
            }
            proptest::prop_assert!(quick.nfa.get().is_none());
            let long = texts.concat().repeat(NFA_AFTER / texts.concat().len().max(1) + 1);
            proptest::prop_assert_eq!(by_quick(&quick, long.as_bytes()), by_nfa(&patterns, long.as_bytes()));
            proptest::prop_assert!(long.is_empty() || quick.nfa.get().is_some_and(Option::is_some));
            for text in &texts {
                proptest::prop_assert_eq!(by_quick(&quick, text.as_bytes()), by_nfa(&patterns, text.as_bytes()));
            }
        }
    }
}
