// Signal names the agent's restart_stop_signal accepts: Linux's, as Go's syscall package names them.
// Signals whose default action does not end a process (SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP, …) are
// left out, as is SIGKILL: the app could never stop cleanly. SIGWINCH stays (Apache's graceful stop).
export const STOP_SIGNALS: ReadonlySet<string> = new Set([
  'SIGABRT',
  'SIGALRM',
  'SIGBUS',
  'SIGFPE',
  'SIGHUP',
  'SIGILL',
  'SIGINT',
  'SIGIO',
  'SIGPIPE',
  'SIGPROF',
  'SIGPWR',
  'SIGQUIT',
  'SIGSEGV',
  'SIGSYS',
  'SIGTERM',
  'SIGTRAP',
  'SIGUSR1',
  'SIGUSR2',
  'SIGVTALRM',
  'SIGWINCH',
  'SIGXCPU',
  'SIGXFSZ',
]);
