import type { BasicCredential } from './basic-auth.ts';

/** Where Bull Board is served on the bot's admin listener. */
export const QUEUE_BOARD_PATH = '/admin/queues';

/** BULL_BOARD_USER / BULL_BOARD_PASSWORD / BULL_BOARD_WRITE. */
export interface QueueBoardSettings extends BasicCredential {
  /** Retry, promote, clean and remove jobs from the UI; otherwise the board only shows. @defaultValue false */
  writable: boolean;
}
