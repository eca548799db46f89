import cron, { type ScheduledTask } from 'node-cron';

/** One stopped task per distinct expression, only to compute its next tick: feeds share a few schedules. */
const tasks = new Map<string, ScheduledTask>();

/** The next time `expression` fires after now. */
export function nextTick(expression: string): number | undefined {
  let task = tasks.get(expression);
  if (!task) {
    task = cron.createTask(expression, () => undefined);
    tasks.set(expression, task);
  }
  return task.getNextRuns(1)[0]?.getTime();
}
