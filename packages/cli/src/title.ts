// Imported first by bin.ts, so it runs before anything else: on Linux setting the title
// overwrites the argv area, and a secret given in argv no longer shows in /proc/<pid>/cmdline
// (or `ps`) while the command runs.
process.title = 'auth';
