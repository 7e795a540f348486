import { requirePageUser } from '@/lib/server/auth/session';
import { listUsers, type UserRowDto } from '@/lib/server/users';
import { PageHeader } from '@/components/ui/PageHeader';
import { DataTable } from '@/components/ui/DataTable';
import { EmptyState } from '@/components/ui/EmptyState';
import { Badge } from '@/components/ui/Badge';
import { formatDateTime } from '@/components/ui/format';
import { AdminTabs } from '@/components/admin/AdminTabs';
import { CreateUserForm } from '@/components/admin/CreateUserForm';
import { RoleSelect, UserRowActions } from '@/components/admin/UserRowActions';

export const dynamic = 'force-dynamic';

export default async function AdminUsersPage() {
  const me = await requirePageUser('user:manage');
  const users = await listUsers();
  return (
    <>
      <PageHeader
        title="Administration"
        subtitle="Accounts and roles. Changing a role, deactivating or resetting a password signs the user out everywhere."
      />
      <AdminTabs current="/admin/users" />
      <CreateUserForm />
      <DataTable<UserRowDto>
        empty={<EmptyState title="No users yet" />}
        label="Users"
        rows={users}
        rowKey={(u) => u.id}
        columns={[
          {
            header: 'User',
            cell: (u) => (
              <span className="flex flex-col">
                <span className="font-medium">
                  {u.name}
                  {u.id === me.id && <span className="ml-1 text-xs text-slate-500">(you)</span>}
                </span>
                <span className="text-xs text-slate-500">{u.email}</span>
              </span>
            ),
          },
          { header: 'Role', cell: (u) => <RoleSelect user={u} /> },
          {
            header: 'Status',
            cell: (u) => (
              <span className="flex flex-wrap gap-1">
                {u.active ? <Badge tone="good">active</Badge> : <Badge tone="bad">deactivated</Badge>}
                {u.lockedUntil && <Badge tone="warn">locked until {formatDateTime(u.lockedUntil)}</Badge>}
                {!u.lockedUntil && u.failedSignIns > 0 && <Badge tone="neutral">{u.failedSignIns} failed sign-ins</Badge>}
              </span>
            ),
          },
          { header: 'Sessions', cell: (u) => u.sessions },
          { header: 'Last seen', cell: (u) => formatDateTime(u.lastSeenAt) },
          { header: 'Tokens', cell: (u) => u.tokens },
          { header: 'Created', cell: (u) => formatDateTime(u.createdAt) },
          { header: 'Actions', cell: (u) => <UserRowActions user={u} /> },
        ]}
      />
    </>
  );
}
