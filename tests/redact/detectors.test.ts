/**
 * Labeled cases for every kind, positive and negative. Each positive names the exact value that
 * must be replaced; each negative must come out unchanged.
 */
import { describe, expect, it } from 'vitest';
import { allKinds, type Kind } from '../../src/redact/kinds.js';
import { createDetector } from '../../src/redact/scan.js';

const detect = createDetector({ kinds: allKinds(), ipPublicOnly: true });

function found(text: string): { kind: Kind; value: string; detector: string }[] {
  return detect(text).map((s) => ({ kind: s.kind, value: text.slice(s.start, s.end), detector: s.detector }));
}

function expectOnly(text: string, kind: Kind, value: string): void {
  expect(found(text).map(({ kind: k, value: v }) => ({ kind: k, value: v }))).toEqual([{ kind, value }]);
}

interface Case {
  text: string;
  value: string;
}

function positives(kind: Kind, cases: readonly Case[]): void {
  it.each(cases)(`finds $value in "$text"`, ({ text, value }) => expectOnly(text, kind, value));
}

function negatives(cases: readonly string[]): void {
  it.each(cases)('finds nothing in "%s"', (text) => expect(found(text)).toEqual([]));
}

describe('email', () => {
  positives('email', [
    { text: 'mail john.smith@example.org today', value: 'john.smith@example.org' },
    { text: '<a href="mailto:Maria.Garcia+news@mail.uni-heidelberg.de">', value: 'Maria.Garcia+news@mail.uni-heidelberg.de' },
    { text: '(contact: ops_team99@acme.co.uk).', value: 'ops_team99@acme.co.uk' },
    { text: 'Author: Wei Zhang <wei@xn--fsqu00a.xn--0zwm56d>', value: 'wei@xn--fsqu00a.xn--0zwm56d' },
    { text: '"client_email": "svc-7@demo-123456.iam.gserviceaccount.com",', value: 'svc-7@demo-123456.iam.gserviceaccount.com' },
    { text: '<a href="https://t.example.net/c?u=maria.garcia%40acme.io&id=7">', value: 'maria.garcia%40acme.io' },
    { text: 'escribe a josé.garcía@correo.es hoy', value: 'josé.garcía@correo.es' },
    { text: 'Kontakt: anna@münchen.de.', value: 'anna@münchen.de' },
    { text: '邮箱：wei.zhang@qq.com。', value: 'wei.zhang@qq.com' },
  ]);
  negatives([
    'git@github.com:org/repo.git',
    'assets: icon@2x.png and logo@3x.webp',
    'npm i lodash@4.17.21',
    'thanks @maria for the review',
    'user@localhost',
    'a@b',
    'foo.@bar.com',
    'name@domain.c',
    'https://user@host.example.com/path',
    'width: 100%40px; 50%4 and 7%40',
  ]);
});

describe('ip', () => {
  positives('ip', [
    { text: 'ssh root@163.36.107.25 -p 22', value: '163.36.107.25' },
    { text: 'http://8.26.56.26:8080/status', value: '8.26.56.26' },
    { text: 'ban 45.33.32.0/24 now', value: '45.33.32.0' },
    { text: 'resolver 2606:4700:4700::1111 is slow', value: '2606:4700:4700::1111' },
    { text: 'listen [2a03:2880:f12f:83:face:b00c:0:25de]:443', value: '2a03:2880:f12f:83:face:b00c:0:25de' },
    { text: 'peer 2001:4860:4860:0000:0000:0000:0000:8888.', value: '2001:4860:4860:0000:0000:0000:0000:8888' },
  ]);
  negatives([
    'router 192.168.0.1, gateway 10.1.1.1, vpn 172.20.3.4, cgnat 100.64.0.7',
    'loopback 127.0.0.1 and link-local 169.254.10.20',
    'docs use 192.0.2.15, 198.51.100.7 and 203.0.113.99',
    'multicast 224.0.0.251, broadcast 255.255.255.255',
    '2001:db8::1 and 2001:0db8:85a3::8a2e:0370:7334 are documentation',
    'fe80::1ff:fe23:4567:890a%eth0 and ::1',
    'std::vector<int> and Foo::bar and dead::beef',
    'MAC 00:1a:2b:3c:4d:5e',
    'at 10:20:30 on 2023:10:12',
    'OID 1.3.6.1.4.1.311',
    'Chrome/120.0.6099.109 and AppleWebKit/537.36',
    'see section 4.2.6.1 and 7.6.1.1',
    'version 1.2.3.4-beta',
    'between 1.1.1.1 and 9.9.9.9',
  ]);
});

