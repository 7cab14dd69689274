import { claimModeForServer } from './outbox-claim';

describe('claimModeForServer', () => {
  it.each([
    ['10.11.19-MariaDB-0+deb12u1', 'skip-locked'],
    ['10.6.4-MariaDB', 'skip-locked'],
    ['11.4.2-MariaDB-ubu2404', 'skip-locked'],
    ['5.5.5-10.11.2-MariaDB', 'skip-locked'],
    ['10.5.23-MariaDB', 'lease'],
    ['10.3.39-MariaDB-0+deb10u1', 'lease'],
    ['8.0.36', 'skip-locked'],
    ['8.4.0-commercial', 'skip-locked'],
    ['5.7.44-log', 'lease'],
    ['something else', 'lease'],
  ])('%s → %s', (version, mode) => {
    expect(claimModeForServer(version)).toBe(mode);
  });
});
