//! Calibration: fit per-term weights and the thresholds on labelled postings.
//!
//! Input is a list of [`Features`] (one labelled posting reduced to its counted
//! terms) and the lexicon; output is a [`Calibration`]: the [`Settings`] fitted on
//! all the data and, as the honest result, the scores of cross-validation: each
//! fold (stratified, or one per group such as a data source) is labelled by
//! settings fitted on the other folds from the lexicon's *priors*, never from
//! weights already fitted on it.
//!
//! The fit has two steps:
//! 1. **Term weights**: L2-regularised logistic regression of CIO-like vs
//!    CTO-like postings (class-balanced) over the terms' repetition factors
//!    `1 + ln n`, where `sum(cto) - sum(cio)` is the log-odds of CTO: the sign
//!    of that sum is what decides between the two labels. Each weight stays on
//!    its term's pole (between [`MIN_WEIGHT`] and [`MAX_WEIGHT`]) and is shrunk
//!    toward its prior, the hand-set weight, so a term the data rarely sees keeps
//!    what its seed gave it. Projected gradient descent with backtracking; the
//!    problem is convex. Whether a posting is technology work at all is left to
//!    the thresholds and to the hand-made core/context split: a `none` title
//!    (data scientists, DevOps) is too often technology work to teach weights.
//! 2. **Thresholds** by grid search (blend margin, minimum evidence, length
//!    exponent), maximising the class-balanced macro-F1 minus a penalty for
//!    CIO/CTO mix-ups. `min_terms` and `blend_floor` are kept as given.
//!
//! [`write_lexicon`] writes the weights (each term keeps its `prior`) and
//! thresholds into a copy of the lexicon file, keeping its layout. No I/O here.

use crate::analysis::eval::{Evaluation, Example};
use crate::engine::label::{self, Label, Thresholds};
use crate::engine::lexicon::{Lexicon, Pole, TermId};
use crate::engine::score::{repetition_factor, PoleWeights, Scores};
use crate::report::Outcome;

/// Blend margins tried. The grid stops at 0.4 on purpose: beyond it a posting
/// with more than 70% of its evidence on one side would be called blended, which
/// is not "both sides substantial". (The real postings have no blended class, so
/// only our corpus pulls the margin wider; at 0.5, leave-one-source-out, 32% of
/// the CIO-titled postings missed their label, a third of them as blended.)
pub(crate) const MAX_BLEND_MARGIN: f64 = 0.4;
const MARGINS: [f64; 7] = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, MAX_BLEND_MARGIN];
/// Minimum evidence values tried (at [`label::REFERENCE_WORDS`] words).
const EVIDENCE: [f64; 12] = [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0];
/// Length exponents tried.
const EXPONENTS: [f64; 4] = [0.0, 0.25, 0.5, 0.75];
/// What one CIO-like/CTO-like mix-up costs in the objective (class-balanced share).
const CONFUSION_PENALTY: f64 = 0.5;
/// Strength of the pull toward the priors: `LAMBDA / terms * sum((w - prior)^2)`,
/// against losses that each sum to 1 over the (class-balanced) postings.
pub const LAMBDA: f64 = 30.0;
/// Smallest fitted weight: a lexicon weight must be positive.
pub const MIN_WEIGHT: f64 = 0.01;
/// Largest fitted weight (before the axis weight).
pub const MAX_WEIGHT: f64 = 10.0;
/// Gradient steps per weight fit.
const STEPS: usize = 300;
/// Weights are written with this many decimals (and fitted thresholds use them).
const DECIMALS: f64 = 1000.0;

/// One labelled posting reduced to what labelling needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Features {
    /// The expected label.
    pub expected: Label,
    /// False when the posting could not be tagged (always counted wrong).
    pub tagged: bool,
    /// Words in the posting.
    pub words: usize,
    /// Each counted term with its repetition factor `1 + ln n`, in term order.
    pub terms: Vec<(TermId, f64)>,
    /// Its group (an index into the caller's group names), for leave-one-group-out folds.
    pub group: usize,
}

impl Features {
    /// Reduces a tagged example; `lexicon` must be the one it was tagged with.
    pub fn from_example(e: &Example, group: usize) -> Features {
        let Outcome::Tagged(t) = &e.record.outcome else {
            return Features {
                expected: e.expected,
                tagged: false,
                words: 0,
                terms: Vec::new(),
                group,
            };
        };
        Features {
            expected: e.expected,
            tagged: true,
            words: t.scores.words,
            terms: (t.scores.tallies.iter())
                .map(|tally| (tally.term, repetition_factor(tally.count)))
                .collect(),
            group,
        }
    }

