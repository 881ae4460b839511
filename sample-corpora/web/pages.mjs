// The pages of the web samples, written for sluice (no text is taken from real sites).
// Each page carries the usual boilerplate (navigation, scripts, a cookie banner, sidebar, footer)
// around its article, so extraction tests can check that only the article survives.

/** Boilerplate strings that must never reach extracted text. */
export const BOILERPLATE_MARKERS = [
  'We use cookies',
  'Accept all cookies',
  'window.dataLayer',
  'All rights reserved',
  'Most read this week',
  'Subscribe to our newsletter',
  'Skip to content',
  'クッキーを使用',
  '我们使用Cookie',
  'Мы используем cookie',
];

function shell({ lang, headExtra, siteName, nav, cookie, article, related, footer }) {
  return `<!DOCTYPE html>
<html${lang ? ` lang="${lang}"` : ''}>
<head>
${headExtra}
<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('js', new Date());</script>
<style>body { font-family: Georgia, serif; } .cookie-consent { position: fixed; bottom: 0; }</style>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header"><a href="/" class="logo">${siteName}</a></header>
<nav class="main-nav"><ul>${nav.map((n) => `<li><a href="/${encodeURIComponent(n)}">${n}</a></li>`).join('')}</ul></nav>
<div id="cookie-banner" class="cookie-consent" role="dialog"><p>${cookie} <button>Accept all cookies</button></p></div>
<main id="main">
<article>
${article}
</article>
</main>
<aside class="sidebar"><h3>Most read this week</h3><ul>${related.map((r, i) => `<li><a href="/story/${i}">${r}</a></li>`).join('')}</ul></aside>
<div class="footer-links"><a href="/privacy">Privacy</a> | <a href="/terms">Terms</a> | <a href="/contact">Contact</a></div>
<form class="newsletter" action="/subscribe"><label>Subscribe to our newsletter</label><input type="email" name="email"><button>Sign up</button></form>
<footer><p>${footer}</p></footer>
<script src="/static/app.js"></script>
</body>
</html>
`;
}

