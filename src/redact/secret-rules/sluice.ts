/**
 * sluice's own secret rules: context rules for code that gitleaks' table lacks or writes with
 * unbounded `.*` (curl), and ports of detect-secrets plugins whose shapes gitleaks does not cover.
 * Every quantifier is bounded, and anchored rules start at their keyword.
 */
import type { RuleData } from './types.js';

/** Spells ASCII letters outside classes and escapes as [aA], since Node 20's RegExp has no inline (?i). */
export function fold(source: string): string {
  let out = '';
  let inClass = false;
  for (let k = 0; k < source.length; k++) {
    const ch = source[k]!;
    if (ch === '\\') {
      out += ch + (source[k + 1] ?? '');
      k++;
    } else if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
    } else if (ch === '[') {
      inClass = true;
      out += ch;
    } else if (/[a-z]/i.test(ch)) out += `[${ch.toLowerCase()}${ch.toUpperCase()}]`;
    else out += ch;
  }
  return out;
}

/** Every keyword made of one of `firsts` followed by one of `seconds`. */
const pairs = (firsts: string | string[], seconds: string): string[] => [...firsts].flatMap((a) => [...seconds].map((b) => a + b));

/** An assignment operator with optional quotes and spaces around it (`=`, `:`, `:=`, `=>`, `,`), as detect-secrets reads them. */
const ASSIGN = `[\\w-]{0,20}["']?(?:[ \\t]{0,3}(?:=>|:=|=|:|,)[ \\t]{0,3}|[ \\t]{1,3})["'\`]?`;
/** What gitleaks accepts after a secret: quote, space, `;`, a literal \n, or the end. */
const END = `(?=[\`'"\\s;,)]|\\\\[nr]|$)`;
/** curl's arguments before -u or -H, across backslash-continued lines. */
const CURL_ARGS = `\\b(?:[^\\n\\\\]|\\\\[\\s\\S]){0,600}?[ \\t]`;

