//! Calibration: fit the thresholds and axis weights on labelled postings.
//!
//! Input is a list of [`Example`]s tagged with some lexicon; output is a
//! [`Calibration`]: the settings fitted on all the data and, as the honest
//! result, the scores of k-fold cross-validation (each fold labelled by
//! settings fitted on the other folds, never on itself). Each posting is
//! reduced once to per-axis CIO/CTO weights split into core and context
//! ([`Features`]), so trying a setting costs a few multiplications per posting.
//! The fit is coordinate ascent over grids: blend margin and minimum evidence
//! jointly, then each axis weight in turn (re-fitting the thresholds), a few
//! rounds. [`write_lexicon`] puts the settings into a copy of the lexicon file,
//! keeping its layout. No I/O here except through `write_lexicon`'s return.

use crate::eval::{Evaluation, Example};
use crate::label::{self, Label, Thresholds};
use crate::lexicon::{Lexicon, Pole};
use crate::report::Outcome;
use crate::score::Scores;

/// Blend margins tried. The grid stops at 0.5 on purpose: beyond it a posting
/// with three quarters of its evidence on one side would be called blended,
/// which is not "strong evidence on both sides".
const MARGINS: [f64; 11] = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5];
/// Minimum evidence values tried.
const EVIDENCE: [f64; 14] = [
    1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0, 12.0, 14.0, 16.0, 20.0, 25.0,
];
/// Axis weights tried.
const AXIS_WEIGHTS: [f64; 7] = [0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0];
/// Rounds of coordinate ascent.
const ROUNDS: usize = 3;
/// What one CIO-like/CTO-like mix-up costs in the objective, per posting share.
const CONFUSION_PENALTY: f64 = 0.5;

/// One posting reduced to what labelling needs: per axis, the weight of CIO
/// and CTO evidence before the axis weight, split into core and context.
#[derive(Clone, Debug, PartialEq)]
pub struct Features {
    /// The expected label.
    pub expected: Label,
    /// Per axis: `[cio core, cio context, cto core, cto context]`.
    pub axes: Vec<[f64; 4]>,
    /// False when the posting could not be tagged (always counted wrong).
    pub tagged: bool,
}

impl Features {
    /// Reduces a tagged example; `lexicon` must be the one it was tagged with.
    pub fn from_example(lexicon: &Lexicon, e: &Example) -> Features {
        let mut axes = vec![[0.0; 4]; lexicon.axes.len()];
        let Outcome::Tagged(t) = &e.record.outcome else {
            return Features {
                expected: e.expected,
                axes,
                tagged: false,
            };
        };
        for tally in &t.scores.tallies {
            let term = &lexicon.terms[tally.term];
            let base = tally.weight / lexicon.axes[term.axis].weight;
            let slot = match (term.pole, term.context) {
                (Pole::Cio, false) => 0,
                (Pole::Cio, true) => 1,
                (Pole::Cto, false) => 2,
                (Pole::Cto, true) => 3,
            };
            axes[term.axis][slot] += base;
        }
        Features {
            expected: e.expected,
            axes,
            tagged: true,
        }
    }

    /// The label under `settings`.
    pub fn label(&self, settings: &Settings) -> Option<Label> {
        if !self.tagged {
            return None;
        }
        let mut scores = Scores::default();
        for (w, a) in settings.axis_weights.iter().zip(&self.axes) {
            scores.total.cio += w * (a[0] + a[1]);
            scores.total.cto += w * (a[2] + a[3]);
            scores.core.cio += w * a[0];
            scores.core.cto += w * a[2];
        }
        Some(label::tag(&scores, &settings.thresholds).label)
    }
}

/// What calibration fits.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Blend margin and minimum evidence.
    pub thresholds: Thresholds,
    /// One weight per axis, in lexicon order.
    pub axis_weights: Vec<f64>,
}

impl Settings {
    /// The settings a lexicon ships with.
    pub fn of(lexicon: &Lexicon, thresholds: Thresholds) -> Settings {
        Settings {
            thresholds,
            axis_weights: lexicon.axes.iter().map(|a| a.weight).collect(),
        }
    }
}

/// The result of calibration.
#[derive(Clone, Debug)]
pub struct Calibration {
    /// The settings fitted on all the examples (what `--output` writes).
    pub settings: Settings,
    /// Held-out predictions pooled over the folds: the result to report.
    pub cross_validated: Evaluation,
    /// Macro-F1 of each held-out fold.
    pub fold_macro_f1: Vec<f64>,
    /// The fitted settings scored on the data they were fitted on (optimistic; for reference only).
    pub training: Evaluation,
    /// The starting settings scored on all the examples.
    pub before: Evaluation,
}

