import { LearningError, LearningErrorCode } from '../errors.js';
import { gaussian, mulberry32 } from './internal/numeric.js';

/** Shape of the noise-free signal. */
export type SyntheticKind = 'stable' | 'step' | 'drift';
/** Distribution of run-to-run noise. */
export type SyntheticNoise = 'gaussian' | 'bimodal' | 'heavy';

/**
 * Distributions that {@link generateCiSeries} draws from for the fields left out. Every field left out here keeps
 * its default, and the defaults reproduce the documented suite exactly (the calibration maps are fitted on it), so
 * these only serve to build a deliberately different population, e.g. to check how far calibration holds.
 */
export interface SyntheticRanges {
  /** Noise CV, drawn log-uniformly. @default [0.01, 0.2] */
  readonly noiseCv?: readonly [number, number];
  /** Weights of the noise distributions. @default { gaussian: 0.5, bimodal: 0.25, heavy: 0.25 } */
  readonly noise?: Readonly<Partial<Record<SyntheticNoise, number>>>;
  /** Probability that a series has spikes at all. @default 0.5 */
  readonly spikyShare?: number;
  /** Spike rate of a series that has spikes, drawn uniformly. @default [0.01, 0.03] */
  readonly outlierRate?: readonly [number, number];
  /** Spike size in noise σ, drawn uniformly. @default [5, 20] */
  readonly spikeSigmas?: readonly [number, number];
  /** Size of a step relative to the level (sign drawn separately), drawn log-uniformly. @default [0.02, 0.5] */
  readonly relativeStep?: readonly [number, number];
  /** Relative change of a drift (sign drawn separately), drawn uniformly. @default [0.05, 0.5] */
  readonly relativeDrift?: readonly [number, number];
}

/** Options of {@link generateCiSeries}; every field left out is drawn from the seeded generator. */
export interface SyntheticOptions {
  /** Seed of the PRNG (32-bit integer); equal seeds give equal series. */
  readonly seed: number;
  readonly kind?: SyntheticKind;
  /** Number of runs. Drawn from 60–160. */
  readonly length?: number;
  /** Noise-free level before any change. Drawn log-uniformly from 10–1000. */
  readonly base?: number;
  /** Noise standard deviation over the level. Drawn log-uniformly from 0.01–0.2. */
  readonly noiseCv?: number;
  readonly noise?: SyntheticNoise;
  /** Fraction of runs replaced by spikes of 5–20 σ (80% upwards). Drawn from {0 (half the time), 0.01–0.03}. */
  readonly outlierRate?: number;
  /** Step: index of the first run at the new level. Drawn from [30, length − 10]. */
  readonly changeAt?: number;
  /** Step: relative size (signed). Drawn log-uniformly from 2–50% with a random sign. */
  readonly relativeStep?: number;
  /** Drift: relative change accumulated from `changeAt` to the end (signed). Drawn from 5–50%. */
  readonly relativeDrift?: number;
  /** Distributions for the fields left out (defaults as documented on each field). */
  readonly ranges?: SyntheticRanges;
}

/** A CI-like series with its ground truth. */
export interface LabelledSeries {
  readonly seed: number;
  readonly kind: SyntheticKind;
  readonly noise: SyntheticNoise;
  readonly values: number[];
  /** Noise-free mean of every run. */
  readonly truth: number[];
  readonly base: number;
  /** Noise standard deviation (absolute). */
  readonly sigma: number;
  readonly noiseCv: number;
  /** First run of the step or of the drift (undefined for stable series). */
  readonly changeAt?: number;
  readonly relativeStep?: number;
  readonly relativeDrift?: number;
  /** Indices of injected spikes. */
  readonly outliers: number[];
}

const logUniform = (rand: () => number, lo: number, hi: number): number => Math.exp(Math.log(lo) + rand() * (Math.log(hi) - Math.log(lo)));

function checkRange(name: string, r: readonly [number, number], min: number): readonly [number, number] {
  if (!(r.length === 2 && r[0] >= min && r[1] >= r[0] && Number.isFinite(r[1]))) {
    throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `generateCiSeries: ranges.${name} must be [lo, hi] with ${min} ≤ lo ≤ hi < ∞, got [${r.join(', ')}]`);
  }
  return r;
}