describe('phone', () => {
  positives('phone', [
    { text: 'Call (231) 232-2334 today', value: '(231) 232-2334' },
    { text: 'Call 231-232-2334.', value: '231-232-2334' },
    { text: 'tel 231.232.2334', value: '231.232.2334' },
    { text: 'tel 1-800-423-5678', value: '1-800-423-5678' },
    { text: 'tel: +1 (231) 232-2334', value: '+1 (231) 232-2334' },
    { text: 'London +44 20 7946 0958', value: '+44 20 7946 0958' },
    { text: 'Paris +33 1 42 68 53 00', value: '+33 1 42 68 53 00' },
    { text: 'Berlin +49 (0)30 2345678', value: '+49 (0)30 2345678' },
    { text: 'compact +442079460958', value: '+442079460958' },
    { text: 'UK 020 7946 0958', value: '020 7946 0958' },
    { text: 'FR 01 42 68 53 00', value: '01 42 68 53 00' },
    { text: 'mobile 07700 900123', value: '07700 900123' },
  ]);
  negatives([
    'in 1999 and 2023',
    'on 2023-10-12 and 12/10/2023 and 10.12.2023',
    'version 1.2.3 and 10.4.17',
    'costs $1,234.56 or 1.234.567,89 EUR',
    'order 2312322334 shipped',
    'zip 90210-1234',
    'the 2019-2020 season ended 3-2',
    'ISBN 978-3-16-148410-0',
    'fiction: (212) 555-0134',
    'hex dump <Buffer 01 02 03 04 05 06 07 08>',
    'ratio 1:2:3 at 10:30',
    'coords 40.7128, -74.0060',
  ]);
});

describe('credit_card', () => {
  positives('credit_card', [
    { text: 'card 4929-3813-3266-4295 exp 12/27', value: '4929-3813-3266-4295' },
    { text: 'card 4929 3813 3266 4295', value: '4929 3813 3266 4295' },
    { text: 'card 4929381332664295.', value: '4929381332664295' },
    { text: 'amex 3787 346353 98439', value: '3787 346353 98439' },
    { text: 'mc 5425233430109903', value: '5425233430109903' },
    { text: 'unionpay 6212 3456 7890 1234 569', value: '6212 3456 7890 1234 569' },
  ]);
  negatives([
    'card 4929-3813-3266-4296',
    'test cards 4111 1111 1111 1111 and 4242424242424242 and 378282246310005',
    'id 1234567890123456',
    'ts 1697040000123',
    'isbn 9780306406157',
    '4929-3813-3266-4295-77',
    'uuid 12345678-1234-5678-1234-567812345678',
  ]);
});

describe('iban', () => {
  positives('iban', [
    { text: 'IBAN DE75 5121 0800 1245 1261 99 please', value: 'DE75 5121 0800 1245 1261 99' },
    { text: 'IBAN: DE75512108001245126199.', value: 'DE75512108001245126199' },
    { text: 'to FR76 3000 6000 0112 3456 7890 189', value: 'FR76 3000 6000 0112 3456 7890 189' },
    { text: 'NL02ABNA0123456789', value: 'NL02ABNA0123456789' },
  ]);
  negatives(['IBAN DE76 5121 0800 1245 1261 99', 'example GB82 WEST 1234 5698 7654 32 from the docs', 'BIC DEUTDEFFXXX', 'XX89 3704 0044 0532 0130 00', 'DE00000000000000000066']);
});

describe('us_ssn', () => {
  positives('us_ssn', [
    { text: 'My SSN is 284-89-3485.', value: '284-89-3485' },
    { text: 'SSN: 284893485', value: '284893485' },
    { text: 'social security number 284 89 3485', value: '284 89 3485' },
  ]);
  negatives([
    'ref 000-12-3456, 666-12-3456, 912-12-3456, 284-00-3485, 284-89-0000',
    'order 284893485 shipped',
    'part 284 89 3485',
    'the well-known 078-05-1120 and 123-45-6789',
    'advertising 987-65-4321',
  ]);
});

