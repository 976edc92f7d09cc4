// Resolves the parameter-dependent parts of a synthesized template as CloudFormation would at
// deploy time for given parameter values: Ref to a parameter, Fn::Join, Fn::Equals, Fn::Not,
// Fn::And, Fn::If over the template's Conditions, Fn::Select, AWS::NoValue dropping the property,
// pseudo parameters when given. Other
// intrinsics (GetAtt, Ref to resources) are left as they are. Enough to ask "what does the app
// client allow when the stack is deployed with these parameters?".
import type { Template } from 'aws-cdk-lib/assertions';

const NO_VALUE = Symbol('AWS::NoValue');

interface TemplateJson {
  readonly Parameters?: Record<string, { readonly Type: string; readonly Default?: string }>;
  readonly Conditions?: Record<string, unknown>;
  readonly Resources: Record<string, { readonly Type: string; readonly Condition?: string; readonly Properties?: Record<string, unknown> }>;
}

export class TemplateResolver {
  private readonly json: TemplateJson;

  constructor(
    template: Template,
    private readonly parameters: Readonly<Record<string, string>>,
  ) {
    this.json = template.toJSON() as TemplateJson;
  }

  /** The value of a parameter as CloudFormation passes it (a list for CommaDelimitedList). */
  parameter(name: string): string | string[] {
    const declared = this.json.Parameters?.[name];
    if (declared === undefined) throw new Error(`No parameter ${name}`);
    const value = this.parameters[name] ?? declared.Default;
    if (value === undefined) throw new Error(`Parameter ${name} has no value and no default`);
    return declared.Type === 'CommaDelimitedList' ? value.split(',') : value;
  }

  condition(name: string): boolean {
    const expression = this.json.Conditions?.[name];
    if (expression === undefined) throw new Error(`No condition ${name}`);
    const value = this.resolve(expression);
    if (typeof value !== 'boolean') throw new Error(`Condition ${name} is not a boolean: ${JSON.stringify(value)}`);
    return value;
  }

  /** Resources of a type that exist under these parameters, with their properties resolved. */
  resources(type: string): Record<string, unknown>[] {
    return Object.values(this.json.Resources)
      .filter((resource) => resource.Type === type && (resource.Condition === undefined || this.condition(resource.Condition)))
      .map((resource) => this.resolve(resource.Properties ?? {}) as Record<string, unknown>);
  }

  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item)).filter((item) => item !== NO_VALUE);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    const [key, argument] = entries[0] ?? [];
    if (entries.length === 1 && key !== undefined) {
      const resolved = this.intrinsic(key, argument);
      if (resolved !== undefined) return resolved;
    }
    const result: Record<string, unknown> = {};
    for (const [name, item] of entries) {
      const resolved = this.resolve(item);
      if (resolved !== NO_VALUE) result[name] = resolved;
    }
    return result;
  }

  private intrinsic(key: string, argument: unknown): unknown {
    const list = (): unknown[] => (Array.isArray(argument) ? argument : []);
    switch (key) {
      case 'Ref':
        if (argument === 'AWS::NoValue') return NO_VALUE;
        // Pseudo parameters (AWS::Region, AWS::AccountId) when the caller gives them.
        if (typeof argument === 'string' && argument.startsWith('AWS::') && this.parameters[argument] !== undefined) return this.parameters[argument];
        return typeof argument === 'string' && this.json.Parameters?.[argument] !== undefined ? this.parameter(argument) : undefined;
      case 'Condition':
        return typeof argument === 'string' ? this.condition(argument) : undefined;
      case 'Fn::If': {
        const [name, whenTrue, whenFalse] = list();
        return this.resolve(this.condition(String(name)) ? whenTrue : whenFalse);
      }
      case 'Fn::Not':
        return !this.resolve(list()[0]);
      case 'Fn::And':
        return list().every((item) => this.resolve(item) === true);
      case 'Fn::Equals': {
        const [left, right] = list().map((item) => this.resolve(item));
        return JSON.stringify(left) === JSON.stringify(right);
      }
      case 'Fn::Join': {
        const [separator, items] = list();
        const resolved = this.resolve(items);
        if (!Array.isArray(resolved) || resolved.some((item) => typeof item !== 'string')) return undefined;
        return resolved.join(String(separator));
      }
      case 'Fn::Select': {
        const [index, items] = list();
        const resolved = this.resolve(items);
        return Array.isArray(resolved) && typeof index === 'number' ? resolved[index] : undefined;
      }
      default:
        return undefined;
    }
  }
}
