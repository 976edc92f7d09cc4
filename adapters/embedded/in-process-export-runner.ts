// ExportRunner for the local home (core/ports/bulk-export.ts): one loop in the server process
// runs one slice at a time, round-robin over the queued jobs, yielding to the event loop between
// slices so requests keep being served. The job rows are the durable record: at start-up the
// composition root queues every job still running (DESIGN.md "Next capabilities": a restart resumes).
import type { ExportJob, ExportRunner } from '../../core/ports/bulk-export';

export type SliceWork = (tenant: string, jobId: string) => Promise<'more' | 'done'>;

export interface InProcessExportRunnerOptions {
  readonly onError: (error: unknown, job: { readonly tenant: string; readonly id: string }) => void;
}

export class InProcessExportRunner implements ExportRunner {
  private work: SliceWork | undefined;
  private readonly queue: { tenant: string; id: string }[] = [];
  private loop: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: InProcessExportRunnerOptions) {}

  /** Starts running slices with `work` (the core's runExportSlice over this home's deps). */
  start(work: SliceWork): void {
    this.work = work;
    this.kick();
  }

  schedule(job: ExportJob): Promise<void> {
    if (!this.queue.some((q) => q.tenant === job.tenant && q.id === job.id)) this.queue.push({ tenant: job.tenant, id: job.id });
    this.kick();
    return Promise.resolve();
  }

  /** Stops after the slice in progress (its file and checkpoint complete); queued work resumes at the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private kick(): void {
    if (this.loop !== undefined || this.stopped || this.work === undefined) return;
    this.loop = this.run().finally(() => {
      this.loop = undefined;
      if (this.queue.length > 0) this.kick();
    });
  }

  private async run(): Promise<void> {
    const work = this.work;
    while (!this.stopped && work !== undefined) {
      const next = this.queue.shift();
      if (next === undefined) return;
      let result: 'more' | 'done' = 'done';
      try {
        result = await work(next.tenant, next.id);
      } catch (error) {
        this.options.onError(error, next);
      }
      if (result === 'more') this.queue.push(next);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
