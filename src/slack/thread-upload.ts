import type { WebClient } from '@slack/web-api';

export interface ThreadUpload {
  channel: string;
  /** The assessment message: the files become a reply in its thread. */
  threadTs: string;
  /** Slack mrkdwn shown with the files; already escaped. */
  comment: string;
  files: { filename: string; title: string; content: string }[];
}

/** Shares files as one reply in a thread. */
export interface ThreadUploadPort {
  uploadToThread(upload: ThreadUpload): Promise<void>;
}

/**
 * Slack's upload flow as WebClient#filesUploadV2 runs it: files.getUploadURLExternal per file, a POST of the
 * bytes to each upload_url, then one files.completeUploadExternal that shares them all in the thread.
 */
export function threadUploadPort(client: WebClient): ThreadUploadPort {
  return {
    async uploadToThread(upload) {
      await client.filesUploadV2({
        channel_id: upload.channel,
        thread_ts: upload.threadTs,
        initial_comment: upload.comment,
        file_uploads: upload.files.map((file) => ({ content: file.content, filename: file.filename, title: file.title })),
      });
    },
  };
}
