/**
 * Synthetic credit-card authorisation data by quarter, modelled on the
 * Dataiku MLOps tutorial the engine's sample processes reproduce: a model is
 * trained on Q1, later quarters arrive with ground truth, and by Q4
 * `card_age` and `card_fico_score` have drifted enough to trigger retraining.
 *
 * The label comes from a hidden logistic model plus Bernoulli noise, so a
 * logistic regression trained on Q1 can reach the Bayes-ish ~0.85 accuracy
 * but no more. From Q2 on, two things change, both scaled by a per-quarter
 * drift level (Q1 0, Q2 slight, Q4 strong):
 *   - covariate drift: newer cards (lower card_age) and lower FICO scores;
 *   - concept drift: those two features' effect on authorisation changes,
 *     so the Q1 model's decision boundary is wrong on Q4.
 * Every other feature keeps exactly the same distribution and effect, which
 * is what lets tests assert "only these two features drifted".
 */
import { createRng, deriveSeed, type Rng } from './random.js';
import type { Table } from './csv.js';

export const CREDIT_CARD_FEATURES = [
  'amount',
  'merchant_category',
  'card_age',
  'card_fico_score',
  'merchant_risk',
  'hour_of_day',
] as const;
export type CreditCardFeature = (typeof CREDIT_CARD_FEATURES)[number];

/** 1 = authorised, 0 = failed authorisation. */
export const CREDIT_CARD_LABEL = 'authorized_flag';

/** The features whose distribution (and effect) drift after Q1. */
export const DRIFTED_FEATURES: readonly CreditCardFeature[] = ['card_age', 'card_fico_score'];

export const QUARTERS = ['Q1', 'Q2', 'Q3', 'Q4'] as const;
export type Quarter = (typeof QUARTERS)[number];

/** Drift level per quarter: 0 = the training distribution, 1 = full drift. */
export const QUARTER_DRIFT: Readonly<Record<Quarter, number>> = { Q1: 0, Q2: 0.15, Q3: 0.5, Q4: 1 };

export const DEFAULT_SEED = 20170101;
export const DEFAULT_ROWS = 4000;

export interface CreditCardOptions {
  quarter: Quarter;
  /** Rows to generate (default 4000). */
  rows?: number;
  /** Base seed; each quarter draws from its own stream derived from it. */
  seed?: number;
}

// Merchant category mix (codes 0..9): groceries, fuel, travel, ... Only the
// code matters to the model; it is treated as a number, as in the tutorial.
const CATEGORY_WEIGHTS = [18, 14, 12, 10, 10, 9, 8, 7, 7, 5];
// Card-present hours cluster in the daytime; night traffic is thinner and riskier.
const NIGHT = (h: number) => h < 6;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const round = (x: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
};
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

interface Transaction {
  amount: number;
  merchant_category: number;
  card_age: number;
  card_fico_score: number;
  merchant_risk: number;
  hour_of_day: number;
}

function sampleTransaction(rng: Rng, drift: number): Transaction {
  // Values are rounded here, before the label is drawn, so the CSV holds
  // exactly the values the label was computed from.
  const amount = round(clamp(Math.exp(rng.gaussian(4, 0.9)), 1, 5000), 2);
  const merchant_category = rng.weighted(CATEGORY_WEIGHTS);
  // Covariate drift: a wave of newly issued cards and weaker credit profiles.
  const card_age = Math.round(clamp(rng.gaussian(60 - 20 * drift, 24 - 4 * drift), 1, 240));
  const card_fico_score = Math.round(clamp(rng.gaussian(700 - 40 * drift, 50), 300, 850));
  const merchant_risk = round(sigmoid(rng.gaussian(-1, 1)), 3);
  const hour_of_day = ((Math.round(rng.gaussian(14, 5)) % 24) + 24) % 24;
  return { amount, merchant_category, card_age, card_fico_score, merchant_risk, hour_of_day };
}

/** The hidden "true" log-odds of authorisation. */
function authorisationLogit(t: Transaction, drift: number): number {
  // Concept drift: FICO loses most of its predictive weight and card age
  // flips sign (fraud rings now target old, compromised cards).
  const wFico = 1.7 - 0.8 * drift;
  const wAge = 0.9 - 1.3 * drift;
  return (
    1.3 +
    0.3 * drift +
    wFico * ((t.card_fico_score - 700) / 50) +
    wAge * ((t.card_age - 60) / 24) -
    1.9 * ((t.merchant_risk - 0.3) / 0.18) -
    0.8 * ((Math.log(t.amount) - 4) / 0.9) -
    0.12 * (t.merchant_category - 3.5) -
    (NIGHT(t.hour_of_day) ? 0.7 : 0)
  );
}

/** One quarter of labelled transactions; columns = features then the label. */
export function generateCreditCardQuarter(options: CreditCardOptions): Table {
  const { quarter, rows = DEFAULT_ROWS, seed = DEFAULT_SEED } = options;
  const drift = QUARTER_DRIFT[quarter];
  if (drift === undefined) throw new Error(`unknown quarter "${String(quarter)}" (expected one of ${QUARTERS.join(', ')})`);
  const rng = createRng(deriveSeed(seed, QUARTERS.indexOf(quarter)));
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const t = sampleTransaction(rng, drift);
    const label = rng.bernoulli(sigmoid(authorisationLogit(t, drift)));
    out.push([...CREDIT_CARD_FEATURES.map((f) => t[f]), label]);
  }
  return { columns: [...CREDIT_CARD_FEATURES, CREDIT_CARD_LABEL], rows: out };
}
