/**
 * A bit per hash of each host a policy's trackers load from: the WebAssembly tokenizer looks
 * up the hosts of the URLs it reads in it, and keeps to itself a tag whose hosts are all
 * absent (no tracker can match it). A false hit only costs the tag a look from JavaScript.
 * The hash is the module's (wasm/tokenizer.ts, `hostHash`): FNV-1a over the lowercase
 * bytes, folded to 16 bits.
 */
const HOST_FILTER_BYTES = 8192;

export function hostFilter(hosts: Iterable<string>): Uint8Array {
  const filter = new Uint8Array(HOST_FILTER_BYTES);
  for (const host of hosts) {
    const bit = hostHash(host.toLowerCase());
    filter[bit >> 3]! |= 1 << (bit & 7);
  }
  return filter;
}

function hostHash(host: string): number {
  let hash = 0x811c9dc5;
  for (let k = 0; k < host.length; k++) hash = Math.imul(hash ^ host.charCodeAt(k), 0x01000193);
  return ((hash >>> 16) ^ hash) & 0xffff;
}
