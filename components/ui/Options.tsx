/** The <option>s of a <select>: one per item, its value and its visible label. */
export function Options({ items }: { items: readonly { value: string; label: React.ReactNode }[] }) {
  return (
    <>
      {items.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </>
  );
}