/// Scores `settings` on `data`.
pub fn evaluate(data: &[&Features], settings: &Settings) -> Evaluation {
    Evaluation::from_pairs(data.iter().map(|f| (f.expected, f.label(settings))))
}

fn objective(e: &Evaluation) -> f64 {
    let n = e.total().max(1) as f64;
    e.macro_f1() - CONFUSION_PENALTY * e.cio_cto_confusions() as f64 / n
}

/// Fits settings on `data`, starting from `start`.
pub fn fit(data: &[&Features], start: &Settings) -> Settings {
    let mut best = start.clone();
    let mut best_score = fit_thresholds(data, &mut best);
    for _ in 0..ROUNDS {
        let before = best_score;
        for axis in 0..best.axis_weights.len() {
            for &w in &AXIS_WEIGHTS {
                let mut trial = best.clone();
                trial.axis_weights[axis] = w;
                let score = fit_thresholds(data, &mut trial);
                if score > best_score + 1e-12 {
                    best = trial;
                    best_score = score;
                }
            }
        }
        if best_score <= before + 1e-12 {
            break;
        }
    }
    best
}

/// Sets the best thresholds for the axis weights in `s`; returns the objective.
fn fit_thresholds(data: &[&Features], s: &mut Settings) -> f64 {
    let mut best = (f64::NEG_INFINITY, s.thresholds);
    for &min_evidence in &EVIDENCE {
        for &blend_margin in &MARGINS {
            let thresholds = Thresholds {
                blend_margin,
                min_evidence,
            };
            let trial = Settings {
                thresholds,
                axis_weights: s.axis_weights.clone(),
            };
            let score = objective(&evaluate(data, &trial));
            if score > best.0 + 1e-12 {
                best = (score, thresholds);
            }
        }
    }
    s.thresholds = best.1;
    best.0
}

/// Stratified fold of each example: within each expected label, in input order, round robin.
pub fn folds(data: &[Features], k: usize) -> Vec<usize> {
    let mut seen = [0usize; 4];
    data.iter()
        .map(|f| {
            let i = Label::ALL
                .iter()
                .position(|l| *l == f.expected)
                .unwrap_or(3);
            seen[i] += 1;
            (seen[i] - 1) % k.max(1)
        })
        .collect()
}

/// Cross-validates fitting with `k` folds, then fits on everything.
pub fn calibrate(data: &[Features], start: &Settings, k: usize) -> Calibration {
    let k = k.clamp(2, data.len().max(2));
    let fold_of = folds(data, k);
    let mut pairs = Vec::with_capacity(data.len());
    let mut fold_macro_f1 = Vec::with_capacity(k);
    for fold in 0..k {
        let train: Vec<&Features> = data
            .iter()
            .zip(&fold_of)
            .filter(|(_, f)| **f != fold)
            .map(|(d, _)| d)
            .collect();
        let test: Vec<&Features> = data
            .iter()
            .zip(&fold_of)
            .filter(|(_, f)| **f == fold)
            .map(|(d, _)| d)
            .collect();
        let fitted = fit(&train, start);
        let held_out: Vec<(Label, Option<Label>)> = test
            .iter()
            .map(|f| (f.expected, f.label(&fitted)))
            .collect();
        fold_macro_f1.push(Evaluation::from_pairs(held_out.iter().copied()).macro_f1());
        pairs.extend(held_out);
    }
    let all: Vec<&Features> = data.iter().collect();
    let settings = fit(&all, start);
    Calibration {
        training: evaluate(&all, &settings),
        before: evaluate(&all, start),
        settings,
        cross_validated: Evaluation::from_pairs(pairs),
        fold_macro_f1,
    }
}

