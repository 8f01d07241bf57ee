import type { DigestsConfig } from '../../digests/digest-config.ts';
import { escapeText } from '../escape.ts';
import { fitLines } from './status-format.ts';

/** `/readiness digest` without a name: every digest, when and where it posts, and what it covers. */
export function renderDigestList(digests: DigestsConfig): string {
  const lines = Object.entries(digests)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, digest]) => {
      const services = digest.services === undefined ? 'every service' : digest.services.map((service) => `\`${escapeText(service)}\``).join(', ');
      const environments =
        digest.environments === undefined ? '' : ` in ${digest.environments.map((environment) => `\`${escapeText(environment)}\``).join(', ')}`;
      return `• \`${escapeText(name)}\` — \`${escapeText(digest.schedule)}\` (${escapeText(digest.timezone)}) to <#${digest.channel}>, covering ${services}${environments}`;
    });
  return fitLines([
    ':bar_chart: *Digests* — `/readiness digest <name>` shows one as it would be posted now (only to you):'.replace('<name>', '&lt;name&gt;'),
    ...lines,
  ]);
}
