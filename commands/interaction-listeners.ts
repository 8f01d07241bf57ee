import type { AllMiddlewareArgs, App, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';

export type ActionListener = (args: SlackActionMiddlewareArgs & AllMiddlewareArgs) => Promise<void>;
export type ViewListener = (args: SlackViewMiddlewareArgs & AllMiddlewareArgs) => Promise<void>;

/** Where the edges register what answers each button (`action_id`) and each modal (`callback_id`). */
export interface InteractionListeners {
  action(actionId: string, listener: ActionListener): void;
  view(callbackId: string, listener: ViewListener): void;
}

/** Matches every id: the one Bolt listener of each kind sees every click or submission and picks by id. */
const ANY_ID = /(?:)/;

/**
 * Buttons and modals as one Bolt listener each, finding the answering listener by id in a map. Bolt runs the
 * middleware chain of every registered listener for every request (a copy of the chain, an argument object per
 * middleware, a promise each) only for all but one to find the request is not theirs: with a listener per id (24)
 * that was about a third of what a burst of slash commands allocated before their acks (docs/performance.md, "Ack
 * latency"). Matching is Bolt's as before: block actions by `action_id`, `view_submission`s by `callback_id`; an id
 * nobody registered goes to `unknown`, exactly once, as the catch-all listener did.
 */
export function mountInteractionListeners(
  app: App,
  unknown: { action: ActionListener; view: ViewListener },
  register: (listeners: InteractionListeners) => void,
): { actionIds: readonly string[]; viewIds: readonly string[] } {
  const actions = new Map<string, ActionListener>();
  const views = new Map<string, ViewListener>();
  const add = <L>(table: Map<string, L>, kind: string, id: string, listener: L) => {
    // Bolt would have run both; one answer per click is the rule here, so a second registration is a bug.
    if (table.has(id)) throw new Error(`two listeners for the ${kind} ${id}`);
    table.set(id, listener);
  };
  register({
    action: (actionId, listener) => add(actions, 'action', actionId, listener),
    view: (callbackId, listener) => add(views, 'view', callbackId, listener),
  });
  app.action(ANY_ID, (args) => {
    const actionId = 'action_id' in args.payload ? args.payload.action_id : undefined;
    return ((typeof actionId === 'string' ? actions.get(actionId) : undefined) ?? unknown.action)(args);
  });
  app.view(ANY_ID, (args) => (views.get(args.view.callback_id) ?? unknown.view)(args));
  return { actionIds: [...actions.keys()], viewIds: [...views.keys()] };
}
