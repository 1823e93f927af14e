import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig, appConfig } from '@agent-controller/core';
import { DataSource } from 'typeorm';
import { isDatabaseUnavailable } from '../postgres-errors';
import { ADVISORY_LOCKS, LeaderTask } from './advisory-locks';
import { LeaderLock } from './leader-lock';

export interface PeriodicTaskOptions {
  /** Time between the starts of two runs; a run still going when the next is due makes that one skip. */
  everyMs: number;
  /** When the first run starts (default: after `everyMs`). */
  firstAfterMs?: number;
  /**
   * Run by one replica of the fleet only: the holder of this task's advisory lock, held across runs and taken
   * over by another replica (on its next run) once the holder dies. Without it every replica runs the task.
   */
  leader?: LeaderTask;
}

const firstRunOf = (name: string) => `${name} (first run)`;

/** One run; `signal` aborts when the application shuts down, so a long run can stop early. */
export type PeriodicRun = (signal: AbortSignal) => Promise<void>;

/**
 * The controller's periodic work, scheduled through `@nestjs/schedule` (intervals in its SchedulerRegistry)
 * with what every task needs: a run never overlaps the previous one, never throws out of the timer (failures
 * are logged once per change, recovery too), leader election for work that one replica of the fleet does, and
 * on shutdown the runs are aborted and awaited and the leader locks handed back. The embedded database has
 * one process, which always leads.
 */
@Injectable()
export class PeriodicTasks implements BeforeApplicationShutdown {
  private readonly tasks = new Map<string, PeriodicTask>();
  private readonly abort = new AbortController();

  constructor(
    private readonly registry: SchedulerRegistry,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  schedule(name: string, options: PeriodicTaskOptions, run: PeriodicRun): void {
    if (this.tasks.has(name)) throw new Error(`Periodic task ${name} is already scheduled`);
    if (this.abort.signal.aborted) return;
    const lock =
      options.leader && this.config.database.kind === 'server'
        ? new LeaderLock(this.dataSource, ADVISORY_LOCKS[options.leader])
        : undefined;
    const task = new PeriodicTask(name, run, this.abort.signal, options.leader, lock);
    this.tasks.set(name, task);
    const tick = () => task.tick();
    this.registry.addInterval(name, setInterval(tick, options.everyMs).unref());
    this.registry.addTimeout(firstRunOf(name), setTimeout(tick, options.firstAfterMs ?? options.everyMs).unref());
  }

  /** The leader-elected tasks scheduled here, and whether this replica leads each now. */
  leadership(): Map<LeaderTask, boolean> {
    const leading = new Map<LeaderTask, boolean>();
    for (const task of this.tasks.values()) if (task.leaderTask) leading.set(task.leaderTask, task.leads);
    return leading;
  }

  /** Stops one task: no new runs, a running one is awaited, its leader lock handed back. */
  async stop(name: string): Promise<void> {
    const task = this.tasks.get(name);
    if (!task) return;
    // @nestjs/schedule also clears its timers before shutdown; whichever comes first.
    if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    if (this.registry.doesExist('timeout', firstRunOf(name))) this.registry.deleteTimeout(firstRunOf(name));
    await task.stop();
  }

  /**
   * Stops every task: running ones are aborted and awaited, and leader locks are released so another replica
   * takes over on its next run. Nest calls it before the application shuts down, while the database is open.
   */
  async stopAll(): Promise<void> {
    this.abort.abort();
    await Promise.all([...this.tasks.keys()].map((name) => this.stop(name)));
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.stopAll();
  }
}

class PeriodicTask {
  private readonly logger: Logger;
  private running?: Promise<void>;
  /** The failure last logged, so a failure that persists is logged once, not every run. */
  private failure?: string;
  private leading = false;
  private stopped = false;

  constructor(
    readonly name: string,
    private readonly run: PeriodicRun,
    private readonly signal: AbortSignal,
    readonly leaderTask: LeaderTask | undefined,
    private readonly lock: LeaderLock | undefined,
  ) {
    this.logger = new Logger(name);
    // Without a lock (the embedded database) a leader task is led by this one process from the start.
    this.leading = leaderTask !== undefined && lock === undefined;
  }

  get leads(): boolean {
    return this.lock ? this.lock.held : this.leading;
  }

  tick(): void {
    if (this.running || this.stopped || this.signal.aborted) return;
    this.running = this.runOnce().finally(() => (this.running = undefined));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    await this.lock?.release();
    if (this.leaderTask) this.setLeading(false, 'shutting down');
  }

  private async runOnce(): Promise<void> {
    try {
      if (this.lock && !(await this.campaign(this.lock))) return;
      await this.run(this.signal);
      if (this.failure) this.logger.log(`${this.name} works again`);
      this.failure = undefined;
    } catch (error) {
      this.report(error);
    }
  }

  /** True when this replica leads the task now; logs each change of leader. */
  private async campaign(lock: LeaderLock): Promise<boolean> {
    try {
      const leads = await lock.acquire();
      this.setLeading(leads);
      return leads;
    } catch (error) {
      this.setLeading(false, 'database unreachable');
      throw error;
    }
  }

  /** Logged only where leading is elected: the embedded database's one process simply leads. */
  private setLeading(leading: boolean, reason?: string): void {
    if (leading === this.leading) return;
    this.leading = leading;
    if (!this.lock) return;
    if (leading)
      this.logger.log({ leaderTask: this.leaderTask, leader: true }, `This replica now leads ${this.leaderTask}`);
    else
      this.logger.log(
        { leaderTask: this.leaderTask, leader: false },
        `This replica no longer leads ${this.leaderTask}${reason ? ` (${reason})` : ''}`,
      );
  }

  private report(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (message === this.failure) return;
    this.failure = message;
    // An outage ends the run; the next one runs on schedule and finds the database back.
    if (isDatabaseUnavailable(error))
      this.logger.warn({ cause: message }, `${this.name} skipped: database unavailable`);
    else this.logger.error({ err: error }, `${this.name} failed`);
  }
}
