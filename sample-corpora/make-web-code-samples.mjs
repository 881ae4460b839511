#!/usr/bin/env node
// Regenerates the web and code samples: node sample-corpora/make-web-code-samples.mjs
// Output is deterministic (fixed dates, ids derived from content, gzip mtime 0), so rerunning it
// leaves git clean. See sample-corpora/README.md for what each file holds.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import tar from 'tar-stream';
import { pages, wetText } from './web/pages.mjs';

const root = dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------- WARC writing

const uuid = (seed) => {
  const h = createHash('sha1').update(seed).digest('hex');
  return `<urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}>`;
};

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function sha1Base32(bytes) {
  const d = createHash('sha1').update(bytes).digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of d) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return `sha1:${out}`;
}

function warcRecord(fields, block) {
  const head = ['WARC/1.0', ...Object.entries(fields).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${block.length}`, '', ''].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), block, Buffer.from('\r\n\r\n')]);
}

function httpResponse(status, reason, headers, body) {
  const head = [`HTTP/1.1 ${status} ${reason}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${body.length}`, '', ''].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

function httpRequest(url) {
  const u = new URL(url);
  return Buffer.from(`GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUser-Agent: sluice-sample/1.0\r\nAccept: text/html,*/*;q=0.8\r\n\r\n`, 'latin1');
}

const DATE = (i) => `2024-05-18T10:${String(10 + i).padStart(2, '0')}:00Z`;
const WARC_FILE = 'CC-sample.warc.gz';
const warcinfoId = uuid('warcinfo:' + WARC_FILE);

/** One fetch: request + response (+ metadata for the first), in Common Crawl's field order. */
function fetchRecords(i, url, response, payload, payloadType, withMetadata) {
  const responseId = uuid(`response:${url}`);
  const requestId = uuid(`request:${url}`);
  const common = { 'WARC-Date': DATE(i), 'WARC-Warcinfo-ID': warcinfoId, 'WARC-IP-Address': `192.0.2.${10 + i}`, 'WARC-Target-URI': url };
  const request = httpRequest(url);
  const records = [
    warcRecord({ 'WARC-Type': 'request', ...common, 'WARC-Record-ID': requestId, 'WARC-Concurrent-To': responseId, 'Content-Type': 'application/http; msgtype=request', 'WARC-Block-Digest': sha1Base32(request) }, request),
    warcRecord(
      {
        'WARC-Type': 'response',
        ...common,
        'WARC-Record-ID': responseId,
        'WARC-Concurrent-To': requestId,
        'Content-Type': 'application/http; msgtype=response',
        'WARC-Payload-Digest': sha1Base32(payload),
        'WARC-Block-Digest': sha1Base32(response),
        ...(payloadType ? { 'WARC-Identified-Payload-Type': payloadType } : {}),
      },
      response,
    ),
  ];
  if (withMetadata) {
    const meta = Buffer.from('fetchTimeMs: 412\r\ncharset-detected: see HTTP headers\r\n', 'latin1');
    records.push(warcRecord({ 'WARC-Type': 'metadata', ...common, 'WARC-Record-ID': uuid(`metadata:${url}`), 'WARC-Refers-To': responseId, 'Content-Type': 'application/warc-fields' }, meta));
  }
  return { records, responseId };
}

// a 1x1 PNG and a one-page PDF: real formats, tiny
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');
const NAV_ONLY = Buffer.from('<!DOCTYPE html><html lang="en"><head><title>Loading</title><script>location.replace("/app")</script></head><body><nav><a href="/">Home</a> <a href="/app">App</a></nav><div class="cookie-banner">We use cookies.</div></body></html>', 'utf8');

function makeWeb() {
  const warcinfo = Buffer.from(
    'software: sluice sample generator (sample-corpora/make-web-code-samples.mjs)\r\nformat: WARC File Format 1.0\r\nconformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.0/\r\nisPartOf: SLUICE-SAMPLE-2024-20\r\ndescription: hand-written pages in several charsets for the warc reader tests\r\n',
    'latin1',
  );
  const members = [warcRecord({ 'WARC-Type': 'warcinfo', 'WARC-Date': DATE(0), 'WARC-Record-ID': warcinfoId, 'WARC-Filename': WARC_FILE, 'Content-Type': 'application/warc-fields' }, warcinfo)];
  const wet = [];
  let i = 1;
  for (const p of pages) {
    const html = p.html(p);
    const body = iconv.encode(html, p.charset);
    const headers = { Date: 'Sat, 18 May 2024 10:00:00 GMT', Server: 'nginx', 'Content-Type': p.httpContentType, ...(p.contentLanguage ? { 'Content-Language': p.contentLanguage } : {}) };
    const { records, responseId } = fetchRecords(i, p.url, httpResponse(200, 'OK', headers, body), body, 'text/html', i === 1);
    members.push(...records);
    wet.push({ url: p.url, date: DATE(i), refersTo: responseId, text: wetText(p), language: p.wetLanguage });
    i++;
  }
  const extras = [
    ['https://riverlog.example.org/images/trout.png', httpResponse(200, 'OK', { 'Content-Type': 'image/png' }, PNG), PNG, 'image/png'],
    ['https://riverlog.example.org/reports/2023.pdf', httpResponse(200, 'OK', { 'Content-Type': 'application/pdf' }, PDF), PDF, 'application/pdf'],
    ['http://riverlog.example.org/old-page', httpResponse(301, 'Moved Permanently', { Location: 'https://riverlog.example.org/', 'Content-Type': 'text/html' }, Buffer.from('<html><body>Moved</body></html>')), Buffer.from('<html><body>Moved</body></html>'), 'text/html'],
    ['https://app.example.com/', httpResponse(200, 'OK', { 'Content-Type': 'text/html; charset=utf-8' }, NAV_ONLY), NAV_ONLY, 'text/html'],
  ];
  for (const [url, response, payload, type] of extras) {
    members.push(...fetchRecords(i++, url, response, payload, type, false).records);
  }
  mkdirSync(join(root, 'web'), { recursive: true });
  writeFileSync(join(root, 'web', WARC_FILE), Buffer.concat(members.map((m) => gzipSync(m, { level: 9 }))));

  // WET: warcinfo, then one conversion record per HTML page (plus an empty one, as Common Crawl has)
  const wetName = 'CC-sample.warc.wet.gz';
  const wetInfoId = uuid('warcinfo:' + wetName);
  const wetMembers = [
    warcRecord({ 'WARC-Type': 'warcinfo', 'WARC-Date': DATE(0), 'WARC-Filename': wetName, 'WARC-Record-ID': wetInfoId, 'Content-Type': 'application/warc-fields' }, Buffer.from('Software-Info: sluice sample generator\r\nExtracted-Date: Sat, 18 May 2024 12:00:00 GMT\r\nformat: WARC File Format 1.0\r\n', 'latin1')),
  ];
  wet.push({ url: 'https://app.example.com/', date: DATE(i), refersTo: uuid('response:https://app.example.com/'), text: '', language: undefined });
  for (const w of wet) {
    const block = Buffer.from(w.text, 'utf8');
    wetMembers.push(
      warcRecord(
        {
          'WARC-Type': 'conversion',
          'WARC-Target-URI': w.url,
          'WARC-Date': w.date,
          'WARC-Record-ID': uuid(`conversion:${w.url}`),
          'WARC-Refers-To': w.refersTo,
          'WARC-Block-Digest': sha1Base32(block),
          ...(w.language ? { 'WARC-Identified-Content-Language': w.language } : {}),
          'Content-Type': 'text/plain',
        },
        block,
      ),
    );
  }
  writeFileSync(join(root, 'web', wetName), Buffer.concat(wetMembers.map((m) => gzipSync(m, { level: 9 }))));
}

// ---------------------------------------------------------------- code

/** A tar.gz with fixed mtimes, so the archive bytes are stable. */
async function tarGz(entries) {
  const pack = tar.pack();
  const chunks = [];
  pack.on('data', (c) => chunks.push(c));
  const done = new Promise((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const mtime = new Date('2024-05-18T00:00:00Z');
  for (const [name, content] of entries) {
    if (content === null) pack.entry({ name, type: 'directory', mtime, mode: 0o755 });
    else pack.entry({ name, mtime, mode: 0o644 }, content);
  }
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks), { level: 9 });
}

async function makeCode() {
  const code = join(root, 'code');
  // the files of repo-alpha and repo-beta that are binary, minified or not UTF-8 are written here
  // so their bytes are reproducible; the rest of both repositories is hand-written and committed
  const put = (path, bytes) => {
    mkdirSync(dirname(join(code, path)), { recursive: true });
    writeFileSync(join(code, path), bytes);
  };
  put('repo-alpha/assets/logo.png', PNG);
  // no extension: only its NUL bytes say it is binary
  put('repo-alpha/assets/favicon', Buffer.from([0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0, 0x68, 4, 0, 0]));
  const fns = Array.from({ length: 60 }, (_, i) => `function f${i}(a,b){return a*${i}+b}`);
  put('repo-alpha/public/vendor.min.js', `!function(){${fns.join(';')}}();\n`);
  // one 4.6 KB line: minified by line length, whatever its name
  const rows = Array.from({ length: 40 }, (_, i) => `"w${i}":[${Array.from({ length: 30 }, (_, k) => k * i).join(',')}]`);
  put('repo-alpha/public/wordlist.js', `export default {${rows.join(',')}};\n`);
  put('repo-beta/stats/__pycache__/mean.cpython-312.pyc', Buffer.from('cb0d0d0a0000000000000000e300000000000000', 'hex'));
  put('repo-beta/docs/legacy-latin1.txt', Buffer.from('Notes written in an old editor: caf\xe9, na\xefve, \xa9 2009.\n', 'latin1'));

  // repo-gamma ships as an archive, as GitHub serves them: one top-level folder
  const big = Array.from({ length: 24_000 }, (_, k) => `  {"id": ${k % 10}, "name": "station", "lat": 47.9, "lon": 7.9},`).join("\n");
  const g = 'repo-gamma-main/';
  const entries = [
    [g, null],
    [g + 'LICENSE', APACHE_2_0],
    [g + 'README.md', '# repo-gamma\n\nA tiny Go service that reports weather stations near a point.\n\n    go run ./cmd/stations -lat 47.9 -lon 7.9\n'],
    [g + 'go.mod', 'module example.org/gamma\n\ngo 1.22\n'],
    [g + 'go.sum', 'example.org/geo v0.3.1 h1:0000000000000000000000000000000000000000000=\nexample.org/geo v0.3.1/go.mod h1:1111111111111111111111111111111111111111111=\n'],
    [g + 'cmd/', null],
    [g + 'cmd/stations/', null],
    [g + 'cmd/stations/main.go', GO_MAIN],
    [g + 'internal/', null],
    [g + 'internal/near/', null],
    [g + 'internal/near/near.go', GO_NEAR],
    [g + 'internal/near/near_test.go', GO_NEAR_TEST],
    [g + 'testdata/', null],
    // over the default max_file_bytes (1 MiB) but compresses to a few KB
    [g + 'testdata/stations.json', `[\n${big}\n  {"id": -1}\n]\n`],
    [g + 'Dockerfile', 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /stations ./cmd/stations\n\nFROM gcr.io/distroless/base\nCOPY --from=build /stations /stations\nENTRYPOINT ["/stations"]\n'],
    [g + '.git/', null],
    [g + '.git/HEAD', 'ref: refs/heads/main\n'],
    [g + '.git/config', '[core]\n\trepositoryformatversion = 0\n'],
  ];
  writeFileSync(join(code, 'repo-gamma.tar.gz'), await tarGz(entries));
}

const GO_MAIN = `package main

import (
	"flag"
	"fmt"
	"os"

	"example.org/gamma/internal/near"
)

func main() {
	lat := flag.Float64("lat", 0, "latitude in degrees")
	lon := flag.Float64("lon", 0, "longitude in degrees")
	n := flag.Int("n", 5, "how many stations to list")
	flag.Parse()
	stations, err := near.Load("testdata/stations.json")
	if err != nil {
		fmt.Fprintln(os.Stderr, "stations:", err)
		os.Exit(1)
	}
	for _, s := range near.Closest(stations, near.Point{Lat: *lat, Lon: *lon}, *n) {
		fmt.Printf("%-16s %6.1f km\\n", s.Name, s.DistanceKm)
	}
}
`;

const GO_NEAR = `// Package near finds the weather stations closest to a point.
package near

import (
	"encoding/json"
	"math"
	"os"
	"sort"
)

type Point struct{ Lat, Lon float64 }

type Station struct {
	ID         int     \`json:"id"\`
	Name       string  \`json:"name"\`
	Lat        float64 \`json:"lat"\`
	Lon        float64 \`json:"lon"\`
	DistanceKm float64 \`json:"-"\`
}

const earthRadiusKm = 6371.0

// Haversine returns the great-circle distance between two points in kilometres.
func Haversine(a, b Point) float64 {
	rad := func(d float64) float64 { return d * math.Pi / 180 }
	dLat, dLon := rad(b.Lat-a.Lat), rad(b.Lon-a.Lon)
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(rad(a.Lat))*math.Cos(rad(b.Lat))*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Sqrt(h))
}

func Load(path string) ([]Station, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []Station
	return out, json.Unmarshal(data, &out)
}

// Closest sorts a copy of the stations by distance from p and returns the first n.
func Closest(stations []Station, p Point, n int) []Station {
	out := make([]Station, len(stations))
	copy(out, stations)
	for i := range out {
		out[i].DistanceKm = Haversine(p, Point{out[i].Lat, out[i].Lon})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].DistanceKm < out[j].DistanceKm })
	if n < len(out) {
		out = out[:n]
	}
	return out
}
`;

const GO_NEAR_TEST = `package near

import "testing"

func TestHaversineKnownDistance(t *testing.T) {
	paris, london := Point{48.8566, 2.3522}, Point{51.5074, -0.1278}
	if d := Haversine(paris, london); d < 340 || d > 350 {
		t.Fatalf("Paris-London = %.1f km, want about 344", d)
	}
}
`;

const APACHE_2_0 = `
                                 Apache License
                           Version 2.0, January 2004
                        http://www.apache.org/licenses/

   TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION

   1. Definitions.

      "License" shall mean the terms and conditions for use, reproduction,
      and distribution as defined by Sections 1 through 9 of this document.

   (The full text of the Apache License 2.0 continues here; this sample keeps
   its heading, which is what licence detection keys on.)

   END OF TERMS AND CONDITIONS
`;

makeWeb();
await makeCode();
console.log('wrote sample-corpora/web/CC-sample.warc.gz, CC-sample.warc.wet.gz, code/repo-gamma.tar.gz and the generated files of code/repo-alpha, code/repo-beta');
