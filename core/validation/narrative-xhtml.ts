// The narrative XHTML rules, checked natively (issue 9: txt-1 and txt-2 use htmlChecks(), which
// fhirpath.js does not implement; invariant-exceptions.ts lists them as native). R4
// narrative.html#xhtml: Narrative.div is well-formed XHTML whose root is a `div` in the XHTML
// namespace, containing only the basic HTML formatting elements and attributes of chapters 7-11
// (except section 4 of chapter 9) and 15 of HTML 4.0, `a` (name or href), images and internally
// contained style attributes: no head, body, scripts, forms, frames, objects, base/link, event
// handlers or external stylesheets (txt-1); and it has some non-whitespace content (txt-2).
// The element and attribute lists are those of HTML 4.0's chapters as the reference validator
// reads them, so the two agree.
import type { OperationOutcomeIssue } from '../fhir-types';

const XHTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';

/** HTML 4.0 chapters 7-11 (minus 9.4), 15, plus a and img (narrative.html#xhtml). */
const ELEMENTS: ReadonlySet<string> = new Set([
  'p', 'br', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'a', 'span', 'b', 'em', 'i', 'strong', 'small', 'big', 'tt', 'dfn', 'q', 'var', 'abbr',
  'acronym', 'cite', 'blockquote', 'hr', 'address', 'bdo', 'kbd', 'sub', 'sup', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'pre', 'table', 'caption',
  'colgroup', 'col', 'thead', 'tr', 'tfoot', 'tbody', 'th', 'td', 'code', 'samp', 'img', 'map', 'area',
]);

/** The core and i18n attributes of HTML 4.0 (no event attributes), and the table attributes (chapter 11). */
const ATTRIBUTES: ReadonlySet<string> = new Set([
  'title', 'style', 'class', 'id', 'lang', 'xml:lang', 'dir', 'accesskey', 'tabindex',
  'span', 'width', 'align', 'valign', 'char', 'charoff', 'abbr', 'axis', 'headers', 'scope', 'rowspan', 'colspan',
]);

/** Attributes allowed on one element only, as `element.attribute`. */
const ELEMENT_ATTRIBUTES: ReadonlySet<string> = new Set([
  'a.href', 'a.name', 'a.charset', 'a.type', 'a.hreflang', 'a.rel', 'a.rev', 'a.shape', 'a.coords', 'img.src', 'img.border', 'img.alt',
  'img.longdesc', 'img.height', 'img.width', 'img.usemap', 'img.ismap', 'map.name', 'area.shape', 'area.coords', 'area.href', 'area.nohref',
  'area.alt', 'table.summary', 'table.width', 'table.border', 'table.frame', 'table.rules', 'table.cellspacing', 'table.cellpadding',
  'blockquote.cite', 'q.cite', 'pre.space', 'td.nowrap', 'div.xmlns',
]);

const NAME = /^[A-Za-z_][\w.:-]*/;
const ATTRIBUTE = /^\s+([A-Za-z_][\w.:-]*)\s*=\s*("[^"<]*"|'[^'<]*')/;
/** XML's five named entities and character references only: XHTML narrative is XML, with no DTD that would define &nbsp;. */
const ENTITY = /&(#\d{1,7}|#x[0-9A-Fa-f]{1,6}|amp|lt|gt|quot|apos);/y;
/** Attributes holding a URL, and the URL schemes that run code (no scripts, narrative.html#xhtml). */
const URL_ATTRIBUTES: ReadonlySet<string> = new Set(['href', 'src', 'longdesc', 'usemap', 'cite']);
const ACTIVE_SCHEME = /^\s*(javascript|vbscript):/i;

interface XhtmlElement {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
}

/** What the parse found: the elements in document order, whether any text or image is content, or why it is not XHTML. */
interface Parsed {
  readonly elements: readonly XhtmlElement[];
  readonly hasContent: boolean;
  readonly root: XhtmlElement | undefined;
  readonly error: string | undefined;
}

/**
 * A small well-formedness parser: elements, attributes, text, entities, comments and CDATA; no
 * DTDs, no processing instructions. CDATA is not counted as content for txt-2 (nor by the
 * reference validator).
 */
function parse(text: string): Parsed {
  const elements: XhtmlElement[] = [];
  const open: string[] = [];
  let hasContent = false;
  let closedRoot = false;
  const result = (error?: string): Parsed => ({ elements, hasContent, root: elements[0], error });
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    if (chunk.trim() !== '') {
      if (open.length === 0) return result('text outside the root element');
      hasContent = true;
    }
    const amp = checkEntities(chunk);
    if (amp !== undefined) return result(amp);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) return result('an unterminated comment');
      i = end + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      if (end < 0 || open.length === 0) return result('a misplaced or unterminated CDATA section');
      i = end + 3;
      continue;
    }
    if (text.startsWith('<!', lt)) return result('a DOCTYPE or other declaration, which the narrative must not have');
    if (text.startsWith('<?', lt)) return result('a processing instruction, which the narrative must not have');
    if (text.startsWith('</', lt)) {
      const name = NAME.exec(text.slice(lt + 2))?.[0];
      const gt = text.indexOf('>', lt);
      if (name === undefined || gt < 0 || text.slice(lt + 2 + name.length, gt).trim() !== '') return result('a malformed end tag');
      if (open.pop() !== name) return result(`the end tag </${name}> does not match its start tag`);
      if (open.length === 0) closedRoot = true;
      i = gt + 1;
      continue;
    }
    if (closedRoot) return result('content after the root element');
    const name = NAME.exec(text.slice(lt + 1))?.[0];
    if (name === undefined) return result("a '<' that does not start a tag (write &lt;)");
    let at = lt + 1 + name.length;
    const attributes = new Map<string, string>();
    for (;;) {
      const match = ATTRIBUTE.exec(text.slice(at));
      if (!match) break;
      const [whole, attribute = '', quoted = ''] = match;
      if (attributes.has(attribute)) return result(`the attribute ${attribute} is repeated on <${name}>`);
      const value = quoted.slice(1, -1);
      const bad = checkEntities(value);
      if (bad !== undefined) return result(bad);
      attributes.set(attribute, value);
      at += whole.length;
    }
    const rest = /^\s*(\/?)>/.exec(text.slice(at));
    if (!rest) return result(`a malformed start tag <${name}>`);
    elements.push({ name, attributes });
    if (name === 'img') hasContent = true;
    if (rest[1] !== '/') open.push(name);
    else if (open.length === 0) closedRoot = true;
    i = at + rest[0].length;
  }
  if (open.length > 0) return result(`the element <${open[open.length - 1] ?? ''}> is not closed`);
  return result(elements.length === 0 ? 'no root element' : undefined);
}

