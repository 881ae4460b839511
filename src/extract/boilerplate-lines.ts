/**
 * Lines that are page furniture wherever they appear: interface strings ("Advertisement",
 * "Read more", "Share this"), WordPress's "%d bloggers like this:", cookie and newsletter calls.
 * Only short lines are tested, so a paragraph that mentions an advertisement stays.
 */
const MAX_CHARS = 80;

/** Whole lines (lower-cased, trimmed of bullets and arrows) that are interface strings, in the languages most of Common Crawl is in. */
// a packed table: one row per language reads better than one string per line
// prettier-ignore
const EXACT = new Set([
  // English
  'advertisement', 'advertisements', 'ad', 'ads', 'sponsored', 'sponsored content', 'promoted', 'close', 'menu', 'search',
  'skip to content', 'skip to main content', 'skip to navigation', 'back to top', 'top', 'read more', 'read more:', 'more',
  'continue reading', 'continue reading below', 'story continues below', 'story continues below advertisement',
  'article continues below', 'article continues below advertisement', 'related', 'related articles', 'related stories',
  'related posts', 'related content', 'you may also like', 'more from', 'recommended', 'recommended for you', 'trending',
  'most popular', 'most read', 'share', 'share this', 'share this:', 'share this article', 'share this story', 'tweet', 'email',
  'print', 'comments', 'comment', 'leave a comment', 'leave a reply', 'reply', 'subscribe', 'subscribe now', 'sign up',
  'sign in', 'log in', 'login', 'register', 'like this:', 'like', 'loading...', 'loading', 'follow us', 'follow',
  'newsletter', 'photo', 'image', 'video', 'click here', 'click to expand', 'toggle', 'previous', 'next',
  'previous article', 'next article', 'previous post', 'next post', 'home', 'tags', 'tags:', 'categories', 'filed under',
  'posted in', 'copy link', 'link copied', 'listen', 'listen to this article', 'play', 'watch', 'to read the full story',
  'don’t miss', "don't miss", 'see also', 'see more', 'show more', 'view comments', 'view all', 'open in app', 'permalink',
  // German
  'anzeige', 'werbung', 'teilen', 'teilen mit:', 'sharen mit:', 'gefällt mir:', 'gefällt mir', 'wird geladen',
  'wird geladen …', 'wird geladen...', 'kommentieren', 'kommentare', 'kommentar schreiben', 'antworten', 'weiterlesen',
  'mehr lesen', 'mehr', 'mehr zum thema', 'mehr themen:', 'auch interessant', 'auch lesen:', 'lesen sie auch',
  'lesen sie auch:', 'das könnte sie auch interessieren', 'ähnliche beiträge', 'ähnliche artikel', 'verwandte artikel',
  'zurück', 'zurück zur übersicht', 'nach oben', 'drucken', 'artikel drucken', 'schließen', 'suche', 'startseite',
  // French
  'publicité', 'partager', 'partager sur facebook', 'partager sur twitter', 'lire aussi', 'lire aussi :', 'à lire aussi',
  'lire la suite', 'commentaires', 'imprimer', 'permalien', 'fermer', 'suivant', 'précédent', 'voir aussi',
  // Spanish, Italian, Portuguese, Dutch
  'publicidad', 'compartir', 'leer más', 'lee también', 'comentarios', 'pubblicità', 'condividi', 'leggi anche',
  'leggi di più', 'commenti', 'publicidade', 'partilhar', 'compartilhar', 'leia mais', 'leia também', 'advertentie',
  'delen', 'lees meer', 'lees ook', 'reacties',
]);

const PATTERNS = [
  /^%d bloggers like this:?$/,
  /^\d+ bloggers? likes? this\.?$/,
  /^like loading\.*$/,
  /^(?:share|follow us) on (?:facebook|twitter|x|linkedin|whatsapp|pinterest|reddit|email)$/,
  /^(?:sign up|subscribe) (?:for|to) (?:our|the) [\w ]{0,30}newsletters?\.?$/,
  /^(?:this (?:site|website) uses cookies|we use cookies)\b.{0,60}$/,
  /^(?:get|download) (?:the|our) [\w ]{0,25}app\b.{0,30}$/,
  /^(?:image|photo|picture|video) (?:credit|source|courtesy)\b.{0,60}$/,
  /^(?:crédits? photos?|photo credit|fotos?|bild(?:quelle)?|foto(?:grafie)?credits?)\s*:.{1,60}$/,
  /^(?:gefällt mir|like) (?:wird geladen|loading)\s*(?:…|\.\.\.)?$/,
  /^(?:advertisement|advertising)\s*[-–—:]?\s*(?:scroll|continue|story)\b.{0,40}$/,
  /^(?:click|tap) here to\b.{0,50}$/,
  /^(?:all rights reserved|©|\(c\)|copyright ©?)\s*.{0,60}$/,
];

function normal(line: string): string {
  return line
    .toLowerCase()
    .replace(/^[\s\-–—•·|>#*]+|[\s\-–—•·|»›>]+$/g, '')
    .replace(/\s+/g, ' ');
}

export function isBoilerplateLine(line: string): boolean {
  if (line.length > MAX_CHARS) return false;
  const n = normal(line);
  if (n === '') return true;
  if (EXACT.has(n)) return true;
  for (const re of PATTERNS) if (re.test(n)) return true;
  return false;
}
