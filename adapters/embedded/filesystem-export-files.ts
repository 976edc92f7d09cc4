// ExportFiles on the local filesystem (core/ports/bulk-export.ts): <root>/<tenant>/<job>/<file>.
// A file is written as `<file>.part`, flushed to disk and renamed when complete, so a file that
// exists is whole; the local server serves it to the job's owner (requiresAccessToken: true).
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileUrl } from '../../core/bulk/export-urls';
import type { ExportFiles, ExportFileWriter, ExportJob } from '../../core/ports/bulk-export';

/** Job ids come from the server and file names from its own naming, but never trust a path part. */
const SAFE = /^[A-Za-z0-9_.-]{1,128}$/;

export class FilesystemExportFiles implements ExportFiles {
  readonly requiresAccessToken = true;

  constructor(private readonly root: string) {}

  private dir(job: Pick<ExportJob, 'tenant' | 'id'>): string {
    if (!SAFE.test(job.tenant) || !SAFE.test(job.id)) throw new Error(`unsafe export path part: ${job.tenant}/${job.id}`);
    return join(this.root, job.tenant, job.id);
  }

  private path(job: Pick<ExportJob, 'tenant' | 'id'>, name: string): string {
    if (!SAFE.test(name) || name.startsWith('.')) throw new Error(`unsafe export file name: ${name}`);
    return join(this.dir(job), name);
  }

  async writer(job: ExportJob, name: string): Promise<ExportFileWriter> {
    const path = this.path(job, name);
    await mkdir(this.dir(job), { recursive: true });
    const part = `${path}.part`;
    const handle = await open(part, 'w');
    let closed = false;
    return {
      append: async (text) => {
        await handle.write(text);
      },
      commit: async () => {
        await handle.datasync();
        await handle.close();
        closed = true;
        await rename(part, path);
      },
      abort: async () => {
        if (!closed) await handle.close();
        closed = true;
        await rm(part, { force: true });
      },
    };
  }

  url(job: ExportJob, name: string): Promise<string> {
    return Promise.resolve(fileUrl(job, name));
  }

  read(job: ExportJob, name: string): AsyncIterable<Uint8Array> | undefined {
    const path = this.path(job, name);
    if (!existsSync(path)) return undefined;
    return (async function* stream() {
      for await (const chunk of createReadStream(path)) yield chunk as Buffer;
    })();
  }

  async remove(job: ExportJob): Promise<void> {
    await rm(this.dir(job), { recursive: true, force: true });
  }
}
