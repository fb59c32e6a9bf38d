// A PHP site on node:http: PHP 8.3 compiled to WebAssembly (@php-wasm/node), whose request
// handler gets each request as a PHP web server would pass it ($_SERVER, $_COOKIE, the body)
// and answers with what the script sent: status, headers (every Set-Cookie) and body.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeFsMountHandler, loadNodeRuntime } from '@php-wasm/node';
import { PHP, PHPRequestHandler } from '@php-wasm/universal';

// php-wasm's php.ini default for session.save_path.
const SESSION_SAVE_PATH = '/home/web_user';

/**
 * Starts the site on a port the system picks, with `files` ({ name: text }) in its document
 * root; resolves to the server.
 */
export async function startPhpSite(files) {
  const runtime = () => loadNodeRuntime('8.3', { emscriptenOptions: { processId: 1 } });
  const php = new PHP(await runtime());
  // The runtime leaks with each request (it panics after some 2,700 of this page): php-wasm's
  // remedy is a fresh runtime every 400 requests, or after a crash, files kept (sessions too).
  php.enableRuntimeRotation({ recreateRuntime: runtime, maxRequests: 400 });
  // Session files go to a directory on disk, as on a PHP server, not to the runtime's
  // in-memory file system: one file per cookieless visitor would otherwise grow the heap.
  const sessions = mkdtempSync(join(tmpdir(), 'consent-guard-php-sessions-'));
  await php.mount(SESSION_SAVE_PATH, createNodeFsMountHandler(sessions));
  php.mkdir('/www');
  php.writeFile('/www/index.php', readFileSync(new URL('./site/index.php', import.meta.url)));
  for (const [name, text] of Object.entries(files)) php.writeFile(`/www/${name}`, text);
  // No cookie store: the handler would otherwise play browser and send PHP its own cookies.
  const handler = new PHPRequestHandler({ php, documentRoot: '/www', absoluteUrl: 'http://localhost', cookieStore: false });

  const oneAtATime = queue();
  const server = createServer(async (req, res) => {
    try {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      const response = await oneAtATime(() => (res.destroyed ? undefined : handler.request({ url: req.url, method: req.method, headers: flatHeaders(req.headers), ...(body.length > 0 ? { body: new Uint8Array(body) } : {}) })));
      // The visitor went away while the request waited its turn: PHP never ran it.
      if (!response) return;
      res.writeHead(response.httpStatusCode, response.headers).end(response.bytes);
    } catch (error) {
      console.error('PHP failed:', error);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' }).end('PHP failed\n');
    }
  });
  server.on('close', () => rmSync(sessions, { recursive: true, force: true }));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/**
 * Runs tasks one after the other. The handler has one PHP runtime (WebAssembly, on this
 * thread) and answers a request that comes while another holds it with a bare 500, as
 * happens while a request waits for the runtime to be renewed: requests wait their turn.
 */
function queue() {
  let last = Promise.resolve();
  return (task) => {
    const result = last.then(task);
    last = result.catch(() => {});
    return result;
  };
}

function flatHeaders(headers) {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]));
}
