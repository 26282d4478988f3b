// The console's pages. A round's own pages are listed in ROUND_SECTIONS.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import type { Role } from './api/client';
import { t, type Key } from './i18n';
import { hasRole, loadSession } from './session';
import { canManageAccounts, loadRegions } from './regionScope';

declare module 'vue-router' {
  interface RouteMeta {
    /** Breadcrumb and tab text. */
    title?: Key;
    /** Least role that may open the page (default: any logged-in account). */
    role?: Role;
    /** Only for accounts that manage accounts (admins, organisers above a county). */
    manageAccounts?: boolean;
    public?: boolean;
  }
}

/** Tabs of a round, in order. Each loads lazily (the charts' chunk only with monitor and report). */
export const ROUND_SECTIONS: RouteRecordRaw[] = [
  { path: '', name: 'round', component: () => import('./views/rounds/RoundOverview.vue'), meta: { title: 'nav.roundOverview' } },
  {
    path: 'questionnaires',
    name: 'round-questionnaires',
    component: () => import('./views/rounds/RoundQuestionnaires.vue'),
    meta: { title: 'nav.questionnaires' },
  },
  {
    path: 'distribution',
    name: 'round-distribution',
    component: () => import('./views/rounds/RoundDistribution.vue'),
    meta: { title: 'nav.distribution', role: 'organiser' },
  },
  {
    path: 'monitor',
    name: 'round-monitor',
    component: () => import('./views/rounds/RoundMonitor.vue'),
    meta: { title: 'nav.monitor', role: 'reviewer' },
  },
  {
    path: 'report',
    name: 'round-report',
    component: () => import('./views/rounds/RoundReport.vue'),
    meta: { title: 'nav.report', role: 'reviewer' },
  },
];

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('./layouts/ConsoleLayout.vue'),
    children: [
      { path: '', name: 'overview', component: () => import('./views/OverviewView.vue'), meta: { title: 'nav.overview' } },
      { path: 'my-rooms', name: 'my-rooms', component: () => import('./views/MyRoomsView.vue'), meta: { title: 'nav.myRooms' } },
      {
        path: 'paper/:id/review',
        name: 'paper-review',
        component: () => import('./views/paper/PaperReviewView.vue'),
        meta: { title: 'nav.paperReview', role: 'organiser' },
      },
      { path: 'paper/:id', name: 'paper-entry', component: () => import('./views/paper/PaperEntryView.vue'), meta: { title: 'nav.paperEntry' } },
      { path: 'county', name: 'county', component: () => import('./views/CountyView.vue'), meta: { title: 'nav.county' } },
      { path: 'schools', name: 'schools', component: () => import('./views/schools/SchoolsView.vue'), meta: { title: 'nav.schools' } },
      { path: 'readiness', name: 'readiness', component: () => import('./views/readiness/ReadinessView.vue'), meta: { title: 'nav.readiness' } },
      {
        path: 'rounds',
        meta: { title: 'nav.rounds' },
        children: [
          { path: '', name: 'rounds', component: () => import('./views/rounds/RoundsView.vue') },
          {
            path: 'new',
            name: 'round-new',
            component: () => import('./views/rounds/RoundWizard.vue'),
            meta: { title: 'nav.newRound', role: 'organiser' },
          },
          {
            path: ':id(\\d+)/edit',
            name: 'round-edit',
            component: () => import('./views/rounds/RoundWizard.vue'),
            meta: { title: 'nav.editRound', role: 'organiser' },
          },
          { path: ':id(\\d+)', component: () => import('./views/rounds/RoundLayout.vue'), children: ROUND_SECTIONS },
        ],
      },
      {
        path: 'assessments',
        meta: { title: 'nav.assessments' },
        children: [
          { path: '', name: 'assessments', component: () => import('./views/assessments/AssessmentsView.vue') },
          {
            path: ':id(\\d+)',
            name: 'assessment',
            component: () => import('./views/assessments/AssessmentView.vue'),
            meta: { title: 'nav.assessment' },
          },
        ],
      },
      {
        path: 'counties',
        name: 'counties',
        component: () => import('./views/counties/CountiesView.vue'),
        meta: { title: 'nav.counties', role: 'reviewer' },
      },
      {
        path: 'regions',
        name: 'regions',
        component: () => import('./views/RegionsView.vue'),
        meta: { title: 'nav.regions', role: 'admin' },
      },
      {
        path: 'accounts',
        name: 'accounts',
        component: () => import('./views/AccountsView.vue'),
        meta: { title: 'nav.accounts', role: 'organiser', manageAccounts: true },
      },
    ],
  },
  { path: '/:rest(.*)*', redirect: '/' },
];

export const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  const account = await loadSession();
  if (!account) return { name: 'login', query: to.fullPath === '/' ? {} : { next: to.fullPath } };
  // An interviewer's page is the offline app, served outside the console.
  if (account.role === 'interviewer') {
    window.location.assign('/interview/');
    return false;
  }
  // A school liaison has one page: its schools' computer-room sessions.
  if (account.role === 'liaison') return to.name === 'my-rooms' ? true : { name: 'my-rooms' };
  await loadRegions();
  const needed = [...to.matched].reverse().find((r) => r.meta.role)?.meta.role;
  if (needed && !hasRole(needed)) return { name: 'overview' };
  if (to.matched.some((r) => r.meta.manageAccounts) && !canManageAccounts.value) return { name: 'overview' };
  return true;
});

router.afterEach((to) => {
  const title = [...to.matched].reverse().find((r) => r.meta.title)?.meta.title;
  document.title = title ? `${t(title)} · ${t('app.name')}` : t('app.name');
});
