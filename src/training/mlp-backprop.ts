/**
 * Trains an MLP by hand-written backpropagation with AdamW: ReLU hidden
 * layers, sigmoid outputs under binary cross-entropy against
 * per-candidate quality targets in [0, 1] (multi-output regression of
 * each candidate's expected score).
 */
import type { DenseLayer } from './mlp.js';
import { denseForward, sigmoid } from './mlp.js';
import { gaussian, seededRandom, shuffleInPlace } from './rng.js';
import { AdamLayer } from './adam.js';

/** Knobs of one training run. */
export interface MlpTrainOptions {
  readonly hidden: readonly number[];
  readonly epochs: number;
  readonly learningRate: number;
  /** Decoupled (AdamW) decay on weights, not on biases. */
  readonly weightDecay: number;
  readonly batchSize: number;
  readonly seed: number;
}

/** Training inputs: row-major features [rows, dim], targets [rows, C]. */
export interface MlpTrainData {
  readonly features: Float32Array;
  readonly rows: number;
  readonly dim: number;
  readonly targets: Float32Array;
  readonly candidates: number;
}

function initLayer(ni: number, no: number, random: () => number): DenseLayer {
  const weights = new Float32Array(ni * no);
  const scale = Math.sqrt(2 / ni);
  for (let i = 0; i < weights.length; i++) {
    weights[i] = gaussian(random) * scale;
  }
  return { inputs: ni, outputs: no, weights, bias: new Float32Array(no) };
}

/** Train an MLP's layers; deterministic for equal data and options. */
export function trainMlp(
  data: MlpTrainData,
  opts: MlpTrainOptions,
): DenseLayer[] {
  const random = seededRandom(opts.seed);
  const sizes = [data.dim, ...opts.hidden, data.candidates];
  const layers = sizes
    .slice(1)
    .map((no, l) => initLayer(sizes[l]!, no, random));
  const adam = layers.map((l) => new AdamLayer(l, opts));
  const pass = new Pass(layers, opts.batchSize);

  const order = Array.from({ length: data.rows }, (_, i) => i);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (let start = 0; start < data.rows; start += opts.batchSize) {
      const batch = order.slice(start, start + opts.batchSize);
      pass.load(data, batch);
      pass.forward();
      pass.backward(data, batch);
      adam.forEach((a, i) => a.step(pass.grads[i]!));
    }
  }
  return layers;
}

/** Buffers and arithmetic of one minibatch step. */
class Pass {
  readonly grads: { w: Float32Array; b: Float32Array }[];
  private readonly acts: Float32Array[];
  private readonly deltas: Float32Array[];
  private n = 0;

  constructor(
    private readonly layers: readonly DenseLayer[],
    maxBatch: number,
  ) {
    this.grads = layers.map((l) => ({
      w: new Float32Array(l.weights.length),
      b: new Float32Array(l.outputs),
    }));
    const widths = [layers[0]!.inputs, ...layers.map((l) => l.outputs)];
    this.acts = widths.map((w) => new Float32Array(w * maxBatch));
    this.deltas = widths.map((w) => new Float32Array(w * maxBatch));
  }

  load(data: MlpTrainData, batch: readonly number[]): void {
    this.n = batch.length;
    const x = this.acts[0]!;
    batch.forEach((r, b) => {
      x.set(
        data.features.subarray(r * data.dim, (r + 1) * data.dim),
        b * data.dim,
      );
    });
  }

  forward(): void {
    const last = this.layers.length - 1;
    this.layers.forEach((layer, l) => {
      const out = this.acts[l + 1]!;
      denseForward(layer, this.acts[l]!, this.n, out);
      const size = this.n * layer.outputs;
      for (let i = 0; i < size; i++) {
        out[i] = l === last ? sigmoid(out[i]!) : Math.max(out[i]!, 0);
      }
    });
  }

  backward(data: MlpTrainData, batch: readonly number[]): void {
    const L = this.layers.length;
    const nc = data.candidates;
    const out = this.acts[L]!;
    const dOut = this.deltas[L]!;
    // Sigmoid + cross-entropy: the logit gradient is prediction - target.
    batch.forEach((r, b) => {
      for (let c = 0; c < nc; c++) {
        dOut[b * nc + c] =
          (out[b * nc + c]! - data.targets[r * nc + c]!) / this.n;
      }
    });

    for (let l = L - 1; l >= 0; l--) {
      const layer = this.layers[l]!;
      const below = this.acts[l]!;
      const dBelow = this.deltas[l]!;
      accumulate(layer, below, this.deltas[l + 1]!, this.n, this.grads[l]!);
      if (l === 0) break;
      propagate(layer, this.deltas[l + 1]!, this.n, dBelow);
      for (let i = 0; i < this.n * layer.inputs; i++) {
        if (below[i]! <= 0) dBelow[i] = 0;
      }
    }
  }
}

/** grad.w = x^T . delta, grad.b = column sums of delta (sparse x). */
function accumulate(
  layer: DenseLayer,
  x: Float32Array,
  delta: Float32Array,
  n: number,
  grad: { w: Float32Array; b: Float32Array },
): void {
  const { inputs: ni, outputs: no } = layer;
  grad.w.fill(0);
  grad.b.fill(0);
  for (let b = 0; b < n; b++) {
    for (let j = 0; j < no; j++) grad.b[j]! += delta[b * no + j]!;
    for (let i = 0; i < ni; i++) {
      const v = x[b * ni + i]!;
      if (v === 0) continue;
      const row = i * no;
      for (let j = 0; j < no; j++) grad.w[row + j]! += v * delta[b * no + j]!;
    }
  }
}

/** dx = delta . W^T (before the activation's derivative). */
function propagate(
  layer: DenseLayer,
  delta: Float32Array,
  n: number,
  dx: Float32Array,
): void {
  const { inputs: ni, outputs: no, weights: w } = layer;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < ni; i++) {
      let s = 0;
      for (let j = 0; j < no; j++) s += delta[b * no + j]! * w[i * no + j]!;
      dx[b * ni + i] = s;
    }
  }
}
