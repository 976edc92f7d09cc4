// txt-1 and txt-2 (R4 narrative.html#xhtml), checked natively because fhirpath.js has no
// htmlChecks() (issue 9). Each case was put to HAPI's validator as well: the verdicts agree.
import { narrativeIssues } from './narrative-xhtml';
import { validateResource } from './validate-resource';

const div = (inner: string, attributes = ''): string => `<div xmlns="http://www.w3.org/1999/xhtml"${attributes}>${inner}</div>`;
const keysOf = (xhtml: string): string[] => narrativeIssues(xhtml, 'Patient.text.div').map((i) => /\((txt-\d)\)$/.exec(i.diagnostics ?? '')?.[1] ?? '?');

describe('narrative XHTML that follows the rules', () => {
  it.each([
    ['plain text', div('Peter')],
    ['XML entities and character references', div('a &amp; b &lt; c &#160; &#xA0;')],
    ['a comment next to text', div('<!-- c -->x')],
    ['a link with href and name', div('<a href="http://x.org" name="n">x</a>')],
    ['an image only (an image is content)', div('<img src="http://x.org/a.png" alt="a"/>')],
    ['style and class attributes', div('<p style="color:red" class="c">x</p>')],
    ['a table with its sections and cell attributes', div('<table border="1"><thead><tr><th>a</th></tr></thead><tbody><tr><td colspan="2">b</td></tr></tbody></table>')],
    ['a nested div in the XHTML namespace', div(div('x'))],
    ['xml:lang and lang on the root', div('x', ' xml:lang="en" lang="en"')],
    ['whitespace around the root', `  ${div('x')}\n`],
  ])('%s has no issues', (_name, xhtml) => {
    expect(narrativeIssues(xhtml, 'Patient.text.div')).toEqual([]);
  });
});

describe('narrative XHTML that breaks txt-1 or txt-2', () => {
  it.each([
    ['a script element', div('<script>alert(1)</script>Peter'), ['txt-1']],
    ['an event handler attribute', div('<p onclick="x()">Peter</p>'), ['txt-1']],
    ['a form', div('<form>x</form>'), ['txt-1']],
    ['an iframe with its src', div('<iframe src="x"></iframe>x'), ['txt-1', 'txt-1']],
    ['an external stylesheet link', div('<link rel="stylesheet"/>x'), ['txt-1', 'txt-1']],
    ['a style element', div('<style>p{}</style>x'), ['txt-1']],
    ['an element in upper case (XHTML is case-sensitive)', div('<P>x</P>'), ['txt-1']],
    ['a javascript: link', div('<a href="javascript:alert(1)">x</a>'), ['txt-1']],
    ['a javascript: link hidden behind character references', div('<a href="&#106;avascript:alert(1)">x</a>'), ['txt-1']],
    ['a root div without the XHTML namespace', '<div>Peter</div>', ['txt-1']],
    ['an inner element in another namespace', div('<b xmlns="http://example.org">x</b>'), ['txt-1']],
    ['mismatched tags', div('<b>x</i>'), ['txt-1']],
    ['a bare ampersand', div('a & b'), ['txt-1']],
    ['an HTML entity that XML does not define', div('a&nbsp;b'), ['txt-1']],
    ['a DOCTYPE', `<!DOCTYPE html>${div('x')}`, ['txt-1']],
    ['a processing instruction', div('<?php echo 1 ?>x'), ['txt-1']],
    ['an unclosed element', div('<b>x'), ['txt-1']],
    ['text after the root', `${div('x')}y`, ['txt-1']],
    ['an empty div', div(''), ['txt-2']],
    ['only whitespace and a comment', div('  \n <!-- c --> '), ['txt-2']],
    ['only empty elements', div('<p></p><br/>'), ['txt-2']],
  ])('%s', (_name, xhtml, keys) => {
    expect(keysOf(xhtml)).toEqual(keys);
  });

  it('rejects a resource whose narrative breaks a rule, at Narrative.div, with code invariant', () => {
    const patient = { resourceType: 'Patient', text: { status: 'generated', div: div('<p onclick="x()">Peter</p>') } };
    expect(validateResource(patient)).toEqual([
      { severity: 'error', code: 'invariant', diagnostics: 'The attribute onclick is not allowed on <p> in a narrative (txt-1)', expression: ['Patient.text.div'] },
    ]);
    const contained = { resourceType: 'Patient', managingOrganization: { reference: '#o' }, contained: [{ resourceType: 'Organization', id: 'o', name: 'O', text: { status: 'generated', div: div('') } }] };
    expect(validateResource(contained).map((i) => i.expression)).toEqual([['Patient.contained[0].text.div']]);
  });
});
