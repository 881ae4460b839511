/**
 * Document templates for the evaluation set: web pages, forum posts, forms, invoices, logs and
 * source/config files, each planting a few values and look-alikes among ordinary filler text
 * (which is full of dates, versions, prices and counts: anything found there is a false positive).
 */
import { ALNUM, HEX_LOWER, type Prng } from '../../../src/redact/hash.js';
import type { DocBuilder } from './doc-builder.js';
import * as v from './values.js';

export type Genre = 'web' | 'code' | 'log';

export interface Template {
  name: string;
  genre: Genre;
  write(b: DocBuilder, r: Prng): void;
}

const FILLER = [
  'Posted on March 3, 2021 at 10:42 by the site admin.',
  'Version 2.4.1 fixes the crash reported in issue #1234 and bumps lodash to 4.17.21.',
  'Our office is open Monday to Friday, 9:00-17:30, except on public holidays.',
  'Prices start at $1,299.99 (excl. VAT 19%) and shipping takes 3-5 business days.',
  'The 2019-2020 season ended 3-2 after 90+4 minutes of play.',
  'Read chapter 4.2.1 of the manual before upgrading from 1.8 to 2.0.',
  'We served 12,345,678 requests in Q3 2023, up 14.5% from 10,782,113.',
  'Order #20231012-0042 shipped on 2023-10-12 and arrived 10/14/2023.',
  'The meeting moved to 14:30 UTC on 12.10.2023; bring the Q4 slides.',
  'Latitude 40.7128, longitude -74.0060, elevation 10 m.',
  'Build 20231012.3 took 4m 32s on 8 cores with 16 GB RAM.',
  'See RFC 5737 and RFC 3849 for the addresses reserved for documentation.',
  'ISBN 978-0-306-40615-7 is the second edition (2nd printing, 1999).',
  'The firmware image (v3.10.2.1) is 1,048,576 bytes long.',
  'Temperature ranged from -5 to 23 degrees; humidity 45-60%.',
  'Call volume peaked at 1,024 per hour between 08:00 and 09:00.',
];

function filler(b: DocBuilder, r: Prng, n = r.int(1, 3)): void {
  for (let k = 0; k < n; k++) b.text(r.pick(FILLER) + ' ');
}

/** One look-alike drawn from those that resemble numeric kinds. */
function numericLookAlike(b: DocBuilder, r: Prng): void {
  const pick = r.int(0, 17);
  switch (pick) {
    case 0:
      b.text('Invalid address ');
      b.neg('999.999.999.999', 'invalid ipv4');
      b.text(' in the log.');
      break;
    case 1:
      b.text('Leading zero: ');
      b.neg('108.0.0.01', 'invalid ipv4');
      b.text('.');
      break;
    case 2:
      b.text('Router at ');
      b.neg(r.pick(['192.168.1.1', '10.0.0.1', '172.16.4.1', '127.0.0.2', '192.168.254.0']), 'private ipv4');
      b.text('.');
      break;
    case 3:
      b.text('Example host ');
      b.neg(`192.0.2.${r.int(1, 254)}`, 'documentation ipv4');
      b.text(' (RFC 5737).');
      break;
    case 4:
      b.text('Running version ');
      b.neg(`${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 9)}.${r.int(0, 200)}`, 'four-part version');
      b.text(' now.');
      break;
    case 5:
      b.text('Card on file: ');
      b.neg(v.luhnInvalidCard(r), 'luhn-invalid card');
      b.text('.');
      break;
    case 6:
      b.text('Timestamp ');
      b.neg(String(r.int(1500000000000, 1750000000000)), 'ms timestamp');
      b.text(' ms.');
      break;
    case 7:
      b.text('Request id ');
      b.neg(v.uuid(r), 'uuid');
      b.text('.');
      break;
    case 8:
      b.text('Fixed in commit ');
      b.neg(v.hexString(r, 40), 'git sha');
      b.text('.');
      break;
    case 9:
      b.text('ISBN ');
      b.neg(r.pick(['978-3-16-148410-0', '0-306-40615-2', '9780306406157', '978-1-4028-9462-6']), 'isbn');
      b.text('.');
      break;
    case 10:
      b.text('Test card ');
      b.neg(r.pick(['4111 1111 1111 1111', '4242-4242-4242-4242', '5555555555554444', '378282246310005']), 'published test card');
      b.text(' works in sandbox mode.');
      break;
    case 11:
      b.text('Case number ');
      b.neg(`${r.pick(['000', '666', '912'])}-${r.digits(2).replace(/^00$/, '12')}-${r.int(1000, 9999)}`, 'invalid ssn area');
      b.text('.');
      break;
    case 12:
      b.text('Order ');
      b.neg(String(r.int(100000000, 999999999)), 'nine digits without ssn context');
      b.text(' confirmed.');
      break;
    case 13:
      b.text('IBAN (bad checksum) ');
      b.neg(v.ibanBadChecksum(r), 'iban bad checksum');
      b.text('.');
      break;
    case 14:
      b.text('Sample IBAN ');
      b.neg(r.pick(['GB82 WEST 1234 5698 7654 32', 'DE89 3704 0044 0532 0130 00', 'DE89370400440532013000']), 'published example iban');
      b.text(' from the docs.');
      break;
    case 15:
      b.text('Logged at ');
      b.neg(
        `2023-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}T${String(r.int(0, 23)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}Z`,
        'iso timestamp',
      );
      b.text('.');
      break;
    case 16:
      b.text('MAC ');
      b.neg(Array.from({ length: 6 }, () => v.hexString(r, 2)).join(':'), 'mac address');
      b.text(' and ');
      b.neg('fe80::1', 'link-local ipv6');
      b.text('.');
      break;
    default:
      b.text('Zip ');
      b.neg(`${r.digits(5)}-${r.digits(4)}`, 'zip+4');
      b.text(', tel. ext. ');
      b.neg(String(r.int(100, 9999)), 'extension');
      b.text('.');
      break;
  }
  b.text(' ');
}

