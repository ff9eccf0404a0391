import { readFileSync, readlinkSync } from 'node:fs';

/** Whether a process of this id exists (EPERM: it does, but is not ours to signal). */
export function alive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When a process started (field 22 of /proc/<pid>/stat, clock ticks since boot), where the OS
 * tells it: a pid reused by another process has another start time. Read after the command
 * name's last ")", since the name may hold spaces and parentheses.
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * This machine as pids see it: the host name, the pid namespace (containers share host names) and
 * the kernel's boot id. Host names alone collide (VMs and containers made from one image are all
 * "vm" or "localhost"), and every host's initial pid namespace has the same inode, so two machines
 * sharing a home folder would otherwise judge each other's locks by pids of their own, and break a
 * live holder's lock at once. Containers on one kernel share its boot id; pids mean the same thing
 * exactly where all three match.
 */
export function thisMachine(): string {
  // node:os only here: loading it at start-up would cost every command, and only locks need it.
  let machine = process.getBuiltinModule('node:os').hostname();
  try {
    machine += ` ${readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    return machine;
  }
  try {
    machine += ` boot:${readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim()}`;
  } catch {
    // Without a boot id the host name and namespace are all there is.
  }
  return machine;
}