    /// The scores under `weights` (one per term: weight times axis weight), as
    /// the scorer computes them.
    fn scores(&self, lexicon: &Lexicon, weights: &[f64]) -> Scores {
        let mut s = Scores {
            words: self.words,
            ..Scores::default()
        };
        for &(id, factor) in &self.terms {
            let term = &lexicon.terms[id];
            let w = weights[id] * factor;
            add(&mut s.total, term.pole, w);
            if !term.context {
                add(&mut s.core, term.pole, w);
                s.core_terms += 1;
            }
        }
        s
    }

    /// The label under `settings`.
    pub fn label(&self, lexicon: &Lexicon, settings: &Settings) -> Option<Label> {
        self.tagged.then(|| {
            label::tag(
                &self.scores(lexicon, &settings.weights),
                &settings.thresholds,
            )
            .label
        })
    }
}

fn add(p: &mut PoleWeights, pole: Pole, w: f64) {
    match pole {
        Pole::Cio => p.cio += w,
        Pole::Cto => p.cto += w,
    }
}

/// What calibration fits.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Blend margin, minimum evidence, length exponent and minimum terms.
    pub thresholds: Thresholds,
    /// One weight per term, in lexicon order: the term's weight times its
    /// axis's weight, as the scorer uses it.
    pub weights: Vec<f64>,
}

impl Settings {
    /// The settings a lexicon ships with.
    pub fn of(lexicon: &Lexicon, thresholds: Thresholds) -> Settings {
        Settings {
            thresholds,
            weights: (lexicon.terms.iter())
                .map(|t| t.weight * lexicon.axes[t.axis].weight)
                .collect(),
        }
    }

    /// The neutral start of every fit: each term's prior (its hand-set weight,
    /// never a fitted one) times its axis weight, and `thresholds`.
    pub fn priors(lexicon: &Lexicon, thresholds: Thresholds) -> Settings {
        Settings {
            thresholds,
            weights: (lexicon.terms.iter())
                .map(|t| t.prior.unwrap_or(t.weight) * lexicon.axes[t.axis].weight)
                .collect(),
        }
    }
}

/// How to fit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FitOptions {
    /// Strength of the pull toward the priors (see [`LAMBDA`]).
    pub lambda: f64,
    /// Fit the term weights too; false fits the thresholds alone.
    pub weights: bool,
}

impl Default for FitOptions {
    fn default() -> FitOptions {
        FitOptions {
            lambda: LAMBDA,
            weights: true,
        }
    }
}

/// How the postings are split for cross-validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Folds {
    /// `k` stratified folds: within each expected label, in input order, round robin.
    Stratified(usize),
    /// One fold per group: each group is labelled by settings fitted on the others.
    LeaveGroupOut,
}

/// The result of calibration.
#[derive(Clone, Debug)]
pub struct Calibration {
    /// The settings fitted on all the examples (what `--output` writes).
    pub settings: Settings,
    /// Held-out predictions pooled over the folds: the result to report.
    pub cross_validated: Evaluation,
    /// Each posting's held-out label, in input order (`None`: not tagged).
    pub held_out: Vec<Option<Label>>,
    /// Macro-F1 of each held-out fold.
    pub fold_macro_f1: Vec<f64>,
    /// The fitted settings scored on the data they were fitted on (optimistic; for reference only).
    pub training: Evaluation,
    /// The settings as given scored on all the examples.
    pub before: Evaluation,
}

/// Scores `settings` on `data`.
pub(crate) fn evaluate(lexicon: &Lexicon, data: &[&Features], settings: &Settings) -> Evaluation {
    Evaluation::from_pairs(
        data.iter()
            .map(|f| (f.expected, f.label(lexicon, settings))),
    )
}

/// Per-class weights that make each expected label count as much as any other
/// (1 / its number of postings).
fn class_weights<'a>(labels: impl Iterator<Item = &'a Label>) -> [f64; 4] {
    let mut n = [0usize; 4];
    for l in labels {
        n[index(*l)] += 1;
    }
    n.map(|c| if c == 0 { 0.0 } else { 1.0 / c as f64 })
}

