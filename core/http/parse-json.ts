import { FhirError } from '../errors/fhir-error';

/**
 * Parses a request body as JSON with size and depth limits, so that hostile input is a clear
 * 4xx and never a 500 or a stack overflow further in.
 */
export function parseJsonBody(text: string, maxBytes: number, maxDepth: number): unknown {
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new FhirError('PAYLOAD_TOO_LARGE', `The body is larger than ${maxBytes} bytes`);
  }
  if (text.trim() === '') throw new FhirError('INVALID_JSON', 'The body is empty; a JSON document was expected');
  assertDepth(text, maxDepth);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : 'unknown error';
    throw new FhirError('INVALID_JSON', `The body is not valid JSON: ${message}`);
  }
}

/** Counts bracket nesting outside strings before JSON.parse builds anything. */
function assertDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i += 1;
      else if (ch === 34 /* " */) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 123 || ch === 91) {
      depth += 1;
      if (depth > maxDepth) throw new FhirError('INVALID_JSON', `The body nests deeper than ${maxDepth} levels`);
    } else if (ch === 125 || ch === 93) depth -= 1;
  }
}