describe('secret', () => {
  const cases: { text: string; value: string; detector: string }[] = [
    { text: 'AWS_ACCESS_KEY_ID=AKIA2E0A8F3B244C9986', value: 'AKIA2E0A8F3B244C9986', detector: 'aws_access_key_id' },
    { text: 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY3q9xKzZ2Lp', value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY3q9xKzZ2Lp', detector: 'assigned_secret' },
    { text: 'token ghp_16C7e42F292c6912E7710c838347Ae178B4a used', value: 'ghp_16C7e42F292c6912E7710c838347Ae178B4a', detector: 'github_token' },
    { text: 'glpat-Xq7v3Rk9sZ2mW8pL4tYb rotated', value: 'glpat-Xq7v3Rk9sZ2mW8pL4tYb', detector: 'gitlab_token' },
    { text: 'SLACK=xoxb-263594206564-2343594206574-FGqddMF8t1eyIJKl2wUiuBdY', value: 'xoxb-263594206564-2343594206574-FGqddMF8t1eyIJKl2wUiuBdY', detector: 'slack_token' },
    { text: 'url: https://hooks.slack.com/services/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', value: 'T0A1B2C3D/B0E4F5G6H/Zx8YwV7uT6sR5qP4oN3mL2kJ', detector: 'slack_webhook' },
    { text: "Stripe('sk_live_51H8xQ2eZvKYlo2C9a8b7c6d5e4f3')", value: 'sk_live_51H8xQ2eZvKYlo2C9a8b7c6d5e4f3', detector: 'stripe_key' },
    { text: 'key=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY&q=x', value: 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY', detector: 'google_api_key' },
    { text: 'OPENAI_API_KEY="sk-Ab3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5zA7bC9dE1fG3"', value: 'sk-Ab3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5zA7bC9dE1fG3', detector: 'openai_key' },
    {
      text: 'Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MjQyIiwibmFtZSI6Ik1hcmlhIn0.Xk3dQ9vLm2PzR8sT1uW4yB6nC0eF5gH7jK9lM2oN4pQ',
      value: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MjQyIiwibmFtZSI6Ik1hcmlhIn0.Xk3dQ9vLm2PzR8sT1uW4yB6nC0eF5gH7jK9lM2oN4pQ',
      detector: 'jwt',
    },
    { text: 'DATABASE_URL=postgres://app:Tr0ub4dor-3x@db.internal:5432/app', value: 'Tr0ub4dor-3x', detector: 'url_password' },
    { text: 'DB_PASSWORD=8f3kQ9zLx2pW!', value: '8f3kQ9zLx2pW!', detector: 'assigned_secret' },
    { text: '"api_key": "5f4dcc3b5aa765d61d8327deb882cf99",', value: '5f4dcc3b5aa765d61d8327deb882cf99', detector: 'assigned_secret' },
    { text: "const apiKey = 'Zx8#kL2m!Qp9';", value: 'Zx8#kL2m!Qp9', detector: 'assigned_secret' },
    { text: 'token := "c2VjcmV0LXRva2VuLTEyMzQ1"', value: 'c2VjcmV0LXRva2VuLTEyMzQ1', detector: 'assigned_secret' },
    { text: "'password' => 'n7T!q2Wz#kP4',", value: 'n7T!q2Wz#kP4', detector: 'assigned_secret' },
    { text: "define( 'DB_PASSWORD', 'n7T!q2Wz#kP4' );", value: 'n7T!q2Wz#kP4', detector: 'assigned_secret' },
    { text: '<password>n7T!q2Wz#kP4</password>', value: 'n7T!q2Wz#kP4', detector: 'assigned_secret' },
    { text: 'curl "https://api.example.net/v1?access_token=9a8B7c6D5e4F3g2H1&limit=5"', value: '9a8B7c6D5e4F3g2H1', detector: 'assigned_secret' },
  ];
  it.each(cases)('finds $detector: $value', ({ text, value, detector }) => {
    expect(found(text)).toEqual([{ kind: 'secret', value, detector }]);
  });

  it('finds the body of a PEM private key, in a file and inside a JSON string', () => {
    // DER keys are full of AAAA runs; they must not read as placeholders
    const body = Array.from({ length: 6 }, (_, k) => 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAB' + 'Zx8kQ2'.slice(k)).join('\n');
    const pem = `key:\n-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n`;
    expect(found(pem)).toEqual([{ kind: 'secret', value: body, detector: 'pem_private_key' }]);
    const escaped = body.replace(/\n/g, '\\n');
    const json = `{"private_key": "-----BEGIN PRIVATE KEY-----\\n${escaped}\\n-----END PRIVATE KEY-----\\n"}`;
    expect(found(json)).toEqual([{ kind: 'secret', value: escaped, detector: 'pem_private_key' }]);
  });

  negatives([
    'AKIAIOSFODNN7EXAMPLE',
    'sk_live_xxxxxxxxxxxxxxxxxxxxxxxx',
    'password: ${DB_PASSWORD}',
    'password = "{{ vault_password }}"',
    'api_key: <your-api-key>',
    'password = "your_password_here"',
    'password: changeme123',
    'token = get_token(scope)',
    'SECRET_KEY = settings.SECRET_KEY',
    'api_key = os.environ["API_KEY"]',
    'max_tokens: 4096',
    'token_type: bearer',
    'exports.isArrowToken = isArrowToken;',
    'const token = tokens[i];',
    'filter: token => token.range[0] > 2',
    'secret_file: /run/secrets/db_password',
    'postgres://user:password@localhost:5432/db',
    'https://abc:xyz@example.com',
    'password_min_length: 12',
    '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC...\n-----END PRIVATE KEY-----',
    'integrity sha512-Q2Vyb3Zhc2VjcmV0LXRva2VuLTEyMzQ1Njc4OTAxMjM0NTY3ODkwYWJjZGVm==',
    'ghp_ is the prefix of classic GitHub tokens',
  ]);
});

describe('us_ssn context', () => {
  it('reads context on the same line, or the line above a bare number', () => {
    expect(found('SSN:\n  284893485').map((f) => f.value)).toEqual(['284893485']);
    expect(found('my ssn is 284-89-3485\nOrder 219597445 confirmed')).toEqual([{ kind: 'us_ssn', value: '284-89-3485', detector: 'us_ssn' }]);
  });
});
