// The bookkeeping one resource needs for its contained resources (references.html#contained):
// ref-1, every local reference `#id` names a contained resource (of an allowed type), and dom-3,
// every contained resource is referenced from elsewhere in the resource or refers to its container.
import type { IssueCode } from './issue-code';

export interface ContainedResource {
  readonly id: string | undefined;
  readonly type: string;
  readonly path: string;
  /** Holds a `#` reference to the containing resource. */
  referencesContainer: boolean;
}

interface LocalReference {
  readonly id: string;
  readonly targets: readonly string[] | undefined;
  readonly path: string;
}

export interface Reporter {
  report(code: IssueCode, diagnostics: string, expression: string): void;
}

export class ContainmentScope {
  private readonly contained: ContainedResource[] = [];
  private readonly referencedIds = new Set<string>();
  private readonly localReferences: LocalReference[] = [];

  addContained(id: unknown, type: string, path: string): ContainedResource {
    const resource: ContainedResource = { id: typeof id === 'string' ? id : undefined, type, path, referencesContainer: false };
    this.contained.push(resource);
    return resource;
  }

  /** A canonical, uri or url value `#id` (dom-3 counts those as references too). */
  noteLocalUri(id: string, inside: ContainedResource | undefined): void {
    if (id === '' && inside) inside.referencesContainer = true;
    else this.referencedIds.add(id);
  }

  /** Reference.reference `#id`; `#` alone (id '') is the container. */
  noteLocalReference(id: string, targets: readonly string[] | undefined, path: string, inside: ContainedResource | undefined): void {
    if (id === '' && inside) {
      inside.referencesContainer = true;
      return;
    }
    this.referencedIds.add(id);
    this.localReferences.push({ id, targets, path });
  }

  finish(reporter: Reporter): void {
    for (const reference of this.localReferences) {
      if (reference.id === '') {
        reporter.report('invariant', "'#' refers to the containing resource and is only valid inside a contained resource", reference.path);
        continue;
      }
      const target = this.contained.find((resource) => resource.id === reference.id);
      if (!target) reporter.report('invariant', `'#${reference.id}' does not match the id of a contained resource (ref-1)`, reference.path);
      else if (reference.targets !== undefined && !reference.targets.includes(target.type)) {
        reporter.report('value', `A reference to ${target.type} is not allowed here; allowed: ${reference.targets.join(', ')}`, reference.path);
      }
    }
    for (const resource of this.contained) {
      const referenced = resource.id !== undefined && this.referencedIds.has(resource.id);
      if (!referenced && !resource.referencesContainer) {
        reporter.report('invariant', 'A contained resource must be referenced from the containing resource or refer to it (dom-3)', resource.path);
      }
    }
  }
}
