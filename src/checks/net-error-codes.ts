/*
 * Error codes a probe records as evidence, and a recommendation reads back to say what to fix. They are the
 * vocabulary both sides share, so they live with the check types rather than with the probes.
 */

/** Errors that mean the host name itself could not be looked up: the check cannot say anything about the port. */
export const UNRESOLVABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);

/** What OpenSSL says when the bytes coming back are not TLS records at all: a plain-text port. */
export const NOT_TLS = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_RECORD_LAYER_FAILURE',
  'ERR_SSL_UNKNOWN_PROTOCOL',
  'ERR_SSL_HTTP_REQUEST',
]);
