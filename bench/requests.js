// Sends N requests one after another on one keep-alive connection, for instructions.sh:
//   node requests.js <port> <path> <N> [cookie]
import net from 'node:net';

const [port, path, count, cookie] = process.argv.slice(2);
const request = `GET ${path} HTTP/1.1\r\nHost: bench\r\n${cookie ? `Cookie: ${cookie}\r\n` : ''}\r\n`;
const socket = net.connect(Number(port), '127.0.0.1');
let pending = Buffer.alloc(0);
let done = 0;
socket.on('data', (data) => {
  pending = Buffer.concat([pending, data]);
  for (let end = responseEnd(pending); end !== -1; end = responseEnd(pending)) {
    pending = pending.subarray(end);
    if (++done === Number(count)) return socket.end();
    socket.write(request);
  }
});
socket.write(request);

/** Where the first complete response in `bytes` ends (Content-Length or chunked), or -1. */
function responseEnd(bytes) {
  const head = bytes.indexOf('\r\n\r\n');
  if (head === -1) return -1;
  const status = bytes.toString('latin1', 0, 12);
  if (status !== 'HTTP/1.1 200') throw new Error(`unexpected response: ${status}`);
  const length = /\r\ncontent-length: *(\d+)/i.exec(bytes.toString('latin1', 0, head));
  if (length) return bytes.length >= head + 4 + Number(length[1]) ? head + 4 + Number(length[1]) : -1;
  const last = bytes.indexOf('\r\n0\r\n\r\n', head);
  return last === -1 ? -1 : last + 7;
}
