// The floor `herald once` is measured against: a bare loop over the same feeds at the same
// concurrency, with nothing but fetch and rss-parser. Plain JavaScript, run by node alone, so
// that its process start is as short as a script's can be.
//
// argv: baseUrl count concurrency cold|warm etagFile
//   cold: GET /feeds/<i>/, read the body, parse it; writes every ETag to etagFile.
//   warm: the same GETs with If-None-Match from etagFile (a conditional GET; 304 expected).
import { readFileSync, writeFileSync } from 'node:fs';
import Parser from 'rss-parser';

const [base, countArg, concurrencyArg, mode, etagFile] = process.argv.slice(2);
const count = Number(countArg);
const parser = new Parser();
const etags = mode === 'warm' ? JSON.parse(readFileSync(etagFile, 'utf8')) : new Array(count);
let next = 0;
let failed = 0;

async function poll(i) {
  const headers = mode === 'warm' ? { 'if-none-match': etags[i] } : {};
  const response = await fetch(`${base}/feeds/${i}/`, { headers });
  if (mode === 'warm') {
    await response.body?.cancel();
    if (response.status !== 304) failed++;
    return;
  }
  etags[i] = response.headers.get('etag');
  await parser.parseString(await response.text());
}

await Promise.all(
  Array.from({ length: Number(concurrencyArg) }, async () => {
    while (next < count) await poll(next++);
  }),
);
if (mode === 'cold') writeFileSync(etagFile, JSON.stringify(etags));
if (failed > 0) {
  process.stderr.write(`bare loop: ${failed} feeds were not 304\n`);
  process.exit(1);
}
