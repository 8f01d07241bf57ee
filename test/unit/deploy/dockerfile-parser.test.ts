import { describe, expect, it } from 'vitest';
import { effectiveStage, parseDockerfile } from '../../support/dockerfile.ts';

const TEXT = `# syntax=docker/dockerfile:1
ARG BASE=node:26-slim
FROM \${BASE} AS build
ENV A=1 \\
    B="two words"
USER 1000:1000
EXPOSE 3000 9090/tcp
CMD ["node", "dist/src/main/bot.js"]

FROM build AS sandbox
# comments between instructions are skipped
ENV B=three
CMD ["node", "--import", "tsx", "tools/slack-stand-in/x.ts"]

FROM \${BASE} AS runtime
COPY --from=build /app/dist ./dist
HEALTHCHECK --interval=15s --timeout=5s CMD ["node", "healthcheck.mjs", "/healthz"]
`;

describe('parseDockerfile (the deploy tests rely on it)', () => {
  const stages = parseDockerfile(TEXT);

  it('reads stages with ARG substitution, continuation lines, quoted ENV values and exec-form commands', () => {
    expect(stages.map((stage) => [stage.name, stage.from])).toEqual([
      ['build', 'node:26-slim'],
      ['sandbox', 'build'],
      ['runtime', 'node:26-slim'],
    ]);
    expect(stages[0]).toMatchObject({
      env: { A: '1', B: 'two words' },
      user: '1000:1000',
      expose: [3000, 9090],
      cmd: ['node', 'dist/src/main/bot.js'],
    });
    expect(stages[2]?.copies).toEqual([{ from: 'build', sources: ['/app/dist'], destination: './dist' }]);
    expect(stages[2]?.healthcheck).toEqual({ options: { interval: '15s', timeout: '5s' }, cmd: ['node', 'healthcheck.mjs', '/healthz'] });
  });

  it('gives a stage what it inherits from the stage it is built from', () => {
    expect(effectiveStage(stages, 'sandbox')).toMatchObject({
      user: '1000:1000',
      env: { A: '1', B: 'three' },
      cmd: ['node', '--import', 'tsx', 'tools/slack-stand-in/x.ts'],
    });
    expect(effectiveStage(stages, 'runtime').user).toBeUndefined();
  });

  it('refuses the shell form of CMD, whose process would not receive SIGTERM', () => {
    expect(() => parseDockerfile('FROM node:26-slim\nCMD node dist/src/main/bot.js\n')).toThrow(/exec form/);
  });
});