export const pages = [
  {
    key: 'en-river',
    url: 'https://riverlog.example.org/2024/05/restoring-the-millbrook',
    charset: 'utf-8',
    // declared in the HTTP header only
    httpContentType: 'text/html; charset=UTF-8',
    contentLanguage: 'en-GB',
    wetLanguage: 'eng',
    title: 'Restoring the Millbrook: three years of work on a small river',
    paragraphs: [
      'Three years ago the Millbrook was a straight, silted channel that flooded the lower meadow every winter and ran almost dry each August.',
      'Volunteers began by removing the concrete lining along a four hundred metre stretch below the old mill. Without it, the water started to cut its own bends within a single season.',
      'We planted 2,300 willow and alder whips on the new banks. About two thirds survived the first summer, which is better than the 50% we had planned for.',
      'The most surprising change has been the return of brown trout to the upper pools, where none had been recorded since 1987.',
    ],
    list: ['Remove the lining and let the channel move.', 'Plant native trees on both banks.', 'Measure flow and temperature every month.'],
    pre: 'date        flow_l_s  temp_c\n2024-04-02       412     9.5\n2024-05-02       268    12.1',
    html(p) {
      return shell({
        lang: 'en-GB',
        headExtra: '<meta name="viewport" content="width=device-width">\n<title>' + p.title + '</title>',
        siteName: 'River Log',
        nav: ['Home', 'Projects', 'Volunteer', 'Donate', 'About us'],
        cookie: 'We use cookies to understand how visitors use this site.',
        article: `<header><h1>${p.title}</h1><p class="byline">By Ana Whitfield, 18 May 2024</p></header>
${p.paragraphs.slice(0, 2).map((t) => `<p>${t}</p>`).join('\n')}
<ul>${p.list.map((t) => `<li>${t}</li>`).join('')}</ul>
${p.paragraphs.slice(2).map((t) => `<p>${t.replace('brown trout', '<em>brown trout</em>')}</p>`).join('\n')}
<pre>${p.pre}</pre>
<p>Read the <a href="/data">full monitoring data</a> and the methods we used in our open notebook, which is updated after every survey.</p>`,
        related: ['Ten rivers to walk this summer', 'Why beavers matter', 'Our annual report'],
        footer: '&copy; 2024 River Log. All rights reserved.',
      });
    },
  },
  {
    key: 'fr-1252',
    url: 'http://boulangerie-exemple.fr/recettes/pain-de-campagne.html',
    charset: 'windows-1252',
    // declared only by <meta http-equiv>; the HTTP header has no charset
    httpContentType: 'text/html',
    wetLanguage: 'fra',
    title: 'Le pain de campagne au levain',
    paragraphs: [
      'Le pain de campagne demande un peu de patience, mais presque aucun matériel : un saladier, une corbeille et un four bien chaud.',
      'Rafraîchissez le levain la veille au soir. Il doit doubler de volume en huit à dix heures à température ambiante ; s’il reste paresseux, placez-le près du four.',
      'Mélangez 800 g de farine de blé, 200 g de farine de seigle et 720 g d’eau. Laissez reposer une heure avant d’ajouter le levain et 20 g de sel.',
      'Comptez environ 4 € de farine pour deux miches… et un bœuf bourguignon pour les accompagner, si le cœur vous en dit.',
    ],
    html(p) {
      return shell({
        lang: 'fr',
        headExtra: '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">\n<title>' + p.title + '</title>',
        siteName: 'La Boulangerie',
        nav: ['Accueil', 'Recettes', 'Boutique', 'Contact'],
        cookie: 'We use cookies (nous utilisons des cookies) pour mesurer l’audience.',
        article: `<h1>${p.title}</h1>\n${p.paragraphs.map((t) => `<p>${t}</p>`).join('\n')}`,
        related: ['Brioche du dimanche', 'Les farines anciennes', 'Notre levain'],
        footer: '&copy; 2023 La Boulangerie - All rights reserved.',
      });
    },
  },
  {
    key: 'ja-sjis',
    url: 'https://tabi-nikki.example.jp/kyoto/spring.html',
    charset: 'shift_jis',
    httpContentType: 'text/html; charset=Shift_JIS',
    wetLanguage: 'jpn',
    title: '春の京都を歩く',
    paragraphs: [
      '四月の初め、京都の哲学の道を朝早くから歩きました。桜はちょうど満開で、川沿いの道は花びらで白く染まっていました。',
      '銀閣寺の近くの小さな喫茶店で、抹茶と和菓子をいただきました。店主の方が、この道の歴史について親切に教えてくださいました。',
      '午後は南禅寺まで足を延ばし、水路閣の赤いれんがを見上げながら少し休憩しました。観光客は多かったものの、静かな時間を過ごせました。',
    ],
    html(p) {
      return shell({
        lang: 'ja',
        headExtra: '<title>' + p.title + '</title>',
        siteName: '旅日記',
        nav: ['ホーム', '日記', '写真', 'お問い合わせ'],
        cookie: '当サイトではクッキーを使用しています。We use cookies.',
        article: `<h1>${p.title}</h1>\n${p.paragraphs.map((t) => `<p>${t}</p>`).join('\n')}`,
        related: ['奈良の鹿', '大阪の食べ歩き', '冬の金沢'],
        footer: '&copy; 2024 旅日記 All rights reserved.',
      });
    },
  },
  {
    key: 'zh-gbk',
    url: 'http://chaye.example.cn/article/longjing.html',
    charset: 'gbk',
    // declared only by <meta charset>
    httpContentType: 'text/html',
    wetLanguage: 'zho',
    title: '西湖龙井的采摘与炒制',
    paragraphs: [
      '每年清明前后，是西湖龙井采摘的最好时节。茶农们天不亮就上山，只采一芽一叶或一芽两叶的嫩梢。',
      '鲜叶采回后要先摊放几个小时，让水分稍微散失，然后在铁锅中用手工炒制。炒茶师傅的手法有抖、搭、拓、甩等十几种。',
      '好的龙井茶色泽翠绿，香气清高，滋味鲜爽。冲泡时水温不宜太高，八十度左右的水最能体现它的味道。',
    ],
    html(p) {
      return shell({
        lang: 'zh-CN',
        headExtra: '<meta charset="gbk">\n<title>' + p.title + '</title>',
        siteName: '茶叶之家',
        nav: ['首页', '茶文化', '商城', '联系我们'],
        cookie: '我们使用Cookie来改善您的浏览体验。We use cookies.',
        article: `<h1>${p.title}</h1>\n${p.paragraphs.map((t) => `<p>${t}</p>`).join('\n')}`,
        related: ['普洱茶的存放', '碧螺春的故事', '如何选择茶具'],
        footer: '&copy; 2024 茶叶之家 All rights reserved.',
      });
    },
  },
  {
    key: 'ru-koi8',
    url: 'http://sad-ogorod.example.ru/stati/tomaty.html',
    charset: 'koi8-r',
    // declared nowhere: the detector has to find it
    httpContentType: 'text/html',
    wetLanguage: 'rus',
    title: 'Как вырастить томаты в теплице',
    paragraphs: [
      'Томаты в теплице начинают выращивать с посева семян на рассаду в конце февраля или в начале марта. Почва для рассады должна быть лёгкой и влажной.',
      'Когда у растений появятся два настоящих листа, их пересаживают в отдельные горшки. В это время рассаде нужно много света и умеренный полив.',
      'В теплицу томаты высаживают в середине мая, когда земля прогреется. Между кустами оставляют не меньше сорока сантиметров, чтобы растениям хватало воздуха.',
      'Поливать томаты лучше утром и тёплой водой. Теплицу нужно регулярно проветривать, иначе высокая влажность приведёт к болезням листьев и плодов.',
    ],
    html(p) {
      return shell({
        lang: '',
        headExtra: '<title>' + p.title + '</title>',
        siteName: 'Сад и огород',
        nav: ['Главная', 'Статьи', 'Форум', 'Контакты'],
        cookie: 'Мы используем cookie для работы сайта. We use cookies.',
        article: `<h1>${p.title}</h1>\n${p.paragraphs.map((t) => `<p>${t}</p>`).join('\n')}`,
        related: ['Огурцы на балконе', 'Обрезка яблонь', 'Компост своими руками'],
        footer: '&copy; 2024 Сад и огород. All rights reserved.',
      });
    },
  },
  {
    key: 'de-mislabelled',
    url: 'https://wanderweg.example.de/touren/feldberg',
    charset: 'utf-8',
    // UTF-8 bytes under a latin-1 label, as many servers send them
    httpContentType: 'text/html; charset=ISO-8859-1',
    wetLanguage: 'deu',
    title: 'Rundweg über den Feldberg',
    paragraphs: [
      'Der Rundweg beginnt am Parkplatz Haus der Natur und führt zunächst über breite Forstwege zum Grüblesattel.',
      'Vom Gipfel aus überblickt man bei klarer Sicht die Alpen von der Zugspitze bis zum Mont Blanc. Die Strecke ist 12 Kilometer lang und für Familien geeignet.',
      'Im Winter ist der Weg gespurt; Schneeschuhe sind dann eine gute Wahl. Einkehren kann man in der Todtnauer Hütte, die ganzjährig geöffnet hat.',
    ],
    html(p) {
      return shell({
        lang: 'de',
        headExtra: '<title>' + p.title + '</title>',
        siteName: 'Wanderweg',
        nav: ['Start', 'Touren', 'Karten', 'Impressum'],
        cookie: 'We use cookies - diese Seite verwendet Cookies.',
        article: `<h1>${p.title}</h1>\n${p.paragraphs.map((t) => `<p>${t}</p>`).join('\n')}`,
        related: ['Schluchsee-Runde', 'Belchen im Herbst', 'Wutachschlucht'],
        footer: '&copy; 2024 Wanderweg. All rights reserved.',
      });
    },
  },
];

/** Text as Common Crawl's WET would hold it: title line, then one line per block. */
export function wetText(p) {
  const lines = [p.title, ...p.paragraphs];
  if (p.list) lines.splice(3, 0, ...p.list);
  return lines.join('\n');
}