fn index(l: Label) -> usize {
    Label::ALL.iter().position(|x| *x == l).unwrap_or(3)
}

/// The class-balanced macro-F1 (each expected label weighing the same) minus
/// [`CONFUSION_PENALTY`] times the class-balanced share of CIO/CTO mix-ups.
fn objective(pairs: impl Iterator<Item = (Label, Option<Label>)>, cw: &[f64; 4]) -> f64 {
    let mut m = [[0.0f64; 5]; 4];
    for (expected, got) in pairs {
        let e = index(expected);
        m[e][got.map_or(4, index)] += cw[e];
    }
    let mut f1 = Vec::new();
    for (c, row) in m.iter().enumerate() {
        let support: f64 = row.iter().sum();
        if support <= 0.0 {
            continue;
        }
        let tp = row[c];
        let predicted: f64 = (0..4).map(|r| m[r][c]).sum();
        f1.push(2.0 * tp / (support + predicted).max(1e-12));
    }
    if f1.is_empty() {
        return 0.0;
    }
    let (cio, cto) = (index(Label::CioLike), index(Label::CtoLike));
    let mixed = (m[cio][cto] + m[cto][cio]) / f1.len() as f64;
    f1.iter().sum::<f64>() / f1.len() as f64 - CONFUSION_PENALTY * mixed
}

/// Sets the thresholds that maximise the objective for `weights`; returns them
/// with the objective. `min_terms` and `blend_floor` are kept from `start`.
pub(crate) fn fit_thresholds(
    lexicon: &Lexicon,
    data: &[&Features],
    weights: &[f64],
    start: Thresholds,
) -> (Thresholds, f64) {
    let scores: Vec<Option<Scores>> = data
        .iter()
        .map(|f| f.tagged.then(|| f.scores(lexicon, weights)))
        .collect();
    let cw = class_weights(data.iter().map(|f| &f.expected));
    let mut best = (start, f64::NEG_INFINITY);
    for &min_evidence in &EVIDENCE {
        for &length_exponent in &EXPONENTS {
            for &blend_margin in &MARGINS {
                let th = Thresholds {
                    blend_margin,
                    min_evidence,
                    length_exponent,
                    ..start
                };
                let pairs = data
                    .iter()
                    .zip(&scores)
                    .map(|(f, s)| (f.expected, s.as_ref().map(|s| label::tag(s, &th).label)));
                let score = objective(pairs, &cw);
                if score > best.1 + 1e-12 {
                    best = (th, score);
                }
            }
        }
    }
    best
}

/// Fits the term weights: see the module documentation. Terms no CIO-like or
/// CTO-like posting of `data` uses keep their prior.
pub(crate) fn fit_weights(
    lexicon: &Lexicon,
    data: &[&Features],
    priors: &[f64],
    lambda: f64,
) -> Vec<f64> {
    let problem = Problem::new(lexicon, data, priors, lambda);
    let mut a = priors.to_vec();
    let (mut loss, mut grad) = problem.loss(&a);
    let mut step = 1.0;
    for _ in 0..STEPS {
        loop {
            let next: Vec<f64> = (a.iter().zip(&grad))
                .map(|(x, g)| (x - step * g).clamp(MIN_WEIGHT, MAX_WEIGHT * problem.max_axis))
                .collect();
            let (next_loss, next_grad) = problem.loss(&next);
            // Armijo condition for projected gradient steps.
            let mut bound = loss;
            for ((n, x), g) in next.iter().zip(&a).zip(&grad) {
                let d = n - x;
                bound += g * d + d * d / (2.0 * step);
            }
            if next_loss <= bound + 1e-15 || step < 1e-9 {
                a = next;
                loss = next_loss;
                grad = next_grad;
                step *= 1.5;
                break;
            }
            step /= 2.0;
        }
    }
    a
}

/// The weight-fitting problem: postings as sparse rows, with their targets.
struct Problem {
    /// Per posting: its terms `(id, factor)`.
    rows: Vec<Vec<(TermId, f64)>>,
    /// Orientation: (row, target: 1 for CTO-like, 0 for CIO-like, class weight).
    orientation: Vec<(usize, f64, f64)>,
    /// +1 for CTO terms, -1 for CIO terms.
    sign: Vec<f64>,
    priors: Vec<f64>,
    /// The pull toward the priors, divided by the number of terms.
    lambda: f64,
    /// The largest axis weight (the weight bound is per term, before it).
    max_axis: f64,
}

