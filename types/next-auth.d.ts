import type { RoleName } from '@/lib/permissions';
import 'next-auth';

declare module 'next-auth' {
  interface Session {
    /** sessionId names the UserSession row that keeps this session valid (lib/server/auth/sessions.ts). */
    user: { id: string; email: string; name: string; role: RoleName; sessionId: string };
  }
}
