// The round a RoundLayout loaded, shared with its tabs.
import { inject, type ComputedRef, type InjectionKey, type ShallowRef } from 'vue';
import type { Assessment, Round } from '../../api/client';

export interface RoundContext {
  round: ShallowRef<Round | undefined>;
  reload: () => Promise<void>;
  /** The assessment run from above this round is a county's part of. */
  assessment: ShallowRef<Assessment | undefined>;
  /** This account may change the round: an organiser of its county (or an
   * admin); for a part of an assessment, an organiser at or above the node. */
  editable: ComputedRef<boolean>;
}

export const ROUND: InjectionKey<RoundContext> = Symbol('round');

export function useRound(): RoundContext {
  const ctx = inject(ROUND);
  if (!ctx) throw new Error('useRound outside RoundLayout');
  return ctx;
}
