// A Slack storm on demand: a seeded share of Web API calls answered 429 + Retry-After, another share 5xx, so a
// run repeats call for call. Off unless asked for.

/** How much of the Web API to fail, and with which seed. */
export interface FaultInjection {
  /** Share of calls (0–1) answered 429 ratelimited with Retry-After. @defaultValue 0 */
  rateLimitedShare?: number;
  /** Share of calls (0–1) answered with a 5xx before Slack does anything. @defaultValue 0 */
  serverErrorShare?: number;
  /** Seed of the generator that picks which calls fail: the same seed fails the same calls. @defaultValue 1 */
  seed?: number;
  /** Retry-After sent with a 429. @defaultValue 1 */
  retryAfterSeconds?: number;
  /** Methods never failed (say, auth.test so a bot can start). @defaultValue none */
  exempt?: string[];
}

export type InjectedFault = { kind: 'rate_limited'; retryAfterSeconds: number } | { kind: 'server_error'; status: 500 | 502 | 503 };

/** mulberry32: a tiny seeded generator, enough to pick calls repeatably. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVER_ERRORS = [500, 502, 503] as const;

/** Decides, call by call, whether the stand-in answers with a fault instead of doing the work. */
export class FaultInjector {
  private readonly random: () => number;
  private readonly rateLimitedShare: number;
  private readonly serverErrorShare: number;
  private readonly retryAfterSeconds: number;
  private readonly exempt: Set<string>;
  /** Faults answered so far, by kind: what a storm's report counts against. */
  readonly injected = { rate_limited: 0, server_error: 0 };

  constructor(faults: FaultInjection = {}) {
    this.random = seededRandom(faults.seed ?? 1);
    this.rateLimitedShare = faults.rateLimitedShare ?? 0;
    this.serverErrorShare = faults.serverErrorShare ?? 0;
    this.retryAfterSeconds = faults.retryAfterSeconds ?? 1;
    this.exempt = new Set(faults.exempt ?? []);
  }

  get enabled(): boolean {
    return this.rateLimitedShare > 0 || this.serverErrorShare > 0;
  }

  next(method: string): InjectedFault | undefined {
    if (!this.enabled || this.exempt.has(method)) return undefined;
    const roll = this.random();
    if (roll < this.rateLimitedShare) {
      this.injected.rate_limited += 1;
      return { kind: 'rate_limited', retryAfterSeconds: this.retryAfterSeconds };
    }
    if (roll < this.rateLimitedShare + this.serverErrorShare) {
      this.injected.server_error += 1;
      return { kind: 'server_error', status: SERVER_ERRORS[Math.floor(this.random() * SERVER_ERRORS.length)] ?? 500 };
    }
    return undefined;
  }
}
