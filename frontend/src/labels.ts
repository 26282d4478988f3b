// Display names of the API's enums in the current language.
import { t } from './i18n';
import type {
  DuplicatePolicy,
  Formula,
  Group,
  Location,
  Purpose,
  Reading,
  Role,
  RoundStatus,
  Scale,
  SchoolKind,
} from './api/client';

export const GROUPS: Group[] = ['student', 'parent', 'teacher', 'principal', 'deputy', 'cppcc_member', 'citizen'];
export const SCHOOL_BOUND: ReadonlySet<Group> = new Set<Group>(['student', 'parent', 'teacher', 'principal']);
export const KINDS: SchoolKind[] = ['primary', 'junior', 'nine_year', 'twelve_year', 'complete', 'special'];
export const LOCATIONS: Location[] = ['urban', 'town', 'rural'];
export const PURPOSES: Purpose[] = ['self_assessment', 'prefecture_review', 'provincial', 'national_rehearsal'];
export const ROLES: Role[] = ['admin', 'organiser', 'reviewer', 'clerk', 'interviewer', 'liaison'];

export const groupLabel = (g: Group) => t(`enums.group.${g}`);
export const roleLabel = (r: Role) => t(`enums.role.${r}`);
export const kindLabel = (k: SchoolKind) => t(`enums.kind.${k}`);
export const locationLabel = (l: Location) => t(`enums.location.${l}`);
export const purposeLabel = (p: Purpose) => t(`enums.purpose.${p}`);
export const statusLabel = (s: RoundStatus) => t(`enums.status.${s}`);
export const formulaLabel = (f: Formula) => t(`enums.formula.${f}`);
export const scaleLabel = (s: Scale) => t(`enums.scale.${s}`);
export const readingLabel = (r: Reading) => t(`enums.reading.${r}`);
export const duplicateLabel = (d: DuplicatePolicy) => t(`enums.duplicate.${d}`);

/** Element Plus tag colours for round statuses. */
export const statusTag: Record<RoundStatus, 'info' | 'success' | 'warning'> = {
  draft: 'info',
  open: 'success',
  closed: 'warning',
};

const REASONS = ['too_fast', 'duplicate_device'] as const;
type Reason = (typeof REASONS)[number];
/** An invalid response's reason; the API's Chinese label for reasons the console does not know. */
export const reasonLabel = (code: string, fallback: string) =>
  (REASONS as readonly string[]).includes(code) ? t(`enums.reason.${code as Reason}`) : fallback;
