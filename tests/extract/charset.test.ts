import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { charsetFromContentType, decodeHtml, prescanMetaCharset, undecodableChars } from '../../src/extract/charset.js';

const html = (body: string, meta = ''): string => `<html><head>${meta}<title>t</title></head><body><p>${body}</p></body></html>`;

const TEXTS: Record<string, string> = {
  'windows-1252': 'Le café coûte 4 € ; s’il vous plaît, un œuf… Über die Brücke.',
  shift_jis: '東京の天気は今日も晴れです。私たちは公園で散歩をして、桜の花を見ました。日本の春はとても美しい季節です。',
  gbk: '北京是中华人民共和国的首都，也是全国的政治和文化中心。我们今天参观了故宫博物院，那里有很多珍贵的文物。',
  'koi8-r': 'Москва - столица России, крупнейший по численности населения город страны. Мы гуляли по Красной площади и смотрели на собор.',
  'windows-1251': 'Москва - столица России, крупнейший по численности населения город страны. Мы гуляли по Красной площади и смотрели на собор.',
  'euc-kr': '서울은 대한민국의 수도이며 가장 큰 도시입니다. 우리는 오늘 경복궁을 방문했고 날씨가 아주 좋았습니다. 저녁에는 한강 공원에서 산책을 했습니다.',
};

describe('charset decoding', () => {
  it.each(Object.entries(TEXTS))('%s declared in the HTTP header', (charset, text) => {
    const d = decodeHtml(iconv.encode(html(text), charset), charset);
    expect([d.charset, d.source]).toEqual([charset, 'http']);
    expect(d.text).toContain(text);
  });

  it.each(Object.entries(TEXTS))('%s declared only by <meta>', (charset, text) => {
    const d = decodeHtml(iconv.encode(html(text, `<meta http-equiv="Content-Type" content="text/html; charset=${charset}">`), charset), undefined);
    expect([d.charset, d.source]).toEqual([charset, 'meta']);
    expect(d.text).toContain(text);
  });

  it.each(['shift_jis', 'gbk', 'koi8-r', 'euc-kr'])('%s declared nowhere is found by the detector', (charset) => {
    const text = TEXTS[charset]!;
    const d = decodeHtml(iconv.encode(html(`${text} ${text}`), charset), undefined);
    // the detector names GB18030, the superset GBK bytes decode the same under
    expect([d.charset, d.source]).toEqual([charset === 'gbk' ? 'gb18030' : charset, 'detected']);
    expect(d.text).toContain(text);
  });

  it('decodes windows-1252 bytes 0x80-0x9F as the characters browsers show, not C1 controls', () => {
    const d = decodeHtml(Buffer.from([0x80, 0x20, 0x92, 0x20, 0x85, 0x20, 0x9c]), 'iso-8859-1');
    expect(d.text).toBe('€ ’ … œ');
    expect(d.charset).toBe('windows-1252');
  });

  it('reads valid UTF-8 as UTF-8 when a legacy charset is declared, and says so', () => {
    const d = decodeHtml(Buffer.from(html('Grüße aus Köln'), 'utf8'), 'iso-8859-1');
    expect(d).toMatchObject({ charset: 'utf-8', source: 'detected', rejectedLabel: 'iso-8859-1' });
    expect(d.text).toContain('Grüße aus Köln');
  });

  it('falls back past an unknown label and honours a UTF-8 BOM over any declaration', () => {
    const unknown = decodeHtml(Buffer.from(html('plain'), 'utf8'), 'x-no-such-charset');
    expect(unknown).toMatchObject({ charset: 'utf-8', source: 'detected', rejectedLabel: 'x-no-such-charset' });
    const bom = decodeHtml(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('héllo', 'utf8')]), 'shift_jis');
    expect(bom).toMatchObject({ text: 'héllo', charset: 'utf-8', source: 'bom' });
  });

  it('parses charset labels from Content-Type and <meta>', () => {
    expect(charsetFromContentType('text/html; charset="Shift_JIS"')).toBe('shift_jis');
    expect(charsetFromContentType('text/html')).toBeUndefined();
    expect(prescanMetaCharset(Buffer.from('<head><meta charset=GBK></head>'))).toBe('gbk');
    expect(prescanMetaCharset(Buffer.from("<meta content='text/html; charset=koi8-r' http-equiv='Content-Type'>"))).toBe('koi8-r');
  });

  it('counts replacement and control characters, not ordinary whitespace', () => {
    expect(undecodableChars('a\tb\nc\r\fd')).toBe(0);
    expect(undecodableChars('a\uFFFDb\u0001c\u0085')).toBe(3);
  });
});
