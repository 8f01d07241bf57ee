import { escapeText, truncate } from '../escape.ts';

/** What replaces a submitted modal Readiness does not know: that nothing was done, and where to start again. */
export function renderUnknownModal(callbackId: string) {
  return {
    type: 'modal' as const,
    title: { type: 'plain_text' as const, text: 'Readiness' },
    close: { type: 'plain_text' as const, text: 'Close' },
    blocks: [
      {
        type: 'section' as const,
        text: {
          type: 'mrkdwn' as const,
          text: `This form (\`${escapeText(truncate(callbackId, 60))}\`) is not one Readiness answers, perhaps from an older version. Nothing was done; use \`/readiness help\` to find what you meant.`,
        },
      },
    ],
  };
}
