// The embedded home's audit log (issue 13): JSON lines appended to a file under the data
// directory, rotated by size (audit.jsonl -> audit.jsonl.1 -> ... -> audit.jsonl.<maxFiles>).
// Records are buffered and written off the request path, in order; the file is opened 0600.
import { appendFile, mkdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditRecord, AuditSink } from '../../core/ports/audit-sink';

export interface JsonlAuditSinkOptions {
  readonly file: string;
  /** Rotate when the file would pass this size. */
  readonly maxBytes: number;
  /** Rotated files kept beside the current one. */
  readonly maxFiles: number;
  readonly onError: (error: unknown) => void;
}

export class JsonlAuditSink implements AuditSink {
  private buffer: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private scheduled = false;
  private size: number | undefined;

  constructor(private readonly options: JsonlAuditSinkOptions) {}

  record(record: AuditRecord): void {
    this.buffer.push(`${JSON.stringify(record)}\n`);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.writing = this.writing.then(() => this.drain()).catch((error: unknown) => this.options.onError(error));
    });
  }

  async flush(): Promise<void> {
    this.writing = this.writing.then(() => this.drain()).catch((error: unknown) => this.options.onError(error));
    await this.writing;
  }

  close(): Promise<void> {
    return this.flush();
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const lines = this.buffer;
      this.buffer = [];
      const text = lines.join('');
      const bytes = Buffer.byteLength(text);
      if (this.size === undefined) {
        await mkdir(dirname(this.options.file), { recursive: true, mode: 0o700 });
        this.size = await stat(this.options.file).then((s) => s.size, () => 0);
      }
      if (this.size > 0 && this.size + bytes > this.options.maxBytes) await this.rotate();
      await appendFile(this.options.file, text, { mode: 0o600 });
      this.size += bytes;
    }
  }

  private async rotate(): Promise<void> {
    const { file, maxFiles } = this.options;
    await unlink(`${file}.${maxFiles}`).catch(() => undefined);
    for (let i = maxFiles - 1; i >= 1; i--) await rename(`${file}.${i}`, `${file}.${i + 1}`).catch(() => undefined);
    await rename(file, `${file}.1`);
    this.size = 0;
  }
}