/** Cumulative noise weights [gaussian, gaussian + bimodal] over the total; the defaults give exactly 0.5 and 0.75. */
function noiseCuts(w: Readonly<Partial<Record<SyntheticNoise, number>>> | undefined): readonly [number, number] {
  const g = w ? (w.gaussian ?? 0) : 0.5;
  const b = w ? (w.bimodal ?? 0) : 0.25;
  const h = w ? (w.heavy ?? 0) : 0.25;
  const total = g + b + h;
  if (!(g >= 0 && b >= 0 && h >= 0 && total > 0 && Number.isFinite(total))) {
    throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, 'generateCiSeries: ranges.noise weights must be finite, ≥ 0, and not all 0');
  }
  return [g / total, (g + b) / total];
}

/**
 * Generates one labelled CI-like metric series (durations, sizes): a level with noise of CV 1–20% that is
 * Gaussian, bimodal (two runner populations 3 within-mode σ apart) or heavy-tailed (Student t, 3 df), optional
 * spikes, and either nothing (stable), a step of 2–50% or a slow linear drift. Deterministic for a seed.
 * `ranges` widens or moves those distributions (e.g. quieter series with smaller steps).
 *
 * @throws {LearningError} INVALID_ARGUMENT when `length` < 20, `changeAt` is outside (0, length), or a range
 *   in `ranges` is reversed, negative or not finite.
 * @example
 * const s = generateCiSeries({ seed: 7, kind: 'step', relativeStep: 0.1, noiseCv: 0.02 });
 * s.values.length === s.truth.length; // true
 * @see A. Daly et al., "The use of change point detection to identify software performance regressions in a
 *   continuous integration system", ICPE 2020 — the MongoDB CI series that motivate these shapes.
 */
export function generateCiSeries(options: SyntheticOptions): LabelledSeries {
  const rand = mulberry32(options.seed);
  const rg = options.ranges ?? {};
  const cvRange = checkRange('noiseCv', rg.noiseCv ?? [0.01, 0.2], Number.MIN_VALUE);
  const rateRange = checkRange('outlierRate', rg.outlierRate ?? [0.01, 0.03], 0);
  const spikeRange = checkRange('spikeSigmas', rg.spikeSigmas ?? [5, 20], 0);
  const stepRange = checkRange('relativeStep', rg.relativeStep ?? [0.02, 0.5], Number.MIN_VALUE);
  const driftRange = checkRange('relativeDrift', rg.relativeDrift ?? [0.05, 0.5], 0);
  const spikyShare = rg.spikyShare ?? 0.5;
  if (!(spikyShare >= 0 && spikyShare <= 1)) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `generateCiSeries: ranges.spikyShare must be in [0, 1], got ${spikyShare}`);
  const [cutGaussian, cutBimodal] = noiseCuts(rg.noise);
  const kinds: SyntheticKind[] = ['stable', 'step', 'drift'];
  const kind = options.kind ?? kinds[Math.floor(rand() * 3)]!;
  const length = options.length ?? 60 + Math.floor(rand() * 101);
  if (!(Number.isInteger(length) && length >= 20)) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `generateCiSeries: length must be an integer ≥ 20, got ${length}`);
  const base = options.base ?? logUniform(rand, 10, 1000);
  const noiseCv = options.noiseCv ?? logUniform(rand, cvRange[0], cvRange[1]);
  const u = rand();
  const noise = options.noise ?? (u < cutGaussian ? 'gaussian' : u < cutBimodal ? 'bimodal' : 'heavy');
  const outlierRate = options.outlierRate ?? (rand() < 1 - spikyShare ? 0 : rateRange[0] + (rateRange[1] - rateRange[0]) * rand());
  const changeAt = options.changeAt ?? 30 + Math.floor(rand() * Math.max(1, length - 40));
  if (kind !== 'stable' && !(changeAt > 0 && changeAt < length)) {
    throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `generateCiSeries: changeAt must be in (0, ${length}), got ${changeAt}`);
  }
  const sign = rand() < 0.5 ? -1 : 1;
  const relativeStep = options.relativeStep ?? sign * logUniform(rand, stepRange[0], stepRange[1]);
  const relativeDrift = options.relativeDrift ?? sign * (driftRange[0] + (driftRange[1] - driftRange[0]) * rand());
  const sigma = noiseCv * base;
  const truth: number[] = [];
  for (let i = 0; i < length; i++) {
    let level = base;
    if (kind === 'step' && i >= changeAt) level = base * (1 + relativeStep);
    if (kind === 'drift' && i >= changeAt) level = base * (1 + (relativeDrift * (i - changeAt + 1)) / (length - changeAt));
    truth.push(level);
  }
  // Bimodal: 30% of runs land in a second mode 3 within-mode σ higher; mixture σ equals `sigma`.
  const wBimodal = sigma / Math.sqrt(1 + 0.21 * 9);
  const draw = (): number => {
    if (noise === 'bimodal') return wBimodal * (gaussian(rand) + (rand() < 0.3 ? 3 : 0) - 0.9);
    if (noise === 'heavy') {
      const z = gaussian(rand);
      const chi = gaussian(rand) ** 2 + gaussian(rand) ** 2 + gaussian(rand) ** 2;
      return (sigma / Math.sqrt(3)) * (z / Math.sqrt(chi / 3));
    }
    return sigma * gaussian(rand);
  };
  const values: number[] = [];
  const outliers: number[] = [];
  for (let i = 0; i < length; i++) {
    let v = truth[i]! + draw();
    if (rand() < outlierRate) {
      v = truth[i]! + (rand() < 0.8 ? 1 : -1) * (spikeRange[0] + (spikeRange[1] - spikeRange[0]) * rand()) * sigma;
      outliers.push(i);
    }
    values.push(v);
  }
  return {
    seed: options.seed,
    kind,
    noise,
    values,
    truth,
    base,
    sigma,
    noiseCv,
    ...(kind === 'stable' ? {} : { changeAt }),
    ...(kind === 'step' ? { relativeStep } : {}),
    ...(kind === 'drift' ? { relativeDrift } : {}),
    outliers,
  };
}

