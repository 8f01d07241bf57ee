/** Just enough of a Dockerfile parser for the deploy tests: stages and the instructions that shape a container. */
export interface DockerStage {
  name: string | undefined;
  from: string;
  user: string | undefined;
  env: Record<string, string>;
  expose: number[];
  /** Exec form (JSON array) only: the shell form would run under /bin/sh, which a signal does not pass through. */
  cmd: string[] | undefined;
  entrypoint: string[] | undefined;
  healthcheck: { options: Record<string, string>; cmd: string[] } | undefined;
  /** Every RUN line, joined. */
  runs: string[];
  /** `COPY [--from=x] src… dest` as written. */
  copies: { from: string | undefined; sources: string[]; destination: string }[];
}

/** Joins continuation lines and drops comments and blank lines. */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    lines.push(current + line);
    current = '';
  }
  if (current !== '') lines.push(current);
  return lines;
}

function execForm(text: string, where: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string'))
    throw new Error(`${where} must be in exec form (a JSON array of strings)`);
  return parsed;
}

/** `KEY=value KEY2="value 2"` (or the legacy `KEY value`). */
function envPairs(text: string): Record<string, string> {
  if (!text.includes('=')) {
    const [key = '', ...rest] = text.split(/\s+/);
    return { [key]: rest.join(' ') };
  }
  const pairs: Record<string, string> = {};
  for (const match of text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const [, key = '', value = ''] = match;
    pairs[key] = value.startsWith('"') ? (JSON.parse(value) as string) : value;
  }
  return pairs;
}

export function parseDockerfile(text: string): DockerStage[] {
  const args: Record<string, string> = {};
  const stages: DockerStage[] = [];
  for (const line of logicalLines(text)) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = keyword.toUpperCase();
    const stage = stages.at(-1);
    if (instruction === 'ARG' && stage === undefined) {
      const [key = '', value = ''] = rest.split('=');
      args[key] = value;
      continue;
    }
    if (instruction === 'FROM') {
      const [, image = '', name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest) ?? [];
      stages.push({
        name,
        from: image.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => args[a ?? b ?? ''] ?? ''),
        user: undefined,
        env: {},
        expose: [],
        cmd: undefined,
        entrypoint: undefined,
        healthcheck: undefined,
        runs: [],
        copies: [],
      });
      continue;
    }
    if (stage === undefined) {
      if (!/^(ARG|#)/i.test(instruction)) throw new Error(`${instruction} before the first FROM`);
      continue;
    }
    switch (instruction) {
      case 'USER':
        stage.user = rest.trim();
        break;
      case 'ENV':
        Object.assign(stage.env, envPairs(rest));
        break;
      case 'EXPOSE':
        stage.expose.push(...rest.split(/\s+/).map((port) => Number(port.split('/')[0])));
        break;
      case 'CMD':
        stage.cmd = execForm(rest, 'CMD');
        break;
      case 'ENTRYPOINT':
        stage.entrypoint = execForm(rest, 'ENTRYPOINT');
        break;
      case 'RUN':
        stage.runs.push(rest);
        break;
      case 'COPY': {
        const parts = rest.split(/\s+/);
        const from = parts.find((part) => part.startsWith('--from='))?.slice('--from='.length);
        const paths = parts.filter((part) => !part.startsWith('--'));
        stage.copies.push({ from, sources: paths.slice(0, -1), destination: paths.at(-1) ?? '' });
        break;
      }
      case 'HEALTHCHECK': {
        const [, optionText = '', command = ''] = /^((?:--\S+\s+)*)CMD\s+(.*)$/.exec(rest) ?? [];
        const options = Object.fromEntries([...optionText.matchAll(/--([\w-]+)=(\S+)/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
        stage.healthcheck = { options, cmd: execForm(command, 'HEALTHCHECK CMD') };
        break;
      }
      default:
        break;
    }
  }
  return stages;
}

/** A stage with what it inherits from the stage it is built FROM (ENV, USER, EXPOSE, CMD, HEALTHCHECK). */
export function effectiveStage(stages: DockerStage[], name: string): DockerStage {
  const stage = stages.find((s) => s.name === name);
  if (!stage) throw new Error(`no stage ${name}`);
  const parent = stages.find((s) => s.name === stage.from);
  if (!parent) return stage;
  const base = effectiveStage(stages, parent.name ?? '');
  return {
    ...stage,
    user: stage.user ?? base.user,
    env: { ...base.env, ...stage.env },
    expose: [...base.expose, ...stage.expose],
    cmd: stage.cmd ?? base.cmd,
    entrypoint: stage.entrypoint ?? base.entrypoint,
    healthcheck: stage.healthcheck ?? base.healthcheck,
  };
}
