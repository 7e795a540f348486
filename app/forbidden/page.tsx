import Link from 'next/link';

export default function ForbiddenPage() {
  return (
    <main className="mx-auto max-w-lg p-12 text-center">
      <h1 className="mb-2 text-xl font-semibold">Not allowed</h1>
      <p className="mb-4 text-slate-600">Your role does not give access to that page. Ask an administrator if you need it.</p>
      <Link href="/cases" className="text-blue-700 underline">
        Back to cases
      </Link>
    </main>
  );
}
