// The importer's loop (issue 12, "Import"): units from every file, submitted in order, with a
// resume file written after each unit and a final report. A transaction that fails is retried as
// a batch so that each failing resource is reported with its reason and line, and the rest loads.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import type { Bundle, Resource } from '../../core/fhir-types';
import type { ImportSink } from './import-sink';
import { unitsOf, type BadLine, type ImportUnit } from './import-units';

export interface ImportFailure {
  readonly file: string;
  readonly line?: number;
  readonly entry?: number;
  readonly reason: string;
}

export interface ImportReport {
  loaded: number;
  /** Conditional creates that found their resource, and units done by an earlier run (resume). */
  skipped: number;
  failed: ImportFailure[];
  badLines: BadLine[];
  seconds: number;
}

export interface ResumeState {
  /** Per file: the last line (NDJSON) or 0 done, and whether the file is finished. */
  readonly files: Record<string, { line: number; done: boolean }>;
  readonly loaded: number;
}

export interface ImportProgress {
  readonly loaded: number;
  readonly errors: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly seconds: number;
}

export interface ImportOptions {
  readonly files: readonly string[];
  readonly batch: number;
  readonly resumeFile: string;
  readonly onProgress?: (progress: ImportProgress) => void;
}

function readResume(path: string): ResumeState {
  if (!existsSync(path)) return { files: {}, loaded: 0 };
  return JSON.parse(readFileSync(path, 'utf8')) as ResumeState;
}

function writeResume(path: string, state: ResumeState): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(state));
  renameSync(`${path}.tmp`, path);
}

const reasonOf = (outcome: Resource | undefined): string => {
  const issues = outcome?.['issue'];
  const first = Array.isArray(issues) ? (issues[0] as { diagnostics?: string; code?: string } | undefined) : undefined;
  return first?.diagnostics ?? first?.code ?? 'failed';
};

async function submitUnit(sink: ImportSink, unit: ImportUnit, report: ImportReport): Promise<void> {
  const entries = unit.bundle.entry ?? [];
  if (entries.length === 0) return;
  let result = await sink.submit(unit.bundle);
  // A failed NDJSON transaction is retried as a batch: every good resource loads, each bad one is named.
  if (result.status >= 400 && unit.lines !== undefined) result = await sink.submit({ ...unit.bundle, type: 'batch' });
  if (result.status >= 400 || result.body?.resourceType !== 'Bundle') {
    report.failed.push({ file: unit.file, reason: reasonOf(result.body) });
    return;
  }
  ((result.body as Bundle).entry ?? []).forEach((entry, i) => {
    const status = Number.parseInt(entry.response?.status ?? '0', 10);
    if (status >= 400 || status === 0) {
      report.failed.push({ file: unit.file, entry: i, ...(unit.lines?.[i] !== undefined ? { line: unit.lines[i] } : {}), reason: reasonOf(entry.response?.outcome) });
    } else if (status === 200 && entries[i]?.request?.method === 'POST') {
      report.skipped += 1;
    } else if (entries[i]?.request?.method !== 'GET') {
      report.loaded += 1;
    }
  });
}

/** Runs the import; resumable: units recorded in the resume file are skipped and counted as such. */
export async function runImport(sink: ImportSink, options: ImportOptions): Promise<ImportReport> {
  const started = Date.now();
  const resume = readResume(options.resumeFile);
  const files: Record<string, { line: number; done: boolean }> = { ...resume.files };
  const report: ImportReport = { loaded: 0, skipped: 0, failed: [], badLines: [], seconds: 0 };
  const sizes = options.files.map((f) => statSync(f).size);
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  let bytesBefore = 0;
  let previouslyLoaded = resume.loaded;
  for (const [i, file] of options.files.entries()) {
    const state = files[file] ?? { line: 0, done: false };
    if (!state.done) {
      for await (const unit of unitsOf(file, options.batch, state.line)) {
        report.badLines.push(...unit.badLines);
        await submitUnit(sink, unit, report);
        files[file] = { line: unit.line, done: false };
        writeResume(options.resumeFile, { files, loaded: previouslyLoaded + report.loaded });
        options.onProgress?.({ loaded: report.loaded, errors: report.failed.length + report.badLines.length, bytesDone: bytesBefore + unit.bytes, bytesTotal, seconds: (Date.now() - started) / 1000 });
      }
    }
    files[file] = { line: 0, done: true };
    writeResume(options.resumeFile, { files, loaded: previouslyLoaded + report.loaded });
    bytesBefore += sizes[i] ?? 0;
  }
  report.skipped += previouslyLoaded;
  previouslyLoaded = 0;
  report.seconds = (Date.now() - started) / 1000;
  return report;
}
