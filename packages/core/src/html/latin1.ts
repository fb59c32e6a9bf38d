/** The bytes from `start` to `end` as a string, one character per byte (markup and hosts are ASCII). */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  return (bytes as Buffer & { latin1Slice(start: number, end: number): string }).latin1Slice(start, end);
}
