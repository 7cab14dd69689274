/**
 * Preloaded (node -r) into the service for the profiled run only. Profiles exactly the window the bench asks for
 * over IPC (the measured load, not start-up or warm-up) with the inspector's sampling profiler, and writes a
 * .cpuprofile that Chrome DevTools, speedscope or bench/support/profile-summary.ts can read.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const session = new Session();

type Message = { type: 'bench:profile-start' } | { type: 'bench:profile-stop'; file: string };

process.on('message', (message: Message) => {
  if (message.type === 'bench:profile-start') {
    session.connect();
    session.post('Profiler.enable', () =>
      session.post('Profiler.setSamplingInterval', { interval: 500 }, () =>
        session.post('Profiler.start', () => process.send?.({ type: 'bench:profile-started' })),
      ),
    );
  } else if (message.type === 'bench:profile-stop') {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(message.file, JSON.stringify(result.profile));
      session.disconnect();
      process.send?.({ type: 'bench:profile-written', error: error ? String(error) : null });
    });
  }
});
// The IPC channel must not keep the process alive on its own.
process.channel?.unref();
