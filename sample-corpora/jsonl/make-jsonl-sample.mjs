// Regenerates forum-sample.jsonl.gz: hand-written documents in the shape of a web-text dataset
// (id, text, url, date), with the defects a real dump has: a malformed line, a too-short post,
// exact and near duplicates, contact details to redact, and a few non-English posts.
// Run: node sample-corpora/jsonl/make-jsonl-sample.mjs
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const P = {
  river: `The river that runs through our valley floods every spring, and the farmers have learned to plant late. When the water recedes it leaves a layer of fine silt that makes the fields rich for the rest of the year. Older people in the village still remember the year the bridge was washed away and the school was closed for a month.`,
  bread: `Baking bread at home is easier than most people think. You need flour, water, salt and a little yeast, and above all you need patience. Let the dough rest overnight in a cool place, fold it a few times in the morning, and bake it in the hottest oven you have. The crust should crackle when it cools.`,
  bikes: `Our city finally opened the protected bike lane on the main avenue this week. Traffic was slow on the first day while drivers got used to the new signals, but by Friday the morning commute looked calmer than it has in years. The council says it will count cyclists for six months before deciding on the next route.`,
  stars: `On a clear night away from the city you can see the band of the Milky Way stretching from one horizon to the other. Binoculars are enough to show the moons of Jupiter and the craters along the edge of the Moon. The best time to look is an hour after sunset, when the sky is dark but you are not yet too tired.`,
  garden: `This year I tried growing tomatoes in large pots on the balcony. The plants needed water twice a day during the heat wave, and I had to tie them to bamboo canes when the fruit got heavy. The harvest was small but the taste was far better than anything from the supermarket, so I will try again next summer.`,
  library: `The public library has started lending tools as well as books. Members can borrow a drill, a ladder or a sewing machine for a week, and volunteers run repair evenings on the first Thursday of every month. The librarians say the most popular item so far is a simple carpet cleaner that nobody wants to buy for one use.`,
  code: `When a test fails only on the build server, check the time zone and the locale first. Many date functions format differently depending on the environment, and a test that compares strings will pass on a laptop and fail in a container. Pin the time zone in the test setup and compare parsed values rather than formatted text.`,
  trains: `The night train from the capital to the coast was restored last spring after twelve years without service. The sleeping cars are old but clean, and the conductor brings tea at six in the morning. Tickets cost about the same as a flight, yet passengers say they arrive rested and save the price of a hotel room.`,
};

const de = `Der kleine Bahnhof am Rand des Dorfes wurde im letzten Jahr renoviert. Die alten Holzbänke sind geblieben, aber es gibt jetzt eine Anzeige für die Abfahrtszeiten und einen überdachten Platz für Fahrräder. Viele Pendler sagen, dass sie den Zug seitdem lieber nehmen als das Auto.`;
const fr = `La boulangerie du quartier ouvre à six heures du matin, et il y a déjà une file devant la porte. Le boulanger explique que le secret de sa baguette est une longue fermentation au froid et un four très chaud. Les habitants disent qu'ils ne pourraient plus vivre sans elle.`;

const docs = [
  { text: `${P.river}\n\n${P.garden}`, url: 'https://valley-news.example.org/spring-floods' },
  { text: `${P.bread}\n\n${P.library}`, url: 'https://home-cooking.example.com/bread' },
  { text: `${P.bikes}\n\n${P.trains}`, url: 'https://citylife.example.net/bike-lane' },
  { text: `${P.stars}\n\n${P.river}`, url: 'https://skywatch.example.org/milky-way' },
  { text: `${P.code}\n\nIf you need help, write to Dana Whitfield at dana.whitfield@example-mail.com or call (231) 232-2334 after 5pm. Our build server is at 163.36.107.25.`, url: 'https://dev-notes.example.com/flaky-tests' },
  { text: `${P.trains}\n\n${P.library}`, url: 'https://travel.example.net/night-train' },
  { text: `${P.garden}\n\n${P.bread}`, url: 'https://balcony.example.org/tomatoes' },
  // an exact copy of an earlier post, re-crawled under another URL
  { text: `${P.bread}\n\n${P.library}`, url: 'https://mirror.example.com/bread-copy' },
  // a near copy: the same post with a few words changed
  { text: `${P.bikes.replace('this week', 'last week').replace('six months', 'a year')}\n\n${P.trains}`, url: 'https://citylife.example.net/bike-lane?page=2' },
  { text: 'Great post, thanks!', url: 'https://citylife.example.net/bike-lane#comment-1' },
  { text: `${de}\n\n${de.replace('im letzten Jahr', 'vor zwei Jahren')}`, url: 'https://dorfzeitung.example.de/bahnhof' },
  { text: `${fr}`, url: 'https://quartier.example.fr/boulangerie' },
  { text: `${P.stars}\n\n${P.code}`, url: 'https://skywatch.example.org/binoculars' },
  { text: `${P.library}\n\n${P.river}\n\n${P.bikes}`, url: 'https://valley-news.example.org/library-tools' },
];

const lines = docs.map((d, i) => JSON.stringify({ id: `forum-${String(i + 1).padStart(4, '0')}`, text: d.text, url: d.url, date: `2024-0${(i % 9) + 1}-1${i % 10}` }));
// a record cut off by a crashed crawler: it must be rejected as bad_record, not lost
lines.splice(6, 0, '{"id": "forum-0099", "text": "The crawler stopped writing in the middle of this rec');
writeFileSync(new URL('./forum-sample.jsonl.gz', import.meta.url), gzipSync(lines.join('\n') + '\n', { level: 9 }));
console.log(`wrote ${lines.length} lines`);
