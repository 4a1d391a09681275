import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A body made while it is read, 2,000 lines a pull: `lineOf(-1)` is the first line (a header), then
 * `lineOf(0)` to `lineOf(count - 1)`. Nothing of it is held once sent, so a heap sampled during an upload
 * shows only what the receiver keeps. `stopAfterBytes` ends it early (a file cut short).
 */
export function generatedStream(count: number, lineOf: (index: number) => string, stopAfterBytes = Infinity): { stream: ReadableStream<Uint8Array>; sent: () => number } {
  let index = -1;
  let bytes = 0;
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      let text = '';
      for (let step = 0; step < 2000 && index < count; step += 1, index += 1) text += `${lineOf(index)}\n`;
      if (text.length === 0 || bytes >= stopAfterBytes) return controller.close();
      const chunk = encoder.encode(text);
      bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, sent: () => bytes };
}

/** The live heap: heapUsed right after a full collection (garbage not yet collected is no holding). */
export function liveHeap(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

/**
 * Samples the live heap (and the RSS) every `everyMs` from now until `stop`, which answers the peak
 * growth of each over its value when sampling started, in bytes.
 */
export function sampleMemoryPeak(everyMs: number): { stop: () => { heapGrowth: number; rssGrowth: number } } {
  const baseline = liveHeap();
  const baselineRss = process.memoryUsage().rss;
  let peak = baseline;
  let peakRss = baselineRss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, liveHeap());
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, everyMs);
  return {
    stop: () => {
      clearInterval(sampler);
      return { heapGrowth: peak - baseline, rssGrowth: peakRss - baselineRss };
    },
  };
}
