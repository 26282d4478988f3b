// The round wizard's form: how a round maps to it and back to the API body.
import type { DuplicatePolicy, Formula, Group, Purpose, Reading, Round, RoundIn, Scale } from '../../api/client';
import { fromPicker, pickerDaysFromNow, toPicker } from '../../utils/time';

export interface WizardForm {
  name: string;
  purpose: Purpose;
  /** Picker values in Beijing time; empty until chosen. */
  window: [string, string] | [];
  groups: Group[];
  allSchools: boolean;
  schoolIds: number[];
  formula: Formula;
  scale: Scale;
  reading: Reading;
  useWeights: boolean;
  weights: Partial<Record<Group, number>>;
  minAnswerSeconds: number;
  duplicatePolicy: DuplicatePolicy;
}

export function blankForm(): WizardForm {
  return {
    name: '',
    purpose: 'self_assessment',
    // A week from tomorrow 08:00 to the next week's 20:00, Beijing time.
    window: [pickerDaysFromNow(1, 8), pickerDaysFromNow(7, 20)],
    groups: ['parent', 'student', 'teacher', 'principal'],
    allSchools: true,
    schoolIds: [],
    formula: 'share_recognised',
    scale: 'five_general',
    reading: 'strict',
    useWeights: false,
    weights: {},
    minAnswerSeconds: 30,
    duplicatePolicy: 'flag',
  };
}

export function formFromRound(r: Round, allSchoolIds: number[]): WizardForm {
  const chosen = new Set(r.school_ids);
  const weights: Partial<Record<Group, number>> = {};
  for (const w of r.scoring_rule.group_weights ?? []) weights[w.group] = w.weight;
  return {
    name: r.name,
    purpose: r.purpose,
    window: [toPicker(r.opens_at), toPicker(r.closes_at)],
    groups: [...r.groups],
    allSchools: allSchoolIds.length > 0 && allSchoolIds.every((id) => chosen.has(id)),
    schoolIds: [...r.school_ids],
    formula: r.scoring_rule.formula,
    scale: r.scoring_rule.scale ?? 'five_general',
    reading: r.scoring_rule.reading ?? 'strict',
    useWeights: (r.scoring_rule.group_weights ?? []).length > 0,
    weights,
    minAnswerSeconds: r.min_answer_seconds,
    duplicatePolicy: r.duplicate_policy,
  };
}

export function bodyFromForm(f: WizardForm): RoundIn {
  const [opens, closes] = f.window;
  return {
    name: f.name.trim(),
    purpose: f.purpose,
    opens_at: opens ? fromPicker(opens) : '',
    closes_at: closes ? fromPicker(closes) : '',
    groups: f.groups,
    school_ids: f.allSchools ? undefined : f.schoolIds,
    scoring_rule: {
      formula: f.formula,
      scale: f.scale,
      reading: f.reading,
      group_weights: f.useWeights ? f.groups.map((g) => ({ group: g, weight: f.weights[g] ?? 1 })) : [],
    },
    min_answer_seconds: f.minAnswerSeconds,
    duplicate_policy: f.duplicatePolicy,
  };
}

/** The reading a scale starts with: the four-option scale passed "基本满意以上". */
export function defaultReading(s: Scale): Reading {
  return s === 'four_basic' ? 'loose' : 'strict';
}

/** The wizard step that holds an API field named in a 422 answer. */
export function stepOfField(field: string | undefined): number | null {
  if (!field) return null;
  if (['name', 'purpose', 'opens_at', 'closes_at'].includes(field)) return 0;
  if (field === 'groups') return 1;
  if (field === 'school_ids') return 2;
  if (['scoring_rule', 'min_answer_seconds', 'duplicate_policy'].includes(field)) return 3;
  return null;
}
