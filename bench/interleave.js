import { chunks, pages } from './pages.js';

/**
 * Runs every candidate over every page in 16 KB chunks, rounds interleaving the candidates;
 * returns per page and candidate the rates (MB/s) of each round, in wall time and in the
 * process's CPU time: on a busy machine wall time mostly measures the scheduler, while CPU
 * time also counts V8's background GC threads.
 */
export async function interleave(candidates, rounds) {
  const results = {};
  for (const [size, page] of Object.entries(pages)) {
    const input = chunks(page);
    // Enough repetitions per measurement to run ~100 ms on the slowest candidate.
    const repeat = Math.max(1, Math.round((8 * 1024 * 1024) / page.length));
    for (let round = 0; round < rounds; round++) {
      for (const [name, run] of Object.entries(candidates)) {
        await run(input); // warm
        const start = process.hrtime.bigint();
        const cpuStart = process.cpuUsage();
        for (let r = 0; r < repeat; r++) await run(input);
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        const cpu = process.cpuUsage(cpuStart);
        const rates = ((results[size] ??= {})[name] ??= { wall: [], cpu: [] });
        rates.wall.push((page.length * repeat) / seconds / 1e6);
        rates.cpu.push((page.length * repeat) / ((cpu.user + cpu.system) / 1e6) / 1e6);
      }
    }
    process.stderr.write(`${size} done\n`);
  }
  return results;
}
