import { describe, expect, it } from 'vitest';
import { escapeText, mentionUser, truncate } from '../../../src/slack/escape.ts';

describe('escapeText', () => {
  it('neutralises broadcasts, mentions and disguised links', () => {
    expect(escapeText('<!channel>')).toBe('&lt;!channel&gt;');
    expect(escapeText('<!here> <!everyone>')).toBe('&lt;!here&gt; &lt;!everyone&gt;');
    expect(escapeText('<@U123ABC>')).toBe('&lt;@U123ABC&gt;');
    expect(escapeText('<https://evil.example|click here>')).toBe('&lt;https://evil.example|click here&gt;');
  });

  it('escapes & first, so text that looks like an entity displays literally', () => {
    expect(escapeText('a & b')).toBe('a &amp; b');
    expect(escapeText('&lt;!channel&gt;')).toBe('&amp;lt;!channel&amp;gt;');
  });

  it('leaves ordinary text, emoji codes and formatting characters alone', () => {
    const text = 'Latency 250 ms — p95 *slow* _ok_ `code` :warning: "quoted" it\'s 100%';
    expect(escapeText(text)).toBe(text);
    expect(escapeText('')).toBe('');
  });

  it('never leaves a raw < or > behind', () => {
    const escaped = escapeText('<<<>>> <a> </script> <!subteam^S1|@ops>');
    expect(escaped).not.toMatch(/[<>]/);
  });
});

describe('truncate', () => {
  it('leaves text at or under the limit untouched', () => {
    expect(truncate('hello', 5)).toBe('hello');
    expect(truncate('hello', 10)).toBe('hello');
    expect(truncate('', 0)).toBe('');
  });

  it('shortens longer text to exactly the limit, ending with an ellipsis', () => {
    const result = truncate('abcdefghij', 5);
    expect(result).toBe('abcd…');
    expect(result).toHaveLength(5);
  });

  it('handles a limit of 1', () => {
    expect(truncate('abc', 1)).toBe('…');
  });
});

describe('mentionUser', () => {
  it('mentions a Slack user id', () => {
    expect(mentionUser('U0123ABCD')).toBe('<@U0123ABCD>');
    expect(mentionUser('W0123ABCD')).toBe('<@W0123ABCD>');
  });

  it('escapes anything that is not a user id instead of building a mention from it', () => {
    expect(mentionUser('U1>|<!channel')).toBe('U1&gt;|&lt;!channel');
    expect(mentionUser('<!channel>')).toBe('&lt;!channel&gt;');
    expect(mentionUser('u0123abcd')).toBe('u0123abcd');
    expect(mentionUser('C0123ABCD')).toBe('C0123ABCD');
  });
});
