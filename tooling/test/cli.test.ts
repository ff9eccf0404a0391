import { describe, expect, it } from 'vitest';
import { requireTool } from './cli.js';

describe('requireTool', () => {
  it('passes for a tool on PATH and names the Debian package for one that is missing', () => {
    expect(() => requireTool('sh', 'dash')).not.toThrow();
    expect(() => requireTool('no-such-tool-here', 'some-package')).toThrow(
      'no-such-tool-here is not installed, and these tests need it: apt-get install some-package',
    );
  });
});
