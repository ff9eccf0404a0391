import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { busAddresses } from './bus-address.js';

const targetsOf = (address: string) => busAddresses({ DBUS_SESSION_BUS_ADDRESS: address });

describe('DBUS_SESSION_BUS_ADDRESS as the D-Bus specification reads it', () => {
  it.each([
    ['unix:path=/run/user/1000/bus', [{ path: '/run/user/1000/bus' }]],
    ['unix:path=/tmp/a%20b,guid=0123', [{ path: '/tmp/a b' }]],
    ['unix:abstract=/tmp/dbus-x,guid=1', [{ path: '\0/tmp/dbus-x' }]],
    ['tcp:host=127.0.0.1,port=4000,family=ipv4', [{ host: '127.0.0.1', port: 4000 }]],
    ['tcp:port=4000', [{ host: 'localhost', port: 4000 }]],
    // Each address in order, the ones a client cannot use left out.
    ['unix:tmpdir=/tmp;garbage;unix:path=/b;tcp:host=h,port=9', [{ path: '/b' }, { host: 'h', port: 9 }]],
  ])('%j → %j', (address, targets) => {
    expect(targetsOf(address)).toEqual({ targets });
  });

  it.each(['unix:path=/run/no-such%zz', 'garbage', 'unix:tmpdir=', 'unix:dir=/tmp', 'unix:runtime=yes', 'tcp:host=127.0.0.1', 'tcp:host=h,port=70000', 'unix:path', 'autolaunch:', ';;'])(
    '%j is no bus, named in the problem',
    (address) => {
      const found = targetsOf(address);
      expect(found).toEqual({ problem: expect.stringContaining('is not a bus address a client can connect to') });
      expect((found as { problem: string }).problem).toContain(JSON.stringify(address));
    },
  );

  it('unset: $XDG_RUNTIME_DIR/bus when it exists, as libdbus does; otherwise no bus', () => {
    const runtime = mkdtempSync(join(tmpdir(), 'auth-runtime-'));
    try {
      expect(busAddresses({ XDG_RUNTIME_DIR: runtime })).toEqual({ problem: 'DBUS_SESSION_BUS_ADDRESS is not set' });
      writeFileSync(join(runtime, 'bus'), '');
      expect(busAddresses({ XDG_RUNTIME_DIR: runtime, DBUS_SESSION_BUS_ADDRESS: '' })).toEqual({ targets: [{ path: join(runtime, 'bus') }] });
      expect(busAddresses({})).toEqual({ problem: 'DBUS_SESSION_BUS_ADDRESS is not set' });
    } finally {
      rmSync(runtime, { recursive: true, force: true });
    }
  });
});
