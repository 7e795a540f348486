// Next.js instrumentation hook: runs once when a server process starts.
export async function register() {
  // The imports sit behind the runtime check so the edge bundle never includes the worker (Next.js guidance).
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    // A server with an unusable environment (e.g. no strong NEXTAUTH_SECRET in production) refuses to start with the
    // reason, rather than starting and answering 500 to every request.
    const { environmentProblem } = await import('./lib/server/env');
    const problem = environmentProblem();
    if (problem) {
      console.error(`TumorWatch cannot start. ${problem}`);
      process.exit(1);
    }
    const { startInlineWorker } = await import('./worker/inline');
    await startInlineWorker();
  }
}
