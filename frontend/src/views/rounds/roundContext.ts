// The round a RoundLayout loaded, shared with its tabs.
import { inject, type InjectionKey, type ShallowRef } from 'vue';
import type { Round } from '../../api/client';

export interface RoundContext {
  round: ShallowRef<Round | undefined>;
  reload: () => Promise<void>;
}

export const ROUND: InjectionKey<RoundContext> = Symbol('round');

export function useRound(): RoundContext {
  const ctx = inject(ROUND);
  if (!ctx) throw new Error('useRound outside RoundLayout');
  return ctx;
}
