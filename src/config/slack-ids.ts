import { z } from 'zod';

/** Slack ids as readiness.yaml names people, groups and channels. */
export const SlackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'expected a Slack user id such as U012ABCDEF');
export const SlackUsergroupId = z.string().regex(/^S[A-Z0-9]{2,}$/, 'expected a Slack usergroup id such as S012ABCDEF');
export const SlackChannelId = z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'expected a Slack channel id such as C012ABCDEF');