function checkEntities(text: string): string | undefined {
  for (let at = text.indexOf('&'); at >= 0; at = text.indexOf('&', at + 1)) {
    ENTITY.lastIndex = at;
    if (!ENTITY.test(text)) return "an '&' that does not start an XML entity or character reference (&amp;, &lt;, &gt;, &quot;, &apos;, &#160;)";
  }
  return undefined;
}

/** Character references decoded, so `&#106;avascript:` is seen as what a browser runs. */
function decodeReferences(value: string): string {
  return value.replace(/&#(x?)([0-9A-Fa-f]+);/g, (_all, hex: string, digits: string) => {
    const code = Number.parseInt(digits, hex === 'x' ? 16 : 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

function issue(key: 'txt-1' | 'txt-2', diagnostics: string, expression: string): OperationOutcomeIssue {
  return { severity: 'error', code: 'invariant', diagnostics: `${diagnostics} (${key})`, expression: [expression] };
}

/**
 * The txt-1 and txt-2 errors of a Narrative's `div` (narrative.html#xhtml), each at `expression`
 * (the div's path, `Patient.text.div`); empty when the XHTML follows the rules.
 * @example narrativeIssues('<div xmlns="http://www.w3.org/1999/xhtml"><script/></div>', 'Patient.text.div') // one txt-1 error
 */
export function narrativeIssues(div: string, expression: string): OperationOutcomeIssue[] {
  const parsed = parse(div);
  if (parsed.error !== undefined) return [issue('txt-1', `The narrative is not well-formed XHTML: ${parsed.error}`, expression)];
  const issues: OperationOutcomeIssue[] = [];
  const root = parsed.root;
  if (root?.name !== 'div') issues.push(issue('txt-1', `The narrative's root element must be a div, not ${root?.name ?? 'nothing'}`, expression));
  if (root?.attributes.get('xmlns') !== XHTML_NAMESPACE) issues.push(issue('txt-1', `The narrative's div must be in the XHTML namespace (xmlns="${XHTML_NAMESPACE}")`, expression));
  for (const element of parsed.elements) {
    if (!ELEMENTS.has(element.name)) issues.push(issue('txt-1', `The element <${element.name}> is not allowed in a narrative`, expression));
    for (const [attribute, value] of element.attributes) {
      const namespace = attribute === 'xmlns' || attribute.startsWith('xmlns:');
      if (namespace && element !== root && value !== XHTML_NAMESPACE) issues.push(issue('txt-1', `The element <${element.name}> declares the namespace ${value}; a narrative is XHTML only`, expression));
      if (!namespace && !ATTRIBUTES.has(attribute) && !ELEMENT_ATTRIBUTES.has(`${element.name}.${attribute}`)) {
        issues.push(issue('txt-1', `The attribute ${attribute} is not allowed on <${element.name}> in a narrative`, expression));
      }
      if (URL_ATTRIBUTES.has(attribute) && ACTIVE_SCHEME.test(decodeReferences(value))) {
        issues.push(issue('txt-1', `The ${attribute} of <${element.name}> runs a script (${value}); a narrative has no active content`, expression));
      }
    }
  }
  if (!parsed.hasContent) issues.push(issue('txt-2', 'The narrative must have some non-whitespace content', expression));
  return issues;
}