const contactPage: Template = {
  name: 'contact page',
  genre: 'web',
  write(b, r) {
    const name = v.personName(r);
    b.text(`Contact ${name}\n\n`);
    filler(b, r, 1);
    b.text(`\nEmail: `).pos('email', v.email(r));
    b.text(`\nPhone: `).pos('phone', v.phone(r));
    if (r.chance(0.5)) b.text(`\nMobile: `).pos('phone', v.phone(r));
    b.text(`\nFax: `).pos('phone', v.phone(r));
    b.text('\n\n');
    numericLookAlike(b, r);
    filler(b, r, 1);
  },
};

const forumPost: Template = {
  name: 'forum post',
  genre: 'web',
  write(b, r) {
    b.text(`Re: connection timeouts after upgrading to ${r.int(1, 5)}.${r.int(0, 30)}.${r.int(0, 9)}\n\n`);
    b.text('My server at ').pos('ip', v.publicIpv4(r), 'public ipv4');
    b.text(' keeps timing out, but ');
    b.neg(r.pick(['10.0.0.1', '192.168.1.2', '127.0.0.1']), 'private ipv4');
    b.text(' answers fine. The upstream resolver ').pos('ip', v.publicIpv6(r), 'public ipv6');
    b.text(' drops every third packet.\n');
    if (r.chance(0.5)) {
      b.text('Traceroute shows ').pos('ip', v.publicIpv4(r), 'public ipv4').text(' then ').pos('ip', v.publicIpv4(r), 'public ipv4').text('.\n');
    }
    numericLookAlike(b, r);
    b.text('\nDM me at ').pos('email', v.email(r)).text(' if you have ideas. ');
    filler(b, r);
  },
};

const hrForm: Template = {
  name: 'hr form',
  genre: 'web',
  write(b, r) {
    const [a, g, s] = v.ssnParts(r);
    b.text(`Employee onboarding\nName: ${v.personName(r)}\nDate of birth: ${r.int(1, 12)}/${r.int(1, 28)}/${r.int(1955, 2004)}\n`);
    const form = r.int(0, 9);
    if (form < 7) b.text('SSN: ').pos('us_ssn', `${a}-${g}-${s}`, 'ssn dashed');
    else if (form < 9) b.text('Social Security Number: ').pos('us_ssn', `${a}${g}${s}`, 'ssn bare with context');
    else b.text('SSN ').pos('us_ssn', `${a} ${g} ${s}`, 'ssn spaced with context');
    b.text('\nHome phone: ').pos('phone', v.phone(r));
    b.text('\nPersonal email: ').pos('email', v.email(r));
    b.text(`\nStart date: 2024-0${r.int(1, 9)}-1${r.int(0, 9)}\nEmployee id: `).neg(String(r.int(100000, 999999)), 'employee id');
    b.text('\n');
    numericLookAlike(b, r);
  },
};