/** Options of {@link generateCiSuite}. */
export interface SuiteOptions {
  readonly seed: number;
  readonly count: number;
  /** Share of each kind. @default { stable: 0.4, step: 0.4, drift: 0.2 } */
  readonly mix?: Readonly<Partial<Record<SyntheticKind, number>>>;
  /** Distributions every series draws from (see {@link SyntheticRanges}); defaults as documented there. */
  readonly ranges?: SyntheticRanges;
}

/**
 * A reproducible suite of labelled series: series i uses seed `hash(seed, i)` and a kind chosen by `mix`.
 * Training (calibration fit) and evaluation use different `seed`s.
 *
 * @throws {LearningError} INVALID_ARGUMENT when `count` < 1 or the mix has no positive share.
 * @example
 * generateCiSuite({ seed: 1, count: 100 }).filter((s) => s.kind === 'step').length; // about 40
 */
export function generateCiSuite(options: SuiteOptions): LabelledSeries[] {
  const mix = options.mix ?? { stable: 0.4, step: 0.4, drift: 0.2 };
  const entries = (Object.entries(mix) as Array<[SyntheticKind, number]>).filter(([, w]) => w > 0);
  const total = entries.reduce((a, [, w]) => a + w, 0);
  if (!(Number.isInteger(options.count) && options.count >= 1) || !(total > 0)) {
    throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, 'generateCiSuite: count must be an integer ≥ 1 and the mix must have a positive share');
  }
  const pick = mulberry32(options.seed ^ 0x9e3779b9);
  const out: LabelledSeries[] = [];
  for (let i = 0; i < options.count; i++) {
    let r = pick() * total;
    let kind = entries[0]![0];
    for (const [k, w] of entries) {
      if (r < w) {
        kind = k;
        break;
      }
      r -= w;
    }
    const seed = (Math.imul(options.seed, 0x85ebca6b) + Math.imul(i + 1, 0xc2b2ae35)) >>> 0;
    out.push(generateCiSeries(options.ranges ? { seed, kind, ranges: options.ranges } : { seed, kind }));
  }
  return out;
}
