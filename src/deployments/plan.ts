import type { DeployTask, Template } from './template.schema.ts';

/** A deployment's phases and tasks with every `{{var}}` resolved: what the workers execute. */
export interface PlannedTask {
  id: string;
  name: string;
  type: DeployTask['type'];
  after: string[];
  spec: DeployTask;
  /** The task's own estimate, for the plan preview. */
  estimateMs: number;
}

export interface PlannedPhase {
  id: string;
  name: string;
  timeoutMs: number;
  verification: boolean;
  tasks: PlannedTask[];
}

export interface DeploymentPlan {
  template: string;
  phases: PlannedPhase[];
  autoRollback: boolean;
  rollback: { tasks: PlannedTask[]; maxDurationMs: number; verify: string[] };
  estimatedMs: number;
}

export type PlanResult = { ok: true; plan: DeploymentPlan } | { ok: false; problems: string[] };

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

function estimate(task: DeployTask): number {
  switch (task.type) {
    case 'webhook':
      return task.statusUrl ? task.pollEvery * 3 : 1000;
    case 'wait':
      return task.duration;
    case 'monitor':
      return task.for;
    case 'checks':
      return 2000;
    case 'manual-gate':
      return 0;
  }
}

/** Tasks in an order that respects `after`, or the names of the tasks in a cycle or waiting for unknown tasks. */
export function dependencyOrder(
  tasks: readonly { id: string; after: readonly string[] }[],
): { ok: true; layers: string[][] } | { ok: false; problem: string } {
  const ids = new Set(tasks.map((task) => task.id));
  for (const task of tasks) {
    const unknown = task.after.find((id) => !ids.has(id));
    if (unknown !== undefined) return { ok: false, problem: `task ${task.id} waits for ${unknown}, which is not a task of the same phase` };
  }
  const done = new Set<string>();
  const layers: string[][] = [];
  while (done.size < tasks.length) {
    const ready = tasks.filter((task) => !done.has(task.id) && task.after.every((id) => done.has(id))).map((task) => task.id);
    if (ready.length === 0) {
      return {
        ok: false,
        problem: `tasks ${tasks
          .filter((task) => !done.has(task.id))
          .map((task) => task.id)
          .join(', ')} wait for each other`,
      };
    }
    for (const id of ready) done.add(id);
    layers.push(ready);
  }
  return { ok: true, layers };
}

/** The longest chain of estimates through a phase's dependencies: how long the phase should take. */
function phaseEstimate(tasks: readonly PlannedTask[]): number {
  const finish = new Map<string, number>();
  const order = dependencyOrder(tasks);
  if (!order.ok) return 0;
  for (const layer of order.layers) {
    for (const id of layer) {
      const task = tasks.find((candidate) => candidate.id === id);
      if (!task) continue;
      finish.set(id, Math.max(0, ...task.after.map((dependency) => finish.get(dependency) ?? 0)) + task.estimateMs);
    }
  }
  return Math.max(0, ...finish.values());
}

/**
 * Resolves a template for one environment: `{{var}}` from the environment's vars plus `service`,
 * `environment` and `version`; every variable the environment lacks is reported at once.
 */
export function buildPlan(name: string, template: Template, vars: Readonly<Record<string, string>>): PlanResult {
  const problems = new Set<string>();
  const resolve = <T>(value: T): T => {
    if (typeof value === 'string') {
      return value.replace(PLACEHOLDER, (whole, key: string) => {
        if (Object.hasOwn(vars, key)) return vars[key] ?? '';
        problems.add(`template ${name} uses {{${key}}}, which this environment's vars do not define`);
        return whole;
      }) as T;
    }
    if (Array.isArray(value)) return value.map(resolve) as T;
    if (value !== null && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolve(inner)])) as T;
    return value;
  };
  const planTask = (task: DeployTask): PlannedTask => {
    const spec = resolve(task);
    return { id: task.id, name: task.name ?? task.id, type: task.type, after: [...task.after], spec, estimateMs: estimate(spec) };
  };
  const phases = template.phases.map((phase) => {
    const order = dependencyOrder(phase.tasks);
    if (!order.ok) problems.add(`template ${name}, phase ${phase.id}: ${order.problem}`);
    return {
      id: phase.id,
      name: phase.name ?? phase.id,
      timeoutMs: phase.timeout,
      verification: phase.verification,
      tasks: phase.tasks.map(planTask),
    };
  });
  const rollback = {
    tasks: template.rollback.tasks.map(planTask),
    maxDurationMs: template.rollback.maxDuration,
    verify: [...template.rollback.verify],
  };
  if (problems.size > 0) return { ok: false, problems: [...problems] };
  const estimatedMs = phases.reduce((sum, phase) => sum + phaseEstimate(phase.tasks), 0);
  return { ok: true, plan: { template: name, phases, autoRollback: template.autoRollback, rollback, estimatedMs } };
}
