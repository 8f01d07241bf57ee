import type { RecordedCall, RecordedResponse } from './slack-stand-in.ts';

const EMOJI: Record<string, string> = {
  ':white_check_mark:': '✅',
  ':warning:': '⚠️ ',
  ':x:': '❌',
  ':exclamation:': '❗',
  ':hourglass_flowing_sand:': '⏳',
  ':fast_forward:': '⏩',
  ':large_green_circle:': '🟢',
  ':large_yellow_circle:': '🟡',
  ':red_circle:': '🔴',
  ':clipboard:': '📋',
  ':white_circle:': '⚪',
  ':rocket:': '🚀',
  ':arrows_counterclockwise:': '🔄',
  ':arrow_forward:': '▶️ ',
  ':rewind:': '⏪',
  ':raised_hand:': '✋',
  ':ballot_box_with_check:': '☑️ ',
  ':rotating_light:': '🚨',
  ':octagonal_sign:': '🛑',
};

function plain(mrkdwn: string): string {
  return mrkdwn
    .replace(/:[a-z_]+:/g, (code) => EMOJI[code] ?? code)
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

type Block = { type?: string; text?: { text?: string }; elements?: { text?: string }[]; fields?: { text?: string }[] };

/** Block Kit as a person would read it in a terminal. */
export function blocksToText(blocks: unknown, fallback: string | undefined): string {
  if (!Array.isArray(blocks) || blocks.length === 0) return plain(fallback ?? '');
  return (blocks as Block[])
    .map((block) => {
      switch (block.type) {
        case 'header':
          return `== ${block.text?.text ?? ''} ==`;
        case 'section':
          return plain([block.text?.text, ...(block.fields ?? []).map((field) => field.text)].filter(Boolean).join('\n'));
        case 'context':
          return plain((block.elements ?? []).map((element) => element.text ?? '').join('  '));
        case 'divider':
          return '────────';
        case 'actions':
          return `[buttons: ${((block as { elements?: { text?: { text?: string } }[] }).elements ?? []).map((element) => element.text?.text ?? '?').join(' | ')}]`;
        default:
          return `[${block.type ?? 'block'}]`;
      }
    })
    .join('\n');
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');

/** One line (and the message body) for each thing the bot said in Slack. */
export function describeCall(call: RecordedCall): string | undefined {
  const args = call.args as { channel?: string; text?: string; blocks?: unknown; ts?: string; thread_ts?: string };
  const where = args.thread_ts ? `#${args.channel ?? '?'}, in the thread of ${args.thread_ts}` : `#${args.channel ?? '?'}`;
  const failed = call.response.ok === false ? ` → refused: ${String(call.response.error)}` : '';
  switch (call.method) {
    case 'chat.postMessage':
      return `[bot posted in ${where}]${failed}\n${indent(blocksToText(args.blocks, args.text))}`;
    case 'chat.update':
      return `[bot updated its message ${args.ts ?? ''}]${failed}\n${indent(blocksToText(args.blocks, args.text))}`;
    case 'chat.postEphemeral':
      return `[bot, only visible to you]${failed}\n${indent(blocksToText(args.blocks, args.text))}`;
    default:
      return undefined;
  }
}

export function describeResponse(response: RecordedResponse): string {
  const body = response.body as { text?: string; blocks?: unknown; response_type?: string };
  const who = body.response_type === 'in_channel' ? 'bot, in the channel' : 'bot, only visible to you';
  return `[${who}]\n${indent(blocksToText(body.blocks, body.text))}`;
}