const invoice: Template = {
  name: 'invoice',
  genre: 'web',
  write(b, r) {
    b.text(`Invoice INV-${r.int(2019, 2024)}-${r.digits(5)}\nBilled to: ${v.personName(r)}\n`);
    b.text('Paid with card ').pos('credit_card', v.card(r), 'card');
    b.text(` exp ${String(r.int(1, 12)).padStart(2, '0')}/${r.int(25, 31)}, CVV on file.\n`);
    if (r.chance(0.4)) b.text('Second card: ').pos('credit_card', v.card(r), 'card').text('\n');
    b.text(`Total: $${r.int(10, 9999)}.${r.digits(2)} (${r.int(1, 12)} items)\n`);
    b.text('Refunds to IBAN ')
      .pos('iban', v.iban(r), 'iban')
      .text(`, BIC ${r.pick(['DEUTDEFF', 'BNPAFRPP', 'NWBKGB2L', 'INGBNL2A'])}.\n`);
    numericLookAlike(b, r);
    numericLookAlike(b, r);
    filler(b, r, 1);
  },
};

const bankTransfer: Template = {
  name: 'bank transfer email',
  genre: 'web',
  write(b, r) {
    b.text(`Hi ${v.personName(r).split(' ')[0]},\n\nplease transfer the deposit of EUR ${r.int(100, 5000)},00 to `);
    b.pos('iban', v.iban(r), 'iban');
    b.text(` by ${r.int(1, 28)}.${r.int(1, 12)}.2024. If it bounces, use `).pos('iban', v.iban(r), 'iban');
    b.text('.\nQuestions: ').pos('email', v.email(r)).text(' or ').pos('phone', v.phone(r)).text('.\n');
    numericLookAlike(b, r);
  },
};

const gitLog: Template = {
  name: 'git log',
  genre: 'log',
  write(b, r) {
    for (let k = r.int(1, 3); k > 0; k--) {
      b.text('commit ').neg(v.hexString(r, 40), 'git sha');
      b.text(`\nAuthor: ${v.personName(r)} <`)
        .pos('email', v.email(r))
        .text('>\n');
      b.text(`Date:   Tue Oct ${r.int(1, 28)} ${r.int(10, 23)}:${r.int(10, 59)}:${r.int(10, 59)} 2023 +0200\n\n    Bump deps to ${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}\n\n`);
    }
    b.text('Clone with ').neg('git@github.com:org/repo.git', 'scp-style ssh target').text('\n');
  },
};

// a packed table: one row per line reads better than one value per line
// prettier-ignore
const accessLog: Template = {
  name: 'access log',
  genre: 'log',
  write(b, r) {
    for (let k = r.int(2, 5); k > 0; k--) {
      if (r.chance(0.75)) b.pos('ip', v.publicIpv4(r), 'public ipv4');
      else if (r.chance(0.5)) b.pos('ip', v.publicIpv6(r), 'public ipv6');
      else b.neg(r.pick(['10.1.2.3', '172.20.0.5', '192.168.0.10', '100.64.1.1']), 'private ipv4');
      b.text(` - - [12/Oct/2023:${r.int(10, 23)}:${r.int(10, 59)}:${r.int(10, 59)} +0000] "GET /api/v${r.int(1, 3)}/items?page=${r.int(1, 99)} HTTP/1.1" ${r.pick([200, 304, 404, 500])} ${r.int(100, 99999)} "-" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/${r.int(90, 125)}.0.${r.int(1000, 6999)}.${r.int(10, 199)} Safari/537.36"\n`);
    }
  },
};

