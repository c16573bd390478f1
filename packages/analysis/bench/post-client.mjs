// Bench client, run in its own process so that its work lands on the other core: POSTs every body in
// DIR (sorted by name) to URL with keep-alive, CONCURRENCY at a time in order, and exits when all are
// acknowledged. ENCODING (optional, e.g. gzip) is sent as the Content-Encoding of the bodies as they are.
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';

const [url, contentType, dir, concurrency = '4', encoding = ''] = process.argv.slice(2);
const bodies = readdirSync(dir)
  .sort()
  .map((name) => readFileSync(join(dir, name)));
const agent = new Agent({ keepAlive: true, maxSockets: Number(concurrency) });

function post(body) {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': contentType, ...(encoding ? { 'content-encoding': encoding } : {}) };
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200 ? resolve() : reject(new Error(`answered ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

let next = 0;
async function lane() {
  while (next < bodies.length) await post(bodies[next++]);
}
await Promise.all(Array.from({ length: Number(concurrency) }, lane));
agent.destroy();
