import type { StatusRepository } from './status.ports.ts';
import { errorHeadline } from '../shared/text.ts';
import type { AuditPage } from './status.types.ts';

/**
 * Events per page of `/readiness audit`. Each event line is at most about 600 characters (its reason is
 * shortened), so a page stays far inside Slack's limits: 4 sections of 5 lines, each under 3,000 characters.
 * @defaultValue 20
 */
export const AUDIT_PAGE_SIZE = 20;

export type AuditPageResult =
  | { ok: true; page: AuditPage }
  | { ok: false; reason: 'beyond_last_page'; pages: number; total: number }
  | { ok: false; reason: 'unavailable'; detail: string };

export const pageCount = (total: number, pageSize: number) => Math.max(1, Math.ceil(total / pageSize));

/** One page of a service's audit trail, newest first; a page past the last is refused with how many there are. */
export async function loadAuditPage(
  deps: { status: Pick<StatusRepository, 'countAuditEvents' | 'auditEvents'> },
  input: { service: string; environment: string | null; page: number },
  pageSize = AUDIT_PAGE_SIZE,
): Promise<AuditPageResult> {
  const filter = { service: input.service, environment: input.environment };
  try {
    const total = await deps.status.countAuditEvents(filter);
    const pages = pageCount(total, pageSize);
    if (input.page > pages) return { ok: false, reason: 'beyond_last_page', pages, total };
    const events = await deps.status.auditEvents(filter, { offset: (input.page - 1) * pageSize, limit: pageSize });
    return { ok: true, page: { ...filter, page: input.page, pages, total, events } };
  } catch (error) {
    return { ok: false, reason: 'unavailable', detail: errorHeadline(error) };
  }
}
