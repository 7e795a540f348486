import { requirePageUser } from '@/lib/server/auth/session';
import { listApiTokens, TOKEN_SCOPE_LABELS, TOKEN_SCOPES, type ApiTokenDto } from '@/lib/server/auth/tokens';
import { listUsers } from '@/lib/server/users';
import { ROLE_LABELS } from '@/lib/permissions';
import { PageHeader } from '@/components/ui/PageHeader';
import { DataTable } from '@/components/ui/DataTable';
import { EmptyState } from '@/components/ui/EmptyState';
import { Badge } from '@/components/ui/Badge';
import { formatDateTime } from '@/components/ui/format';
import { AdminTabs } from '@/components/admin/AdminTabs';
import { CreateTokenForm } from '@/components/admin/CreateTokenForm';
import { RevokeTokenButton } from '@/components/admin/RevokeTokenButton';

export const dynamic = 'force-dynamic';

const STATUS_TONE = { active: 'good', expired: 'warn', revoked: 'bad' } as const;

export default async function AdminTokensPage() {
  await requirePageUser('user:manage');
  const [tokens, users] = await Promise.all([listApiTokens(), listUsers()]);
  const owners = users.filter((u) => u.active).map((u) => ({ id: u.id, label: `${u.email} (${ROLE_LABELS[u.role]})` }));
  const scopes = TOKEN_SCOPES.map((s) => ({ value: s, label: `${s}: ${TOKEN_SCOPE_LABELS[s]}` }));
  return (
    <>
      <PageHeader
        title="Administration"
        subtitle="API tokens for machine clients (PACS bridges, npm run ingest): each acts as its owner, narrowed by its scope."
      />
      <AdminTabs current="/admin/tokens" />
      <CreateTokenForm options={{ owners, scopes }} />
      <DataTable<ApiTokenDto>
        empty={<EmptyState title="No API tokens yet">Create one above, or with npm run token:create on the server.</EmptyState>}
        label="API tokens"
        rows={tokens}
        rowKey={(t) => t.id}
        columns={[
          { header: 'Name', cell: (t) => <span className="font-medium">{t.name}</span> },
          {
            header: 'Owner',
            cell: (t) => (
              <span className="flex flex-col">
                <span>{t.owner}</span>
                <span className="text-xs text-slate-500">{ROLE_LABELS[t.ownerRole]}</span>
              </span>
            ),
          },
          { header: 'Scope', cell: (t) => <span title={TOKEN_SCOPE_LABELS[t.scope]}>{t.scope}</span> },
          { header: 'Status', cell: (t) => <Badge tone={STATUS_TONE[t.status]}>{t.status}</Badge> },
          {
            header: 'Created',
            cell: (t) => (
              <span className="flex flex-col">
                <span>{formatDateTime(t.createdAt)}</span>
                <span className="text-xs text-slate-500">{t.createdBy ?? 'system'}</span>
              </span>
            ),
          },
          { header: 'Expires', cell: (t) => (t.expiresAt ? formatDateTime(t.expiresAt) : 'never') },
          { header: 'Last used', cell: (t) => (t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'never') },
          {
            header: 'Actions',
            cell: (t) => (t.status === 'revoked' ? null : <RevokeTokenButton tokenId={t.id} name={t.name} owner={t.owner} />),
          },
        ]}
      />
    </>
  );
}
