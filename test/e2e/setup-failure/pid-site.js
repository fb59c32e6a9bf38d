// A site that does nothing but say where it listens and write its process id to $PID_FILE.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

writeFileSync(process.env.PID_FILE, String(process.pid));
const server = createServer((_req, res) => res.end('ok')).listen(0, () => console.log(`pid site on http://localhost:${server.address().port}`));
