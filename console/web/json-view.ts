// Pretty JSON with the FHIRPath-style path of every line, so references become links and the
// server's `issue.expression` can be shown at the line of the offending element.
import { h, type Child } from './dom';

export interface JsonLine {
  readonly path: string;
  readonly indent: number;
  /** Text of the line, without indentation. */
  readonly text: string;
  /** Set on `"reference": "Type/id"` lines: the console route of the target. */
  readonly link?: { readonly before: string; readonly value: string; readonly after: string; readonly href: string };
}

const LOCAL_REFERENCE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]+)?$/;

export function jsonLines(resource: unknown): JsonLine[] {
  const lines: JsonLine[] = [];
  const root = typeof resource === 'object' && resource !== null && typeof (resource as { resourceType?: unknown }).resourceType === 'string' ? String((resource as { resourceType: string }).resourceType) : '';
  const walk = (value: unknown, path: string, indent: number, prefix: string, comma: string, key: string | undefined): void => {
    if (Array.isArray(value)) {
      lines.push({ path, indent, text: `${prefix}[` });
      value.forEach((item, index) => walk(item, `${path}[${index}]`, indent + 1, '', index < value.length - 1 ? ',' : '', undefined));
      lines.push({ path, indent, text: `]${comma}` });
    } else if (typeof value === 'object' && value !== null) {
      lines.push({ path, indent, text: `${prefix}{` });
      const entries = Object.entries(value);
      entries.forEach(([name, item], index) => walk(item, path === '' ? name : `${path}.${name}`, indent + 1, `${JSON.stringify(name)}: `, index < entries.length - 1 ? ',' : '', name));
      lines.push({ path, indent, text: `}${comma}` });
    } else {
      const literal = JSON.stringify(value);
      const match = key === 'reference' && typeof value === 'string' ? LOCAL_REFERENCE.exec(value) : null;
      lines.push(match === null ? { path, indent, text: `${prefix}${literal}${comma}` } : { path, indent, text: `${prefix}${literal}${comma}`, link: { before: `${prefix}"`, value: String(value), after: `"${comma}`, href: `#/${match[1] ?? ''}/${match[2] ?? ''}` } });
    }
  };
  walk(resource, root, 0, '', '', undefined);
  return lines;
}

/** The line an `issue.expression` points at: the exact path, else its nearest ancestor. */
export function lineOfExpression(lines: readonly JsonLine[], expression: string): number {
  let path = expression.replace(/\s/g, '');
  while (path !== '') {
    const index = lines.findIndex((line) => line.path === path);
    if (index >= 0) return index;
    const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    path = cut > 0 ? path.slice(0, cut) : '';
  }
  return 0;
}

export function lineText(line: JsonLine): string {
  return `${'  '.repeat(line.indent)}${line.text}`;
}

/** Renders the lines; `notes` maps a line index to messages shown right under that line. */
export function jsonView(lines: readonly JsonLine[], notes: ReadonlyMap<number, readonly string[]> = new Map()): HTMLElement {
  const rows: Child[] = lines.map((line, index) => {
    const indent = '  '.repeat(line.indent);
    const content: Child = line.link === undefined ? lineText(line) : [indent, line.link.before, h('a', { href: line.link.href }, line.link.value), line.link.after];
    const messages = notes.get(index);
    return messages === undefined
      ? h('div', { class: 'line' }, content)
      : h('div', { class: 'line error-line', 'data-path': line.path }, content, ...messages.map((message) => h('div', { class: 'error-note', role: 'alert' }, `${indent}  ▲ ${message}`)));
  });
  return h('pre', { class: 'json' }, rows);
}
