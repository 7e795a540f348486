// Next.js instrumentation hook: runs once when a server process starts.
export async function register() {
  // The import sits behind the runtime check so the edge bundle never includes the worker (Next.js guidance).
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startInlineWorker } = await import('./worker/inline');
    await startInlineWorker();
  }
}
