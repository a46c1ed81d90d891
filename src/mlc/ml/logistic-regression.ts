/**
 * Binary logistic regression, fitted by Newton's method (IRLS) with an L2
 * penalty on standardised features.
 *
 * Why IRLS: with a handful of features the Hessian is tiny, so each Newton
 * step is a small linear solve, and ~10 steps reach the optimum to machine
 * precision. There is no learning rate to tune and no randomness, so the same
 * data always gives bit-identical weights (reproducible model versions).
 *
 * Why standardise: the penalty and the convergence check then treat every
 * feature alike whatever its unit (dollars vs FICO points). The mean/std are
 * part of the model and are baked into the ONNX graph (Sub, Div).
 */

/** Plain-data model: what gets stored, exported to ONNX and compared. */
export interface LogisticModel {
  features: string[];
  /** Per-feature training mean, subtracted before scoring. */
  mean: number[];
  /** Per-feature training std (1 for constant features), divided after. */
  std: number[];
  /** Weights on the standardised features. */
  weights: number[];
  bias: number;
}

export interface FitOptions {
  /** L2 penalty strength on the weights (not the bias); default 1e-3 per row-mean loss. */
  l2?: number;
  /** Maximum Newton iterations; default 25. */
  iterations?: number;
  /** Stop once the largest parameter change is below this; default 1e-10. */
  tolerance?: number;
}

export interface FitReport {
  model: LogisticModel;
  iterations: number;
  /** Mean penalised log loss on the training data at the returned parameters. */
  loss: number;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function fitLogisticRegression(
  x: readonly (readonly number[])[],
  y: readonly number[],
  features: readonly string[],
  options: FitOptions = {},
): FitReport {
  const { l2 = 1e-3, iterations = 25, tolerance = 1e-10 } = options;
  const n = x.length;
  const f = features.length;
  if (n === 0) throw new Error('cannot fit a model on zero rows');
  if (y.length !== n) throw new Error(`got ${n} rows but ${y.length} labels`);
  for (let i = 0; i < n; i++) {
    if (x[i].length !== f) throw new Error(`row ${i} has ${x[i].length} values, expected ${f} (${features.join(', ')})`);
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`label at row ${i} is ${y[i]}, expected 0 or 1`);
  }

  const { mean, std } = standardisation(x, f);
  const z = x.map((row) => row.map((v, j) => (v - mean[j]) / std[j]));

  // theta = [bias, w_1..w_f]; the bias is not penalised.
  const p = f + 1;
  const theta = new Array<number>(p).fill(0);
  let used = 0;
  for (let it = 0; it < iterations; it++) {
    used = it + 1;
    const grad = new Array<number>(p).fill(0);
    const hess = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (let i = 0; i < n; i++) {
      const row = z[i];
      let s = theta[0];
      for (let j = 0; j < f; j++) s += theta[j + 1] * row[j];
      const mu = sigmoid(s);
      const r = mu - y[i];
      const w = mu * (1 - mu);
      // Accumulate with an implicit leading 1 for the bias column.
      for (let a = 0; a < p; a++) {
        const xa = a === 0 ? 1 : row[a - 1];
        grad[a] += r * xa;
        for (let b = a; b < p; b++) hess[a][b] += w * xa * (b === 0 ? 1 : row[b - 1]);
      }
    }
    for (let a = 0; a < p; a++) {
      grad[a] = grad[a] / n + (a > 0 ? l2 * theta[a] : 0);
      for (let b = a; b < p; b++) {
        const v = hess[a][b] / n + (a === b && a > 0 ? l2 : 0);
        hess[a][b] = v;
        hess[b][a] = v;
      }
    }
    const step = solveSymmetric(hess, grad);
    let maxStep = 0;
    for (let a = 0; a < p; a++) {
      theta[a] = theta[a] - step[a];
      maxStep = Math.max(maxStep, Math.abs(step[a]));
    }
    if (maxStep < tolerance) break;
  }

  const model: LogisticModel = {
    features: [...features],
    mean,
    std,
    weights: theta.slice(1),
    bias: theta[0],
  };
  return { model, iterations: used, loss: penalisedLoss(model, z, y, l2) };
}

/** P(label = 1) for each row; rows are in `model.features` order. */
export function predictProba(model: LogisticModel, rows: readonly (readonly number[])[]): number[] {
  const f = model.features.length;
  return rows.map((row, i) => {
    if (row.length !== f) throw new Error(`row ${i} has ${row.length} values, expected ${f} (${model.features.join(', ')})`);
    let s = model.bias;
    for (let j = 0; j < f; j++) s += model.weights[j] * ((row[j] - model.mean[j]) / model.std[j]);
    return sigmoid(s);
  });
}

function standardisation(x: readonly (readonly number[])[], f: number): { mean: number[]; std: number[] } {
  const n = x.length;
  const mean = new Array<number>(f).fill(0);
  for (const row of x) for (let j = 0; j < f; j++) mean[j] += row[j];
  for (let j = 0; j < f; j++) mean[j] = mean[j] / n;
  const variance = new Array<number>(f).fill(0);
  for (const row of x) for (let j = 0; j < f; j++) variance[j] += (row[j] - mean[j]) ** 2;
  // A constant column would divide by zero; std 1 leaves it as a harmless zero input.
  const std = variance.map((v) => Math.sqrt(v / n) || 1);
  return { mean, std };
}

function penalisedLoss(model: LogisticModel, z: number[][], y: readonly number[], l2: number): number {
  let loss = 0;
  for (let i = 0; i < z.length; i++) {
    let s = model.bias;
    for (let j = 0; j < model.weights.length; j++) s += model.weights[j] * z[i][j];
    // log(1 + e^s) - y*s, computed stably.
    loss += Math.max(s, 0) + Math.log1p(Math.exp(-Math.abs(s))) - y[i] * s;
  }
  const penalty = model.weights.reduce((a, w) => a + w * w, 0);
  return loss / z.length + (l2 / 2) * penalty;
}

/** Solves A x = b for a small symmetric positive-definite A (Cholesky). */
function solveSymmetric(a: number[][], b: number[]): number[] {
  const n = b.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      if (i === j) {
        // Perfectly separable or degenerate data: a tiny jitter keeps the
        // step finite; the L2 penalty normally prevents this.
        l[i][i] = Math.sqrt(Math.max(s, 1e-12));
      } else {
        l[i][j] = s / l[j][j];
      }
    }
  }
  const yv = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i][k] * yv[k];
    yv[i] = s / l[i][i];
  }
  const xv = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = yv[i];
    for (let k = i + 1; k < n; k++) s -= l[k][i] * xv[k];
    xv[i] = s / l[i][i];
  }
  return xv;
}
