// Extracts what matters from a Drive HTML page (one line, localized, so we look at structure —
// form ids, classes, hrefs — never at English wording, except for a few last-resort hints).
import { Parser } from 'htmlparser2';

export interface PageForm {
  id: string;
  action: string;
  method: string;
  /** Every `<input type="hidden">` inside the form, in document order. */
  hidden: [name: string, value: string][];
}

export interface PageFacts {
  title: string;
  forms: PageForm[];
  hrefs: string[];
  /** Text of `.uc-error-caption` / `.uc-error-subcaption` paragraphs (Drive's error pages). */
  errorCaption: string;
  errorSubcaption: string;
  /** All text outside tags, whitespace-collapsed (for last-resort phrase checks and excerpts). */
  text: string;
  /** Raw script text: old pages carried `"downloadUrl":"…"` in JSON. */
  scripts: string;
}

export function parsePage(html: string): PageFacts {
  const facts: PageFacts = {
    title: '',
    forms: [],
    hrefs: [],
    errorCaption: '',
    errorSubcaption: '',
    text: '',
    scripts: '',
  };
  const stack: string[] = [];
  let form: PageForm | undefined;
  let capture: 'title' | 'caption' | 'subcaption' | 'script' | undefined;
  const texts: string[] = [];

  const parser = new Parser(
    {
      onopentag(name, attrs) {
        stack.push(name);
        const classes = (attrs.class ?? '').split(/\s+/);
        if (name === 'title') capture = 'title';
        else if (name === 'script') capture = 'script';
        else if (name === 'p' && classes.includes('uc-error-subcaption')) capture = 'subcaption';
        else if (name === 'p' && classes.includes('uc-error-caption')) capture = 'caption';
        if (name === 'form') {
          form = {
            id: attrs.id ?? '',
            action: attrs.action ?? '',
            method: (attrs.method ?? 'get').toLowerCase(),
            hidden: [],
          };
          facts.forms.push(form);
        } else if (name === 'input' && form && (attrs.type ?? '').toLowerCase() === 'hidden') {
          if (attrs.name) form.hidden.push([attrs.name, attrs.value ?? '']);
        } else if (name === 'a' && attrs.href) {
          facts.hrefs.push(attrs.href);
        }
      },
      ontext(data) {
        if (capture === 'title') facts.title += data;
        else if (capture === 'caption') facts.errorCaption += data;
        else if (capture === 'subcaption') facts.errorSubcaption += data;
        if (capture === 'script') facts.scripts += data;
        else texts.push(data);
      },
      onclosetag(name) {
        stack.pop();
        if (name === 'form') form = undefined;
        if (['title', 'script', 'p'].includes(name)) capture = undefined;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
  facts.title = squash(facts.title);
  facts.errorCaption = squash(facts.errorCaption);
  facts.errorSubcaption = squash(facts.errorSubcaption);
  facts.text = squash(texts.join(' '));
  return facts;
}