impl Problem {
    fn new(lexicon: &Lexicon, data: &[&Features], priors: &[f64], lambda: f64) -> Problem {
        let tagged: Vec<&&Features> = data.iter().filter(|f| f.tagged).collect();
        let rows = tagged.iter().map(|f| f.terms.clone()).collect();
        let count =
            |pred: &dyn Fn(Label) -> bool| tagged.iter().filter(|f| pred(f.expected)).count();
        let (n_cio, n_cto) = (
            count(&|l| l == Label::CioLike),
            count(&|l| l == Label::CtoLike),
        );
        let half = |n: usize| if n == 0 { 0.0 } else { 0.5 / n as f64 };
        let mut orientation = Vec::new();
        for (i, f) in tagged.iter().enumerate() {
            match f.expected {
                Label::CioLike if n_cto > 0 => orientation.push((i, 0.0, half(n_cio))),
                Label::CtoLike if n_cio > 0 => orientation.push((i, 1.0, half(n_cto))),
                _ => {}
            }
        }
        Problem {
            rows,
            orientation,
            sign: (lexicon.terms.iter())
                .map(|t| if t.pole == Pole::Cto { 1.0 } else { -1.0 })
                .collect(),
            priors: priors.to_vec(),
            lambda: lambda / lexicon.terms.len().max(1) as f64,
            max_axis: (lexicon.axes.iter()).map(|a| a.weight).fold(1.0, f64::max),
        }
    }

