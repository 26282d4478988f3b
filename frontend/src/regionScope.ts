// Where the account stands in the region tree (GET /regions: its node and
// beneath) and the county the county pages show. A single-county deployment
// has one county: no picker, no county_id sent, nothing of regions shown.
import { computed, reactive, watch } from 'vue';
import { api, call, type Region } from './api/client';
import { hasRole, session } from './session';

const STORAGE_KEY = 'renke.county';

export const regionScope = reactive({
  nodes: [] as Region[],
  loaded: false,
  /** The county (county id) the county pages show when there are several. */
  picked: null as number | null,
});

let loading: Promise<void> | null = null;

/** Loads the account's part of the tree once per login. */
export function loadRegions(): Promise<void> {
  if (regionScope.loaded) return Promise.resolve();
  loading ??= (async () => {
    try {
      regionScope.nodes = await call(api.GET('/regions'));
    } catch {
      regionScope.nodes = [];
    }
    const ids = counties.value.map((c) => c.county_id);
    const stored = Number(localStorage.getItem(STORAGE_KEY));
    regionScope.picked = ids.includes(stored) ? stored : (ids[0] ?? null);
    regionScope.loaded = true;
    loading = null;
  })();
  return loading;
}

// Another login, another part of the tree.
watch(
  () => session.account?.id,
  () => {
    regionScope.loaded = false;
    regionScope.nodes = [];
    regionScope.picked = null;
  },
);

/** The county-level nodes the account reads, with their county ids, by name. */
export const counties = computed(() =>
  regionScope.nodes
    .filter((n): n is Region & { county_id: number } => n.level === 'county' && n.county_id != null)
    .sort((a, b) => (a.code ?? '').localeCompare(b.code ?? '') || a.id - b.id),
);

/** The account reads several counties: the county pages need a picker. */
export const multiCounty = computed(() => counties.value.length > 1);

/** The account's own node. */
export const ownNode = computed(() => regionScope.nodes.find((n) => n.id === session.account?.region_id));

/** The account sits above a county (a prefecture or province): it reads counties, changes none of their data. */
export const aboveCounty = computed(() => ownNode.value !== undefined && ownNode.value.level !== 'county');

/** The `county_id` county pages send: only when the account reads several counties. */
export const countyParam = computed(() => (multiCounty.value && regionScope.picked != null ? regionScope.picked : undefined));

/** The picked county's name (empty for a single county). */
export const pickedName = computed(() => counties.value.find((c) => c.county_id === countyParam.value)?.name ?? '');

export function pickCounty(id: number): void {
  regionScope.picked = id;
  localStorage.setItem(STORAGE_KEY, String(id));
}

/** The account changes the county pages' data: an organiser at a county, or an admin. */
export const canEditCounty = computed(() => hasRole('organiser') && (hasRole('admin') || !aboveCounty.value));

/** The account may run assessments from above: an organiser above a county, or an admin of several counties. */
export const canRunAssessments = computed(
  () => hasRole('organiser') && (aboveCounty.value || (hasRole('admin') && multiCounty.value)),
);

/** The assessments page is shown once regions are in use above a county. */
export const showAssessments = computed(() => aboveCounty.value || (hasRole('admin') && multiCounty.value));

/** The account manages accounts: an admin, or an organiser above a county (for the accounts beneath it). */
export const canManageAccounts = computed(() => hasRole('admin') || (hasRole('organiser') && aboveCounty.value));
