/**
 * A generated Stack Exchange `Posts.xml` in the dump's format (one `<row>` per line, HTML bodies
 * escaped into attributes, `&#xA;` newlines, `<tag>` lists), where answers come long after their
 * questions: the first third of the posts are questions, and the answers that follow point back
 * to them in a scattered order, so every question is pending until late in the file. Used by the
 * reader's test and the `sources` bench.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export interface GeneratedPosts {
  posts: number;
  questions: number;
  answers: number;
  bytes: number;
}

function xmlAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '&#xA;');
}

const WORDS = ['brew', 'yeast', 'malt', 'hops', 'barrel', 'lager', 'ale', 'stout', 'ferment', 'bottle', 'cellar', 'temperature', 'glass', 'foam', 'wort', 'grain'];

function sentence(seed: number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[(seed * 31 + i * 7 + ((seed >> 3) % 5)) % WORDS.length]!);
  return out.join(' ');
}

function body(seed: number, paragraphs: number): string {
  const parts: string[] = [];
  for (let i = 0; i < paragraphs; i++) parts.push(`<p>${sentence(seed + i, 12)} with <code>x${seed}</code> and a <a href="https://example.org/${seed}">link</a>.</p>`);
  if (seed % 3 === 0) parts.push(`<pre><code>for (let i = 0; i &lt; ${seed % 100}; i++) {\n  pour(i);\n}\n</code></pre>`);
  return parts.join('\n') + '\n';
}

/** Question index (0-based) an answer at position `k` of the answer block belongs to. */
export function questionOfAnswer(k: number, questions: number): number {
  // 7919 is prime and does not divide the counts used, so answers of one question are spread out
  return (k * 7919) % questions;
}

/** Post id of question index q, and of answer number k (ids follow file order, as in the dumps). */
export const questionId = (q: number): number => q + 1;
export const answerId = (k: number, questions: number): number => questions + k + 1;

/** Score of answer k: deterministic, some negative. */
export const answerScore = (k: number): number => ((k * 13) % 17) - 3;

/** Writes `posts` posts (a third questions) to `path`. */
export async function writeGeneratedPosts(path: string, posts: number, paragraphs = 2): Promise<GeneratedPosts> {
  const questions = Math.ceil(posts / 3);
  const answers = posts - questions;
  const out = createWriteStream(path);
  let bytes = 0;
  let buf: string[] = [];
  const put = async (s: string): Promise<void> => {
    buf.push(s);
    if (buf.length >= 2000) {
      const chunk = buf.join('');
      buf = [];
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
    }
  };
  await put('<?xml version="1.0" encoding="utf-8"?>\n<posts>\n');
  for (let q = 0; q < questions; q++) {
    const accepted = q % 2 === 0 ? ` AcceptedAnswerId="${answerId(acceptedK(q, questions), questions)}"` : '';
    await put(
      `  <row Id="${questionId(q)}" PostTypeId="1"${accepted} CreationDate="2014-01-21T20:26:05.383" Score="${q % 23}" ViewCount="10" Body="${xmlAttr(body(q, paragraphs))}" OwnerUserId="7" Title="${xmlAttr(`How do I ${sentence(q, 5)}? (${q})`)}" Tags="${xmlAttr(`<tag${q % 50}><brewing>`)}" AnswerCount="2" CommentCount="0" />\n`,
    );
  }
  for (let k = 0; k < answers; k++) {
    await put(
      `  <row Id="${answerId(k, questions)}" PostTypeId="2" ParentId="${questionId(questionOfAnswer(k, questions))}" CreationDate="2015-01-21T20:31:18.540" Score="${answerScore(k)}" Body="${xmlAttr(body(k + 17, paragraphs))}" OwnerUserId="12" CommentCount="0" />\n`,
    );
  }
  await put('</posts>\n');
  const rest = buf.join('');
  bytes += Buffer.byteLength(rest);
  out.end(rest);
  await once(out, 'finish');
  return { posts, questions, answers, bytes };
}

/** Answer number of question q's accepted answer: the first answer pointing at it, found by inverting the permutation. */
export function acceptedK(q: number, questions: number): number {
  // k * 7919 ≡ q (mod questions): k = q * inverse(7919) mod questions
  return Number((BigInt(q) * modInverse(7919n, BigInt(questions))) % BigInt(questions));
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}
