import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackStandIn } from '../../tools/slack-stand-in/slack-stand-in.ts';

// Slack's external file upload, as the Web API client drives it, against the stand-in the report tests rely on.
const TOKEN = 'xoxb-upload-test';
const CHANNEL = 'C0UPLOADS';

let standIn: SlackStandIn;
let client: WebClient;
beforeAll(async () => {
  standIn = await SlackStandIn.start({ signingSecret: 'secret', botToken: TOKEN, channels: [CHANNEL, 'C0OTHER'] });
  client = new WebClient(TOKEN, { slackApiUrl: standIn.apiUrl, retryConfig: { retries: 0 } });
});
afterAll(async () => {
  await standIn.close();
});

const refusal = async (call: Promise<unknown>) => {
  try {
    await call;
  } catch (error) {
    return (error as { data?: { error?: string } }).data?.error ?? String(error);
  }
  throw new Error('expected Slack to refuse the call');
};

async function ticket(filename: string, content: string) {
  const got = await client.files.getUploadURLExternal({ filename, length: Buffer.byteLength(content) });
  return { fileId: got.file_id ?? '', uploadUrl: got.upload_url ?? '' };
}

describe('files.uploadV2 through the stand-in', () => {
  it('shares both files in one reply in the thread, with the comment, and keeps their bytes', async () => {
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: 'the assessment' });
    const result = await client.filesUploadV2({
      channel_id: CHANNEL,
      thread_ts: parent.ts ?? '',
      initial_comment: 'Here is the report',
      file_uploads: [
        { content: '# Report\nAll good — ✓\n', filename: 'report.md', title: 'Report' },
        { content: '{"verdict":"GO"}\n', filename: 'report.json', title: 'Report (JSON)' },
      ],
    });
    expect(result.ok).toBe(true);

    expect(standIn.callsTo('files.getUploadURLExternal')).toHaveLength(2);
    const completions = standIn.callsTo('files.completeUploadExternal');
    expect(completions).toHaveLength(1);
    expect(completions[0]?.args).toMatchObject({ channel_id: CHANNEL, thread_ts: parent.ts });

    const replies = standIn.threadReplies(CHANNEL, parent.ts ?? '');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ text: 'Here is the report', threadTs: parent.ts });
    const files = (replies[0]?.files ?? []).map((ref) => standIn.file(ref.id));
    expect(files.map((file) => [file?.name, file?.title, file?.completed])).toEqual([
      ['report.md', 'Report', true],
      ['report.json', 'Report (JSON)', true],
    ]);
    expect(files[0]?.content?.toString('utf8')).toBe('# Report\nAll good — ✓\n');
    expect(files[1]?.content?.toString('utf8')).toBe('{"verdict":"GO"}\n');
    expect(files[0]?.shares).toEqual([{ channel: CHANNEL, ts: replies[0]?.ts, threadTs: parent.ts }]);
  });

  it('accepts raw bytes as well as a multipart form at the upload URL, and answers 200', async () => {
    const { fileId, uploadUrl } = await ticket('raw.txt', 'abc');
    const response = await fetch(uploadUrl, { method: 'POST', body: 'abc' });
    expect(response.status).toBe(200);
    await client.files.completeUploadExternal({ files: [{ id: fileId }] });
    expect(standIn.file(fileId)).toMatchObject({ completed: true, shares: [] });
    expect(standIn.file(fileId)?.content?.toString()).toBe('abc');
  });
});

describe('what Slack refuses', () => {
  it('a ticket without a length is missing_argument; without a filename, invalid_arguments', async () => {
    expect(await refusal(client.files.getUploadURLExternal({ filename: 'a.txt', length: 0 }))).toBe('missing_argument');
    expect(await refusal(client.apiCall('files.getUploadURLExternal', { length: 3 }))).toBe('invalid_arguments');
    expect(await refusal(client.files.getUploadURLExternal({ filename: 'a.txt', length: 3, alt_text: 'x'.repeat(1001) }))).toBe('alt_txt_too_large');
    expect(
      await refusal(
        new WebClient(undefined, { slackApiUrl: standIn.apiUrl, retryConfig: { retries: 0 } }).files.getUploadURLExternal({
          filename: 'a.txt',
          length: 3,
        }),
      ),
    ).toBe('not_authed');
  });

  it('an upload URL takes the declared number of bytes, once; other URLs are not found', async () => {
    const { uploadUrl } = await ticket('a.txt', 'abc');
    expect((await fetch(uploadUrl, { method: 'POST', body: 'ab' })).status).toBe(400);
    expect((await fetch(uploadUrl, { method: 'POST', body: 'abc' })).status).toBe(200);
    expect((await fetch(uploadUrl, { method: 'POST', body: 'abc' })).status).toBe(404);
    expect((await fetch(`${standIn.baseUrl}/upload/v1/nothing-here`, { method: 'POST', body: 'abc' })).status).toBe(404);
  });

  it('completing an unknown ticket, one not uploaded yet, or one already completed is file_not_found', async () => {
    expect(await refusal(client.files.completeUploadExternal({ files: [{ id: 'F0NOSUCH' }] }))).toBe('file_not_found');
    const { fileId, uploadUrl } = await ticket('a.txt', 'abc');
    expect(await refusal(client.files.completeUploadExternal({ files: [{ id: fileId }] }))).toBe('file_not_found');
    await fetch(uploadUrl, { method: 'POST', body: 'abc' });
    await client.files.completeUploadExternal({ files: [{ id: fileId }] });
    expect(await refusal(client.files.completeUploadExternal({ files: [{ id: fileId }] }))).toBe('file_not_found');
  });

  it('an unknown channel is channel_not_found and leaves the ticket usable', async () => {
    const { fileId, uploadUrl } = await ticket('a.txt', 'abc');
    await fetch(uploadUrl, { method: 'POST', body: 'abc' });
    expect(await refusal(client.files.completeUploadExternal({ files: [{ id: fileId }], channel_id: 'C0NOWHERE' }))).toBe('channel_not_found');
    expect(
      await refusal(
        client.apiCall('files.completeUploadExternal', { files: [{ id: fileId }], channels: `${CHANNEL},C0OTHER`, thread_ts: '1.000001' }),
      ),
    ).toBe('invalid_arguments');
    await client.files.completeUploadExternal({ files: [{ id: fileId }], channel_id: CHANNEL });
    expect(
      standIn
        .messages(CHANNEL)
        .at(-1)
        ?.files?.map((file) => file.id),
    ).toEqual([fileId]);
  });

  it("an initial comment over Slack's text limit is msg_too_long", async () => {
    const { fileId, uploadUrl } = await ticket('a.txt', 'abc');
    await fetch(uploadUrl, { method: 'POST', body: 'abc' });
    expect(
      await refusal(client.files.completeUploadExternal({ files: [{ id: fileId }], channel_id: CHANNEL, initial_comment: 'x'.repeat(40_001) })),
    ).toBe('msg_too_long');
  });
});