    /// The loss at `a` and its gradient.
    fn loss(&self, a: &[f64]) -> (f64, Vec<f64>) {
        let mut loss = 0.0;
        let mut grad = vec![0.0; a.len()];
        for &(row, y, w) in &self.orientation {
            let terms = &self.rows[row];
            let z: f64 = terms.iter().map(|&(t, x)| self.sign[t] * a[t] * x).sum();
            loss += w * (softplus(z) - y * z);
            let d = w * (sigmoid(z) - y);
            for &(t, x) in terms {
                grad[t] += d * self.sign[t] * x;
            }
        }
        for (t, g) in grad.iter_mut().enumerate() {
            let r = a[t] - self.priors[t];
            loss += self.lambda * r * r;
            *g += 2.0 * self.lambda * r;
        }
        (loss, grad)
    }
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// `ln(1 + e^z)`, without overflow.
fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

/// A scorer's weight as the lexicon file holds it: before the axis weight,
/// rounded to three decimals.
fn written_weight(w: f64, axis: f64) -> f64 {
    ((w / axis) * DECIMALS).round() / DECIMALS
}

/// Weights as the lexicon file will hold them, back as the scorer uses them.
fn rounded(lexicon: &Lexicon, weights: &[f64]) -> Vec<f64> {
    (lexicon.terms.iter().zip(weights))
        .map(|(t, w)| {
            let axis = lexicon.axes[t.axis].weight;
            written_weight(*w, axis).max(MIN_WEIGHT) * axis
        })
        .collect()
}

/// Fits settings on `data`, starting from `priors` (the neutral start: the
/// priors' weights are also what the fit is pulled toward).
pub fn fit(lexicon: &Lexicon, data: &[&Features], priors: &Settings, opts: FitOptions) -> Settings {
    let weights = if opts.weights {
        rounded(
            lexicon,
            &fit_weights(lexicon, data, &priors.weights, opts.lambda),
        )
    } else {
        priors.weights.clone()
    };
    let (thresholds, _) = fit_thresholds(lexicon, data, &weights, priors.thresholds);
    Settings {
        thresholds,
        weights,
    }
}

/// Stratified fold of each example: within each expected label, in input order, round robin.
pub fn folds(data: &[Features], k: usize) -> Vec<usize> {
    let mut seen = [0usize; 4];
    data.iter()
        .map(|f| {
            let i = index(f.expected);
            seen[i] += 1;
            (seen[i] - 1) % k.max(1)
        })
        .collect()
}

/// Cross-validates fitting (every fold fitted from `priors`), then fits on
/// everything. `given` is what the report calls "before".
pub fn calibrate(
    lexicon: &Lexicon,
    data: &[Features],
    given: &Settings,
    priors: &Settings,
    how: Folds,
    opts: FitOptions,
) -> Calibration {
    let fold_of: Vec<usize> = match how {
        Folds::Stratified(k) => folds(data, k.clamp(2, data.len().max(2))),
        Folds::LeaveGroupOut => data.iter().map(|f| f.group).collect(),
    };
    let k = fold_of.iter().max().map_or(0, |m| m + 1);
    let mut held_out = vec![None; data.len()];
    let mut fold_macro_f1 = Vec::with_capacity(k);
    for fold in 0..k {
        let train: Vec<&Features> = (data.iter().zip(&fold_of))
            .filter(|(_, f)| **f != fold)
            .map(|(d, _)| d)
            .collect();
        let test: Vec<usize> = (0..data.len()).filter(|&i| fold_of[i] == fold).collect();
        if test.is_empty() || train.is_empty() {
            continue;
        }
        let fitted = fit(lexicon, &train, priors, opts);
        for &i in &test {
            held_out[i] = data[i].label(lexicon, &fitted);
        }
        let pairs = test.iter().map(|&i| (data[i].expected, held_out[i]));
        fold_macro_f1.push(Evaluation::from_pairs(pairs).macro_f1());
    }
    let all: Vec<&Features> = data.iter().collect();
    let settings = fit(lexicon, &all, priors, opts);
    Calibration {
        training: evaluate(lexicon, &all, &settings),
        before: evaluate(lexicon, &all, given),
        cross_validated: Evaluation::from_pairs(
            data.iter().zip(&held_out).map(|(f, l)| (f.expected, *l)),
        ),
        held_out,
        settings,
        fold_macro_f1,
    }
}

/// A copy of lexicon file `text` (the file `lexicon` was loaded from) with
/// `settings` written in: every term's `weight` (its fitted weight before the
/// axis weight, three decimals), its `prior` (kept when it has one, else its
/// weight until now), and a `[thresholds]` table. Formatting and comments
/// elsewhere are kept.
///
/// # Errors
/// A message when `text` is not TOML or its terms do not match `settings`.
pub fn write_lexicon(text: &str, lexicon: &Lexicon, settings: &Settings) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| format!("{e}"))?;
    let terms = doc
        .get_mut("terms")
        .and_then(|a| a.as_array_mut())
        .ok_or("the lexicon has no `terms` array")?;
    if terms.len() != settings.weights.len() || terms.len() != lexicon.terms.len() {
        return Err(format!(
            "the lexicon has {} terms, the settings {}",
            terms.len(),
            settings.weights.len()
        ));
    }
    for ((item, w), term) in terms.iter_mut().zip(&settings.weights).zip(&lexicon.terms) {
        let table = item
            .as_inline_table_mut()
            .ok_or("a term is not an inline table")?;
        let per_term = written_weight(*w, lexicon.axes[term.axis].weight);
        let prior = term.prior.unwrap_or(term.weight);
        table.insert("weight", per_term.into());
        if !table.contains_key("prior") {
            // The new last key: the space before `}` moves from the old last value to it.
            for (_, v) in table.iter_mut() {
                if v.decor().suffix().and_then(|s| s.as_str()) == Some(" ") {
                    v.decor_mut().set_suffix("");
                }
            }
            let mut value = toml_edit::Value::from(prior);
            value.decor_mut().set_prefix(" ");
            value.decor_mut().set_suffix(" ");
            table.insert("prior", value);
        }
    }
    let th = &settings.thresholds;
    let mut table = toml_edit::Table::new();
    table["blend_margin"] = toml_edit::value(th.blend_margin);
    table["min_evidence"] = toml_edit::value(th.min_evidence);
    table["length_exponent"] = toml_edit::value(th.length_exponent);
    table["min_terms"] = toml_edit::value(i64::from(th.min_terms));
    table["blend_floor"] = toml_edit::value(th.blend_floor);
    doc["thresholds"] = toml_edit::Item::Table(table);
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tagger::{Engine, Scratch};
    use crate::report::Record;
    use Label::*;

    /// A one-axis lexicon with terms `t0, t1, ...`: (pole, weight, context).
    fn lexicon(terms: &[(&str, f64, bool)]) -> Lexicon {
        Lexicon::from_toml(&lexicon_text(terms), "t").unwrap()
    }

    fn f(expected: Label, terms: &[TermId], group: usize) -> Features {
        Features {
            expected,
            tagged: true,
            words: 250,
            terms: terms.iter().map(|&t| (t, 1.0)).collect(),
            group,
        }
    }

    fn th(min_terms: u32) -> Thresholds {
        Thresholds {
            min_terms,
            ..Thresholds::default()
        }
    }

    /// Every corpus posting gets from its features the label the pipeline gave
    /// it, under the shipped settings: calibration optimises what the scorer does.
    #[test]
    fn features_label_like_the_scorer() {
        let lex = Lexicon::embedded().unwrap();
        let thresholds = lex.thresholds;
        let engine = Engine::new(lex.clone(), thresholds).unwrap();
        let settings = Settings::of(&lex, thresholds);
        let mut scratch = Scratch::default();
        let mut n = 0;
        for dir in ["cio-like", "cto-like", "blended", "none"] {
            for entry in std::fs::read_dir(format!("corpora/labeled/{dir}")).unwrap() {
                let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                let tagged = engine.tag_text(&text, &mut scratch);
                let want = tagged.tagging.label;
                let record = Record::new(String::new(), Outcome::Tagged(Box::new(tagged)), vec![]);
                let e = Example {
                    expected: CioLike,
                    record,
                    group: String::new(),
                };
                let x = Features::from_example(&e, 0);
                assert_eq!(x.label(&lex, &settings), Some(want));
                n += 1;
            }
        }
        assert!(n > 200);
    }

    /// t0 (CIO) and t1 (CTO) tell the labels apart; t2 (CTO) is in every posting
    /// and at its prior weight drags every CIO posting into blended.
    #[test]
    fn fitting_learns_to_down_weight_a_noisy_term() {
        let lex = lexicon(&[
            ("cio", 3.0, false),
            ("cto", 3.0, false),
            ("cto", 3.0, false),
        ]);
        let mut d = Vec::new();
        for _ in 0..10 {
            d.push(f(CioLike, &[0, 2], 0));
            d.push(f(CtoLike, &[1, 2], 0));
            d.push(f(Unclassified, &[], 0));
        }
        let refs: Vec<&Features> = d.iter().collect();
        let start = Settings::priors(&lex, th(1));
        let before = evaluate(&lex, &refs, &start);
        let fitted = fit(&lex, &refs, &start, loose());
        let after = evaluate(&lex, &refs, &fitted);
        assert!(before.accuracy() < 0.7, "{before:?}");
        assert!(after.accuracy() > 0.99, "{fitted:?} {after:?}");
        assert!(
            fitted.weights[2] < 3.0 && fitted.weights[2] < fitted.weights[0] / 2.0,
            "{fitted:?}"
        );
        assert!(fitted.weights[0] >= MIN_WEIGHT && fitted.weights[2] >= MIN_WEIGHT);
    }

    /// Each posting has a term of its own on each pole; only the fit on the
    /// posting itself can learn which one matters. Held out, a posting's terms
    /// keep their (equal) priors and tie, so cross-validation must score far
    /// below the training fit. A fold fitted on all the data, or started from
    /// weights fitted on all of it (the lexicon's `weight`, not its `prior`),
    /// would score as well as the training fit.
    #[test]
    fn cross_validation_never_sees_the_held_out_postings() {
        let n = 24;
        let mut terms = Vec::new();
        for _ in 0..n {
            terms.push(("cio", 2.0, false));
            terms.push(("cto", 2.0, false));
        }
        let lex = lexicon(&terms);
        let d: Vec<Features> = (0..n)
            .map(|i| {
                let label = if i % 2 == 0 { CioLike } else { CtoLike };
                f(label, &[2 * i, 2 * i + 1], i % 4)
            })
            .collect();
        let priors = Settings::priors(&lex, th(1));
        for how in [Folds::Stratified(4), Folds::LeaveGroupOut] {
            let c = calibrate(&lex, &d, &priors, &priors, how, loose());
            assert!(c.training.accuracy() > 0.95, "{how:?} {:?}", c.training);
            assert!(
                c.cross_validated.accuracy() < 0.2,
                "{how:?} {:?}",
                c.cross_validated
            );
            assert_eq!(c.held_out.len(), n);
        }
        // The same lexicon with the weights fitted on everything written in, and
        // the priors kept: cross-validation still starts from the priors.
        let text = lexicon_text(&terms);
        let all: Vec<&Features> = d.iter().collect();
        let fitted = fit(&lex, &all, &priors, loose());
        let tuned = Lexicon::from_toml(&write_lexicon(&text, &lex, &fitted).unwrap(), "t").unwrap();
        let given = Settings::of(&tuned, tuned.thresholds);
        assert!(evaluate(&tuned, &all, &given).accuracy() > 0.95);
        let c = calibrate(
            &tuned,
            &d,
            &given,
            &Settings::priors(&tuned, th(1)),
            Folds::Stratified(4),
            loose(),
        );
        assert!(
            c.cross_validated.accuracy() < 0.2,
            "{:?}",
            c.cross_validated
        );
        assert!(c.before.accuracy() > 0.95);
    }

    /// A weak pull toward the priors: a few postings can then move the weights.
    fn loose() -> FitOptions {
        FitOptions {
            lambda: 0.001,
            ..FitOptions::default()
        }
    }

    fn lexicon_text(terms: &[(&str, f64, bool)]) -> String {
        let entries: Vec<String> = (terms.iter().enumerate())
            .map(|(i, (pole, w, ctx))| {
                format!(
                    "  {{ axis = \"a\", pole = \"{pole}\", term = \"t{i}\", weight = {w:?}, context = {ctx} }},"
                )
            })
            .collect();
        format!(
            "# kept\naxes = [{{ name = \"a\", cio = \"x\", cto = \"y\" }}]\nterms = [\n{}\n]\n",
            entries.join("\n")
        )
    }

    #[test]
    fn folds_are_stratified() {
        let mut d = Vec::new();
        for _ in 0..6 {
            for l in Label::ALL {
                d.push(f(l, &[], 0));
            }
        }
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
    fn writes_weights_priors_and_thresholds_keeping_the_rest() {
        let terms = [("cio", 2.0, false), ("cto", 1.5, true)];
        let text = lexicon_text(&terms);
        let lex = Lexicon::from_toml(&text, "t").unwrap();
        let s = Settings {
            thresholds: Thresholds {
                blend_margin: 0.15,
                min_evidence: 6.0,
                length_exponent: 0.5,
                min_terms: 2,
                blend_floor: 1.0,
            },
            weights: vec![2.34567, 0.5],
        };
        let out = write_lexicon(&text, &lex, &s).unwrap();
        assert!(out.starts_with("# kept\n"), "{out}");
        assert_eq!(out.lines().count(), text.lines().count() + 7, "{out}");
        assert!(out.contains("context = false, prior = 2.0 },"), "{out}");
        let tuned = Lexicon::from_toml(&out, "t").unwrap();
        assert_eq!(tuned.terms[0].weight, 2.346);
        assert_eq!(tuned.terms[0].prior, Some(2.0));
        assert_eq!(tuned.terms[1].weight, 0.5);
        assert_eq!(tuned.terms[1].prior, Some(1.5));
        assert!(tuned.terms[1].context);
        assert_eq!(tuned.thresholds, s.thresholds);
        // Written again, a term keeps its first prior.
        let again = write_lexicon(&out, &tuned, &Settings::of(&tuned, tuned.thresholds)).unwrap();
        let again = Lexicon::from_toml(&again, "t").unwrap();
        assert_eq!(again.terms[0].prior, Some(2.0));
        assert_eq!(again.terms[0].weight, 2.346);
        let wrong = Settings {
            weights: vec![1.0],
            ..s
        };
        assert!(write_lexicon(&text, &lex, &wrong).is_err());
    }

    #[test]
    fn the_objective_weighs_each_class_alike() {
        // 90 none, 10 CTO: calling everything unclassified is 90% accurate but
        // scores only half of a perfect balanced macro-F1.
        let mut pairs = vec![(Unclassified, Some(Unclassified)); 90];
        pairs.extend(vec![(CtoLike, Some(Unclassified)); 10]);
        let cw = class_weights(pairs.iter().map(|(e, _)| e));
        let lazy = objective(pairs.iter().copied(), &cw);
        let perfect = objective(pairs.iter().map(|(e, _)| (*e, Some(*e))), &cw);
        assert!((perfect - 1.0).abs() < 1e-12);
        assert!(lazy < 0.4, "{lazy}");
        // A CIO/CTO mix-up costs more than leaving a posting unclassified.
        let mixed = [(CioLike, Some(CtoLike)), (CtoLike, Some(CtoLike))];
        let shy = [(CioLike, Some(Unclassified)), (CtoLike, Some(CtoLike))];
        let cw = class_weights(mixed.iter().map(|(e, _)| e));
        assert!(objective(mixed.into_iter(), &cw) < objective(shy.into_iter(), &cw));
    }
}
