/**
 * QUEUE_PREFIX forms. BullMQ names every key `<prefix>:<queue>:<rest>` and its scripts touch several keys at once,
 * across queues too (a flow's parent in `assessments`, its children in `checks`). Redis Cluster refuses a script
 * whose keys live in different hash slots, so on a Cluster the prefix must be a hash tag, `{name}`: Redis then
 * hashes only `name`, and every key of every queue lands in one slot.
 */

/** `readiness` (plain) or `{readiness}` (hash tag: required on Redis Cluster). */
export const QUEUE_PREFIX_PATTERN = /^(?:[A-Za-z0-9_-]+|\{[A-Za-z0-9_-]+\})$/;

export const QUEUE_PREFIX_RULE = 'letters, digits, _ and - only, optionally wrapped in braces as a Redis Cluster hash tag such as {readiness}';

/** Whether every key under `prefix` hashes to one Redis Cluster slot. */
export function isHashTagPrefix(prefix: string): boolean {
  return /^\{[A-Za-z0-9_-]+\}$/.test(prefix);
}

/**
 * The part of a key Redis Cluster hashes (its rule: the text between the first `{` and the next `}`, when not
 * empty; otherwise the whole key). Keys with the same hash tag share a slot.
 */
export function clusterHashTag(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close === -1 || close === open + 1 ? key : key.slice(open + 1, close);
}
