import cron, { type ScheduledTask } from 'node-cron';

/**
 * Per distinct expression (feeds share a few schedules): a stopped task, only to compute its
 * next tick, and that tick, which stays the next one until it has passed.
 */
const schedules = new Map<string, { task: ScheduledTask; next?: number }>();

/** The next time `expression` fires after now. */
export function nextTick(expression: string): number | undefined {
  let schedule = schedules.get(expression);
  if (!schedule) {
    schedule = { task: cron.createTask(expression, () => undefined) };
    schedules.set(expression, schedule);
  }
  if (schedule.next === undefined || schedule.next <= Date.now()) schedule.next = schedule.task.getNextRuns(1)[0]?.getTime();
  return schedule.next;
}
