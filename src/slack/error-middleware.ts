import { randomUUID } from 'node:crypto';
import type { AnyMiddlewareArgs, AllMiddlewareArgs } from '@slack/bolt';
import { errorFields, type Logger } from '../shared/logger.ts';
import { messages } from './messages.ts';

/**
 * The one place an unexpected error reaches a user: logged with a reference, shown to the user ephemerally with
 * that reference, never as a stack trace. (`app.error` only sees the error; this has `respond`.)
 */
export function errorMiddleware(logger: Logger) {
  return async (args: AnyMiddlewareArgs & AllMiddlewareArgs) => {
    try {
      await args.next();
    } catch (error) {
      const reference = randomUUID().slice(0, 8);
      logger.error('unhandled error in a Slack listener', { reference, ...errorFields(error) });
      const respond = 'respond' in args ? args.respond : undefined;
      if (respond) {
        await respond({ response_type: 'ephemeral', replace_original: false, text: messages.unexpected(reference) }).catch((respondError: unknown) =>
          logger.warn('could not tell the user about an error', { reference, ...errorFields(respondError) }),
        );
      }
    }
  };
}
