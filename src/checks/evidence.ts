import type { UnmetCheck } from './check.types.ts';

/*
 * Readers for an outcome's evidence as a recommendation gets it: stored JSON, possibly written by an older
 * version or by a team's webhook, so nothing about its shape is assumed.
 */

type Evidence = UnmetCheck['evidence'];

export function evidenceNumber(evidence: Evidence, key: string): number | undefined {
  const value = evidence?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function evidenceString(evidence: Evidence, key: string): string | undefined {
  const value = evidence?.[key];
  return typeof value === 'string' ? value : undefined;
}

export function evidenceStrings(evidence: Evidence, key: string): string[] {
  const value = evidence?.[key];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** The timeout run-check reports for every type (ERROR with `{ timeoutMs }`); undefined for anything else. */
export function timedOutAfter(outcome: UnmetCheck): number | undefined {
  return outcome.status === 'ERROR' ? evidenceNumber(outcome.evidence, 'timeoutMs') : undefined;
}

/** `Make X answer within 2000 ms …`: the advice for a timeout, whatever the type. */
export const answerWithin = (what: string, timeoutMs: number) =>
  `Make ${what} answer within the ${timeoutMs} ms timeout (it did not): check that it is up and not overloaded, or raise timeoutMs`;

/** The outcome's message without a trailing period, for quoting inside a sentence. */
export const quoted = (outcome: UnmetCheck) => (outcome.message ?? `status ${outcome.status}`).trim().replace(/\.$/, '');
