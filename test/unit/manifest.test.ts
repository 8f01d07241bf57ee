import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/shared/paths.ts';
import { ids } from '../../src/slack/ids.ts';

interface Manifest {
  features: { slash_commands: { command: string; url: string; should_escape: boolean }[]; bot_user: { display_name: string } };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean; request_url: string }; socket_mode_enabled: boolean };
}
const manifest = JSON.parse(readFileSync(join(projectRoot, 'manifest.json'), 'utf8')) as Manifest;

/** The bot scope each Web API method needs (https://api.slack.com/methods). */
const SCOPE_OF_METHOD: Record<string, string | null> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.getPermalink': null,
  'users.info': 'users:read',
  'usergroups.users.list': 'usergroups:read',
  'conversations.info': 'channels:read',
  // Finding a post made before a crash by its metadata (public channels; a private one also needs groups:history).
  'conversations.history': 'channels:history',
  'views.open': null,
  'views.update': null,
  'views.publish': null,
  'files.uploadV2': 'files:write',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'generated') return [];
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Methods the Web API client also offers under another name: `client.filesUploadV2(` is files.uploadV2. */
const WRAPPER_OF_METHOD: Record<string, string> = { 'files.uploadV2': 'filesUploadV2' };

/** `client.chat.postMessage(`, or the method's wrapper. */
function callPattern(method: string): RegExp {
  const spellings = [method, WRAPPER_OF_METHOD[method]].filter((name) => name !== undefined);
  return new RegExp(spellings.map((name) => `\\.${name.replaceAll('.', '\\.')}\\(`).join('|'));
}

/** Web API methods the bot's own code calls (the stand-in in tools/slack-stand-in serves them and is not scanned). */
function methodsCalled(): Set<string> {
  const text = ['src', 'commands', 'jobs']
    .flatMap((dir) => sourceFiles(join(projectRoot, dir)))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  const called = new Set<string>();
  for (const method of Object.keys(SCOPE_OF_METHOD)) {
    if (callPattern(method).test(text)) called.add(method);
  }
  return called;
}

describe('manifest.json', () => {
  it('declares the slash command the app registers, unescaped so ids arrive as typed', () => {
    expect(manifest.features.slash_commands.map((command) => command.command)).toEqual([ids.command]);
    expect(manifest.features.slash_commands[0]?.should_escape).toBe(false);
  });

  it('sends commands and interactions to the Bolt endpoint', () => {
    for (const url of [manifest.features.slash_commands[0]?.url, manifest.settings.interactivity.request_url]) {
      expect(url).toMatch(/^https:\/\/.+\/slack\/events$/);
    }
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });

  it('asks for exactly the bot scopes the code uses: none missing, none spare', () => {
    const needed = new Set(['commands']);
    for (const method of methodsCalled()) {
      const scope = SCOPE_OF_METHOD[method];
      if (scope) needed.add(scope);
    }
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });
});
