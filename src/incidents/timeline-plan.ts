import type {
  EscalationStep,
  IncidentView,
  NewNotification,
  PageTargets,
  PageTrigger,
  PathSnapshot,
  ThreadRef,
  TimelineEvent,
} from './incident.types.ts';
import { stepKey } from './incident.types.ts';

type Subject = Pick<IncidentView, 'id' | 'threads'>;

const mirrorKey = (thread: ThreadRef) => `m${thread.channel}_${thread.ts}`;

/**
 * The posts that record one event: a reply in the incident's thread and one in every mirrored thread (a
 * deployment's), each with its own idempotency key derived from the event's.
 */
export function timelinePosts(incident: Subject, eventKey: string, event: TimelineEvent, onlyWhileOpen = false): NewNotification[] {
  return [
    { key: `${incident.id}_${eventKey}_thread`, destination: 'incident_thread', onlyWhileOpen, event },
    ...incident.threads.map(
      (thread): NewNotification => ({
        key: `${incident.id}_${eventKey}_${mirrorKey(thread)}`,
        destination: 'thread',
        channel: thread.channel,
        threadTs: thread.ts,
        onlyWhileOpen,
        event,
      }),
    ),
  ];
}

/** Re-renders the alert from the database once the posts before it are out. */
export const alertUpdate = (incident: Pick<IncidentView, 'id'>, eventKey: string): NewNotification => ({
  key: `${incident.id}_${eventKey}_alert`,
  destination: 'alert_update',
  onlyWhileOpen: false,
  event: { type: 'alert' },
});

export interface PageRequest {
  step: EscalationStep;
  /** The path the step belongs to. */
  path: PathSnapshot;
  targets: PageTargets;
  trigger: PageTrigger;
  by: string;
  waitedMs?: number;
}

/**
 * A page: a mention in the thread (and the mirrors) plus a DM to every target. Pages a timer or the bot sent are
 * dropped once someone acknowledges; a page a person asked for with Escalate goes out regardless.
 */
export function pagePosts(incident: Subject, page: PageRequest): NewNotification[] {
  const onlyWhileOpen = page.trigger !== 'manual';
  const eventKey = `paged_${stepKey(page.step)}`;
  const event: TimelineEvent = {
    type: 'paged',
    step: page.step,
    path: page.path,
    trigger: page.trigger,
    by: page.by,
    targets: page.targets,
    ...(page.waitedMs === undefined ? {} : { waitedMs: page.waitedMs }),
  };
  const dms = page.targets.dmUsers.map(
    (user): NewNotification => ({
      key: `${incident.id}_${eventKey}_dm${user}`,
      destination: 'dm',
      channel: user,
      onlyWhileOpen,
      event: { type: 'page_dm', step: page.step, path: page.path, trigger: page.trigger },
    }),
  );
  return [...timelinePosts(incident, eventKey, event, onlyWhileOpen), ...dms];
}
