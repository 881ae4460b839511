/**
 * Project Gutenberg plain-text books: the licence header and footer around the book are
 * removed, bibliographic fields are read from the header, and hard-wrapped lines are joined
 * into paragraphs.
 *
 * Marker variants seen across the collection's history (1991-today):
 *   *** START OF THE PROJECT GUTENBERG EBOOK PRIDE AND PREJUDICE ***        (current)
 *   *** START OF THIS PROJECT GUTENBERG EBOOK ... ***  / ***START OF THE ... (2000s)
 *   *END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*        (1990s: end of the licence header)
 *   *** END OF THE PROJECT GUTENBERG EBOOK ... *** / End of the Project Gutenberg EBook of ... / End of Project Gutenberg's ...
 */

export interface BookMeta {
  title?: string;
  author?: string;
  /** ISO 639-1 code when the header's language is a known name, else the name as written. */
  language?: string;
  ebook?: number;
}

export interface StrippedBook {
  /** The book without the Gutenberg header and footer (the whole text when no markers were found). */
  body: string;
  meta: BookMeta;
  hasStart: boolean;
  hasEnd: boolean;
}

// ("***START**THE SMALL PRINT" opens the 1990s licence, so it is not a start of the book)
const START_MARKERS = [/^\s*\*{3}\s*START OF (THE|THIS) PROJECT GUTENBERG/i, /^\s*\*END\*\s*THE SMALL PRINT/i];
const END_MARKERS = [/^\s*\*{3}\s*END OF (THE|THIS) PROJECT GUTENBERG/i, /^\s*End of (the |this )?Project Gutenberg/i, /^\s*\*{3}\s*START: FULL LICENSE/i];
/** Credits that follow the start marker ("Produced by ..."): a paragraph, not part of the book. */
const PRODUCER = /^\s*(Produced by|E-?text prepared by|This e-?text was (produced|prepared) by|Transcribed from|Transcriber's note: this e-?text)/i;

// a packed table: one row per line reads better than one value per line
// prettier-ignore
const LANGUAGES: Readonly<Record<string, string>> = {
  english: 'en', french: 'fr', german: 'de', spanish: 'es', italian: 'it', portuguese: 'pt', dutch: 'nl', finnish: 'fi',
  swedish: 'sv', danish: 'da', norwegian: 'no', latin: 'la', greek: 'el', chinese: 'zh', japanese: 'ja', russian: 'ru',
  polish: 'pl', hungarian: 'hu', esperanto: 'eo', catalan: 'ca', czech: 'cs', welsh: 'cy', irish: 'ga', tagalog: 'tl',
};

function languageCode(name: string): string {
  const first = name.split(/[,;/]| and /)[0]!.trim();
  return LANGUAGES[first.toLowerCase()] ?? first;
}

/** `Field: value` from header lines, with indented continuation lines joined (long titles wrap). */
function headerField(lines: readonly string[], field: string): string | undefined {
  const re = new RegExp(`^\\s*${field}\\s*:\\s*(.*)$`, 'i');
  for (let i = 0; i < lines.length; i++) {
    const m = re.exec(lines[i]!);
    if (!m) continue;
    let value = m[1]!.trim();
    for (let j = i + 1; j < lines.length && /^\s+\S/.test(lines[j]!) && !/^\s*\w[\w ]*:/.test(lines[j]!); j++) value += ` ${lines[j]!.trim()}`;
    return value === '' ? undefined : value;
  }
  return undefined;
}

export function parseHeader(lines: readonly string[]): BookMeta {
  const meta: BookMeta = {};
  const title = headerField(lines, 'Title');
  const author = headerField(lines, 'Author');
  const language = headerField(lines, 'Language');
  // "The Project Gutenberg EBook of Pride and Prejudice, by Jane Austen" (older headers without fields)
  const intro = lines.map((l) => /Project Gutenberg(?:'s)? E-?(?:Book|text) of (.+?)(?:, by (.+))?$/i.exec(l.trim())).find((m) => m !== null);
  if (title ?? intro?.[1]) meta.title = (title ?? intro![1]!).trim();
  if (author ?? intro?.[2]) meta.author = (author ?? intro![2]!).trim();
  if (language) meta.language = languageCode(language);
  for (const l of lines) {
    const m = /E-?(?:Book|text)\s*#\s*(\d+)/i.exec(l);
    if (m) {
      meta.ebook = Number(m[1]);
      break;
    }
  }
  return meta;
}

/** Splits a book into header, body and footer by its Gutenberg markers. */
export function stripGutenberg(text: string): StrippedBook {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    if (START_MARKERS.some((re) => re.test(lines[i]!))) {
      start = i;
      break;
    }
  }
  let end = -1;
  for (let i = Math.max(0, start + 1); i < lines.length; i++) {
    if (END_MARKERS.some((re) => re.test(lines[i]!))) {
      end = i;
      break;
    }
  }
  // without a start marker the fields (if any) are in the first lines
  const meta = parseHeader(lines.slice(0, start >= 0 ? start : Math.min(lines.length, end >= 0 ? end : 40, 40)));
  let bodyLines = lines.slice(start + 1, end >= 0 ? end : lines.length);
  if (start >= 0) {
    // a start marker may wrap onto a line of its own "***"
    while (bodyLines.length > 0 && /^\s*\*{3}\s*$/.test(bodyLines[0]!)) bodyLines = bodyLines.slice(1);
  }
  bodyLines = dropProducerCredits(bodyLines);
  return { body: bodyLines.join('\n'), meta, hasStart: start >= 0, hasEnd: end >= 0 };
}

function dropProducerCredits(lines: string[]): string[] {
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  if (i < lines.length && PRODUCER.test(lines[i]!)) {
    while (i < lines.length && lines[i]!.trim() !== '') i++;
    return lines.slice(i);
  }
  return lines;
}

/**
 * Joins hard-wrapped lines into paragraphs; a blank line is a paragraph break. A paragraph whose
 * every line is indented (verse, letters, tables of contents) keeps its line breaks.
 */
export function unwrapParagraphs(body: string): string {
  const out: string[] = [];
  let para: string[] = [];
  const flush = (): void => {
    if (para.length === 0) return;
    const verse = para.length > 1 && para.every((l) => /^\s/.test(l));
    out.push(
      verse
        ? para.map((l) => l.trim()).join('\n')
        : para
            .map((l) => l.trim())
            .join(' ')
            .replace(/[ \t]{2,}|\t/g, ' '),
    );
    para = [];
  };
  for (const line of body.split('\n')) {
    if (line.trim() === '') flush();
    else para.push(line); // flush trims both ends
  }
  flush();
  return out.join('\n\n');
}
