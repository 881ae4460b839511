/**
 * The stackexchange reader on a slice of a real dump (beer.stackexchange.com's Posts.xml, see
 * sample-corpora/README.md), as extracted XML and as 7z archives made by the 7z command, on
 * damaged and malformed inputs, and on a generated Posts.xml of 1M posts whose answers come long
 * after their questions, read through an external sort that spills more runs than it merges at
 * once. Memory figures are in the `sources` bench, not here.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Doc } from '../../src/core/doc.js';
import { silentLogger } from '../../src/core/log.js';
import { StatsRecorder } from '../../src/core/stats.js';
import { localFile, memoryFile } from '../../src/io/input.js';
import type { ReaderContext } from '../../src/readers/reader.js';
import { siteOf, stackexchangeReader } from '../../src/readers/stackexchange.js';
import { RowScanner, decodeAttribute, rowAttributes } from '../../src/readers/stackexchange/rows.js';
import { tempDir } from '../helpers/corpus.js';
import { runReader } from '../helpers/harness.js';
import { acceptedK, answerId, answerScore, questionId, questionOfAnswer, writeGeneratedPosts } from '../corpora/stackexchange-posts.js';

const SAMPLE_XML = 'sample-corpora/stackexchange/source/beer.stackexchange.com/Posts.xml';
const SAMPLE_7Z = 'sample-corpora/stackexchange/beer.stackexchange.com.7z';
const dir = tempDir('sluice-se-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sevenZip = (args: string[], cwd: string): void => {
  execFileSync('7z', args, { cwd, stdio: 'ignore' });
};

const byId = (docs: Doc[]): Map<string, Doc> => new Map(docs.map((d) => [d.id, d]));

const HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<posts>\n';
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '&#xA;');
const q = (id: number, body: string, extra = ''): string =>
  `  <row Id="${id}" PostTypeId="1" Score="3" Body="${esc(body)}" Title="Question ${id}" Tags="${esc('<a><b>')}" CreationDate="2020-01-01T00:00:00.000"${extra} />\n`;
const a = (id: number, parent: number, score: number, body: string): string => `  <row Id="${id}" PostTypeId="2" ParentId="${parent}" Score="${score}" Body="${esc(body)}" />\n`;

describe('stackexchange on a slice of the real beer.stackexchange.com dump', () => {
  it('one document per question, answers accepted first then by score, the late answers included', async () => {
    const r = await runReader(stackexchangeReader, localFile(SAMPLE_XML));
    expect(r.invalid).toEqual([]);
    // 13 questions; two tag wikis (PostTypeId 4, 5) and an election description (7) are not questions or answers
    expect(r.docs).toHaveLength(13);
    expect(r.skipped.map((s) => `${s.id} ${s.reason} ${JSON.stringify(s.detail)}`)).toEqual([
      'beer.stackexchange.com:94 post_type {"post_type_id":5}',
      'beer.stackexchange.com:95 post_type {"post_type_id":4}',
      'beer.stackexchange.com:4994 post_type {"post_type_id":7}',
    ]);
    const docs = byId(r.docs);
    const q2 = docs.get('beer.stackexchange.com:2')!;
    expect(q2.source).toBe('beer.stackexchange.com');
    // accepted 175 (score 13), then 177 (12), 102 (7), 46 (6)
    expect(q2.meta).toMatchObject({ site: 'beer.stackexchange.com', question_id: 2, title: 'When was the first beer ever brewed?', tags: ['history'], score: 21, accepted_answer_id: 175 });
    expect(q2.meta['answer_ids']).toEqual([175, 177, 102, 46]);
    expect(q2.meta['answer_scores']).toEqual([13, 12, 7, 6]);
    expect(q2.text.startsWith('Q:\n\nWhen was the first beer ever brewed?\n\nAs far as we know, when did humans first brew beer, and where?')).toBe(true);
    expect(q2.text.split('\n\nA:\n\n')).toHaveLength(5);
    // question 3's answers include 3231, thousands of rows after it
    expect(docs.get('beer.stackexchange.com:3')!.meta['answer_ids']).toEqual([13, 87, 3231]);
    // questions 11 and 12 have no accepted answer: by score, then by id
    expect(docs.get('beer.stackexchange.com:11')!.meta).toMatchObject({ accepted_answer_id: null, answer_ids: [107, 3334, 23, 3264, 3332], answer_scores: [10, 2, 1, 1, 0] });
    expect(docs.get('beer.stackexchange.com:8')!.meta['tags']).toEqual(['brewing', 'ale', 'lager']);
    // HTML is gone, entities decoded, paragraphs one per line, link text kept
    const q1 = docs.get('beer.stackexchange.com:1')!.text;
    expect(q1).toContain('What are citra hops? Why should I care that my beer is made with them?');
    expect(q1).toContain('For more information, you can read the Wikipedia article on the Citra brand.');
    for (const d of r.docs) expect(d.text).not.toMatch(/<\/?(p|a|em|img)\b|&lt;|&quot;|&#xA;/);
  });

  it('the committed 7z archive (made by the 7z command) and a stackoverflow-style <site>-Posts.7z read like the extracted XML', async () => {
    const xml = await runReader(stackexchangeReader, localFile(SAMPLE_XML));
    const archived = await runReader(stackexchangeReader, localFile(SAMPLE_7Z));
    expect(archived.docs).toEqual(xml.docs);
    expect(archived.skipped).toEqual(xml.skipped);
    expect(archived.invalid).toEqual([]);
    // StackOverflow's own dump is split per table: stackoverflow.com-Posts.7z holding Posts.xml
    const so = join(dir, 'so');
    mkdirSync(so, { recursive: true });
    copyFileSync(SAMPLE_XML, join(so, 'Posts.xml'));
    sevenZip(['a', '-bd', '-mx=1', 'stackoverflow.com-Posts.7z', 'Posts.xml'], so);
    const r = await runReader(stackexchangeReader, localFile(join(so, 'stackoverflow.com-Posts.7z')));
    expect(r.docs.map((d) => d.id)).toEqual(xml.docs.map((d) => d.id.replace('beer.stackexchange.com', 'stackoverflow.com')));
    expect(new Set(r.docs.map((d) => d.source))).toEqual(new Set(['stackoverflow.com']));
  });

  it('options: minimum answer score, accepted answers only, minimum answers, sites, source label', async () => {
    const minScore = await runReader(stackexchangeReader, localFile(SAMPLE_XML), { min_answer_score: 10 });
    expect(byId(minScore.docs).get('beer.stackexchange.com:2')!.meta['answer_ids']).toEqual([175, 177]);
    const low = minScore.skipped.filter((s) => s.reason === 'low_score');
    expect(low.length).toBeGreaterThan(10);
    for (const s of low) expect(s.meta!['score']).toBeLessThan(10);

    const accepted = await runReader(stackexchangeReader, localFile(SAMPLE_XML), { accepted_only: true, min_answers: 1 });
    const docs = byId(accepted.docs);
    expect(docs.get('beer.stackexchange.com:2')!.meta['answer_ids']).toEqual([175]);
    expect(docs.get('beer.stackexchange.com:10')!.meta['answer_ids']).toEqual([209]);
    // 11 and 12 have no accepted answer
    expect(docs.size).toBe(11);
    expect(accepted.skipped.filter((s) => s.reason === 'too_few_answers').map((s) => s.id)).toEqual(['11', '12'].map((i) => `beer.stackexchange.com:${i}`));
    expect(accepted.skipped.filter((s) => s.reason === 'not_accepted').length).toBeGreaterThan(0);

    const other = await runReader(stackexchangeReader, localFile(SAMPLE_XML), { sites: ['cooking', 'stackoverflow.com'] });
    expect(other.docs).toEqual([]);
    expect(other.skipped.map((s) => `${s.id} ${s.reason}`)).toEqual(['beer.stackexchange.com:* site_not_included']);
    expect((await runReader(stackexchangeReader, localFile(SAMPLE_XML), { sites: ['beer'] })).docs).toHaveLength(13);

    const label = await runReader(stackexchangeReader, localFile(SAMPLE_XML), { source_per_site: false }, { source: 'qa' });
    expect(new Set(label.docs.map((d) => d.source))).toEqual(new Set(['qa']));
  });

  it('site names come from the archive name, the -Posts suffix or the folder of Posts.xml', () => {
    expect(siteOf('dumps/cooking.stackexchange.com.7z')).toBe('cooking.stackexchange.com');
    expect(siteOf('dumps/stackoverflow.com-Posts.7z')).toBe('stackoverflow.com');
    expect(siteOf('dumps/math.stackexchange.com/Posts.xml')).toBe('math.stackexchange.com');
    expect(siteOf('dumps/math.stackexchange.com/Posts.xml.zst')).toBe('math.stackexchange.com');
  });
});

describe('stackexchange bodies', () => {
  const body = '<p>Use <code>a &lt; b</code> here:</p>\n<pre class="lang-py s-code-block"><code>for x in xs:\n    print(x &amp; 1)\n</code></pre>\n<ul><li>one</li><li>two</li></ul>\n';
  const xml = HEAD + q(1, body, ' AcceptedAnswerId="3"') + a(2, 1, 5, '<p>Second, with <strong>bold</strong>.</p>') + a(3, 1, 1, '<blockquote><p>quoted</p></blockquote>') + '</posts>\n';

  it('code blocks verbatim and inline code kept, as plain text and as Markdown', async () => {
    const plain = await runReader(stackexchangeReader, memoryFile('x/Posts.xml', Buffer.from(xml), 7), { site: 'test.stackexchange.com' });
    expect(plain.docs[0]!.text).toBe('Q:\n\nQuestion 1\n\nUse a < b here:\nfor x in xs:\n    print(x & 1)\none\ntwo\n\nA:\n\nquoted\n\nA:\n\nSecond, with bold.');
    const md = await runReader(stackexchangeReader, memoryFile('x/Posts.xml', Buffer.from(xml), 7), { site: 'test.stackexchange.com', markdown: true });
    expect(md.docs[0]!.text).toBe('Q:\n\nQuestion 1\n\nUse `a < b` here:\n```\nfor x in xs:\n    print(x & 1)\n```\n- one\n- two\n\nA:\n\n> quoted\n\nA:\n\nSecond, with bold.');
    expect(md.docs[0]!.meta).toMatchObject({ tags: ['a', 'b'], answer_ids: [3, 2], answer_scores: [1, 5] });
  });

  it('tags in the |a|b| form of the 2024 dumps; entities and attribute whitespace as XML defines them', async () => {
    const x = HEAD + '  <row Id="1" PostTypeId="1" Score="0" Body="&lt;p&gt;x&lt;/p&gt;" Title="T &#x2603; &#9731;" Tags="|python|pandas|" />\n</posts>\n';
    const r = await runReader(stackexchangeReader, memoryFile('s/Posts.xml', Buffer.from(x)), { site: 's' });
    expect(r.docs[0]!.meta).toMatchObject({ tags: ['python', 'pandas'], title: 'T ☃ ☃' });
    expect(decodeAttribute('a\tb\nc &amp;lt; &bogus; & &#65;')).toBe('a b c &lt; &bogus; & A');
    // character references: at most 10 bytes with the ';', a lower-case x, digits only, up to U+10FFFF
    expect(decodeAttribute('&#x41;&#X41;&#;&#x;&#0000065;&#000000065;&#x10FFFF;&#x110000;&#6a;&#xfG;&#65')).toBe('A&#X41;&#;&#x;A&#000000065;\u{10ffff}&#x110000;&#6a;&#xfG;&#65');
    expect(decodeAttribute('\r\nx\ry&#xA;')).toBe(' x y\n');
  });

  it('rows keep the columns asked for; every attribute is still checked, and read back whole for rejects', () => {
    const scanner = new RowScanner(1 << 20, new Set(['Id', 'Body']));
    const row = '<row Id="1" ViewCount="7" Body="&lt;p&gt;" Id ="2" />';
    const rows = scanner.push(Buffer.from(`<posts>\n  ${row}\n  ${row.replace('Body', 'Odd')}\n</posts>\n`));
    // the second Id is written with a space before its '=': found by its name all the same
    expect(rows.map((r) => r.attrs)).toEqual([{ Id: '2', Body: '<p>' }, { Id: '2' }]);
    expect(rowAttributes(rows[0]!.bytes)).toEqual({ Id: '2', ViewCount: '7', Body: '<p>' });
    expect(Object.keys(rowAttributes(rows[1]!.bytes))).toEqual(['Id', 'ViewCount', 'Odd']);
    expect(() => new RowScanner(1 << 20, new Set(['Id'])).push(Buffer.from('<posts>\n<row Id="1" />\n<row Id="1" V<w="2" />'))).toThrow(/malformed attribute name "V<w"/);
  });
});

describe('stackexchange: bad records are rejected with a reason, never dropped', () => {
  const read = (xml: string | Buffer, params: Record<string, unknown> = {}) =>
    runReader(stackexchangeReader, memoryFile('t.stackexchange.com/Posts.xml', typeof xml === 'string' ? Buffer.from(xml) : xml, 5), params);

  it('malformed rows, orphan answers, duplicates and bytes that are not UTF-8', async () => {
    const bad = Buffer.from('  <row Id="9" PostTypeId="1" Score="1" Body="caf\u00e9 \xff" Title="t" />\n', 'latin1');
    const xml = Buffer.concat([
      Buffer.from(
        HEAD +
          q(1, '<p>ok</p>') +
          '  <row PostTypeId="1" Body="x" Title="no id" />\n' +
          '  <row Id="x7" PostTypeId="1" Body="x" Title="t" />\n' +
          '  <row Id="3" PostTypeId="one" Body="x" />\n' +
          '  <row Id="4" PostTypeId="2" Score="1" ViewCount="3" Body="no parent" />\n' +
          '  <row Id="5" PostTypeId="1" Score="1" Body="no title" />\n' +
          '  <row Id="6" PostTypeId="1" Score="high" Body="x" Title="t" />\n' +
          a(7, 100, 4, '<p>orphan: its question is not in the file</p>') +
          q(1, '<p>again</p>') +
          a(8, 1, 2, '<p>fine</p>'),
      ),
      bad,
      Buffer.from('</posts>\n'),
    ]);
    const r = await read(xml);
    expect(r.docs.map((d) => [d.id, d.meta['answer_ids']])).toEqual([['t.stackexchange.com:1', [8]]]);
    expect(r.docs[0]!.text).toContain('ok');
    expect(r.invalid.map((x) => `${x.id} ${x.reason}`).sort()).toEqual(
      [
        // the offset of the row's `<`, after its two spaces of indentation
        't.stackexchange.com:byte' + (HEAD.length + q(1, '<p>ok</p>').length + 2) + ' bad_record',
        't.stackexchange.com:x7 bad_record',
        't.stackexchange.com:3 bad_record',
        't.stackexchange.com:4 bad_record',
        't.stackexchange.com:5 bad_record',
        't.stackexchange.com:6 bad_record',
        't.stackexchange.com:1#repeat duplicate_post',
        't.stackexchange.com:9 invalid_utf8',
      ].sort(),
    );
    expect(r.invalid.find((x) => x.id === 't.stackexchange.com:4')!.error).toMatch(/answer 4: attribute ParentId is missing/);
    // a reject shows the row's every attribute, the ones a post does not use included
    expect(JSON.parse(r.invalid.find((x) => x.id === 't.stackexchange.com:4')!.raw as string)).toEqual({ Id: '4', PostTypeId: '2', Score: '1', ViewCount: '3', Body: 'no parent' });
    expect(r.skipped.map((s) => `${s.id} ${s.reason}`)).toEqual(['t.stackexchange.com:7 orphan_answer']);
  });

  it('max_post_bytes counts UTF-8 bytes: a Cyrillic body under the limit in characters but over it in bytes is too_large', async () => {
    const body = `<p>${'д'.repeat(800)}</p>`; // 807 characters, 1,607 bytes
    const r = await read(HEAD + q(1, body) + q(2, '<p>short</p>') + '</posts>\n', { max_post_bytes: 1000 });
    expect(r.docs.map((d) => d.id)).toEqual(['t.stackexchange.com:2']);
    expect(r.invalid.map((x) => `${x.reason} ${x.error}`)).toEqual(['too_large post 1 has a body of 1607 bytes, more than max_post_bytes=1000']);
  });

  it('a file cut mid-row keeps the questions before the cut and reports truncated_input', async () => {
    const full = HEAD + q(1, '<p>first</p>') + a(2, 1, 1, '<p>answer</p>') + q(3, '<p>third</p>');
    const r = await read(full + '  <row Id="4" PostTypeId="2" ParentId="1" Body="cut her');
    expect(r.docs.map((d) => d.id)).toEqual(['t.stackexchange.com:1', 't.stackexchange.com:3']);
    expect(r.invalid.map((x) => x.reason)).toEqual(['truncated_input']);
    expect(r.invalid[0]!.error).toMatch(/t\.stackexchange\.com\/Posts\.xml: the XML ends inside an element/);
    const noClose = await read(full);
    expect(noClose.docs).toHaveLength(2);
    expect(noClose.invalid.map((x) => [x.reason, x.error])).toEqual([['truncated_input', expect.stringMatching(/ends before <\/posts>/)]]);
  });

  it('text between rows, other elements and other tables stop the file with a reason', async () => {
    const text = await read(HEAD + q(1, '<p>first</p>') + 'stray text\n' + q(2, '<p>second</p>') + '</posts>\n');
    expect(text.docs.map((d) => d.id)).toEqual(['t.stackexchange.com:1']);
    expect(text.invalid.map((x) => [x.reason, x.error])).toEqual([['bad_xml', expect.stringMatching(/text outside a row at byte \d+; rows after it are not read/)]]);
    const users = await read('<?xml version="1.0" encoding="utf-8"?>\n<users>\n  <row Id="1" DisplayName="Ann" />\n</users>\n');
    expect(users.docs).toEqual([]);
    expect(users.invalid.map((x) => x.reason)).toEqual(['not_posts_xml']);
    const empty = await read('');
    expect(empty.invalid.map((x) => x.reason)).toEqual(['empty']);
  });

  it('damaged 7z archives and archives without Posts.xml', async () => {
    const work = join(dir, 'damaged');
    mkdirSync(work, { recursive: true });
    copyFileSync(SAMPLE_7Z, join(work, 'cut.stackexchange.com.7z'));
    const bytes = readFileSync(SAMPLE_7Z);
    // 7z keeps its index at the end: a cut archive cannot be opened at all
    writeFileSync(join(work, 'cut.stackexchange.com.7z'), bytes.subarray(0, bytes.length - 200));
    const cut = await runReader(stackexchangeReader, localFile(join(work, 'cut.stackexchange.com.7z')));
    expect(cut.docs).toEqual([]);
    expect(cut.invalid.map((x) => x.reason)).toEqual(['bad_archive']);
    // a corrupt byte in the packed data: 7z stops with a data error after what it could decode
    const corrupt = Buffer.from(bytes);
    corrupt[4000] = corrupt[4000]! ^ 0xff;
    writeFileSync(join(work, 'corrupt.stackexchange.com.7z'), corrupt);
    const bad = await runReader(stackexchangeReader, localFile(join(work, 'corrupt.stackexchange.com.7z')));
    expect(bad.invalid.map((x) => x.reason).filter((x) => x === 'bad_archive' || x === 'bad_xml' || x === 'truncated_input')).toHaveLength(1);
    writeFileSync(join(work, 'Users.xml'), '<users />\n');
    sevenZip(['a', '-bd', 'users.stackexchange.com.7z', 'Users.xml'], work);
    const none = await runReader(stackexchangeReader, localFile(join(work, 'users.stackexchange.com.7z')));
    expect(none.invalid.map((x) => [x.reason, x.error])).toEqual([['no_posts_xml', expect.stringMatching(/holds no Posts\.xml \(entries: Users\.xml\)/)]]);
  });
});

describe('stackexchange: spilled posts of any size', () => {
  it('posts larger than a run block (1 MiB) and non-ASCII text come back from the runs as they went in', async () => {
    const big = '<p>' + 'snow ☃ '.repeat(300_000) + '</p>';
    let x = HEAD;
    for (let i = 1; i <= 40; i++) x += q(i, i % 7 === 0 ? big : `<p>question ${i} é</p>`);
    for (let i = 1; i <= 40; i++) x += a(100 + i, 41 - i, i % 5, i % 9 === 0 ? big : `<p>answer ${i} 雪</p>`);
    x += '</posts>\n';
    const file = (): ReturnType<typeof memoryFile> => memoryFile('big.stackexchange.com/Posts.xml', Buffer.from(x), [65536, 7, 100_003]);
    const inMemory = await runReader(stackexchangeReader, file());
    const spill = join(dir, 'spill-big');
    mkdirSync(spill, { recursive: true });
    const spilled = await runReader(stackexchangeReader, file(), { sort_buffer: '64KiB', spill_dir: spill });
    expect(spilled.docs).toHaveLength(40);
    expect(spilled.docs).toEqual(inMemory.docs);
    expect(spilled.docs[6]!.text).toContain('snow ☃ snow');
  });
});

describe('stackexchange: a 1M-post Posts.xml whose answers come long after their questions', () => {
  it(
    'every question gets exactly its answers through more spilled runs than one merge takes (32)',
    async () => {
      const path = join(dir, 'big.stackexchange.com', 'Posts.xml');
      mkdirSync(join(dir, 'big.stackexchange.com'), { recursive: true });
      const gen = await writeGeneratedPosts(path, 1_000_000, 0);
      const spill = join(dir, 'spill');
      mkdirSync(spill, { recursive: true });
      const stats = new StatsRecorder();
      let invalid = 0;
      let skipped = 0;
      const ctx: ReaderContext = {
        file: localFile(path),
        source: 'stackexchange',
        stats: stats.stage('stackexchange'),
        log: silentLogger,
        signal: new AbortController().signal,
        invalid: () => invalid++,
        skip: () => skipped++,
      };
      // a small buffer: about 80 runs, so the sort merges in two levels (32 runs at most at once)
      const params = stackexchangeReader.params.parse({ sort_buffer: '2MiB', spill_dir: spill });
      let docs = 0;
      let lastQuestion = -1;
      let answers = 0;
      // checked per document without expect(), which would cost more than the reading; the first mismatches are reported
      const wrong: string[] = [];
      for await (const d of stackexchangeReader.read(localFile(path), params, ctx)) {
        const qIndex = (d.meta['question_id'] as number) - 1;
        const ids = d.meta['answer_ids'] as number[];
        // answers k0 and k0 + questions point at question q (questionOfAnswer is k * 7919 mod questions)
        const k0 = acceptedK(qIndex, gen.questions);
        const expectedIds = [k0, k0 + gen.questions].filter((k) => k < gen.answers && questionOfAnswer(k, gen.questions) === qIndex).map((k) => answerId(k, gen.questions));
        const scores = ids.map((id) => answerScore(id - gen.questions - 1));
        const ok =
          qIndex > lastQuestion && // in question id order, each once
          d.id === `big.stackexchange.com:${questionId(qIndex)}` &&
          JSON.stringify([...ids].sort((x, y) => x - y)) === JSON.stringify(expectedIds) &&
          // even questions accept their first answer, which then comes first
          (qIndex % 2 !== 0 || ids[0] === expectedIds[0]) &&
          JSON.stringify(d.meta['answer_scores']) === JSON.stringify(scores);
        if (!ok && wrong.length < 5) wrong.push(`${d.id}: answers ${JSON.stringify(ids)} scores ${JSON.stringify(d.meta['answer_scores'])}, expected ${JSON.stringify(expectedIds)}`);
        lastQuestion = qIndex;
        answers += ids.length;
        docs++;
      }
      expect(wrong).toEqual([]);
      expect(docs).toBe(gen.questions);
      expect(answers).toBe(gen.answers);
      expect(invalid + skipped).toBe(0);
      const counters = stats.stats.stages['stackexchange']!.counters;
      expect(counters['spill_runs']).toBeGreaterThan(32);
      // the runs are gone once the file is read
      expect(readdirSync(spill)).toEqual([]);
    },
    10 * 60_000,
  );
});
