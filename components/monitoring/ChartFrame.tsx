/** Title, caption and a box for a chart; `testId` lets tests find the figure. */
export function ChartFrame({
  title,
  caption,
  testId,
  children,
}: {
  title: string;
  caption?: string;
  testId: string;
  children: React.ReactNode;
}) {
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-4" data-testid={testId}>
      <figcaption className="mb-2">
        <span className="text-sm font-medium">{title}</span>
        {caption && <span className="block text-xs text-slate-500">{caption}</span>}
      </figcaption>
      {children}
    </figure>
  );
}