const envFile: Template = {
  name: '.env file',
  genre: 'code',
  write(b, r) {
    b.text(`# generated ${r.int(2019, 2024)}-0${r.int(1, 9)}-1${r.int(0, 9)}\nNODE_ENV=production\nPORT=${r.int(3000, 9000)}\nDEBUG=false\n`);
    b.text('DB_PASSWORD=').pos('secret', v.randomSecret(r), 'assigned secret (env)').text('\n');
    b.text('AWS_ACCESS_KEY_ID=')
      .pos('secret', 'AKIA' + r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16), 'aws access key id')
      .text('\n');
    b.text('AWS_SECRET_ACCESS_KEY=').pos('secret', r.chars(v.B64, 40), 'aws secret key').text('\n');
    b.text('DATABASE_URL=postgres://app:')
      .pos('secret', v.randomSecret(r, r.int(10, 20)).replace(/[#%^~!*]/g, 'x'), 'url password')
      .text(`@db.internal:5432/app_${r.int(1, 9)}\n`);
    b.text('REDIS_URL=redis://localhost:6379/0\nSESSION_TTL=3600\n');
    if (r.chance(0.5)) b.text('API_TOKEN=').neg('${API_TOKEN}', 'env reference').text('\n');
    else b.text('SMTP_PASSWORD=').neg('changeme', 'placeholder password').text('\n');
  },
};

const pythonConfig: Template = {
  name: 'python settings',
  genre: 'code',
  write(b, r) {
    b.text('import os\n\nDEBUG = False\nALLOWED_HOSTS = ["localhost", "127.0.0.1"]\n');
    b.text('SECRET_KEY = "')
      .pos('secret', 'django-insecure-' + v.randomSecret(r, 40), 'assigned secret (python)')
      .text('"\n');
    const t = v.secretTokens(r);
    b.text('OPENAI_API_KEY = "').pos('secret', t.value, t.detector).text('"\n');
    b.text('STRIPE_KEY = os.environ["').neg('STRIPE_KEY', 'env lookup').text('"]\n');
    b.text(`MAX_TOKENS = ${r.int(256, 8192)}\nTIMEOUT = ${r.int(5, 120)}.0\n`);
    b.text('token = get_token(').neg('scope="read"', 'function call').text(')\n');
    b.text(`client = Client(api_key=settings.API_KEY, retries=${r.int(1, 5)})\n`);
    b.text('ADMINS = [("Ops", "').pos('email', v.email(r)).text('")]\n');
  },
};

const jsClient: Template = {
  name: 'javascript client',
  genre: 'code',
  write(b, r) {
    b.text(`import axios from 'axios';\n// v${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 9)}\n`);
    b.text("const stripe = require('stripe')('")
      .pos('secret', 'sk_live_' + r.chars(ALNUM, 24), 'stripe_key')
      .text("');\n");
    b.text("const headers = { Authorization: 'Bearer ").pos('secret', v.jwt(r), 'jwt').text("' };\n");
    b.text('const config = {\n  apiKey: ').neg('process.env.API_KEY', 'env reference').text(',\n');
    b.text("  password: '").pos('secret', v.randomSecret(r), 'assigned secret (js)').text("',\n");
    b.text(`  requestId: '${v.uuid(r)}',\n  retries: ${r.int(1, 9)},\n};\n`);
    const t = v.secretTokens(r);
    b.text("const token = '").pos('secret', t.value, t.detector).text("';\n");
    b.text("const examples = ['").neg('AKIAIOSFODNN7EXAMPLE', 'aws documentation key').text("', '").neg('sk_live_xxxxxxxxxxxxxxxxxxxxxxxx', 'placeholder key').text("'];\n");
    b.text("const icon = require('./").neg('icon@2x.png', 'retina asset').text("');\n");
  },
};

const yamlConfig: Template = {
  name: 'yaml config',
  genre: 'code',
  write(b, r) {
    b.text(`version: "3.${r.int(1, 9)}"\nservices:\n  db:\n    image: postgres:${r.int(12, 16)}.${r.int(0, 9)}\n    environment:\n      POSTGRES_PASSWORD: `);
    b.pos('secret', v.randomSecret(r), 'assigned secret (yaml)');
    b.text('\n      POSTGRES_USER: app\n  notify:\n    slack_webhook: https://hooks.slack.com/services/');
    b.pos('secret', `T${r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 8)}/B${r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 10)}/${r.chars(ALNUM, 24)}`, 'slack_webhook');
    b.text(`\n    timeout: ${r.int(5, 60)}s\n    api_key: `).neg('<your-api-key>', 'placeholder');
    b.text('\n    github_token: ').pos('secret', 'ghp_' + r.chars(ALNUM, 36), 'github_token');
    b.text('\n    password_min_length: 12\n    token_type: bearer\n');
  },
};

const pemFile: Template = {
  name: 'private key in repo',
  genre: 'code',
  write(b, r) {
    const label = r.pick(['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY']);
    if (r.chance(0.5)) {
      b.text(`# deploy key, do not commit\n-----BEGIN ${label}-----\n`).pos('secret', v.pemBody(r), 'pem_private_key').text(`\n-----END ${label}-----\n`);
    } else {
      b.text(`{\n  "type": "service_account",\n  "project_id": "demo-${r.int(100000, 999999)}",\n  "private_key": "-----BEGIN PRIVATE KEY-----\\n`);
      b.pos('secret', v.pemBody(r, '\\n'), 'pem_private_key (json)').text('\\n-----END PRIVATE KEY-----\\n",\n  "client_email": "');
      b.pos('email', `svc-${r.int(1, 99)}@demo-${r.int(100000, 999999)}.iam.gserviceaccount.com`, 'service account email').text('"\n}\n');
    }
    b.text('Docs show a truncated key: -----BEGIN PRIVATE KEY-----\n').neg('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC...', 'truncated key').text('\n-----END PRIVATE KEY-----\n');
  },
};

const tutorial: Template = {
  name: 'tutorial',
  genre: 'web',
  write(b, r) {
    b.text(`In this tutorial we install version ${r.int(1, 4)}.${r.int(0, 20)}.${r.int(0, 9)} and connect to `);
    b.neg('postgres://user:password@localhost:5432/db', 'tutorial connection string');
    b.text('. Use ').neg('std::vector<int>', 'c++ scope').text(' and ').neg('::1', 'loopback ipv6').text(' for local tests. ');
    b.text('Install with npm i ')
      .neg('lodash@4.17.21', 'package@version')
      .text(', then ping ')
      .neg('8.8.8.8'.replace('8.8.8.8', `203.0.113.${r.int(1, 254)}`), 'documentation ipv4');
    b.text('. Mention ')
      .neg('@' + r.pick(v.FIRST), 'mention')
      .text(` for help (${r.int(2, 60)} min read). `);
    b.text('Set ')
      .neg('max_tokens: 4096', 'numeric setting')
      .text(' and ')
      .neg(`password = "${r.pick(['your_password_here', 'changeme', 'hunter2'])}"`, 'placeholder password')
      .text('. ');
    b.text('Report bugs to ').pos('email', v.email(r)).text('. ');
    numericLookAlike(b, r);
    filler(b, r);
  },
};

const supportChat: Template = {
  name: 'support chat',
  genre: 'web',
  write(b, r) {
    b.text(`[${r.int(10, 23)}:${r.int(10, 59)}] customer: hi, my card `).pos('credit_card', v.card(r), 'card');
    b.text(' was charged twice\n');
    b.text(`[${r.int(10, 23)}:${r.int(10, 59)}] agent: sorry! can you confirm the phone on the account?\n`);
    b.text(`[${r.int(10, 23)}:${r.int(10, 59)}] customer: `)
      .pos('phone', v.phone(r))
      .text(' or ')
      .pos('phone', v.phone(r));
    b.text(`\n[${r.int(10, 23)}:${r.int(10, 59)}] customer: my ssn is `).pos('us_ssn', v.ssnParts(r).join('-'), 'ssn dashed');
    b.text(', login from ').pos('ip', v.publicIpv4(r), 'public ipv4').text('\n');
    numericLookAlike(b, r);
  },
};

const curlExample: Template = {
  name: 'shell history',
  genre: 'code',
  write(b, r) {
    const t = v.secretTokens(r);
    b.text('$ export GITHUB_TOKEN=')
      .pos('secret', 'ghp_' + r.chars(ALNUM, 36), 'github_token')
      .text('\n');
    b.text('$ curl -H "Authorization: token ')
      .pos('secret', t.value, t.detector)
      .text(`" https://api.example.net/v${r.int(1, 3)}/repos?per_page=100\n`);
    b.text('$ curl "https://api.example.net/data?api_key=')
      .pos('secret', v.randomSecret(r, 32).replace(/[#%^~!*]/g, 'q'), 'secret in query string')
      .text('&limit=50"\n');
    b.text('$ ssh deploy@')
      .pos('ip', v.publicIpv4(r), 'public ipv4')
      .text(` -p ${r.int(2000, 2999)}\n`);
    b.text('$ git remote add origin ').neg('git@gitlab.com:team/app.git', 'scp-style ssh target').text('\n');
    b.text('$ echo ').neg(r.chars(HEX_LOWER, 64), 'sha256').text(' > checksum.txt\n');
  },
};

// a packed table: one row per line reads better than one value per line
// prettier-ignore
const wpConfig: Template = {
  name: 'php config',
  genre: 'code',
  write(b, r) {
    b.text("<?php\n/** The name of the database for WordPress */\ndefine( 'DB_NAME', 'wp_" + String(r.int(1, 99)) + "' );\ndefine( 'DB_USER', 'wpuser' );\n");
    b.text("define( 'DB_PASSWORD', '").pos('secret', v.randomSecret(r, r.int(12, 24)), 'php define').text("' );\ndefine( 'DB_HOST', 'localhost' );\n");
    b.text("define( 'AUTH_KEY', '").pos('secret', v.randomSecret(r, 64), 'php define').text("' );\n");
    b.text("$config = [\n    'password' => '").pos('secret', v.randomSecret(r), 'php array').text("',\n    'timeout' => 30,\n    'api_key' => getenv('").neg('API_KEY', 'env lookup').text("'),\n];\n");
    b.text('$table_prefix = \'wp_\';\n');
  },
};

const javaConfig: Template = {
  name: 'java config',
  genre: 'code',
  write(b, r) {
    b.text(`# application.properties\nserver.port=${r.int(8000, 8999)}\nspring.datasource.url=jdbc:mysql://db:3306/app\nspring.datasource.username=app\n`);
    b.text('spring.datasource.password=').pos('secret', v.randomSecret(r), 'java properties').text('\n');
    b.text('<settings>\n  <servers>\n    <server>\n      <id>nexus</id>\n      <username>deploy</username>\n      <password>');
    b.pos('secret', v.randomSecret(r), 'xml element').text('</password>\n    </server>\n  </servers>\n</settings>\n');
    b.text('<connectionStrings>\n  <add name="Main" connectionString="Server=sql01;Database=Shop;User Id=shop;Password=');
    b.pos('secret', v.randomSecret(r).replace(/[;"]/g, 'x'), 'connection string').text(';" />\n</connectionStrings>\n');
    b.text(`props.setProperty("password", "`).pos('secret', v.randomSecret(r), 'java setProperty').text('");\n');
    b.text(`int maxTokens = ${r.int(100, 4000)}; // see ${r.int(1, 9)}.${r.int(0, 9)} docs\n`);
  },
};

// a packed table: one row per line reads better than one value per line
// prettier-ignore
const messyWeb: Template = {
  name: 'messy web page',
  genre: 'web',
  write(b, r) {
    b.text('Questions? Write to (').pos('email', v.email(r)).text(') or <a href="mailto:').pos('email', v.email(r)).text('">mail us</a>.\n');
    b.text('<a href="https://click.example.net/t?u=').pos('email', v.email(r).replace('@', '%40'), 'url-encoded email').text(`&c=${r.int(1000, 9999)}">unsubscribe</a>\n`);
    b.text('Team: ').pos('email', v.email(r)).text(', ').pos('email', v.email(r)).text('; interns: ').pos('email', v.email(r).toUpperCase(), 'upper-case email').text('.\n');
    b.text('Call us on tel:+1').pos('phone', `${r.int(2, 9)}${r.digits(2)}${r.int(2, 9)}${r.digits(2)}${r.int(2, 9)}${r.digits(3)}`, 'tel uri digits (after +1)').text(' or ');
    b.pos('phone', v.phone(r)).text(` ext. ${r.int(10, 999)}.\n`);
    b.text('Status page: http://').pos('ip', v.publicIpv4(r), 'ipv4 in url').text(`:${r.int(1024, 65535)}/health, subnet `);
    b.pos('ip', v.publicIpv4(r).replace(/\.\d+$/, '.0'), 'ipv4 network').text(`/${r.int(16, 28)}, IPv6 [`).pos('ip', v.publicIpv6(r), 'ipv6 in brackets').text(']:443.\n');
    b.text('Note: the timings (10:30-12:00) are in CET; see ').neg(`§ ${r.int(1, 9)}.${r.int(1, 9)}.${r.int(1, 9)}.${r.int(1, 9)}`, 'section number').text(' of the terms.\n');
    numericLookAlike(b, r);
    filler(b, r, 2);
  },
};

export const TEMPLATES: readonly Template[] = [
  wpConfig,
  javaConfig,
  messyWeb,
  contactPage,
  forumPost,
  hrForm,
  invoice,
  bankTransfer,
  gitLog,
  accessLog,
  envFile,
  pythonConfig,
  jsClient,
  yamlConfig,
  pemFile,
  tutorial,
  supportChat,
  curlExample,
];