export const SLUICE_RULES: readonly RuleData[] = [
  {
    id: 'curl-auth-user',
    keywords: ['curl'],
    anchor: 'word',
    reach: 600,
    regex: `curl${CURL_ARGS}(?:-u|--user)(?:=|[ \\t]{1,5})(?:"(:[^"\\n]{3,200}|[^:"\\n]{3,100}:|[^:"\\n]{3,100}:[^"\\n]{3,200})"|'([^:'\\n]{3,100}:[^'\\n]{3,200})'|((?:"[^"\\n]{3,100}"|'[^'\\n]{3,100}'|[\\w$@.-]{1,100}):(?:"[^"\\n]{3,200}"|'[^'\\n]{3,200}'|[\\w\${}@.-]{1,200})))(?=\\s|$)`,
    entropy: 2,
    // gitleaks' placeholders: user:changeme, <user>:<pass>, $USER:$PASS, {{user}}:{{pass}}
    allow: [
      '^[^:]*:(?:change(?:it|me)|pass(?:word)?|pwd|test|token|\\*+|x+)$',
      '^<[^>]+>:<[^>]+>$|^<[^:]+:[^>]+>$',
      ':\\$(?:\\d|\\w+|\\{(?:\\d|\\w+)\\})$',
      '\\{\\{[^}]+\\}\\}',
      '^\\$\\([^)]+\\):\\$\\([^)]+\\)$',
    ],
  },
  {
    id: 'curl-auth-header',
    keywords: ['curl'],
    anchor: 'word',
    reach: 600,
    regex: `curl${CURL_ARGS}(?:-H|--header)(?:=|[ \\t]{1,5})["'](?:${fold('authorization')}:[ \\t]{0,5}(?:(?:${fold('basic')}|${fold('bearer')}|(?:${fold('api-')})?${fold('token')})[ \\t]{1,3})?|(?:${fold('x-')}(?:[a-zA-Z]{1,20}-)?)?(?:${fold('api')}-?)?(?:${fold('key')}|${fold('token')}):[ \\t]{0,5})([\\w=~@.+/-]{8,500})["']`,
    entropy: 2.75,
  },
  {
    // Dockerfile `ENV NAME value` (the `ENV NAME=value` form is an assignment, found by the assignment detector)
    id: 'docker-env-secret',
    keywords: ['env'],
    anchor: 'word',
    startChars: 'E',
    regex: `ENV[ \\t]{1,8}[A-Za-z0-9_.-]{0,40}(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)[A-Za-z0-9_]{0,20}[ \\t]{1,8}["']?([^\\s"'$=]{8,200})["']?(?=\\s|$)`,
    entropy: 3,
  },
  // detect-secrets ports (plugin in the id's comment)
  {
    // ArtifactoryDetector: API tokens AKC..., passwords AP[0-9A-F]...
    id: 'artifactory-token',
    keywords: ['akc', 'ap'],
    anchor: 'word',
    startChars: 'A',
    regex: `(AKC[a-zA-Z0-9]{10,200}|AP[0-9A-F][a-zA-Z0-9]{8,200})(?=\\s|"|$)`,
  },
  {
    // AzureStorageKeyDetector
    id: 'azure-storage-account-key',
    keywords: ['accountkey='],
    anchor: 'keyword',
    regex: `AccountKey=([a-zA-Z0-9+/=]{88})`,
  },
  {
    // DiscordBotTokenDetector: [MNO] and base64 of a numeric id, a timestamp, an HMAC; base64 of
    // two digits starts M/N/O then D/T/j/z (z also covers detect-secrets' MZ... example)
    id: 'discord-bot-token',
    keywords: pairs('mno', 'dtjz'),
    anchor: 'word',
    startChars: 'MNO',
    regex: `[MNO][a-zA-Z0-9_-]{23,25}\\.[a-zA-Z0-9_-]{6}\\.[a-zA-Z0-9_-]{27,38}`,
    noGlobalAllow: true,
  },
  {
    // TelegramBotTokenDetector
    id: 'telegram-bot-token',
    keywords: pairs('0123456789', '0123456789').flatMap((p) => pairs(p, '0123456789')),
    anchor: 'word',
    regex: `[0-9]{8,10}:[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])`,
  },
  {
    // MailchimpDetector
    id: 'mailchimp-api-key-bare',
    keywords: ['-us'],
    regex: `\\b[0-9a-z]{32}-us[0-9]{1,2}\\b`,
  },
  {
    // TwilioKeyDetector: account SIDs and API keys
    id: 'twilio-sid-key',
    keywords: ['ac', 'sk'],
    anchor: 'word',
    startChars: 'AS',
    regex: `(?:AC|SK)[a-z0-9]{32}(?![a-zA-Z0-9])`,
    entropy: 3,
  },
  {
    // SquareOAuthDetector
    id: 'square-oauth-secret',
    keywords: ['sq0csp-'],
    anchor: 'keyword',
    regex: `sq0csp-[0-9A-Za-z\\\\_-]{43}`,
  },
  {
    // IbmCloudIamDetector: 44-character keys assigned to ibm/cloud/iam key names
    id: 'ibm-cloud-iam-key',
    keywords: ['ibm', 'iam', 'cloud'],
    anchor: 'keyword',
    regex: `${fold('(?:ibm[_-]?cloud[_-]?iam|cloud[_-]?iam|ibm[_-]?cloud|ibm[_-]?iam|ibm|iam|cloud)[_-]?(?:api)?[_-]?(?:key|pwd|password|pass|token)')}${ASSIGN}([a-zA-Z0-9_-]{44})(?![a-zA-Z0-9_-])`,
  },
  {
    // IbmCosHmacDetector: 48-hex secret access keys
    id: 'ibm-cos-hmac-secret',
    keywords: ['secret', 'ibm', 'cos'],
    anchor: 'keyword',
    regex: `${fold('(?:(?:ibm)?[-_]?cos[-_]?(?:hmac)?[-_]?)?secret[-_]?(?:access)?[-_]?key')}${ASSIGN}([a-f0-9]{48})(?![a-f0-9])`,
  },
  {
    // SoftlayerDetector: 64-character keys assigned to softlayer/sl names, and in SOAP URLs
    id: 'softlayer-api-key',
    keywords: ['softlayer', 'sl'],
    anchor: 'word',
    regex: `(?:${fold('(?:softlayer|sl)[_-]?(?:api)?[_-]?(?:key|pwd|password|pass|token)')}${ASSIGN}|${fold('softlayer.com/soap/v3(?:\\.1)?/')})([a-zA-Z0-9]{64})${END}`,
  },
  {
    // CloudantDetector: passwords and API keys assigned to cloudant/cl names
    id: 'cloudant-credential',
    keywords: ['cloudant', 'cl'],
    anchor: 'word',
    regex: `${fold('(?:cloudant|clou|cl)[_-]?(?:api)?[_-]?(?:key|pwd|pw|password|pass|token)')}${ASSIGN}([0-9a-f]{64}|[a-z]{24})${END}`,
  },
  {
    // CloudantDetector: ... and in account URLs
    id: 'cloudant-url-credential',
    keywords: ['cloudant.com'],
    regex: `https?://[\\w-]{1,100}:([0-9a-f]{64}|[a-z]{24})@[\\w-]{1,100}\\.${fold('cloudant')}\\.com`,
  },
];
