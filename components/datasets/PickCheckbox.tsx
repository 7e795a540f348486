/** A row's tick box for PickCasesBar: it joins that form through the `form` attribute, wherever the table sits. */
export function PickCheckbox({ formId, caseId, externalId }: { formId: string; caseId: string; externalId: string }) {
  return <input type="checkbox" name="caseId" value={caseId} form={formId} aria-label={`Pick ${externalId}`} className="h-4 w-4" />;
}
