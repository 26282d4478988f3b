// Who is logged in, and what their role lets them do. The session itself is
// renke's HttpOnly cookie; this only mirrors the account for the UI.
import { computed, reactive } from 'vue';
import { api, call, type Account, type Role } from './api/client';

// A clerk (录入员) only keys paper sheets, an interviewer (访谈员) only
// records interviews (on its own page, /interview/) and a school liaison
// (学校联络员) only runs its schools' computer-room sessions (on 我的机房场次):
// below every reading role.
const rank: Record<Role, number> = { liaison: -3, interviewer: -2, clerk: -1, reviewer: 0, organiser: 1, admin: 2 };

export const session = reactive({
  account: null as Account | null,
  checked: false,
});

/** Loads the current account once (null when not logged in). */
export async function loadSession(): Promise<Account | null> {
  if (!session.checked) {
    try {
      session.account = await call(api.GET('/auth/me'));
    } catch {
      session.account = null;
    }
    session.checked = true;
  }
  return session.account;
}

export function setAccount(account: Account | null): void {
  session.account = account;
  session.checked = true;
}

/** The account has at least `role` (admin ⊇ organiser ⊇ reviewer). */
export function hasRole(role: Role): boolean {
  return session.account !== null && rank[session.account.role] >= rank[role];
}

/** Organisers and admins edit; reviewers only read. */
export const canEdit = computed(() => hasRole('organiser'));
export const isAdmin = computed(() => hasRole('admin'));
/** A school liaison sees only its own page (我的机房场次). */
export const isLiaison = computed(() => session.account?.role === 'liaison');
