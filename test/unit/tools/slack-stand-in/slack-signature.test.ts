import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../../../tools/slack-stand-in/slack-signature.ts';

describe('signSlackRequest', () => {
  it("reproduces the worked example from Slack's 'Verifying requests from Slack' guide", () => {
    const secret = '8f742231b10e8888abcd99yyyzzz85a5';
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
      '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
      '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
      '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest(secret, 1531420618, body)).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
  });

  it('is HMAC-SHA256 over "v0:<timestamp>:<body>" in hex', () => {
    const expected = createHmac('sha256', 'shh').update('v0:1700000000:payload=%7B%7D').digest('hex');
    expect(signSlackRequest('shh', 1700000000, 'payload=%7B%7D')).toBe(`v0=${expected}`);
  });

  it('changes when the secret, timestamp or body changes', () => {
    const base = signSlackRequest('secret', 1, 'a=1');
    expect(signSlackRequest('secret2', 1, 'a=1')).not.toBe(base);
    expect(signSlackRequest('secret', 2, 'a=1')).not.toBe(base);
    expect(signSlackRequest('secret', 1, 'a=2')).not.toBe(base);
  });

  it('signs the UTF-8 bytes of non-ASCII bodies', () => {
    const body = 'text=%C3%A9t%C3%A9&raw=été';
    const expected = createHmac('sha256', 'k')
      .update(Buffer.from(`v0:5:${body}`, 'utf8'))
      .digest('hex');
    expect(signSlackRequest('k', 5, body)).toBe(`v0=${expected}`);
  });
});
