/**
 * AdamW state for one dense layer (Loshchilov & Hutter, decoupled weight
 * decay: https://arxiv.org/abs/1711.05101). Biases are not decayed.
 */
import type { DenseLayer } from './mlp.js';

const kBeta1 = 0.9;
const kBeta2 = 0.999;
const kEpsilon = 1e-8;

/** Optimiser settings AdamLayer reads. */
export interface AdamOptions {
  readonly learningRate: number;
  readonly weightDecay: number;
}

/** First and second moments of one layer's parameters. */
export class AdamLayer {
  private readonly mw: Float32Array;
  private readonly vw: Float32Array;
  private readonly mb: Float32Array;
  private readonly vb: Float32Array;
  private t = 0;

  constructor(
    private readonly layer: DenseLayer,
    private readonly opts: AdamOptions,
  ) {
    this.mw = new Float32Array(layer.weights.length);
    this.vw = new Float32Array(layer.weights.length);
    this.mb = new Float32Array(layer.bias.length);
    this.vb = new Float32Array(layer.bias.length);
  }

  /** Apply one update from the layer's gradients. */
  step(grad: { readonly w: Float32Array; readonly b: Float32Array }): void {
    this.t++;
    const lr = this.opts.learningRate;
    const c1 = 1 - Math.pow(kBeta1, this.t);
    const c2 = 1 - Math.pow(kBeta2, this.t);
    const decay = lr * this.opts.weightDecay;
    update(this.layer.weights, grad.w, this.mw, this.vw, lr, c1, c2, decay);
    update(this.layer.bias, grad.b, this.mb, this.vb, lr, c1, c2, 0);
  }
}

function update(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  lr: number,
  c1: number,
  c2: number,
  decay: number,
): void {
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]!;
    const mi = (m[i] = kBeta1 * m[i]! + (1 - kBeta1) * gi);
    const vi = (v[i] = kBeta2 * v[i]! + (1 - kBeta2) * gi * gi);
    p[i] =
      p[i]! - lr * (mi / c1 / (Math.sqrt(vi / c2) + kEpsilon)) - decay * p[i]!;
  }
}
