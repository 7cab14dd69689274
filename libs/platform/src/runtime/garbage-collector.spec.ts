import { execFileSync } from 'node:child_process';
import { keepRequestGarbageYoung, NO_PRETENURING_FLAG } from './garbage-collector';

/**
 * Objects from one allocation site, many alive at once and each dropped a while later, as a busy server's request
 * objects are; prints how many scavenges the run took. Run in a process of its own, so that the
 * flag under test is not set in the test's.
 */
function scavengesOfRequestLikeGarbage(flag: string | null): number {
  const script = `
    ${flag ? `require('node:v8').setFlagsFromString(${JSON.stringify(flag)});` : ''}
    const { PerformanceObserver, constants } = require('node:perf_hooks');
    let scavenges = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (entry.detail.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
    }).observe({ entryTypes: ['gc'] });
    const inFlight = new Array(300000);
    for (let i = 0; i < 1500000; i++) inFlight[i % inFlight.length] = { id: i, tags: [i], nested: { at: i } };
    setTimeout(() => process.stdout.write(String(scavenges)), 100);
  `;
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 }));
}

describe('keepRequestGarbageYoung', () => {
  it('turns allocation-site pretenuring off in the running process', () => {
    // The module object itself (an `import * as` binding would be a copy of it), as the code under test reads it.
    const v8 = jest.requireActual<typeof import('node:v8')>('node:v8');
    const setFlags = jest.spyOn(v8, 'setFlagsFromString').mockImplementation(() => undefined);
    try {
      keepRequestGarbageYoung();
      expect(setFlags).toHaveBeenCalledWith(NO_PRETENURING_FLAG);
    } finally {
      setFlags.mockRestore();
    }
  });

  it('sets a flag V8 honours: objects that survive a scavenge stay young instead of being allocated old', () => {
    const pretenured = scavengesOfRequestLikeGarbage(null);
    const young = scavengesOfRequestLikeGarbage(NO_PRETENURING_FLAG);
    // With pretenuring V8 soon allocates the site's objects in the old generation, so the young one rarely fills
    // (10 scavenges on Node 20 here); without, every object is born young and the scavenger keeps freeing them (30).
    expect(young).toBeGreaterThanOrEqual(2 * pretenured);
  });
});
