// A guarded Express app streaming a large HTML page (real pages back to back, full of
// trackers) in 64 KB writes that wait for 'drain', as a well-behaved app does.
import express from 'express';
import { consentGuard } from '@consent-guard/express';
import { chunks, pages } from './pages.js';
import { policy } from './policy.js';

const CHUNKS = chunks(pages['500 KB'], 64 * 1024);
const TOTAL = Number(process.env.PAGE_MB ?? 32) * 1024 * 1024;

const app = express();
app.use(consentGuard({ policy, secret: 'soak' }));
app.get('/large', (_req, res) => {
  res.type('html');
  let sent = 0;
  let index = 0;
  const pump = () => {
    while (sent < TOTAL) {
      const chunk = CHUNKS[index++ % CHUNKS.length];
      sent += chunk.length;
      if (!res.write(chunk)) return res.once('drain', pump);
    }
    res.end('</body></html>');
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
});
const server = app.listen(0, () => console.log(`slow-client server on http://localhost:${server.address().port}`));
