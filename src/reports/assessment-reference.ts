/** How a person names an assessment: the 8 characters in its message footer, or its full id. */
export type AssessmentReference = { kind: 'short'; prefix: string } | { kind: 'full'; id: string };

const SHORT = /^[0-9a-f]{8}$/;
const FULL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Accepts what people paste: any case, and the backticks the footer shows around the id. */
export function parseAssessmentReference(text: string): AssessmentReference | undefined {
  const cleaned = text
    .trim()
    .replace(/^`+|`+$/g, '')
    .toLowerCase();
  if (SHORT.test(cleaned)) return { kind: 'short', prefix: cleaned };
  if (FULL.test(cleaned)) return { kind: 'full', id: cleaned };
  return undefined;
}

export const shortId = (id: string) => id.slice(0, 8);

/** The reference as it was understood, for answers: lowercase hex, no backticks. */
export const referenceText = (reference: AssessmentReference) => (reference.kind === 'short' ? reference.prefix : reference.id);
