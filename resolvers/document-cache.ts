// Parsed and validated GraphQL documents, cached by query text (issue 11): clients send the same
// few queries over and over, and parsing plus the specified validation rules cost more than
// executing a small query. The cache holds the parse result (or its syntax error) per text in an
// LRU of bounded size, and the specified rules' errors per document and schema. The depth and cost
// limits depend on the variables (`_count`), so they run on every request.
import { parse, specifiedRules, validate, GraphQLError, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';

type Parsed = { readonly document: DocumentNode } | { readonly error: GraphQLError };

export interface DocumentCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly size: number;
}

export class DocumentCache {
  private readonly parsed = new Map<string, Parsed>();
  private readonly validated = new WeakMap<DocumentNode, WeakMap<GraphQLSchema, readonly GraphQLError[]>>();
  private hits = 0;
  private misses = 0;

  /** `maxEntries` query texts are kept, the least recently used dropped first. */
  constructor(private readonly maxEntries = 1000) {}

  /** The document of a query text; throws its GraphQLError for a syntax error, as parse does. */
  parse(query: string): DocumentNode {
    let entry = this.parsed.get(query);
    if (entry === undefined) {
      this.misses += 1;
      try {
        entry = { document: parse(query) };
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        entry = { error };
      }
      this.parsed.set(query, entry);
      if (this.parsed.size > this.maxEntries) {
        const oldest = this.parsed.keys().next();
        if (oldest.done !== true) this.parsed.delete(oldest.value);
      }
    } else {
      this.hits += 1;
      // Map keeps insertion order: re-inserting marks the entry most recently used.
      this.parsed.delete(query);
      this.parsed.set(query, entry);
    }
    if ('error' in entry) throw entry.error;
    return entry.document;
  }

  /** The specified rules (cached per document and schema) and then `perRequest` rules. */
  validate(schema: GraphQLSchema, document: DocumentNode, perRequest: readonly ValidationRule[]): readonly GraphQLError[] {
    let bySchema = this.validated.get(document);
    if (bySchema === undefined) {
      bySchema = new WeakMap();
      this.validated.set(document, bySchema);
    }
    let errors = bySchema.get(schema);
    if (errors === undefined) {
      errors = validate(schema, document, specifiedRules);
      bySchema.set(schema, errors);
    }
    // The limit rules walk field definitions: only a document valid against the schema gets there.
    if (errors.length > 0 || perRequest.length === 0) return errors;
    return validate(schema, document, perRequest);
  }

  stats(): DocumentCacheStats {
    return { hits: this.hits, misses: this.misses, size: this.parsed.size };
  }
}