/// A copy of lexicon file `text` with `settings` written in: every axis weight,
/// and a `[thresholds]` table. Formatting and comments elsewhere are kept.
///
/// # Errors
/// A message when `text` is not TOML or its axes do not match `settings`.
pub fn write_lexicon(text: &str, settings: &Settings) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| format!("{e}"))?;
    let axes = doc
        .get_mut("axes")
        .and_then(|a| a.as_array_mut())
        .ok_or("the lexicon has no `axes` array")?;
    if axes.len() != settings.axis_weights.len() {
        return Err(format!(
            "the lexicon has {} axes, the settings {}",
            axes.len(),
            settings.axis_weights.len()
        ));
    }
    for (axis, w) in axes.iter_mut().zip(&settings.axis_weights) {
        let table = axis
            .as_inline_table_mut()
            .ok_or("an axis is not an inline table")?;
        table.insert(
            "weight",
            toml_edit::value(*w).into_value().unwrap_or(0.0.into()),
        );
    }
    let mut th = toml_edit::Table::new();
    th["blend_margin"] = toml_edit::value(settings.thresholds.blend_margin);
    th["min_evidence"] = toml_edit::value(settings.thresholds.min_evidence);
    doc["thresholds"] = toml_edit::Item::Table(th);
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Label::*;

    fn f(expected: Label, axes: &[[f64; 4]]) -> Features {
        Features {
            expected,
            axes: axes.to_vec(),
            tagged: true,
        }
    }

    /// Axis 0 separates the labels; axis 1 is noise that pushes everything CTO-ward.
    fn data() -> Vec<Features> {
        let mut d = Vec::new();
        for i in 0..6 {
            let x = i as f64 * 0.1;
            d.push(f(
                CioLike,
                &[[6.0 + x, 0.0, 0.0, 0.0], [0.0, 0.0, 5.0, 0.0]],
            ));
            d.push(f(
                CtoLike,
                &[[0.0, 0.0, 6.0 + x, 0.0], [0.0, 0.0, 5.0, 0.0]],
            ));
            d.push(f(
                Blended,
                &[[4.0 + x, 0.0, 4.0, 0.0], [0.0, 0.0, 1.0, 0.0]],
            ));
            d.push(f(
                Unclassified,
                &[[0.5, 0.0, 0.0, 3.0 + x], [0.0, 0.0, 0.0, 0.0]],
            ));
        }
        d
    }

    fn start() -> Settings {
        Settings {
            thresholds: Thresholds::default(),
            axis_weights: vec![1.0, 1.0],
        }
    }

    #[test]
    fn features_label_like_the_scorer() {
        let x = f(CioLike, &[[6.0, 0.0, 0.0, 0.0], [0.0, 0.0, 5.0, 0.0]]);
        // cio 6, cto 5 -> score -1/11, inside the 0.2 margin: blended.
        assert_eq!(x.label(&start()), Some(Blended));
        let down = Settings {
            axis_weights: vec![1.0, 0.25],
            ..start()
        };
        assert_eq!(x.label(&down), Some(CioLike));
        let context_only = f(CtoLike, &[[0.0, 0.0, 0.0, 9.0], [0.0; 4]]);
        assert_eq!(context_only.label(&start()), Some(Unclassified));
    }

    #[test]
    fn fitting_learns_to_down_weight_the_noisy_axis() {
        let d = data();
        let refs: Vec<&Features> = d.iter().collect();
        let before = evaluate(&refs, &start());
        let fitted = fit(&refs, &start());
        let after = evaluate(&refs, &fitted);
        assert!(after.macro_f1() > before.macro_f1());
        assert!(after.accuracy() > 0.99, "{fitted:?} {after:?}");
        assert!(
            fitted.axis_weights[1] < fitted.axis_weights[0],
            "{fitted:?}"
        );
    }

    #[test]
    fn folds_are_stratified() {
        let d = data();
        let fo = folds(&d, 3);
        for label in Label::ALL {
            let mut per = [0; 3];
            for (x, k) in d.iter().zip(&fo) {
                if x.expected == label {
                    per[*k] += 1;
                }
            }
            assert_eq!(per, [2, 2, 2], "{label}");
        }
    }

    #[test]
    fn cross_validation_scores_held_out_postings() {
        let d = data();
        let c = calibrate(&d, &start(), 3);
        assert_eq!(c.cross_validated.total(), d.len() as u64);
        assert_eq!(c.fold_macro_f1.len(), 3);
        assert!(c.cross_validated.macro_f1() > 0.9);
        assert!(c.before.macro_f1() < c.training.macro_f1());
    }

    #[test]
    fn writes_settings_into_the_lexicon_keeping_the_rest() {
        let text = "# comment kept\nname = \"x\"\naxes = [\n  { name = \"a\", cio = \"i\", cto = \"o\", weight = 1.0 },\n  { name = \"b\", cio = \"i\", cto = \"o\" },\n]\nterms = [\n  { axis = \"a\", pole = \"cio\", term = \"erp\" },\n]\n";
        let s = Settings {
            thresholds: Thresholds {
                blend_margin: 0.15,
                min_evidence: 6.0,
            },
            axis_weights: vec![2.0, 0.5],
        };
        let out = write_lexicon(text, &s).unwrap();
        assert!(out.starts_with("# comment kept\n"), "{out}");
        let lex = Lexicon::from_toml(&out, "t").unwrap();
        assert_eq!(lex.axes[0].weight, 2.0);
        assert_eq!(lex.axes[1].weight, 0.5);
        assert_eq!(lex.thresholds.blend_margin, 0.15);
        assert_eq!(lex.thresholds.min_evidence, 6.0);
        assert!(write_lexicon(text, &start()).is_ok());
        let wrong = Settings {
            axis_weights: vec![1.0],
            ..start()
        };
        assert!(write_lexicon(text, &wrong).is_err());
    }
}
